import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // Worker-process tests need PostgreSQL (PGlite lives inside one process): they run in `npm run test:pg`
    // and CI's PostgreSQL pass, not in the PGlite pass.
    // Browser tests run once, in the PGlite pass (the default `npm start` setup, where the database shares
    // the server's event loop): the UI only calls the API, whose behaviour on PostgreSQL the API tests
    // cover. BOSUN_E2E_ON_PG=1 runs them on PostgreSQL too (test/e2e/harness.ts supports both).
    exclude: [
      '**/node_modules/**',
      ...(process.env.DATABASE_URL ? [] : ['**/*.workers.test.ts']),
      ...(process.env.DATABASE_URL && process.env.BOSUN_E2E_ON_PG !== '1' ? ['test/e2e/**'] : []),
    ],
    globalSetup: ['src/server/testing/global-setup.ts'],
    pool: 'forks',
    maxWorkers: 2,
    // CLI and browser tests spawn processes; on a loaded 2-core CI machine one test can take minutes.
    testTimeout: 180_000,
    hookTimeout: 120_000,
    // expect.poll waits for a page or a background job to catch up: 1 s (the default) is too short under load.
    expect: { poll: { timeout: 30_000 } },
  },
})

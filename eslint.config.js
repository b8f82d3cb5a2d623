// ESLint flat config. Not type-aware on purpose: `tsc --noEmit` already type-checks, and this keeps
// `npm run check` fast. Run with `npx eslint .` (or `npm run check` for tsc + eslint).
import js from '@eslint/js'
import { defineConfig, globalIgnores } from 'eslint/config'
import reactHooks from 'eslint-plugin-react-hooks'
import globals from 'globals'
import tseslint from 'typescript-eslint'

/**
 * consistent-type-definitions, except inside `declare module '…'` / `declare global` blocks:
 * augmenting a library's interface (vitest's ProvidedContext, say) can only be done with `interface`.
 */
const baseRule = tseslint.plugin.rules['consistent-type-definitions']
const consistentTypeDefinitions = {
  ...baseRule,
  create(context) {
    const inAugmentation = (node) =>
      context.sourceCode.getAncestors(node).some((ancestor) => ancestor.type === 'TSModuleDeclaration' && ancestor.declare)
    const filtered = Object.create(context, {
      report: { value: (descriptor) => (inAugmentation(descriptor.node) ? undefined : context.report(descriptor)) },
    })
    return baseRule.create(filtered)
  },
}
const tsPlugin = { ...tseslint.plugin, rules: { ...tseslint.plugin.rules, 'consistent-type-definitions': consistentTypeDefinitions } }
const withTsPlugin = (config) =>
  config.plugins?.['@typescript-eslint'] ? { ...config, plugins: { ...config.plugins, '@typescript-eslint': tsPlugin } } : config

export default defineConfig([
  globalIgnores(['dist/', 'node_modules/', 'coverage/', 'migrations/', 'bench/.data/', 'test/e2e/__screenshots__/', '.bosun/', '.bosun-*/']),
  js.configs.recommended,
  ...tseslint.configs.recommended.map(withTsPlugin),
  {
    languageOptions: { ecmaVersion: 2023, sourceType: 'module', globals: { ...globals.node } },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-definitions': ['error', 'type'],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['src/web/**/*.{ts,tsx}'],
    ...reactHooks.configs.flat.recommended,
    languageOptions: { globals: { ...globals.browser } },
  },
])

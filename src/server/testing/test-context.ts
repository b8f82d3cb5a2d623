import { createApp } from '../app'
import { loadConfig } from '../platform/config'
import type { DbHandle } from '../platform/db'
import type { AppDeps } from '../platform/http'
import { startJobs } from '../platform/jobs'
import { createLogger } from '../platform/logging'
import type { Role } from '../../shared/roles'
import { createApiKey, createUser, createWorkspaceWithOwner, resetLoginThrottle } from '../modules/identity'
import { createTestDb } from './test-db'

export const TEST_PASSWORD = 'correct-horse-battery'

export type TestWorkspace = {
  id: string
  slug: string
  users: Record<Role, { id: string; email: string; cookie: string }>
}

export type ApiCall = (method: string, path: string, body?: unknown, headers?: Record<string, string>) => Promise<Response>

export type TestContext = {
  handle: DbHandle
  deps: AppDeps
  app: ReturnType<typeof createApp>
  /** Makes a workspace with one user of every role, each logged in. */
  createWorkspace: (slug: string) => Promise<TestWorkspace>
  /** Calls the API as a logged-in user (session cookie) of the workspace. */
  as: (workspace: TestWorkspace, role: Role) => ApiCall
  /** Calls the API with an API key (Authorization: Bearer). */
  withKey: (key: string) => ApiCall
  createKey: (workspace: TestWorkspace, scopes: ('ingest' | 'read' | 'write' | 'admin')[]) => Promise<string>
  close: () => Promise<void>
}

/** A real database, the real app (app.request runs the whole HTTP stack in-process). */
export async function createTestContext(): Promise<TestContext> {
  const handle = await createTestDb()
  const logger = createLogger('silent')
  const jobs = await startJobs({ handle, logger, runWorkers: false, definitions: [] })
  const config = { ...loadConfig({}), demoEnabled: false }
  const deps: AppDeps = { db: handle.db, dbHandle: handle, jobs, logger, config }
  const app = createApp(deps, { serveWeb: false })

  const call = (extraHeaders: Record<string, string>): ApiCall => async (method, path, body, headers = {}) => {
    const init: RequestInit = { method, headers: { ...extraHeaders, ...headers } }
    if (body !== undefined) {
      init.body = typeof body === 'string' ? body : JSON.stringify(body)
      init.headers = { 'content-type': 'application/json', ...extraHeaders, ...headers }
    }
    return app.request(path, init)
  }

  const login = async (email: string, slug: string): Promise<string> => {
    const response = await app.request('/api/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password: TEST_PASSWORD, workspace: slug }),
    })
    if (response.status !== 200) throw new Error(`test login failed: ${response.status} ${await response.text()}`)
    const cookie = response.headers.get('set-cookie')
    if (!cookie) throw new Error('login set no cookie')
    return cookie.split(';')[0]
  }

  const createWorkspace = async (slug: string): Promise<TestWorkspace> => {
    const system = { kind: 'system' as const, label: 'test' }
    const { workspace, owner } = await createWorkspaceWithOwner(handle.db, {
      slug,
      name: `Workspace ${slug}`,
      ownerEmail: `owner@${slug}.test`,
      ownerName: 'Olivia Owner',
      ownerPassword: TEST_PASSWORD,
    })
    const users = { owner: { id: owner.id, email: owner.email, cookie: await login(owner.email, slug) } } as TestWorkspace['users']
    const names: Record<Exclude<Role, 'owner'>, string> = { admin: 'Ada Admin', manager: 'Max Manager', csm: 'Cara CSM', viewer: 'Vic Viewer' }
    for (const role of ['admin', 'manager', 'csm', 'viewer'] as const) {
      const email = `${role}@${slug}.test`
      const { user } = await createUser(handle.db, { workspaceId: workspace.id, email, name: names[role], role, password: TEST_PASSWORD, actor: system })
      users[role] = { id: user.id, email, cookie: await login(email, slug) }
    }
    resetLoginThrottle()
    return { id: workspace.id, slug, users }
  }

  return {
    handle,
    deps,
    app,
    createWorkspace,
    as: (workspace, role) => call({ cookie: workspace.users[role].cookie }),
    withKey: (key) => call({ authorization: `Bearer ${key}` }),
    createKey: async (workspace, scopes) => {
      const created = await createApiKey(handle.db, { workspaceId: workspace.id, name: `test ${scopes.join('+')}`, scopes, actor: { kind: 'system', label: 'test' } })
      return created.key
    },
    close: async () => {
      await jobs.stop()
      await handle.close()
    },
  }
}

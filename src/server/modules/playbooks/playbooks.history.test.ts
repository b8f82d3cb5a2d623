import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { addDays } from '../../../shared/days'
import { queryRows } from '../../platform/db'
import { createTestContext, type TestContext, type TestWorkspace } from '../../testing/test-context'
import { makeAccount } from '../../testing/factories'
import { todayUtc } from '../conditions'
import { reconstructPlaybookHistory } from './playbooks.history'
import { playbookEffect } from './playbooks.service'

let ctx: TestContext
beforeAll(async () => {
  ctx = await createTestContext()
})
afterAll(async () => {
  await ctx?.close()
})

const riskPlay = {
  name: 'Health turned red',
  trigger: { type: 'health_band_changed', to: ['red'] },
  cooldownDays: 30,
  steps: [
    { id: 'call', type: 'task', title: 'Risk call: {{account.name}} at {{account.health_score}}', body: '{{trigger.summary}}', priority: 'high', dueDays: 2 },
    { id: 'big', type: 'branch', if: { field: 'arr', op: 'gte', value: 100_000 }, then: 'exec', else: 'end' },
    { id: 'exec', type: 'task', title: 'Exec review {{account.name}}', priority: 'urgent', dueDays: 5, owner: { type: 'role', role: 'manager' } },
  ],
}


/** Weekly snapshots ending a week ago, oldest first: one band per week. */
async function snapshots(workspace: TestWorkspace, accountId: string, bands: ('green' | 'yellow' | 'red')[]) {
  const today = todayUtc()
  for (const [index, band] of bands.entries()) {
    const day = addDays(today, -7 * (bands.length - index))
    const score = band === 'red' ? 30 : band === 'yellow' ? 55 : 80
    await ctx.handle.db.execute(sql`
      INSERT INTO health_snapshots (workspace_id, account_id, day, scorecard_key, scorecard_version, score, band, measures)
      VALUES (${workspace.id}, ${accountId}, ${day}::date, 'default', 1, ${score}, ${band}, '[]'::jsonb)`)
  }
}

describe('playbook history (the demo past)', () => {
  it('replays a health-band play over the snapshots: one run per matching change outside the cooldown, with the tasks the CSMs worked', async () => {
    const ws = await ctx.createWorkspace('pb-history')
    const admin = ctx.as(ws, 'admin')
    expect((await admin('PUT', '/api/v1/config/playbook/risk', { body: riskPlay })).status).toBe(200)
    expect((await admin('POST', '/api/v1/config/playbook/risk/publish')).status).toBe(200)
    const large = await makeAccount(ctx.handle.db, ws.id, { name: 'Large Co', arr: 200_000, ownerId: ws.users.csm.id })
    const small = await makeAccount(ctx.handle.db, ws.id, { name: 'Small Co', arr: 20_000, ownerId: ws.users.csm.id })
    const steady = await makeAccount(ctx.handle.db, ws.id, { name: 'Steady Co', arr: 50_000 })
    // Large: red 8 weeks ago, red again 6 weeks ago (inside the 30-day cooldown), red 2 weeks ago.
    await snapshots(ws, large.id, ['green', 'red', 'green', 'red', 'green', 'green', 'green', 'red', 'red'])
    await snapshots(ws, small.id, ['green', 'yellow', 'yellow', 'yellow', 'red', 'red', 'yellow', 'yellow', 'yellow'])
    await snapshots(ws, steady.id, ['green', 'green', 'green', 'green', 'green', 'green', 'green', 'green', 'green'])

    expect(await reconstructPlaybookHistory(ctx.handle.db, { workspaceId: ws.id })).toEqual({ runs: 3, tasks: 5 })
    const today = todayUtc()
    const runs = await queryRows<{ account_id: string; day: string; status: string; occurrence: string }>(
      ctx.handle.db,
      sql`SELECT account_id, triggered_at::date::text AS day, status, occurrence FROM playbook_runs WHERE workspace_id = ${ws.id} ORDER BY triggered_at`,
    )
    expect(runs).toEqual([
      { account_id: large.id, day: addDays(today, -56), status: 'completed', occurrence: `history:${addDays(today, -56)}` },
      { account_id: small.id, day: addDays(today, -35), status: 'completed', occurrence: `history:${addDays(today, -35)}` },
      { account_id: large.id, day: addDays(today, -14), status: 'completed', occurrence: `history:${addDays(today, -14)}` },
    ])

    type Task = { account_id: string; title: string; status: string; outcome: string | null; dismiss_reason: string | null; created_at: Date | string; closed_at: Date | string | null; owner_id: string | null; due_on: string }
    const tasks = await queryRows<Task>(
      ctx.handle.db,
      sql`SELECT account_id, title, status, outcome, dismiss_reason, created_at, closed_at, owner_id, due_on::text AS due_on FROM tasks WHERE workspace_id = ${ws.id} ORDER BY created_at, title`,
    )
    expect(tasks.map((task) => task.title)).toEqual(['Risk call: Large Co at 30', 'Exec review Large Co', 'Risk call: Small Co at 30', 'Risk call: Large Co at 30', 'Exec review Large Co'])
    expect(tasks.filter((task) => task.title.startsWith('Exec')).every((task) => task.owner_id === ws.users.manager.id)).toBe(true)
    expect(tasks.filter((task) => task.title.startsWith('Risk')).every((task) => task.owner_id === ws.users.csm.id)).toBe(true)
    expect(tasks[0]?.due_on).toBe(addDays(today, -54))
    for (const task of tasks) {
      // Closed work has what closing asks for, and closed after it was made and before now.
      if (task.status === 'done') expect(task.outcome).not.toBeNull()
      if (task.status === 'dismissed') expect(task.dismiss_reason).not.toBeNull()
      if (task.status === 'open' || task.status === 'in_progress') expect([task.closed_at, task.outcome]).toEqual([null, null])
      if (task.closed_at) {
        expect(new Date(task.closed_at).getTime()).toBeGreaterThan(new Date(task.created_at).getTime())
        expect(new Date(task.closed_at).getTime()).toBeLessThan(Date.now())
      }
    }

    const effect = await playbookEffect(ctx.handle.db, { workspaceId: ws.id, key: 'risk' })
    expect(effect.triggered).toMatchObject({ runs: 3, accounts: 2 })
    expect(effect.steps.byType).toMatchObject({ task: 5, branch: 3 })
    expect(effect.tasks.created).toBe(5)
    // The runs 8 and 5 weeks ago have a snapshot 30 days later: the health change is measured.
    expect(effect.healthEffect?.runsMeasured).toBe(2)

    // Once: a second reconstruction adds nothing.
    expect(await reconstructPlaybookHistory(ctx.handle.db, { workspaceId: ws.id })).toEqual({ runs: 0, tasks: 0 })
  })
})

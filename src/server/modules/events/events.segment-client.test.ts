import type { AddressInfo } from 'node:net'
import { serve, type ServerType } from '@hono/node-server'
import { Analytics } from '@segment/analytics-node'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { makeAccount } from '../../testing/factories'
import { createTestContext, type TestContext, type TestWorkspace } from '../../testing/test-context'
import { drainInbox } from './events.service'

let ctx: TestContext
let acme: TestWorkspace
let server: ServerType
let host: string

beforeAll(async () => {
  ctx = await createTestContext()
  acme = await ctx.createWorkspace('acme')
  server = await new Promise<ServerType>((resolve) => {
    const instance = serve({ fetch: ctx.app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(instance))
  })
  host = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterAll(async () => {
  await new Promise<void>((resolve) => server?.close(() => resolve()))
  await ctx?.close()
})

describe('the official Segment Node client, unmodified', () => {
  it('delivers identify, group, track, page and screen calls that all arrive once', async () => {
    const account = await makeAccount(ctx.handle.db, acme.id, { externalId: 'segment-client-co' })
    const writeKey = await ctx.createKey(acme, ['ingest'])
    const analytics = new Analytics({ writeKey, host, flushAt: 20, flushInterval: 200, maxRetries: 1 })
    const failures: unknown[] = []
    analytics.on('error', (error) => failures.push(error))

    analytics.identify({ userId: 'sc-1', traits: { email: 'sc1@segment-client-co.test', name: 'Sam Client' } })
    analytics.group({ userId: 'sc-1', groupId: 'segment-client-co', traits: { name: 'Segment Client Co' } })
    for (let index = 0; index < 45; index++) {
      analytics.track({ userId: `sc-${(index % 3) + 1}`, event: index % 2 ? 'Report Built' : 'Dashboard Viewed', properties: { index }, context: { groupId: 'segment-client-co' } })
    }
    analytics.page({ userId: 'sc-1', name: 'Billing', context: { groupId: 'segment-client-co' } })
    analytics.screen({ userId: 'sc-2', name: 'Home', context: { groupId: 'segment-client-co' } })
    await analytics.closeAndFlush({ timeout: 10_000 })
    expect(failures).toEqual([])

    await drainInbox(ctx.handle.db)
    const page = (await (await ctx.as(acme, 'csm')('GET', `/api/v1/accounts/${account.id}/events?limit=200`)).json()) as {
      total: number
      items: { type: string; event: string | null; messageId: string }[]
    }
    // 1 identify + 1 group + 45 track + 1 page + 1 screen, each stored once.
    expect(page.total).toBe(49)
    expect(new Set(page.items.map((item) => item.messageId)).size).toBe(49)
    expect(page.items.filter((item) => item.type === 'track')).toHaveLength(45)
    expect(page.items.find((item) => item.type === 'page')?.event).toBe('Billing')

    const usage = (await (await ctx.as(acme, 'csm')('GET', `/api/v1/accounts/${account.id}/usage`)).json()) as { dau: number; events30d: number }
    expect(usage).toMatchObject({ dau: 3, events30d: 47 })
  })
})

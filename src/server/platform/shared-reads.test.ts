import { describe, expect, it } from 'vitest'
import { noteWrite, sharedRead, sharedReadsInFlight } from './shared-reads'

/** A read that settles when the test says so (oldest run first), counting how often it ran. */
function controlledRead() {
  const pending: ((value: string) => void)[] = []
  const read = () => new Promise<string>((resolve) => pending.push(resolve))
  return { read, finish: (value: string) => pending.shift()?.(value), waiting: () => pending.length }
}

describe('shared reads', () => {
  it('runs identical reads in flight at once as one query, and the next read after it settles as a new one', async () => {
    const list = controlledRead()
    const first = sharedRead('list|ws-a|plan=Growth', list.read)
    const second = sharedRead('list|ws-a|plan=Growth', list.read)
    expect(list.waiting()).toBe(1)
    const other = controlledRead()
    const otherWorkspace = sharedRead('list|ws-b|plan=Growth', other.read)
    expect(other.waiting()).toBe(1)
    list.finish('page for a')
    other.finish('page for b')
    expect(await Promise.all([first, second, otherWorkspace])).toEqual(['page for a', 'page for a', 'page for b'])
    expect(sharedReadsInFlight()).toBe(0)

    const later = sharedRead('list|ws-a|plan=Growth', list.read)
    expect(list.waiting()).toBe(1)
    list.finish('page for a, again')
    expect(await later).toBe('page for a, again')
  })

  it('never lets a read that starts after a write join a read that started before it', async () => {
    const before = controlledRead()
    const stale = sharedRead('list|ws-c', before.read)
    noteWrite()
    const after = controlledRead()
    const fresh = sharedRead('list|ws-c', after.read)
    expect(before.waiting()).toBe(1)
    expect(after.waiting()).toBe(1)
    after.finish('after the write')
    before.finish('before the write')
    expect(await fresh).toBe('after the write')
    expect(await stale).toBe('before the write')

    const again = controlledRead()
    const next = sharedRead('list|ws-c', again.read)
    expect(again.waiting()).toBe(1)
    again.finish('new query')
    expect(await next).toBe('new query')
  })

  it('gives every caller of a failed read the failure, and runs the next read anew', async () => {
    let runs = 0
    const failing = () => {
      runs++
      return Promise.reject(new Error('connection lost'))
    }
    const results = await Promise.allSettled([sharedRead('list|ws-d', failing), sharedRead('list|ws-d', failing)])
    expect(results.map((result) => result.status)).toEqual(['rejected', 'rejected'])
    expect(runs).toBe(1)
    await expect(sharedRead('list|ws-d', () => Promise.resolve('recovered'))).resolves.toBe('recovered')
  })
})

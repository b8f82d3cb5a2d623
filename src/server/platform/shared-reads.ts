/**
 * Identical reads in flight at the same time share one database query (request coalescing).
 *
 * Why: the heavy read endpoints (the accounts list, Account 360) are often asked the same thing by many
 * clients at once (a team opening the same view, a dashboard refreshing). Each caller still waits for
 * a query that started no earlier than its own request minus the query's run time (a few ms), so nothing
 * is cached: once a query settles, the next request runs a new one.
 *
 * Read-your-writes: every write request answered by this process moves the write epoch, and only reads
 * of the current epoch are shared. A client that gets its write's response and then reads never joins a
 * query that began before its write committed.
 */
let writeEpoch = 0
const inFlight = new Map<string, Promise<unknown>>()

/** Called when a write request has been handled (after its transaction committed, before it is answered). */
export function noteWrite(): void {
  writeEpoch++
}

/** Runs `read`, or joins the identical read (same key) already running in this epoch. */
export function sharedRead<Result>(key: string, read: () => Promise<Result>): Promise<Result> {
  const epochKey = `${writeEpoch}\u0000${key}`
  const running = inFlight.get(epochKey)
  if (running) return running as Promise<Result>
  const started = read().finally(() => inFlight.delete(epochKey))
  inFlight.set(epochKey, started)
  return started
}

/** Reads being shared right now (for tests and diagnostics). */
export function sharedReadsInFlight(): number {
  return inFlight.size
}

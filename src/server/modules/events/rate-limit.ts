/**
 * Per-key request budget for the ingestion API: a fixed one-second window in this process's memory.
 * With N web processes a key gets up to N× its limit; acceptable for protecting the database from a
 * runaway client, documented in ARCHITECTURE.md.
 */
export type RateVerdict = { allowed: boolean; limit: number; remaining: number; resetSeconds: number }

export function createRateLimiter(defaultPerSecond: number) {
  const windows = new Map<string, { second: number; used: number }>()
  return {
    take(keyId: string, perSecond: number | null): RateVerdict {
      const limit = perSecond ?? defaultPerSecond
      const now = Date.now()
      const second = Math.floor(now / 1000)
      let window = windows.get(keyId)
      if (!window || window.second !== second) {
        window = { second, used: 0 }
        windows.set(keyId, window)
        if (windows.size > 10_000) for (const [id, old] of windows) if (old.second < second) windows.delete(id)
      }
      const allowed = window.used < limit
      if (allowed) window.used += 1
      return { allowed, limit, remaining: Math.max(0, limit - window.used), resetSeconds: 1 }
    },
  }
}

/**
 * A CSM's book and what it weighs: pure functions shared by the load view, the assignment rules and
 * bulk reassignment. Capacity is fractional across tiers: 5 enterprise accounts (15 per CSM) and
 * 20 mid-market (40 per CSM) make 5/15 + 20/40 = 0.83 of a CSM by accounts; the same for ARR.
 */
import type { AssignmentStrategy } from './assignment.config'
import type { EngagementModel } from './engagement-models.config'

export type TierLoad = { accounts: number; arr: number }
/** Active accounts and ARR per tier key ('' for accounts not classified yet). */
export type Book = Map<string, TierLoad>
export type Utilization = { accounts: number | null; arr: number | null }

export function emptyBook(): Book {
  return new Map()
}

export function addToBook(book: Book, tier: string, arr: number, sign: 1 | -1): void {
  const load = book.get(tier) ?? { accounts: 0, arr: 0 }
  load.accounts += sign
  load.arr += sign * arr
  if (load.accounts <= 0) book.delete(tier)
  else book.set(tier, load)
}

export function bookTotals(book: Book): TierLoad {
  let accounts = 0
  let arr = 0
  for (const load of book.values()) {
    accounts += load.accounts
    arr += load.arr
  }
  return { accounts, arr }
}

/** Share of one CSM the book takes, by accounts and by ARR; null when none of its tiers has that capacity. */
export function utilization(book: Book, models: ReadonlyMap<string, EngagementModel>): Utilization {
  let accounts: number | null = null
  let arr: number | null = null
  for (const [tier, load] of book) {
    const capacity = models.get(tier)?.capacity
    if (capacity?.accountsPerCsm) accounts = (accounts ?? 0) + load.accounts / capacity.accountsPerCsm
    if (capacity?.arrPerCsm) arr = (arr ?? 0) + load.arr / capacity.arrPerCsm
  }
  return { accounts, arr }
}

export const overCapacity = (value: Utilization) => (value.accounts ?? 0) > 1 || (value.arr ?? 0) > 1

/**
 * The tier a user mostly works: the largest share of capacity (accounts or ARR, whichever is
 * higher), else the most accounts. Teams of tiers (`teamOf`) are made of these.
 */
export function homeTier(book: Book, models: ReadonlyMap<string, EngagementModel>, tierOrder: readonly string[]): string | null {
  let best: { tier: string; share: number; accounts: number } | null = null
  const rank = (tier: string) => {
    const index = tierOrder.indexOf(tier)
    return index < 0 ? tierOrder.length : index
  }
  for (const [tier, load] of book) {
    if (!tier) continue
    const capacity = models.get(tier)?.capacity
    const share = Math.max(capacity?.accountsPerCsm ? load.accounts / capacity.accountsPerCsm : 0, capacity?.arrPerCsm ? load.arr / capacity.arrPerCsm : 0)
    const better = !best || share > best.share || (share === best.share && (load.accounts > best.accounts || (load.accounts === best.accounts && rank(tier) < rank(best.tier))))
    if (better) best = { tier, share, accounts: load.accounts }
  }
  return best?.tier ?? null
}

export type Candidate = { id: string; name: string; book: Book }

/** Candidates in a stable order (name, then id), which is also the round robin's order. */
export function sortCandidates<T extends { id: string; name: string }>(candidates: readonly T[]): T[] {
  return [...candidates].sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id))
}

/**
 * Who gets the next account. Round robin: the one after `lastUserId`. Least loaded: the lowest
 * utilization by the strategy's measure (raw accounts or ARR break ties, so it still balances when
 * no capacity is set), skipping anyone at or over capacity unless everyone is.
 */
export function pickOwner(params: {
  strategy: Exclude<AssignmentStrategy, 'territory'>
  candidates: readonly Candidate[]
  models: ReadonlyMap<string, EngagementModel>
  lastUserId?: string | null
}): Candidate | null {
  const candidates = sortCandidates(params.candidates)
  if (candidates.length === 0) return null
  if (params.strategy === 'round-robin') {
    const last = candidates.findIndex((candidate) => candidate.id === params.lastUserId)
    return candidates[(last + 1) % candidates.length]!
  }
  const byArr = params.strategy === 'least-loaded-arr'
  const measured = candidates.map((candidate) => {
    const used = utilization(candidate.book, params.models)
    const totals = bookTotals(candidate.book)
    const share = (byArr ? used.arr : used.accounts) ?? 0
    return { candidate, share, raw: byArr ? totals.arr : totals.accounts }
  })
  const room = measured.filter((entry) => entry.share < 1)
  const field = room.length > 0 ? room : measured
  field.sort((a, b) => a.share - b.share || a.raw - b.raw)
  return field[0]!.candidate
}

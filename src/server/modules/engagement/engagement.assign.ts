/**
 * Assignment: the rules of the `assignment` document applied to accounts that were just classified.
 *
 * When (decided here, documented in ARCHITECTURE.md): an account's first classification (`tier.changed`
 * from null, i.e. a new account) gets an owner only when it has none; an account that changes tier gets
 * one when it has none, or when its owner is not one of the new rule's people and the rule says
 * `onTierChange: reassign`. An owner who is disabled counts as none. Accounts no rule matches keep
 * their owner. So a hand-picked owner is never replaced without a reason.
 */
import { evaluateCondition } from '../../../shared/conditions'
import type { Db } from '../../platform/db'
import { updateAccount } from '../accounts'
import { recordAudit, type AuditActor } from '../audit'
import { loadAccountFacts, todayUtc } from '../conditions'
import { consumeDomainEvents, workspacesWithUnreadEvents, type DomainEvent } from '../domain-events'
import { loadAssignmentRules, type AssignmentRule } from './assignment.config'
import { loadEngagementModels, publishedTierKeys, type EngagementModel } from './engagement-models.config'
import { addToBook, emptyBook, homeTier, pickOwner, type Book, type Candidate } from './engagement.load'
import * as repo from './engagement.repo'

export const ASSIGN_CONSUMER = 'engagement.assign'
const systemActor: AuditActor = { kind: 'system', label: 'Assignment rules' }

/** Users, their books and the models: everything a strategy weighs. Books are mutated as accounts move. */
export type TeamContext = {
  users: repo.UserRow[]
  usersById: Map<string, repo.UserRow>
  models: Map<string, EngagementModel>
  tiers: { key: string; name: string; color: string | null }[]
  book: (ownerId: string | null) => Book
  move: (account: { tier: string | null; arr: number }, from: string | null, to: string | null) => void
}

export async function loadTeamContext(db: Db, workspaceId: string): Promise<TeamContext> {
  const [users, models, tiers, rows] = await Promise.all([repo.workspaceUsers(db, workspaceId), loadEngagementModels(db, workspaceId), publishedTierKeys(db, workspaceId), repo.booksByOwner(db, workspaceId)])
  const books = new Map<string, Book>()
  const book = (ownerId: string | null) => {
    const key = ownerId ?? ''
    let found = books.get(key)
    if (!found) {
      found = emptyBook()
      books.set(key, found)
    }
    return found
  }
  for (const row of rows) book(row.owner_id).set(row.tier, { accounts: row.accounts, arr: row.arr })
  return {
    users,
    usersById: new Map(users.map((user) => [user.id, user])),
    models,
    tiers,
    book,
    move: (account, from, to) => {
      addToBook(book(from), account.tier ?? '', account.arr, -1)
      addToBook(book(to), account.tier ?? '', account.arr, 1)
    },
  }
}

const mayOwn = (user: repo.UserRow) => user.status === 'active' && user.role !== 'viewer'

/** The people a rule shares accounts across: its pool, its territory owner, or the team of its tiers. */
export function ruleCandidates(rule: AssignmentRule, context: TeamContext): Candidate[] {
  const candidate = (user: repo.UserRow): Candidate => ({ id: user.id, name: user.name, book: context.book(user.id) })
  if (rule.strategy === 'territory') {
    const owner = context.users.find((user) => user.email === rule.owner && user.status === 'active')
    return owner ? [candidate(owner)] : []
  }
  if (rule.pool) {
    const emails = new Set(rule.pool)
    return context.users.filter((user) => emails.has(user.email) && user.status === 'active').map(candidate)
  }
  const teamTiers = new Set(rule.teamOf ?? rule.tiers ?? [])
  const order = context.tiers.map((tier) => tier.key)
  return context.users.filter((user) => mayOwn(user) && teamTiers.has(homeTier(context.book(user.id), context.models, order) ?? '')).map(candidate)
}

export type AccountTrigger = 'created' | 'tier-changed'
export type Assignment = { accountId: string; accountName: string; fromOwnerId: string | null; toOwnerId: string; rule: string; strategy: string; trigger: AccountTrigger }

/** Applies the rules to these accounts (inside the caller's transaction); returns what it changed. */
export async function assignAccounts(tx: Db, params: { workspaceId: string; accounts: { id: string; trigger: AccountTrigger }[]; actor?: AuditActor }): Promise<Assignment[]> {
  const rules = await loadAssignmentRules(tx, params.workspaceId)
  if (rules.length === 0 || params.accounts.length === 0) return []
  const rows = new Map((await repo.accountsByIds(tx, params.workspaceId, params.accounts.map((account) => account.id))).map((row) => [row.id, row]))
  const facts = rules.some((rule) => rule.when) ? await loadAccountFacts(tx, { workspaceId: params.workspaceId, today: todayUtc(), accountIds: [...rows.keys()] }) : new Map()
  const context = await loadTeamContext(tx, params.workspaceId)
  const turns = await repo.roundRobinState(tx, params.workspaceId)
  const today = todayUtc()
  const done: Assignment[] = []

  for (const { id, trigger } of params.accounts) {
    const account = rows.get(id)
    if (!account || account.status !== 'active' || !account.tier) continue
    const tier = account.tier
    const accountFacts = facts.get(id)
    const rule = rules.find((candidate) => (!candidate.tiers || candidate.tiers.includes(tier)) && (!candidate.when || (accountFacts && evaluateCondition(candidate.when, accountFacts, today))))
    if (!rule) continue
    const candidates = ruleCandidates(rule, context)
    if (candidates.length === 0) continue
    const owner = account.owner_id ? context.usersById.get(account.owner_id) : undefined
    const hasOwner = owner !== undefined && owner.status === 'active'
    const ownerInRule = hasOwner && candidates.some((candidate) => candidate.id === owner.id)
    const needsOwner = !hasOwner || (trigger === 'tier-changed' && !ownerInRule && rule.onTierChange === 'reassign')
    if (!needsOwner) continue

    const ruleKey = rule.name.toLowerCase()
    const chosen = rule.strategy === 'territory' ? candidates[0]! : pickOwner({ strategy: rule.strategy, candidates, models: context.models, lastUserId: turns.get(ruleKey) ?? null })
    if (!chosen || chosen.id === account.owner_id) continue
    if (rule.strategy === 'round-robin') {
      turns.set(ruleKey, chosen.id)
      await repo.saveRoundRobin(tx, params.workspaceId, ruleKey, chosen.id)
    }
    await updateAccount(tx, { workspaceId: params.workspaceId, accountId: id, input: { ownerId: chosen.id } })
    context.move({ tier, arr: account.arr }, account.owner_id, chosen.id)
    await recordAudit(tx, {
      workspaceId: params.workspaceId,
      actor: params.actor ?? systemActor,
      action: 'account.owner_assigned',
      entityType: 'account',
      entityId: id,
      before: { ownerId: account.owner_id },
      after: { ownerId: chosen.id, rule: rule.name, strategy: rule.strategy, trigger, tier },
    })
    done.push({ accountId: id, accountName: account.name, fromOwnerId: account.owner_id, toOwnerId: chosen.id, rule: rule.name, strategy: rule.strategy, trigger })
  }
  return done
}

/** tier.changed events → accounts to look at, in order; a move from an earlier tier wins over "created". */
function triggersOf(events: DomainEvent[]): { id: string; trigger: AccountTrigger }[] {
  const triggers = new Map<string, AccountTrigger>()
  for (const event of events) {
    if (!event.accountId || event.payload.to == null) continue
    const trigger: AccountTrigger = event.payload.from == null ? 'created' : 'tier-changed'
    if (triggers.get(event.accountId) !== 'tier-changed') triggers.set(event.accountId, trigger)
  }
  return [...triggers].map(([id, trigger]) => ({ id, trigger }))
}

/**
 * Reads the workspace's unread domain events and assigns owners for `tier.changed` ones, each batch in
 * one transaction with the cursor move (exactly once). Returns the assignments made.
 */
export async function runAssignmentConsumer(db: Db, params: { workspaceId: string; batch?: number; deadline?: number }): Promise<Assignment[]> {
  const made: Assignment[] = []
  for (;;) {
    const read = await consumeDomainEvents(db, { workspaceId: params.workspaceId, consumer: ASSIGN_CONSUMER, types: ['tier.changed'], limit: params.batch ?? 500 }, async (tx, events) => {
      made.push(...(await assignAccounts(tx, { workspaceId: params.workspaceId, accounts: triggersOf(events) })))
    })
    if (read === 0 || (params.deadline && Date.now() > params.deadline)) return made
  }
}

export async function workspacesToAssign(db: Db): Promise<string[]> {
  return workspacesWithUnreadEvents(db, { consumer: ASSIGN_CONSUMER })
}

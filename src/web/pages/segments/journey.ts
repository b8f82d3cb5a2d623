/** An account's classification history as a journey: a tier or stage change is one step "from → to", not an exit and an entry. */
import type { ClassificationChange, MembershipFamily, MembershipSource } from '../../api/segments'

export type JourneyGroup = { key: string; name: string }

export type JourneyStep = {
  at: string
  family: MembershipFamily
  /** moved: left `from` for `to` at once (tiers, stages); entered / exited: one group (segments, first classification). */
  kind: 'moved' | 'entered' | 'exited'
  from: JourneyGroup | null
  to: JourneyGroup | null
  source: MembershipSource
  reason: string | null
  actorName: string | null
}

/** Steps newest first (the order of the history), pairing the exit and entry a tier or stage change writes at the same instant. */
export function journeySteps(history: ClassificationChange[]): JourneyStep[] {
  const steps: JourneyStep[] = []
  const open = new Map<string, JourneyStep>()
  for (const change of history) {
    const group = { key: change.key, name: change.name }
    const pairKey = `${change.family}|${change.at}`
    const partner = change.family === 'segment' ? undefined : open.get(pairKey)
    if (partner && partner.kind !== 'moved' && partner.kind !== change.change) {
      partner.kind = 'moved'
      if (change.change === 'entered') partner.to = group
      else partner.from = group
      // Who moved it and why may sit on either row: keep whichever has it.
      if (change.source === 'manual') partner.source = 'manual'
      partner.reason = partner.reason ?? change.reason
      partner.actorName = partner.actorName ?? change.actorName
      open.delete(pairKey)
      continue
    }
    const step: JourneyStep = {
      at: change.at,
      family: change.family,
      kind: change.change,
      from: change.change === 'exited' ? group : null,
      to: change.change === 'entered' ? group : null,
      source: change.source,
      reason: change.reason,
      actorName: change.actorName,
    }
    steps.push(step)
    if (change.family !== 'segment') open.set(pairKey, step)
  }
  return steps
}

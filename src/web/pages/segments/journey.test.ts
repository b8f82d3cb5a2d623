import { describe, expect, it } from 'vitest'
import type { ClassificationChange } from '../../api/segments'
import { journeySteps } from './journey'

const change = (at: string, family: ClassificationChange['family'], key: string, kind: 'entered' | 'exited', extra: Partial<ClassificationChange> = {}): ClassificationChange => ({
  at,
  family,
  key,
  name: key.toUpperCase(),
  change: kind,
  source: 'rule',
  reason: null,
  actorName: null,
  ...extra,
})

describe('journeySteps', () => {
  it('pairs the exit and entry of a stage or tier change into one move, keeping who and why', () => {
    const steps = journeySteps([
      change('2025-03-05T10:00:00.000Z', 'stage', 'adoption', 'entered', { source: 'manual', reason: 'Kickoff done', actorName: 'Cara CSM' }),
      change('2025-03-05T10:00:00.000Z', 'stage', 'onboarding', 'exited', { source: 'manual' }),
      change('2025-03-05T10:00:00.000Z', 'segment', 'low-adoption', 'exited'),
      change('2025-03-01T08:00:00.000Z', 'tier', 'smb', 'entered'),
      change('2025-03-01T08:00:00.000Z', 'stage', 'onboarding', 'entered'),
    ])
    expect(steps.map((step) => [step.family, step.kind, step.from?.key ?? null, step.to?.key ?? null, step.source, step.reason, step.actorName])).toEqual([
      ['stage', 'moved', 'onboarding', 'adoption', 'manual', 'Kickoff done', 'Cara CSM'],
      ['segment', 'exited', 'low-adoption', null, 'rule', null, null],
      ['tier', 'entered', null, 'smb', 'rule', null, null],
      ['stage', 'entered', null, 'onboarding', 'rule', null, null],
    ])
  })

  it('never pairs segments, nor two entries at the same instant', () => {
    const steps = journeySteps([
      change('2025-03-05T10:00:00.000Z', 'segment', 'a', 'entered'),
      change('2025-03-05T10:00:00.000Z', 'segment', 'b', 'exited'),
      change('2025-03-05T10:00:00.000Z', 'tier', 'x', 'entered'),
      change('2025-03-05T10:00:00.000Z', 'tier', 'y', 'entered'),
    ])
    expect(steps.map((step) => step.kind)).toEqual(['entered', 'exited', 'entered', 'entered'])
  })
})

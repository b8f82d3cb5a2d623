/**
 * What happens to the work a playbook has under way (runs with steps still to take, open tasks it made)
 * when it is published, paused, rolled back, archived or applied from YAML: asked, never defaulted.
 */
import { Radio, Stack } from '@mantine/core'
import type { OpenWork, OpenWorkAnswer, SettledWork } from '../../api/config'
import { pluralize } from '../../lib/format'

export const hasOpenWork = (work: OpenWork | null | undefined): work is OpenWork => Boolean(work && work.runs + work.tasks > 0)

/** Every question that applies has an answer (with `askAll`, both are asked whatever the counts). */
export function openWorkAnswered(work: OpenWork, answer: OpenWorkAnswer, askAll = false): boolean {
  return (!(askAll || work.runs > 0) || Boolean(answer.openRuns)) && (!(askAll || work.tasks > 0) || Boolean(answer.openTasks))
}

export function settledText(settled: SettledWork | null | undefined): string {
  if (!settled) return ''
  const parts = [settled.runsCancelled > 0 ? `${pluralize(settled.runsCancelled, 'run')} cancelled` : null, settled.tasksDismissed > 0 ? `${pluralize(settled.tasksDismissed, 'task')} dismissed` : null].filter(Boolean)
  return parts.length > 0 ? ` ${parts.join(', ')}.` : ''
}

/** The questions that apply (a radio group each), unanswered until the person picks. */
export function OpenWorkQuestions({
  work,
  answer,
  onChange,
  runsVerb,
  askAll = false,
}: {
  work: OpenWork
  answer: OpenWorkAnswer
  onChange: (answer: OpenWorkAnswer) => void
  /** The "continue" option, e.g. "Let them finish on version 3". */
  runsVerb: string
  askAll?: boolean
}) {
  return (
    <Stack gap="md" data-testid="open-work-questions">
      {askAll || work.runs > 0 ? (
        <Radio.Group
          label={`Runs under way (${pluralize(work.runs, 'run')})`}
          description="Runs that started and have steps still to take, e.g. waiting on a wait step."
          value={answer.openRuns ?? null}
          onChange={(value) => onChange({ ...answer, openRuns: value as OpenWorkAnswer['openRuns'] })}
          withAsterisk
          data-testid="open-runs-choice"
        >
          <Stack gap={6} mt={6}>
            <Radio value="continue" label={runsVerb} data-testid="open-runs-continue" />
            <Radio value="cancel" label="Cancel them" data-testid="open-runs-cancel" />
          </Stack>
        </Radio.Group>
      ) : null}
      {askAll || work.tasks > 0 ? (
        <Radio.Group
          label={`Open tasks this playbook made (${pluralize(work.tasks, 'task')})`}
          value={answer.openTasks ?? null}
          onChange={(value) => onChange({ ...answer, openTasks: value as OpenWorkAnswer['openTasks'] })}
          withAsterisk
          data-testid="open-tasks-choice"
        >
          <Stack gap={6} mt={6}>
            <Radio value="keep" label="Keep them" data-testid="open-tasks-keep" />
            <Radio value="dismiss" label="Dismiss them (the reason names this change)" data-testid="open-tasks-dismiss" />
          </Stack>
        </Radio.Group>
      ) : null}
    </Stack>
  )
}

/** Move an account to a lifecycle stage by hand, with a reason kept in its history. */
import { useState, type FormEvent } from 'react'
import { Alert, Button, Group, Modal, Select, Stack, Text, Textarea } from '@mantine/core'
import { notifications } from '@mantine/notifications'
import { ApiError, errorMessage } from '../../api/client'
import { useClassificationGroups, useMoveStage, type AccountStage } from '../../api/segments'
import { reasonProblem } from '../segments/families'

type Props = { opened: boolean; onClose: () => void; accountId: string; accountName: string; current: AccountStage | null }

export function MoveStageModal({ opened, onClose, accountId, accountName, current }: Props) {
  return (
    <Modal opened={opened} onClose={onClose} title={<Text fw={700}>Move {accountName} to another stage</Text>} centered data-testid="move-stage-modal">
      {/* Mounted only while open, so every opening starts from a clean form. */}
      {opened ? <MoveStageForm onClose={onClose} accountId={accountId} current={current} /> : null}
    </Modal>
  )
}

function MoveStageForm({ onClose, accountId, current }: Omit<Props, 'opened' | 'accountName'>) {
  const stages = useClassificationGroups('stage')
  const move = useMoveStage(accountId)
  const [stage, setStage] = useState<string | null>(null)
  const [reason, setReason] = useState('')
  const [touched, setTouched] = useState(false)

  const serverError = move.error instanceof ApiError ? move.error : null
  const reasonError = (touched ? reasonProblem(reason) : null) ?? serverError?.fieldError('reason')
  const stageError = (touched && !stage ? 'Pick a stage' : null) ?? serverError?.fieldError('stage')
  const otherError = move.error && !serverError?.fieldError('reason') && !serverError?.fieldError('stage') ? errorMessage(move.error) : null
  const options = (stages.data?.groups ?? []).map((group) => ({
    value: group.key,
    label: group.key === current?.key ? `${group.name} (current)` : group.name,
    disabled: group.key === current?.key,
  }))

  const submit = (event: FormEvent) => {
    event.preventDefault()
    setTouched(true)
    if (!stage || reasonProblem(reason)) return
    move.mutate(
      { stage, reason: reason.trim() },
      {
        onSuccess: () => {
          const name = stages.data?.groups.find((group) => group.key === stage)?.name ?? stage
          notifications.show({ color: 'teal', title: 'Stage changed', message: `Moved to ${name}.` })
          onClose()
        },
      },
    )
  }

  return (
    <form onSubmit={submit} noValidate>
      <Stack>
        <Text size="sm" c="dimmed">
          The account stays in the stage you pick until its data points to a different stage than it does now. The move and your reason are kept in
          its history.
        </Text>
        <Select
          label="Stage"
          placeholder={stages.isPending ? 'Loading stages…' : 'Pick a stage'}
          data={options}
          value={stage}
          onChange={setStage}
          error={stageError}
          disabled={stages.isPending}
          allowDeselect={false}
          comboboxProps={{ withinPortal: true }}
          required
          data-testid="move-stage-select"
        />
        {stages.data && stages.data.groups.length === 0 ? (
          <Text size="xs" c="orange">
            This workspace has no lifecycle stages yet; they are defined under Configuration.
          </Text>
        ) : null}
        {stages.isError ? <Text size="xs" c="red">Could not load the stages: {errorMessage(stages.error)}</Text> : null}
        <Textarea
          label="Reason"
          description="Why the data is not telling the whole story, for whoever looks at this account next"
          placeholder="e.g. Kickoff done and admins trained; go-live planned next week"
          value={reason}
          onChange={(event) => setReason(event.currentTarget.value)}
          error={reasonError}
          autosize
          minRows={2}
          maxLength={500}
          required
          data-testid="move-stage-reason"
        />
        {otherError ? (
          <Alert color="red" variant="light" data-testid="move-stage-error">
            {otherError}
          </Alert>
        ) : null}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button type="submit" loading={move.isPending} data-testid="move-stage-submit">
            Move stage
          </Button>
        </Group>
      </Stack>
    </form>
  )
}

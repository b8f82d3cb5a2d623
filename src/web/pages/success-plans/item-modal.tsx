/** Add or edit an objective or a milestone of a success plan. */
import { useState, type FormEvent } from 'react'
import { Alert, Button, Group, Modal, Select, Stack, Text, TextInput, Textarea } from '@mantine/core'
import { DateInput } from '@mantine/dates'
import { notifications } from '@mantine/notifications'
import { ApiError, errorMessage } from '../../api/client'
import { useUsers } from '../../api/hooks'
import { useAddPlanItem, useUpdatePlanItem, type PlanItem } from '../../api/success-plans'

export type ItemTarget =
  | { mode: 'add-objective' }
  | { mode: 'add-milestone'; parentId: string; objectiveTitle: string }
  | { mode: 'edit'; item: Pick<PlanItem, 'id' | 'kind' | 'title' | 'description' | 'ownerId' | 'customerOwner' | 'dueOn'> }

const titles = { 'add-objective': 'Add an objective', 'add-milestone': 'Add a milestone', edit: 'Edit' }

export function ItemModal({ planId, planOwnerId, target, onClose }: { planId: string; planOwnerId: string | null; target: ItemTarget | null; onClose: () => void }) {
  const heading = target ? (target.mode === 'edit' ? `Edit ${target.item.kind}` : titles[target.mode]) : ''
  return (
    <Modal opened={target !== null} onClose={onClose} centered title={<Text fw={700}>{heading}</Text>} data-testid="plan-item-modal">
      {target ? <ItemForm planId={planId} planOwnerId={planOwnerId} target={target} onClose={onClose} /> : null}
    </Modal>
  )
}

function ItemForm({ planId, planOwnerId, target, onClose }: { planId: string; planOwnerId: string | null; target: ItemTarget; onClose: () => void }) {
  const users = useUsers()
  const add = useAddPlanItem(planId)
  const update = useUpdatePlanItem(planId)
  const editing = target.mode === 'edit' ? target.item : null
  const isMilestone = target.mode === 'add-milestone' || editing?.kind === 'milestone'
  const [title, setTitle] = useState(editing?.title ?? '')
  const [description, setDescription] = useState(editing?.description ?? '')
  const [dueOn, setDueOn] = useState<string | null>(editing?.dueOn ?? null)
  const [ownerId, setOwnerId] = useState<string | null>(editing ? editing.ownerId : planOwnerId)
  const [customerOwner, setCustomerOwner] = useState(editing?.customerOwner ?? '')
  const [touched, setTouched] = useState(false)
  const mutation = editing ? update : add

  const serverError = mutation.error instanceof ApiError ? mutation.error : null
  const fieldError = (field: string) => serverError?.fieldError(field)
  const titleError = (touched && !title.trim() ? 'Give it a title' : null) ?? fieldError('title')
  const known = ['title', 'description', 'dueOn', 'ownerId', 'customerOwner', 'parentId']
  const otherError = mutation.error && !known.some((field) => fieldError(field)) ? errorMessage(mutation.error) : null
  const ownerOptions = (users.data?.items ?? []).filter((user) => user.status === 'active' && user.role !== 'viewer').map((user) => ({ value: user.id, label: user.name }))

  const submit = (event: FormEvent) => {
    event.preventDefault()
    setTouched(true)
    if (!title.trim()) return
    const milestoneFields = isMilestone ? { dueOn, ownerId, customerOwner: customerOwner.trim() || null } : {}
    const done = () => {
      notifications.show({ color: 'teal', message: editing ? 'Saved.' : `${isMilestone ? 'Milestone' : 'Objective'} added.` })
      onClose()
    }
    if (editing) {
      update.mutate({ itemId: editing.id, input: { title: title.trim(), description: description.trim(), ...milestoneFields } }, { onSuccess: done })
    } else if (target.mode === 'add-milestone') {
      add.mutate({ kind: 'milestone', parentId: target.parentId, title: title.trim(), description: description.trim() || undefined, ...milestoneFields }, { onSuccess: done })
    } else {
      add.mutate({ kind: 'objective', title: title.trim(), description: description.trim() || undefined }, { onSuccess: done })
    }
  }

  return (
    <form onSubmit={submit} noValidate>
      <Stack>
        {target.mode === 'add-milestone' ? (
          <Text size="sm" c="dimmed">
            Under “{target.objectiveTitle}”
          </Text>
        ) : null}
        <TextInput label="Title" value={title} onChange={(event) => setTitle(event.currentTarget.value)} error={titleError} maxLength={200} required data-autofocus data-testid="plan-item-title" />
        <Textarea label="Description" value={description} onChange={(event) => setDescription(event.currentTarget.value)} error={fieldError('description')} autosize minRows={2} maxLength={2000} data-testid="plan-item-description" />
        {isMilestone ? (
          <>
            <DateInput label="Due" valueFormat="MMM D, YYYY" value={dueOn} onChange={setDueOn} clearable error={fieldError('dueOn')} popoverProps={{ withinPortal: true }} data-testid="plan-item-due" />
            <Group grow align="flex-start">
              <Select
                label="Owner (your team)"
                placeholder="Nobody"
                data={ownerOptions}
                value={ownerId}
                onChange={setOwnerId}
                clearable
                searchable
                error={fieldError('ownerId')}
                comboboxProps={{ withinPortal: true }}
                data-testid="plan-item-owner"
              />
              <TextInput
                label="Owner at the customer"
                placeholder="e.g. Jane, VP Operations"
                value={customerOwner}
                onChange={(event) => setCustomerOwner(event.currentTarget.value)}
                error={fieldError('customerOwner')}
                maxLength={200}
                data-testid="plan-item-customer-owner"
              />
            </Group>
          </>
        ) : null}
        {otherError ? (
          <Alert color="red" variant="light">
            {otherError}
          </Alert>
        ) : null}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button type="submit" loading={mutation.isPending} data-testid="plan-item-submit">
            {editing ? 'Save' : 'Add'}
          </Button>
        </Group>
      </Stack>
    </form>
  )
}

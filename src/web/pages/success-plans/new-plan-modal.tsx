/** Start a success plan for an account: from a template suggested for its stage, segments and tier, another template, or blank. */
import { useState, type FormEvent } from 'react'
import { Alert, Badge, Button, Group, Modal, Paper, Radio, Skeleton, Stack, Text, TextInput } from '@mantine/core'
import { DateInput } from '@mantine/dates'
import { notifications } from '@mantine/notifications'
import { ApiError, errorMessage } from '../../api/client'
import { useCreatePlan, usePlanSuggestions, type PlanTemplate, type SuccessPlan } from '../../api/success-plans'
import { pluralize } from '../../lib/format'

const BLANK = '__blank__'

export function NewPlanModal({ accountId, accountName, opened, onClose, onCreated }: { accountId: string; accountName: string; opened: boolean; onClose: () => void; onCreated: (plan: SuccessPlan) => void }) {
  return (
    <Modal opened={opened} onClose={onClose} centered size="lg" title={<Text fw={700}>New success plan for {accountName}</Text>} data-testid="new-plan-modal">
      {opened ? <NewPlanForm accountId={accountId} onClose={onClose} onCreated={onCreated} /> : null}
    </Modal>
  )
}

function TemplateOption({ template, suggested }: { template: PlanTemplate; suggested: boolean }) {
  return (
    <Radio.Card value={template.key} radius="md" p="sm" data-testid={`new-plan-template-${template.key}`}>
      <Group wrap="nowrap" align="flex-start" gap="sm">
        <Radio.Indicator mt={2} />
        <Stack gap={2} style={{ flex: 1 }}>
          <Group gap="xs">
            <Text fw={600} size="sm">
              {template.name}
            </Text>
            {suggested ? (
              <Badge size="xs" variant="light" color="teal">
                Suggested
              </Badge>
            ) : null}
            {template.activePlanId ? (
              <Badge size="xs" variant="light" color="orange">
                Already running
              </Badge>
            ) : null}
          </Group>
          {template.description ? (
            <Text size="xs" c="dimmed">
              {template.description}
            </Text>
          ) : null}
          <Text size="xs" c="dimmed">
            {pluralize(template.objectives, 'objective')}, {pluralize(template.milestones, 'milestone')} · for {template.appliesTo}
          </Text>
        </Stack>
      </Group>
    </Radio.Card>
  )
}

function NewPlanForm({ accountId, onClose, onCreated }: { accountId: string; onClose: () => void; onCreated: (plan: SuccessPlan) => void }) {
  const suggestions = usePlanSuggestions(accountId)
  const create = useCreatePlan(accountId)
  const [choice, setChoice] = useState<string | null>(null)
  const [title, setTitle] = useState('')
  const [startOn, setStartOn] = useState<string | null>(null)
  const [touched, setTouched] = useState(false)
  const [showOthers, setShowOthers] = useState(false)
  // Until the user picks, the first suggestion (or a blank plan when nothing suits the account).
  const selected = choice ?? suggestions.data?.suggestions[0]?.key ?? (suggestions.data ? BLANK : null)
  const blank = selected === BLANK

  const serverError = create.error instanceof ApiError ? create.error : null
  const titleError = (touched && blank && !title.trim() ? 'Give the plan a title' : null) ?? serverError?.fieldError('title')
  const otherError = create.error && !serverError?.fieldError('title') ? errorMessage(create.error) : null

  const submit = (event: FormEvent) => {
    event.preventDefault()
    setTouched(true)
    if (!selected || (blank && !title.trim())) return
    const input = blank ? { title: title.trim() } : { templateKey: selected, ...(startOn ? { startOn } : {}) }
    create.mutate(input, {
      onSuccess: (plan) => {
        notifications.show({ color: 'teal', message: `${plan.title} started.` })
        onCreated(plan)
        onClose()
      },
    })
  }

  const others = suggestions.data?.others ?? []
  return (
    <form onSubmit={submit} noValidate>
      <Stack>
        {suggestions.isPending ? <Skeleton height={120} /> : null}
        {suggestions.isError ? (
          <Alert color="red" variant="light">
            Could not load the templates: {errorMessage(suggestions.error)}
          </Alert>
        ) : null}
        {suggestions.data ? (
          <Radio.Group value={selected} onChange={setChoice}>
            <Stack gap="xs">
              {suggestions.data.suggestions.length === 0 ? (
                <Text size="sm" c="dimmed">
                  No template suits this account’s stage, segments and tier right now.
                </Text>
              ) : null}
              {suggestions.data.suggestions.map((template) => (
                <TemplateOption key={template.key} template={template} suggested />
              ))}
              {others.length > 0 && !showOthers ? (
                <Group>
                  <Button variant="subtle" size="compact-sm" onClick={() => setShowOthers(true)} data-testid="new-plan-show-others">
                    Other templates ({others.length})
                  </Button>
                </Group>
              ) : null}
              {showOthers ? others.map((template) => <TemplateOption key={template.key} template={template} suggested={false} />) : null}
              <Radio.Card value={BLANK} radius="md" p="sm" data-testid="new-plan-blank">
                <Group wrap="nowrap" gap="sm">
                  <Radio.Indicator />
                  <Stack gap={0}>
                    <Text fw={600} size="sm">
                      Blank plan
                    </Text>
                    <Text size="xs" c="dimmed">
                      Write the objectives and milestones yourself.
                    </Text>
                  </Stack>
                </Group>
              </Radio.Card>
            </Stack>
          </Radio.Group>
        ) : null}
        {blank ? (
          <TextInput label="Title" placeholder="e.g. Expansion to the EMEA team" value={title} onChange={(event) => setTitle(event.currentTarget.value)} error={titleError} maxLength={200} required data-testid="new-plan-title" />
        ) : selected ? (
          <Paper p="xs" radius="md" bg="var(--mantine-color-default-hover)">
            <DateInput
              label="Start on"
              description="Milestones are due their template’s days after this day"
              placeholder="Today"
              valueFormat="MMM D, YYYY"
              value={startOn}
              onChange={setStartOn}
              clearable
              error={serverError?.fieldError('startOn')}
              popoverProps={{ withinPortal: true }}
              w={240}
              data-testid="new-plan-start"
            />
          </Paper>
        ) : null}
        {otherError ? (
          <Alert color="red" variant="light" data-testid="new-plan-error">
            {otherError}
          </Alert>
        ) : null}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button type="submit" loading={create.isPending} disabled={!selected} data-testid="new-plan-submit">
            Start plan
          </Button>
        </Group>
      </Stack>
    </form>
  )
}

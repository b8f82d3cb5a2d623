/** Create or edit an account. Field errors from the API are shown next to their fields. */
import { useState, type FormEvent } from 'react'
import {
  Alert,
  Autocomplete,
  Button,
  Group,
  Modal,
  NumberInput,
  SegmentedControl,
  Select,
  SimpleGrid,
  Stack,
  Text,
  TextInput,
} from '@mantine/core'
import { DateInput } from '@mantine/dates'
import { IconAlertTriangle } from '@tabler/icons-react'
import { ApiError, errorMessage } from '../api/client'
import { useAccountFacets, useCreateAccount, useUpdateAccount } from '../api/hooks'
import type { Account, AccountInput, AccountPatch, AccountStatus } from '../api/types'
import { OwnerSelect, ParentAccountSelect } from './account-pickers'

const currencies = ['USD', 'EUR', 'GBP', 'CAD', 'AUD', 'CHF', 'JPY', 'SEK', 'NOK', 'DKK', 'INR', 'BRL']

type FormState = {
  externalId: string
  name: string
  domain: string
  ownerId: string | null
  parentId: string | null
  plan: string
  industry: string
  country: string
  employees: number | ''
  arr: number | ''
  currency: string
  renewalDate: string | null
  status: AccountStatus
}

function initialState(account: Account | null): FormState {
  return {
    externalId: account?.externalId ?? '',
    name: account?.name ?? '',
    domain: account?.domain ?? '',
    ownerId: account?.ownerId ?? null,
    parentId: account?.parentId ?? null,
    plan: account?.plan ?? '',
    industry: account?.industry ?? '',
    country: account?.country ?? '',
    employees: account?.employees ?? '',
    arr: account?.arr ?? '',
    currency: account?.currency ?? 'USD',
    renewalDate: account?.renewalDate ?? null,
    status: account?.status ?? 'active',
  }
}

const blankToNull = (value: string): string | null => (value.trim() === '' ? null : value.trim())
const numberOrNull = (value: number | ''): number | null => (value === '' ? null : Number(value))

function toInput(state: FormState): AccountInput {
  return {
    externalId: state.externalId.trim(),
    name: state.name.trim(),
    domain: blankToNull(state.domain),
    ownerId: state.ownerId,
    parentId: state.parentId,
    plan: blankToNull(state.plan),
    industry: blankToNull(state.industry),
    country: blankToNull(state.country),
    employees: numberOrNull(state.employees),
    arr: state.arr === '' ? undefined : Number(state.arr),
    currency: state.currency,
    renewalDate: state.renewalDate,
    status: state.status,
  }
}

/** Only the fields that changed, for PATCH. */
function diff(account: Account, input: AccountInput): AccountPatch {
  const patch: AccountPatch = {}
  const before = toInput(initialState(account))
  for (const key of Object.keys(input) as (keyof AccountInput)[]) {
    if (input[key] !== before[key] && input[key] !== undefined) Object.assign(patch, { [key]: input[key] })
  }
  return patch
}

export type AccountFormModalProps = {
  opened: boolean
  onClose: () => void
  /** Edit this account; omit to create a new one. */
  account?: Account | null
  parent?: { id: string; name: string } | null
  owner?: { id: string; name: string } | null
  onSaved?: (account: Account) => void
}

export function AccountFormModal(props: AccountFormModalProps) {
  return (
    <Modal
      opened={props.opened}
      onClose={props.onClose}
      title={<Text fw={700}>{props.account ? `Edit ${props.account.name}` : 'New account'}</Text>}
      size="lg"
      centered
    >
      {/* Mounted only while open so each opening starts from the current values. */}
      {props.opened ? <AccountForm {...props} /> : null}
    </Modal>
  )
}

function AccountForm({ onClose, account = null, parent, owner, onSaved }: AccountFormModalProps) {
  const [state, setState] = useState<FormState>(() => initialState(account))
  const facets = useAccountFacets()
  const create = useCreateAccount()
  const update = useUpdateAccount(account?.id ?? '')
  const mutation = account ? update : create
  const apiError = mutation.error instanceof ApiError ? mutation.error : null
  const fieldError = (field: string) => apiError?.fieldError(field)
  const knownFields = new Set(Object.keys(state))
  const unmappedErrors = (apiError?.fieldErrors ?? []).filter((error) => !knownFields.has(error.field))

  const set = <K extends keyof FormState>(key: K, value: FormState[K]) => setState((prev) => ({ ...prev, [key]: value }))

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault()
    const input = toInput(state)
    const done = (saved: Account) => {
      onSaved?.(saved)
      onClose()
    }
    if (account) {
      const patch = diff(account, input)
      if (Object.keys(patch).length === 0) {
        onClose()
        return
      }
      update.mutate(patch, { onSuccess: done })
    } else {
      // Leave unset optional fields out of the create body rather than sending nulls.
      const body = Object.fromEntries(
        Object.entries(input).filter(([key, value]) => value !== null && value !== undefined && key !== 'status'),
      ) as AccountInput
      create.mutate(body, { onSuccess: done })
    }
  }

  return (
    <form onSubmit={onSubmit} noValidate data-testid="account-form">
      <Stack gap="sm">
        {mutation.isError && (!apiError || apiError.fieldErrors.length === 0 || unmappedErrors.length > 0) ? (
          <Alert color="red" variant="light" icon={<IconAlertTriangle size={18} />} title={apiError?.problem.title ?? 'Could not save'}>
            {errorMessage(mutation.error)}
            {unmappedErrors.map((error) => (
              <Text key={error.field + error.message} size="sm">
                {error.field}: {error.message}
              </Text>
            ))}
          </Alert>
        ) : null}
        <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
          <TextInput
            label="Name"
            name="name"
            required
            data-autofocus
            value={state.name}
            onChange={(event) => set('name', event.currentTarget.value)}
            error={fieldError('name')}
          />
          <TextInput
            label="External ID"
            name="externalId"
            description="ID in your CRM or billing system"
            required
            value={state.externalId}
            onChange={(event) => set('externalId', event.currentTarget.value)}
            error={fieldError('externalId')}
          />
          <TextInput
            label="Domain"
            name="domain"
            placeholder="acme.com"
            value={state.domain}
            onChange={(event) => set('domain', event.currentTarget.value)}
            error={fieldError('domain')}
          />
          <OwnerSelect
            label="Owner"
            value={state.ownerId}
            onChange={(value) => set('ownerId', value)}
            currentOwner={owner}
            error={fieldError('ownerId')}
            comboboxProps={{ withinPortal: true }}
          />
          <Autocomplete
            label="Plan"
            name="plan"
            data={facets.data?.plans ?? []}
            value={state.plan}
            onChange={(value) => set('plan', value)}
            error={fieldError('plan')}
          />
          <Autocomplete
            label="Industry"
            name="industry"
            data={facets.data?.industries ?? []}
            value={state.industry}
            onChange={(value) => set('industry', value)}
            error={fieldError('industry')}
          />
          <Group gap="xs" align="flex-end" wrap="nowrap">
            <NumberInput
              label="ARR"
              name="arr"
              description={account ? 'A change is recorded as expansion or contraction' : 'Recorded as new business'}
              style={{ flex: 1 }}
              min={0}
              thousandSeparator=","
              allowNegative={false}
              decimalScale={2}
              value={state.arr}
              onChange={(value) => set('arr', value === '' ? '' : Number(value))}
              error={fieldError('arr')}
            />
            <Select
              label="Currency"
              w={96}
              data={currencies.includes(state.currency) ? currencies : [state.currency, ...currencies]}
              value={state.currency}
              onChange={(value) => set('currency', value ?? 'USD')}
              allowDeselect={false}
              error={fieldError('currency')}
            />
          </Group>
          <DateInput
            label="Renewal date"
            name="renewalDate"
            valueFormat="MMM D, YYYY"
            clearable
            value={state.renewalDate}
            onChange={(value) => set('renewalDate', value)}
            error={fieldError('renewalDate')}
            popoverProps={{ withinPortal: true }}
          />
          <NumberInput
            label="Employees"
            name="employees"
            min={0}
            thousandSeparator=","
            allowDecimal={false}
            allowNegative={false}
            value={state.employees}
            onChange={(value) => set('employees', value === '' ? '' : Number(value))}
            error={fieldError('employees')}
          />
          <Autocomplete
            label="Country"
            name="country"
            data={facets.data?.countries ?? []}
            value={state.country}
            onChange={(value) => set('country', value)}
            error={fieldError('country')}
          />
          <ParentAccountSelect
            label="Parent account"
            value={state.parentId}
            onChange={(value) => set('parentId', value)}
            initialLabel={parent?.name ?? null}
            excludeId={account?.id}
            error={fieldError('parentId')}
          />
          {account ? (
            <Stack gap={4}>
              <Text size="sm" fw={500}>
                Status
              </Text>
              <Text size="xs" c="dimmed">
                Churning records a churn movement of the remaining ARR
              </Text>
              <SegmentedControl
                fullWidth
                data={[
                  { value: 'active', label: 'Active' },
                  { value: 'churned', label: 'Churned' },
                ]}
                value={state.status}
                onChange={(value) => set('status', value === 'churned' ? 'churned' : 'active')}
              />
              {fieldError('status') ? (
                <Text size="xs" c="red">
                  {fieldError('status')}
                </Text>
              ) : null}
            </Stack>
          ) : null}
        </SimpleGrid>
        <Group justify="flex-end" mt="sm">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button type="submit" loading={mutation.isPending} data-testid="account-form-submit">
            {account ? 'Save changes' : 'Create account'}
          </Button>
        </Group>
      </Stack>
    </form>
  )
}

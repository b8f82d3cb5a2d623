/** Account 360 header: identity, key facts, owner (editable for writers), hierarchy and actions. */
import { useState, type ReactNode } from 'react'
import { Link, useNavigate } from 'react-router-dom'
import {
  Anchor,
  Badge,
  Breadcrumbs,
  Button,
  Group,
  Menu,
  Modal,
  Paper,
  SimpleGrid,
  Stack,
  Text,
  Title,
  Tooltip,
  ActionIcon,
} from '@mantine/core'
import { useDisclosure } from '@mantine/hooks'
import { notifications } from '@mantine/notifications'
import {
  IconDots,
  IconExternalLink,
  IconHierarchy2,
  IconPencil,
  IconTrash,
} from '@tabler/icons-react'
import { errorMessage } from '../../api/client'
import { useDeleteAccount, useUpdateAccount } from '../../api/hooks'
import type { Account360 } from '../../api/types'
import { useSession } from '../../auth/session'
import { AccountFormModal } from '../../components/account-form-modal'
import { OwnerSelect } from '../../components/account-pickers'
import { AccountStatusBadge } from '../../components/badges'
import { renewalColor } from '../../components/renewal-date'
import {
  daysUntil,
  formatDate,
  formatDaysFromNow,
  formatMoney,
  formatMoneyFull,
  formatNumber,
} from '../../lib/format'
import { ClassificationBadges } from './classification-badges'

function Fact({ label, children, testId }: { label: string; children: ReactNode; testId?: string }) {
  return (
    <Stack gap={2} data-testid={testId} style={{ minWidth: 0 }}>
      <Text size="xs" c="dimmed" tt="uppercase" fw={700} lts={0.3}>
        {label}
      </Text>
      <div>{children}</div>
    </Stack>
  )
}

function domainHref(domain: string): string {
  return /^https?:\/\//i.test(domain) ? domain : `https://${domain}`
}

export function AccountHeader({ data }: { data: Account360 }) {
  const { account, parent, children, owner } = data
  const session = useSession()
  const canWrite = session.can('customers:write')
  const canDelete = session.can('customers:delete')
  const navigate = useNavigate()
  const [editOpened, editModal] = useDisclosure(false)
  const [deleteOpened, deleteModal] = useDisclosure(false)
  const [showAllChildren, setShowAllChildren] = useState(false)
  const updateOwner = useUpdateAccount(account.id)
  const remove = useDeleteAccount()

  const days = account.status === 'churned' ? null : daysUntil(account.renewalDate)
  const ownerLabel = owner ? { id: owner.id, name: owner.name } : account.ownerId && account.ownerName ? { id: account.ownerId, name: account.ownerName } : null
  const visibleChildren = showAllChildren ? children : children.slice(0, 6)

  const changeOwner = (ownerId: string | null) => {
    if (ownerId === account.ownerId) return
    updateOwner.mutate(
      { ownerId },
      {
        onSuccess: (saved) =>
          notifications.show({
            color: 'teal',
            title: 'Owner updated',
            message: `${saved.name} is now owned by ${saved.ownerName ?? 'nobody'}.`,
          }),
        onError: (error) => notifications.show({ color: 'red', title: 'Could not change owner', message: errorMessage(error) }),
      },
    )
  }

  const confirmDelete = () =>
    remove.mutate(account.id, {
      onSuccess: () => {
        notifications.show({ color: 'teal', title: 'Account deleted', message: `${account.name} was deleted.` })
        navigate('/accounts', { replace: true })
      },
      onError: (error) => notifications.show({ color: 'red', title: 'Could not delete', message: errorMessage(error) }),
    })

  return (
    <>
      <Breadcrumbs mb="xs" fz="sm">
        <Anchor component={Link} to="/accounts" size="sm">
          Accounts
        </Anchor>
        {parent ? (
          <Anchor component={Link} to={`/accounts/${parent.id}`} size="sm">
            {parent.name}
          </Anchor>
        ) : null}
        <Text size="sm" c="dimmed" truncate maw={280}>
          {account.name}
        </Text>
      </Breadcrumbs>

      <Group justify="space-between" align="flex-start" mb="md" wrap="nowrap">
        <Stack gap={4} style={{ minWidth: 0 }}>
          <Group gap="sm" wrap="wrap">
            <Title order={2} fz={26} data-testid="account-name">
              {account.name}
            </Title>
            <AccountStatusBadge status={account.status} size="md" />
            {account.plan ? (
              <Badge variant="outline" color="bosun" size="md" tt="none">
                {account.plan}
              </Badge>
            ) : null}
          </Group>
          <Group gap="md" c="dimmed">
            {account.domain ? (
              <Anchor href={domainHref(account.domain)} target="_blank" rel="noreferrer" size="sm" c="dimmed">
                <Group gap={4} wrap="nowrap">
                  {account.domain}
                  <IconExternalLink size={13} />
                </Group>
              </Anchor>
            ) : null}
            <Text size="sm">External ID {account.externalId}</Text>
            {account.status === 'churned' && account.churnedAt ? (
              <Text size="sm" c="red">
                Churned {formatDate(account.churnedAt)}
              </Text>
            ) : null}
          </Group>
          <ClassificationBadges accountId={account.id} accountName={account.name} />
        </Stack>
        {canWrite || canDelete ? (
          <Group gap="xs" wrap="nowrap">
            {canWrite ? (
              <Button variant="default" leftSection={<IconPencil size={16} />} onClick={editModal.open} data-testid="edit-account-button">
                Edit
              </Button>
            ) : null}
            {canDelete ? (
              <Menu position="bottom-end" withinPortal>
                <Menu.Target>
                  <ActionIcon variant="default" size="lg" aria-label="More actions">
                    <IconDots size={16} />
                  </ActionIcon>
                </Menu.Target>
                <Menu.Dropdown>
                  <Menu.Item color="red" leftSection={<IconTrash size={14} />} onClick={deleteModal.open}>
                    Delete account
                  </Menu.Item>
                </Menu.Dropdown>
              </Menu>
            ) : null}
          </Group>
        ) : null}
      </Group>

      <Paper withBorder p="md" mb="lg">
        <SimpleGrid cols={{ base: 2, sm: 3, lg: 6 }} spacing="lg" verticalSpacing="md">
          <Fact label="ARR" testId="account-arr">
            <Tooltip label={formatMoneyFull(account.arr, account.currency)} withArrow>
              <Text fz={22} fw={700} lh={1.1} style={{ fontVariantNumeric: 'tabular-nums' }} span>
                {formatMoney(account.arr, account.currency)}
              </Text>
            </Tooltip>
          </Fact>
          <Fact label="Renewal" testId="account-renewal">
            {account.renewalDate && account.status !== 'churned' ? (
              <>
                <Text fw={600} size="sm" c={days !== null && days < 30 ? 'red' : undefined}>
                  {formatDate(account.renewalDate)}
                </Text>
                <Text size="xs" c={renewalColor(days) ?? 'dimmed'}>
                  {formatDaysFromNow(days)}
                </Text>
              </>
            ) : (
              <Text size="sm" c="dimmed">
                {account.status === 'churned' ? 'Churned' : 'Not set'}
              </Text>
            )}
          </Fact>
          <Fact label="Owner" testId="account-owner">
            {canWrite ? (
              <OwnerSelect
                size="xs"
                value={account.ownerId}
                onChange={changeOwner}
                currentOwner={ownerLabel}
                disabled={updateOwner.isPending}
                aria-label="Account owner"
                maw={200}
                data-testid="owner-select"
              />
            ) : (
              <Text size="sm" fw={500} c={ownerLabel ? undefined : 'dimmed'}>
                {ownerLabel?.name ?? 'Unassigned'}
              </Text>
            )}
          </Fact>
          <Fact label="Industry">
            <Text size="sm" fw={500}>
              {account.industry ?? '—'}
            </Text>
          </Fact>
          <Fact label="Employees">
            <Text size="sm" fw={500}>
              {formatNumber(account.employees)}
            </Text>
          </Fact>
          <Fact label="Country">
            <Text size="sm" fw={500}>
              {account.country ?? '—'}
            </Text>
          </Fact>
        </SimpleGrid>

        {parent || children.length > 0 ? (
          <Group gap="lg" mt="md" pt="sm" style={{ borderTop: '1px solid var(--mantine-color-default-border)' }} align="flex-start">
            <Group gap={6} wrap="nowrap">
              <IconHierarchy2 size={16} color="var(--mantine-color-dimmed)" />
              <Text size="sm" c="dimmed">
                Parent:
              </Text>
              {parent ? (
                <Anchor component={Link} to={`/accounts/${parent.id}`} size="sm" fw={500} data-testid="parent-account-link">
                  {parent.name}
                </Anchor>
              ) : (
                <Text size="sm" c="dimmed">
                  none
                </Text>
              )}
            </Group>
            {children.length > 0 ? (
              <Group gap={6} style={{ flex: 1 }} data-testid="child-accounts">
                <Text size="sm" c="dimmed">
                  {children.length === 1 ? 'Child account:' : `${children.length} child accounts:`}
                </Text>
                {visibleChildren.map((child) => (
                  <Badge
                    key={child.id}
                    component={Link}
                    to={`/accounts/${child.id}`}
                    variant="light"
                    color="gray"
                    tt="none"
                    fw={500}
                    style={{ cursor: 'pointer' }}
                    rightSection={<Text span size="xs" c="dimmed">{formatMoney(child.arr, account.currency)}</Text>}
                  >
                    {child.name}
                  </Badge>
                ))}
                {children.length > 6 ? (
                  <Anchor component="button" type="button" size="sm" onClick={() => setShowAllChildren((value) => !value)}>
                    {showAllChildren ? 'Show fewer' : `+${children.length - 6} more`}
                  </Anchor>
                ) : null}
              </Group>
            ) : null}
          </Group>
        ) : null}
      </Paper>

      {canWrite ? (
        <AccountFormModal opened={editOpened} onClose={editModal.close} account={account} parent={parent} owner={ownerLabel} />
      ) : null}

      <Modal opened={deleteOpened} onClose={deleteModal.close} title={<Text fw={700}>Delete {account.name}?</Text>} centered>
        <Stack>
          <Text size="sm">
            This removes the account with its contacts, subscriptions, tickets and timeline from Bosun. Data synced from
            other systems may come back on the next import. The deletion is recorded in the audit log.
          </Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={deleteModal.close}>
              Cancel
            </Button>
            <Button color="red" loading={remove.isPending} onClick={confirmDelete} data-testid="confirm-delete-account">
              Delete account
            </Button>
          </Group>
        </Stack>
      </Modal>
    </>
  )
}

/** Users & roles: who has access and what each role may do. Editable with users:manage. */
import { useState, type FormEvent } from 'react'
import {
  ActionIcon,
  Alert,
  Badge,
  Button,
  Group,
  Menu,
  Modal,
  Paper,
  PasswordInput,
  Select,
  SimpleGrid,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
  Tooltip,
} from '@mantine/core'
import { useDisclosure } from '@mantine/hooks'
import { notifications } from '@mantine/notifications'
import {
  IconAlertTriangle,
  IconDots,
  IconKey,
  IconLock,
  IconUserCheck,
  IconUserOff,
  IconUserPlus,
} from '@tabler/icons-react'
import { canAssignRole, roleDescriptions, rolePermissions, roles, type Role } from '../../../shared/roles'
import { ApiError, errorMessage } from '../../api/client'
import { useCreateUser, useUpdateUser, useUsers } from '../../api/hooks'
import type { CreateUserResult, User } from '../../api/types'
import { useSession } from '../../auth/session'
import { RoleBadge, UserStatusBadge, roleColors } from '../../components/badges'
import { CopyField } from '../../components/copy-field'
import { EmptyState, ErrorState, TableSkeleton } from '../../components/query-state'
import { formatDateTime, formatRelative } from '../../lib/format'

function isRole(value: string | null): value is Role {
  return roles.some((role) => role === value)
}

function RoleLegend({ current }: { current: Role }) {
  return (
    <Paper withBorder p="md" data-testid="role-legend">
      <Title order={4} fz="md" mb={4}>
        What each role may do
      </Title>
      <Text size="xs" c="dimmed" mb="md">
        Permissions are enforced by the server on every request; the app hides what your role cannot do.
      </Text>
      <Stack gap="sm">
        {roles.map((role) => (
          <Group
            key={role}
            gap="sm"
            align="flex-start"
            wrap="nowrap"
            p={6}
            style={
              role === current
                ? { background: 'var(--mantine-color-default-hover)', borderRadius: 'var(--mantine-radius-sm)' }
                : undefined
            }
          >
            <Badge color={roleColors[role]} variant="light" w={92} style={{ flexShrink: 0 }}>
              {role}
            </Badge>
            <Stack gap={4} style={{ minWidth: 0 }}>
              <Text size="sm">
                {roleDescriptions[role]}
                {role === current ? (
                  <Text span size="xs" c="dimmed">
                    {' '}
                    (your role)
                  </Text>
                ) : null}
              </Text>
              <Group gap={4}>
                {rolePermissions[role].map((permission) => (
                  <Badge key={permission} size="xs" variant="outline" color="gray" tt="none" fw={500}>
                    {permission}
                  </Badge>
                ))}
              </Group>
            </Stack>
          </Group>
        ))}
      </Stack>
    </Paper>
  )
}

function roleOptions(actor: Role) {
  return roles
    .filter((role) => canAssignRole(actor, role))
    .map((role) => ({ value: role, label: role.charAt(0).toUpperCase() + role.slice(1) }))
}

function InviteUserModal({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  return (
    <Modal opened={opened} onClose={onClose} title={<Text fw={700}>Add a user</Text>} centered size="md">
      {opened ? <InviteUserForm onClose={onClose} /> : null}
    </Modal>
  )
}

function InviteUserForm({ onClose }: { onClose: () => void }) {
  const session = useSession()
  const create = useCreateUser()
  const [email, setEmail] = useState('')
  const [name, setName] = useState('')
  const [title, setTitle] = useState('')
  const [role, setRole] = useState<Role>('csm')
  const [password, setPassword] = useState('')
  const [result, setResult] = useState<CreateUserResult | null>(null)
  const apiError = create.error instanceof ApiError ? create.error : null
  const fieldError = (field: string) => apiError?.fieldError(field)
  const fieldNames = ['email', 'name', 'title', 'role', 'password']
  const showBanner = create.isError && !(apiError?.fieldErrors.some((error) => fieldNames.includes(error.field)) ?? false)

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault()
    create.mutate(
      {
        email: email.trim(),
        name: name.trim(),
        role,
        title: title.trim() || undefined,
        password: password || undefined,
      },
      {
        onSuccess: (created) => {
          notifications.show({ color: 'teal', title: 'User added', message: `${created.user.name} can now sign in.` })
          if (created.temporaryPassword) setResult(created)
          else onClose()
        },
      },
    )
  }

  if (result?.temporaryPassword) {
    return (
      <Stack>
        <Text size="sm">
          <b>{result.user.name}</b> ({result.user.email}) was added as <RoleBadge role={result.user.role} />.
        </Text>
        <Alert color="orange" variant="light" icon={<IconLock size={18} />} title="Temporary password — shown only once">
          Share it with the user through a secure channel. They should change it after signing in.
        </Alert>
        <CopyField value={result.temporaryPassword} testId="temporary-password" />
        <Group justify="flex-end">
          <Button onClick={onClose}>Done</Button>
        </Group>
      </Stack>
    )
  }

  return (
    <form onSubmit={onSubmit} noValidate data-testid="invite-user-form">
      <Stack gap="sm">
        {showBanner ? (
          <Alert color="red" variant="light" icon={<IconAlertTriangle size={18} />} title={apiError?.problem.title ?? 'Could not add user'}>
            {errorMessage(create.error)}
          </Alert>
        ) : null}
        <TextInput
          label="Email"
          name="email"
          type="email"
          required
          data-autofocus
          value={email}
          onChange={(event) => setEmail(event.currentTarget.value)}
          error={fieldError('email')}
        />
        <SimpleGrid cols={2} spacing="sm">
          <TextInput
            label="Name"
            name="name"
            required
            value={name}
            onChange={(event) => setName(event.currentTarget.value)}
            error={fieldError('name')}
          />
          <TextInput
            label="Title"
            name="title"
            placeholder="e.g. Senior CSM"
            value={title}
            onChange={(event) => setTitle(event.currentTarget.value)}
            error={fieldError('title')}
          />
        </SimpleGrid>
        <Select
          label="Role"
          name="role"
          data={roleOptions(session.user.role)}
          value={role}
          onChange={(value) => isRole(value) && setRole(value)}
          allowDeselect={false}
          description={roleDescriptions[role]}
          error={fieldError('role')}
          comboboxProps={{ withinPortal: true }}
        />
        <PasswordInput
          label="Password"
          name="password"
          description="Optional, at least 10 characters. Leave empty to generate a temporary password."
          autoComplete="new-password"
          value={password}
          onChange={(event) => setPassword(event.currentTarget.value)}
          error={fieldError('password')}
        />
        <Group justify="flex-end" mt="xs">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button type="submit" loading={create.isPending} data-testid="invite-user-submit">
            Add user
          </Button>
        </Group>
      </Stack>
    </form>
  )
}

function SetPasswordModal({ user, onClose }: { user: User | null; onClose: () => void }) {
  const update = useUpdateUser()
  const [password, setPassword] = useState('')
  const apiError = update.error instanceof ApiError ? update.error : null
  const close = () => {
    setPassword('')
    update.reset()
    onClose()
  }
  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault()
    if (!user) return
    update.mutate(
      { id: user.id, input: { password } },
      {
        onSuccess: () => {
          notifications.show({ color: 'teal', message: `Password for ${user.name} was changed.` })
          close()
        },
      },
    )
  }
  return (
    <Modal opened={user !== null} onClose={close} title={<Text fw={700}>Set password for {user?.name}</Text>} centered>
      <form onSubmit={onSubmit} noValidate>
        <Stack gap="sm">
          {update.isError && !apiError?.fieldError('password') ? (
            <Alert color="red" variant="light">
              {errorMessage(update.error)}
            </Alert>
          ) : null}
          <PasswordInput
            label="New password"
            description="At least 10 characters"
            autoComplete="new-password"
            required
            data-autofocus
            value={password}
            onChange={(event) => setPassword(event.currentTarget.value)}
            error={apiError?.fieldError('password')}
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              Cancel
            </Button>
            <Button type="submit" loading={update.isPending} disabled={!password}>
              Set password
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  )
}

export function UsersTab() {
  const session = useSession()
  const canManage = session.can('users:manage')
  const users = useUsers()
  const update = useUpdateUser()
  const [inviteOpened, inviteModal] = useDisclosure(false)
  const [passwordUser, setPasswordUser] = useState<User | null>(null)
  const [pendingId, setPendingId] = useState<string | null>(null)

  const patch = (user: User, input: Parameters<typeof update.mutate>[0]['input'], success: string) => {
    setPendingId(user.id)
    update.mutate(
      { id: user.id, input },
      {
        onSuccess: () => notifications.show({ color: 'teal', message: success }),
        onError: (error) => notifications.show({ color: 'red', title: `Could not update ${user.name}`, message: errorMessage(error) }),
        onSettled: () => setPendingId(null),
      },
    )
  }

  const items = [...(users.data?.items ?? [])].sort(
    (a, b) => Number(a.status === 'disabled') - Number(b.status === 'disabled') || a.name.localeCompare(b.name),
  )

  return (
    <Stack gap="md">
      <Group justify="space-between">
        <div>
          <Title order={3} fz="lg">
            Users &amp; roles
          </Title>
          <Text size="sm" c="dimmed">
            {canManage
              ? 'Add teammates, change their role or disable access.'
              : 'Read-only: your role can see who has access but not change it.'}
          </Text>
        </div>
        {canManage ? (
          <Button leftSection={<IconUserPlus size={16} />} onClick={inviteModal.open} data-testid="invite-user-button">
            Add user
          </Button>
        ) : (
          <Badge variant="outline" color="gray" leftSection={<IconLock size={12} />}>
            Read-only
          </Badge>
        )}
      </Group>

      <Paper withBorder>
        {users.isPending ? (
          <TableSkeleton rows={6} columns={6} />
        ) : users.isError ? (
          <ErrorState error={users.error} title="Could not load users" onRetry={() => void users.refetch()} />
        ) : items.length === 0 ? (
          <EmptyState title="No users" />
        ) : (
          <Table.ScrollContainer minWidth={820} maxHeight={560} type="native">
            <Table striped highlightOnHover stickyHeader data-testid="users-table">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Name</Table.Th>
                  <Table.Th>Email</Table.Th>
                  <Table.Th w={170}>Role</Table.Th>
                  <Table.Th>Status</Table.Th>
                  <Table.Th>Last login</Table.Th>
                  {canManage ? <Table.Th w={48} /> : null}
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {items.map((user) => {
                  const self = user.id === session.user.id
                  const editable = canManage && !self && canAssignRole(session.user.role, user.role)
                  return (
                    <Table.Tr key={user.id} data-testid="user-row" style={user.status === 'disabled' ? { opacity: 0.6 } : undefined}>
                      <Table.Td>
                        <Text size="sm" fw={600}>
                          {user.name}
                          {self ? (
                            <Text span size="xs" c="dimmed" fw={400}>
                              {' '}
                              (you)
                            </Text>
                          ) : null}
                        </Text>
                        {user.title ? (
                          <Text size="xs" c="dimmed">
                            {user.title}
                          </Text>
                        ) : null}
                      </Table.Td>
                      <Table.Td>
                        <Text size="sm">{user.email}</Text>
                      </Table.Td>
                      <Table.Td>
                        {editable ? (
                          <Select
                            size="xs"
                            aria-label={`Role of ${user.name}`}
                            data={roleOptions(session.user.role)}
                            value={user.role}
                            onChange={(value) => {
                              if (isRole(value) && value !== user.role) patch(user, { role: value }, `${user.name} is now ${value}.`)
                            }}
                            allowDeselect={false}
                            disabled={pendingId === user.id}
                            w={140}
                            data-testid="user-role-select"
                          />
                        ) : (
                          <RoleBadge role={user.role} />
                        )}
                      </Table.Td>
                      <Table.Td>
                        <UserStatusBadge status={user.status} />
                      </Table.Td>
                      <Table.Td>
                        <Tooltip label={formatDateTime(user.lastLoginAt)} disabled={!user.lastLoginAt} withArrow>
                          <Text size="sm" c={user.lastLoginAt ? undefined : 'dimmed'} span>
                            {user.lastLoginAt ? formatRelative(user.lastLoginAt) : 'Never'}
                          </Text>
                        </Tooltip>
                      </Table.Td>
                      {canManage ? (
                        <Table.Td>
                          {editable ? (
                            <Menu position="bottom-end" withinPortal>
                              <Menu.Target>
                                <ActionIcon variant="subtle" color="gray" aria-label={`Actions for ${user.name}`} loading={pendingId === user.id}>
                                  <IconDots size={16} />
                                </ActionIcon>
                              </Menu.Target>
                              <Menu.Dropdown>
                                <Menu.Item leftSection={<IconKey size={14} />} onClick={() => setPasswordUser(user)}>
                                  Set password
                                </Menu.Item>
                                {user.status === 'active' ? (
                                  <Menu.Item
                                    color="red"
                                    leftSection={<IconUserOff size={14} />}
                                    onClick={() => patch(user, { status: 'disabled' }, `${user.name} was disabled and signed out.`)}
                                  >
                                    Disable user
                                  </Menu.Item>
                                ) : (
                                  <Menu.Item
                                    leftSection={<IconUserCheck size={14} />}
                                    onClick={() => patch(user, { status: 'active' }, `${user.name} was re-enabled.`)}
                                  >
                                    Enable user
                                  </Menu.Item>
                                )}
                              </Menu.Dropdown>
                            </Menu>
                          ) : null}
                        </Table.Td>
                      ) : null}
                    </Table.Tr>
                  )
                })}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </Paper>

      <RoleLegend current={session.user.role} />

      {canManage ? (
        <>
          <InviteUserModal opened={inviteOpened} onClose={inviteModal.close} />
          <SetPasswordModal user={passwordUser} onClose={() => setPasswordUser(null)} />
        </>
      ) : null}
    </Stack>
  )
}

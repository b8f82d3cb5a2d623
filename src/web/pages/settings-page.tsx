/** Settings: users & roles, API keys and audit log, each shown only to roles that may use it. */
import { Navigate, useNavigate, useParams } from 'react-router-dom'
import { Badge, Group, Paper, Tabs, Text } from '@mantine/core'
import { IconActivity, IconBrandStripe, IconHistory, IconKey, IconLock, IconSend, IconUsers } from '@tabler/icons-react'
import { permissions, type Permission } from '../../shared/roles'
import { useSession } from '../auth/session'
import { RoleBadge } from '../components/badges'
import { PageHeader } from '../components/page-header'
import { EmptyState } from '../components/query-state'
import { ApiKeysTab } from './settings/api-keys-tab'
import { AuditLogTab } from './settings/audit-log-tab'
import { BillingTab } from './settings/billing-tab'
import { OutreachTab } from './settings/outreach-tab'
import { UsageSettingsTab } from './settings/usage-settings-tab'
import { UsersTab } from './settings/users-tab'

type SettingsTab = { value: string; label: string; icon: typeof IconUsers; permission: Permission }

const settingsTabs: SettingsTab[] = [
  // Everyone with users:read sees the team; editing needs users:manage (checked inside the tab).
  { value: 'users', label: 'Users & roles', icon: IconUsers, permission: 'users:read' },
  { value: 'api-keys', label: 'API keys', icon: IconKey, permission: 'keys:manage' },
  { value: 'audit-log', label: 'Audit log', icon: IconHistory, permission: 'audit:read' },
  // Everyone with config:read sees the Stripe connection; changing it needs config:write (checked inside the tab).
  { value: 'billing', label: 'Billing (Stripe)', icon: IconBrandStripe, permission: 'config:read' },
  // Key features: visible with config:read, editable with config:write (checked inside the tab).
  { value: 'usage', label: 'Product usage', icon: IconActivity, permission: 'config:read' },
  // Mail server, webhook/Slack destinations, delivery logs: visible with config:read, editable with config:write.
  { value: 'outreach', label: 'Outreach', icon: IconSend, permission: 'config:read' },
]

export default function SettingsPage() {
  const session = useSession()
  const navigate = useNavigate()
  const { tab } = useParams()
  const visible = settingsTabs.filter((candidate) => session.can(candidate.permission))
  const current = visible.find((candidate) => candidate.value === tab) ?? visible[0]

  if (tab && current && tab !== current.value) return <Navigate to={`/settings/${current.value}`} replace />

  return (
    <>
      <PageHeader title="Settings" description={`Workspace ${session.workspace.name} (${session.workspace.slug})`} />

      <Paper withBorder p="sm" mb="lg">
        <Group gap="xs" wrap="wrap">
          <Text size="sm" fw={600}>
            Your access
          </Text>
          <RoleBadge role={session.user.role} />
          {permissions.map((permission) => {
            const granted = session.can(permission)
            return (
              <Badge
                key={permission}
                size="xs"
                variant={granted ? 'light' : 'outline'}
                color={granted ? 'teal' : 'gray'}
                tt="none"
                fw={500}
                style={granted ? undefined : { textDecoration: 'line-through', opacity: 0.6 }}
                data-granted={granted}
              >
                {permission}
              </Badge>
            )
          })}
        </Group>
      </Paper>

      {!current ? (
        <Paper withBorder>
          <EmptyState
            title="Nothing to configure with your role"
            description="Ask a workspace admin if you need access to users, API keys or the audit log."
            icon={<IconLock size={22} />}
          />
        </Paper>
      ) : (
        <Tabs value={current.value} onChange={(value) => value && navigate(`/settings/${value}`)} keepMounted={false}>
          <Tabs.List mb="lg">
            {visible.map((item) => (
              <Tabs.Tab key={item.value} value={item.value} leftSection={<item.icon size={16} />} data-testid={`settings-tab-${item.value}`}>
                {item.label}
              </Tabs.Tab>
            ))}
          </Tabs.List>
          <Tabs.Panel value="users">
            <UsersTab />
          </Tabs.Panel>
          <Tabs.Panel value="api-keys">{session.can('keys:manage') ? <ApiKeysTab /> : null}</Tabs.Panel>
          <Tabs.Panel value="audit-log">{session.can('audit:read') ? <AuditLogTab /> : null}</Tabs.Panel>
          <Tabs.Panel value="billing">{session.can('config:read') ? <BillingTab /> : null}</Tabs.Panel>
          <Tabs.Panel value="usage">{session.can('config:read') ? <UsageSettingsTab /> : null}</Tabs.Panel>
          <Tabs.Panel value="outreach">{session.can('config:read') ? <OutreachTab /> : null}</Tabs.Panel>
        </Tabs>
      )}
    </>
  )
}

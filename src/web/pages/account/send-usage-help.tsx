/** Empty state for product usage: what to send, where, and with which key, for this very account. */
import { Link } from 'react-router-dom'
import { Anchor, Button, Code, Group, List, Paper, Stack, Text, ThemeIcon, Title } from '@mantine/core'
import { IconActivityHeartbeat, IconBook2, IconKey } from '@tabler/icons-react'
import { useSession } from '../../auth/session'
import { CopyField } from '../../components/copy-field'
import { trackCurlExample } from '../../lib/usage'

export function SendUsageHelp({ accountName, externalId, title = 'No product usage yet' }: { accountName: string; externalId: string; title?: string }) {
  const session = useSession()
  const canManageKeys = session.can('keys:manage')
  const origin = typeof window === 'undefined' ? '' : window.location.origin
  return (
    <Paper withBorder p="lg" data-testid="usage-empty-state">
      <Group gap="md" align="flex-start" wrap="nowrap">
        <ThemeIcon variant="light" color="bosun" size={42} radius="md">
          <IconActivityHeartbeat size={24} />
        </ThemeIcon>
        <Stack gap="sm" style={{ minWidth: 0, flex: 1 }}>
          <div>
            <Title order={4} fz="md">
              {title}
            </Title>
            <Text size="sm" c="dimmed">
              Once your product sends events for {accountName}, this shows active users, seat utilization, feature adoption and
              trends. Bosun speaks the Segment tracking API, so any Segment library or source works unchanged.
            </Text>
          </div>
          <List size="sm" spacing={6} type="ordered">
            <List.Item>
              Create an API key with the <Code>ingest</Code> scope
              {canManageKeys ? (
                <>
                  {' '}
                  in{' '}
                  <Anchor component={Link} to="/settings/api-keys" size="sm">
                    Settings → API keys
                  </Anchor>
                </>
              ) : (
                ' (ask a workspace admin)'
              )}
              . It is your write key.
            </List.Item>
            <List.Item>
              Tie users to this account with the account&apos;s external ID <Code>{externalId}</Code>: send it as{' '}
              <Code>context.groupId</Code> on events, or once per user in a <Code>group</Code> call.
            </List.Item>
            <List.Item>Send events. For example, from a terminal:</List.Item>
          </List>
          <CopyField value={trackCurlExample(origin, externalId)} testId="usage-curl-example" />
          <Text size="xs" c="dimmed">
            Events are processed within seconds. Segment libraries work too: point their host at {origin || 'this server'}.
          </Text>
          <Group gap="xs">
            <Button
              component="a"
              href="/api/docs"
              target="_blank"
              rel="noreferrer"
              size="xs"
              variant="light"
              leftSection={<IconBook2 size={14} />}
              data-testid="usage-api-docs-link"
            >
              API documentation
            </Button>
            {canManageKeys ? (
              <Button component={Link} to="/settings/api-keys" size="xs" variant="default" leftSection={<IconKey size={14} />}>
                Create a write key
              </Button>
            ) : null}
          </Group>
        </Stack>
      </Group>
    </Paper>
  )
}

/** Contacts at the account (`?contact=<id>` highlights one, e.g. from the product users list). */
import { useEffect, useRef } from 'react'
import { useSearchParams } from 'react-router-dom'
import { Anchor, Avatar, Badge, Group, Paper, Table, Text } from '@mantine/core'
import { IconUsers } from '@tabler/icons-react'
import type { Contact } from '../../api/types'
import { EmptyState } from '../../components/query-state'
import { formatRelative, initials, titleCase } from '../../lib/format'

const roleColors: Record<string, string> = {
  champion: 'teal',
  decision_maker: 'grape',
  economic_buyer: 'grape',
  executive_sponsor: 'violet',
  admin: 'blue',
  billing: 'yellow',
  detractor: 'red',
  user: 'gray',
}

export function ContactsTab({ contacts }: { contacts: Contact[] }) {
  const [params] = useSearchParams()
  const highlighted = params.get('contact')
  const highlightedRow = useRef<HTMLTableRowElement>(null)
  useEffect(() => {
    highlightedRow.current?.scrollIntoView({ block: 'center', behavior: 'smooth' })
  }, [highlighted])

  if (contacts.length === 0) {
    return (
      <Paper withBorder>
        <EmptyState
          title="No contacts yet"
          description="Contacts arrive from your CRM sync or the API."
          icon={<IconUsers size={22} />}
        />
      </Paper>
    )
  }
  const sorted = [...contacts].sort((a, b) => (a.name ?? a.email ?? '').localeCompare(b.name ?? b.email ?? ''))
  return (
    <Paper withBorder>
      <Table.ScrollContainer minWidth={760} maxHeight={560} type="native">
        <Table striped highlightOnHover stickyHeader data-testid="contacts-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Name</Table.Th>
              <Table.Th>Title</Table.Th>
              <Table.Th>Email</Table.Th>
              <Table.Th>Phone</Table.Th>
              <Table.Th>Roles</Table.Th>
              <Table.Th>Last seen</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {sorted.map((contact) => (
              <Table.Tr
                key={contact.id}
                ref={contact.id === highlighted ? highlightedRow : undefined}
                bg={contact.id === highlighted ? 'var(--mantine-color-yellow-light)' : undefined}
                data-testid="contact-row"
                data-highlighted={contact.id === highlighted || undefined}
              >
                <Table.Td>
                  <Group gap="sm" wrap="nowrap">
                    <Avatar size={26} radius="xl" color="initials" name={contact.name ?? contact.email ?? undefined}>
                      {initials(contact.name ?? contact.email)}
                    </Avatar>
                    <Text size="sm" fw={600}>
                      {contact.name ?? '—'}
                    </Text>
                  </Group>
                </Table.Td>
                <Table.Td>
                  <Text size="sm">{contact.title ?? '—'}</Text>
                </Table.Td>
                <Table.Td>
                  {contact.email ? (
                    <Anchor href={`mailto:${contact.email}`} size="sm">
                      {contact.email}
                    </Anchor>
                  ) : (
                    '—'
                  )}
                </Table.Td>
                <Table.Td className="bosun-nowrap">
                  <Text size="sm">{contact.phone ?? '—'}</Text>
                </Table.Td>
                <Table.Td>
                  <Group gap={4}>
                    {contact.roles.length === 0 ? (
                      <Text size="sm" c="dimmed">
                        —
                      </Text>
                    ) : (
                      contact.roles.map((role) => (
                        <Badge key={role} size="xs" variant="light" color={roleColors[role] ?? 'gray'}>
                          {titleCase(role)}
                        </Badge>
                      ))
                    )}
                  </Group>
                </Table.Td>
                <Table.Td className="bosun-nowrap">
                  <Text size="sm" c="dimmed">
                    {formatRelative(contact.lastSeenAt)}
                  </Text>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </Paper>
  )
}

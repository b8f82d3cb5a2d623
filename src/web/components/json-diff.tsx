/** Field-by-field before/after view of an audited change. */
import { useState } from 'react'
import { Anchor, Badge, Code, Group, Stack, Table, Text } from '@mantine/core'
import type { JsonObject } from '../api/types'

type Row = { key: string; before: unknown; after: unknown; changed: boolean }

function stable(value: unknown): string {
  if (value === undefined) return 'undefined'
  return JSON.stringify(value)
}

function render(value: unknown, present: boolean) {
  if (!present) {
    return (
      <Text size="xs" c="dimmed" fs="italic">
        —
      </Text>
    )
  }
  const text = typeof value === 'string' ? value : JSON.stringify(value, null, 2)
  return (
    <Code block={text.includes('\n') || text.length > 60} style={{ background: 'transparent', padding: 0, whiteSpace: 'pre-wrap', wordBreak: 'break-word' }}>
      {typeof value === 'string' ? JSON.stringify(value) : text}
    </Code>
  )
}

export function diffRows(before: JsonObject | null, after: JsonObject | null): Row[] {
  const keys = new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})])
  return [...keys]
    .map((key) => {
      const left = before ? before[key] : undefined
      const right = after ? after[key] : undefined
      return { key, before: left, after: right, changed: stable(left) !== stable(right) }
    })
    .sort((a, b) => Number(b.changed) - Number(a.changed) || a.key.localeCompare(b.key))
}

export function JsonDiff({ before, after }: { before: JsonObject | null; after: JsonObject | null }) {
  const [showUnchanged, setShowUnchanged] = useState(false)
  const rows = diffRows(before, after)
  const changed = rows.filter((row) => row.changed)
  const unchanged = rows.length - changed.length
  const visible = showUnchanged ? rows : changed
  const mode = before === null && after !== null ? 'created' : after === null && before !== null ? 'deleted' : 'updated'

  if (rows.length === 0) {
    return (
      <Text size="sm" c="dimmed">
        No field data was recorded for this event.
      </Text>
    )
  }

  return (
    <Stack gap="xs" data-testid="audit-diff">
      <Group gap="xs">
        <Badge size="xs" variant="light" color={mode === 'created' ? 'teal' : mode === 'deleted' ? 'red' : 'bosun'}>
          {mode}
        </Badge>
        <Text size="xs" c="dimmed">
          {changed.length} {changed.length === 1 ? 'field' : 'fields'} changed
          {unchanged > 0 ? ` · ${unchanged} unchanged` : ''}
        </Text>
        {unchanged > 0 ? (
          <Anchor component="button" type="button" size="xs" onClick={() => setShowUnchanged((value) => !value)}>
            {showUnchanged ? 'Hide unchanged' : 'Show unchanged'}
          </Anchor>
        ) : null}
      </Group>
      <Table withTableBorder withColumnBorders verticalSpacing={4} fz="xs" layout="fixed">
        <Table.Thead>
          <Table.Tr>
            <Table.Th w={180}>Field</Table.Th>
            <Table.Th>Before</Table.Th>
            <Table.Th>After</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {visible.map((row) => {
            const hasBefore = before !== null && Object.prototype.hasOwnProperty.call(before, row.key)
            const hasAfter = after !== null && Object.prototype.hasOwnProperty.call(after, row.key)
            return (
              <Table.Tr key={row.key} style={row.changed ? undefined : { opacity: 0.65 }}>
                <Table.Td>
                  <Text size="xs" fw={600} ff="monospace" style={{ wordBreak: 'break-all' }}>
                    {row.key}
                  </Text>
                </Table.Td>
                <Table.Td bg={row.changed && hasBefore ? 'var(--mantine-color-red-light)' : undefined}>
                  {render(row.before, hasBefore)}
                </Table.Td>
                <Table.Td bg={row.changed && hasAfter ? 'var(--mantine-color-teal-light)' : undefined}>
                  {render(row.after, hasAfter)}
                </Table.Td>
              </Table.Tr>
            )
          })}
        </Table.Tbody>
      </Table>
    </Stack>
  )
}

/** Table header cell that toggles a server-side sort (`field` / `-field`). */
import type { ReactNode } from 'react'
import { Group, Table, Text, UnstyledButton } from '@mantine/core'
import { IconChevronDown, IconChevronUp, IconSelector } from '@tabler/icons-react'

export function SortableTh<Field extends string>({
  field,
  sort,
  onSort,
  children,
  align = 'left',
  w,
}: {
  field: Field
  sort: string
  onSort: (next: string) => void
  children: ReactNode
  align?: 'left' | 'right'
  w?: number | string
}) {
  const active = sort === field || sort === `-${field}`
  const descending = sort === `-${field}`
  const Icon = active ? (descending ? IconChevronDown : IconChevronUp) : IconSelector
  const next = active && !descending ? `-${field}` : field
  return (
    <Table.Th w={w} aria-sort={active ? (descending ? 'descending' : 'ascending') : 'none'} style={{ whiteSpace: 'nowrap' }}>
      <UnstyledButton onClick={() => onSort(next)} data-testid={`sort-${field}`} style={{ width: '100%' }}>
        <Group gap={4} justify={align === 'right' ? 'flex-end' : 'flex-start'} wrap="nowrap">
          <Text fw={600} size="sm" c={active ? undefined : 'dimmed'} inherit>
            {children}
          </Text>
          <Icon size={14} stroke={1.8} opacity={active ? 1 : 0.5} />
        </Group>
      </UnstyledButton>
    </Table.Th>
  )
}

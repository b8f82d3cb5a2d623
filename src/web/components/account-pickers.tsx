/** Selects backed by the API: account owner (workspace users) and parent account (server-side search). */
import { useMemo, useState } from 'react'
import { Loader, Select, type SelectProps } from '@mantine/core'
import { useDebouncedValue } from '@mantine/hooks'
import { useQuery } from '@tanstack/react-query'
import { accountsApi } from '../api/endpoints'
import { useAccountFacets, useUsers } from '../api/hooks'

type OwnerOption = { value: string; label: string }

/** Active users as owner options; falls back to the owners facet if the users list is unavailable. */
export function useOwnerOptions(currentOwner?: { id: string; name: string } | null): {
  options: OwnerOption[]
  loading: boolean
} {
  const users = useUsers()
  const facets = useAccountFacets()
  const options = useMemo(() => {
    const out = new Map<string, string>()
    if (users.data) {
      for (const user of users.data.items) if (user.status === 'active') out.set(user.id, user.name || user.email)
    } else if (facets.data) {
      for (const owner of facets.data.owners) out.set(owner.id, owner.name)
    }
    if (currentOwner && !out.has(currentOwner.id)) out.set(currentOwner.id, currentOwner.name)
    return [...out.entries()]
      .map(([value, label]) => ({ value, label }))
      .sort((a, b) => a.label.localeCompare(b.label))
  }, [users.data, facets.data, currentOwner])
  return { options, loading: users.isPending && facets.isPending }
}

export function OwnerSelect({
  value,
  onChange,
  currentOwner,
  ...props
}: {
  value: string | null
  onChange: (value: string | null) => void
  currentOwner?: { id: string; name: string } | null
} & Omit<SelectProps, 'value' | 'onChange' | 'data'>) {
  const { options, loading } = useOwnerOptions(currentOwner)
  return (
    <Select
      data={options}
      value={value}
      onChange={(next) => onChange(next)}
      searchable
      clearable
      placeholder="Unassigned"
      nothingFoundMessage="No matching users"
      rightSection={loading ? <Loader size={14} /> : undefined}
      {...props}
    />
  )
}

export function ParentAccountSelect({
  value,
  onChange,
  initialLabel,
  excludeId,
  ...props
}: {
  value: string | null
  onChange: (value: string | null) => void
  initialLabel?: string | null
  excludeId?: string
} & Omit<SelectProps, 'value' | 'onChange' | 'data'>) {
  const [search, setSearch] = useState('')
  const [debounced] = useDebouncedValue(search, 250)
  const [selectedLabel, setSelectedLabel] = useState<string | null>(initialLabel ?? null)
  const results = useQuery({
    queryKey: ['accounts', 'parent-picker', debounced],
    queryFn: ({ signal }) => accountsApi.list({ q: debounced || undefined, limit: 20, sort: 'name' }, signal),
    staleTime: 30_000,
  })

  const data = useMemo(() => {
    const out = new Map<string, string>()
    if (value && selectedLabel) out.set(value, selectedLabel)
    for (const account of results.data?.items ?? []) {
      if (account.id === excludeId) continue
      out.set(account.id, account.name)
    }
    return [...out.entries()].map(([id, label]) => ({ value: id, label }))
  }, [results.data, value, selectedLabel, excludeId])

  return (
    <Select
      data={data}
      value={value}
      onChange={(next, option) => {
        setSelectedLabel(option?.label ?? null)
        onChange(next)
      }}
      searchable
      clearable
      searchValue={search}
      onSearchChange={setSearch}
      filter={({ options }) => options}
      placeholder="No parent"
      nothingFoundMessage={results.isFetching ? 'Searching…' : 'No matching accounts'}
      rightSection={results.isFetching ? <Loader size={14} /> : undefined}
      {...props}
    />
  )
}

/** Imports: CSV files from the CRM, billing, the helpdesk or a spreadsheet into Bosun, dry run first. */
import { Stack } from '@mantine/core'
import { IconLock } from '@tabler/icons-react'
import { useSession } from '../auth/session'
import { PageHeader } from '../components/page-header'
import { EmptyState } from '../components/query-state'
import { ImportHistory } from './imports/import-history'
import { NewImport } from './imports/new-import'

export default function ImportsPage() {
  const session = useSession()
  if (!session.can('customers:write')) {
    return (
      <>
        <PageHeader title="Imports" />
        <EmptyState icon={<IconLock size={22} />} title="Imports change customer data" description="Your role can read customer data but not import it. Ask a CS Ops admin." />
      </>
    )
  }
  return (
    <>
      <PageHeader
        title="Imports"
        description="Accounts, contacts, subscriptions, revenue, tickets, activity and renewal outcomes from CSV. Salesforce and HubSpot exports map themselves; records are matched by external id."
      />
      <Stack gap="lg">
        <NewImport />
        <ImportHistory />
      </Stack>
    </>
  )
}

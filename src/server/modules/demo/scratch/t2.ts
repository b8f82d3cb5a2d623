import { getTableColumns, getTableName } from 'drizzle-orm'
import { touchpoints } from '../../touchpoints'
import { contacts } from '../../contacts'
import { accounts } from '../../accounts'
import { tickets } from '../../tickets'
for (const t of [touchpoints, contacts, accounts, tickets]) {
  console.log(getTableName(t), Object.entries(getTableColumns(t)).map(([k, c]) => `${k}:${c.name}:${c.getSQLType()}`).join(' '))
}

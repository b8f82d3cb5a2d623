import { sql } from 'drizzle-orm'
import { openDb, migrateDb, queryRows } from '../../../platform/db'
const t0 = Date.now()
const h = await openDb({})
await migrateDb(h)
console.log('open+migrate', Date.now() - t0)
const rows = await queryRows(h.db, sql`select * from json_to_recordset(${JSON.stringify([{ a: ['x', 'y'], b: 1, c: '2024-01-02', d: { q: 1 } }])}::json) as x(a text[], b int, c date, d jsonb)`)
console.log(rows)
await h.close()

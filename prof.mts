import { sql } from 'drizzle-orm'
import { openDb, queryRows } from '/work/main/src/server/platform/db'
import { evaluateWorkspace } from '/work/main/src/server/modules/segments'
const handle = await openDb({ databaseUrl: 'postgres://postgres@127.0.0.1:5432/' + process.argv[2], poolSize: 2 })
const [ws] = await queryRows<{ id: string }>(handle.db, sql`select id from workspaces`)
console.log(await evaluateWorkspace(handle.db, { workspaceId: ws!.id }))
await handle.close()

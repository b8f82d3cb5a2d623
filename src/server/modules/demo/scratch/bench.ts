import { openDb, migrateDb } from '../../../platform/db'
import { generateDemoWorld } from '../demo.service'
const [accounts, months, url] = [Number(process.argv[2] ?? 2000), Number(process.argv[3] ?? 12), process.argv[4]]
const h = await openDb(url ? { databaseUrl: url } : {})
await migrateDb(h)
const t0 = Date.now()
let last = 0
const result = await generateDemoWorld(h.db, { accounts, months, seed: 42, today: '2025-06-15', password: 'x', onProgress: (step, done, total) => { if (Date.now() - last > 5000) { last = Date.now(); console.log(step, done, total, ((Date.now() - t0) / 1000).toFixed(1), 's', Math.round(process.memoryUsage().rss / 1e6), 'MB') } } })
console.log('cpu', JSON.stringify(process.cpuUsage()), 'generated in', ((Date.now() - t0) / 1000).toFixed(2), 's', result.counts, 'rss', Math.round(process.memoryUsage().rss / 1e6), 'MB')
await h.close()

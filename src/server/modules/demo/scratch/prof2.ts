import { planWorld, simulateAccounts } from '../demo.world'
import { uuidv7 } from '../demo.ids'
const t0 = Date.now()
const plan = planWorld({ accounts: 20000, months: 12, seed: 42, today: '2025-06-15' }, uuidv7)
const t1 = Date.now()
let n = 0, rows = 0, sj = 0
for (const a of simulateAccounts(plan, uuidv7)) { rows += a.touchpoints.length + a.tickets.length + a.contacts.length + a.truth.length; const s = Date.now(); for (const r of a.touchpoints) n += JSON.stringify(r).length; for (const r of a.tickets) n += JSON.stringify(r).length; sj += Date.now() - s }
console.log('plan', t1 - t0, 'simulate+stringify', Date.now() - t1, 'stringify', sj, 'rows', rows)

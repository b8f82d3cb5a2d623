import { buildWorld } from '../demo.world'
import { uuidv7 } from '../demo.ids'
const t0 = Date.now()
const w = buildWorld({ accounts: 10000, months: 12, seed: 42, today: '2025-06-15' }, uuidv7)
const t1 = Date.now()
let n = 0
for (const a of w.accounts) { n += JSON.stringify(a.touchpoints).length + JSON.stringify(a.tickets).length + JSON.stringify(a.contacts).length + JSON.stringify(a.truth).length }
console.log('build', t1 - t0, 'ms; stringify', Date.now() - t1, 'ms', n)

import { buildWorld, sequentialIds } from '../demo.world'
const w = buildWorld({ accounts: 300, months: 12, seed: 5, today: '2025-06-15' }, sequentialIds())
console.log(w.plan.users.slice(0, 8).map((u) => `${u.name} <${u.email}> ${u.role} ${u.title}`).join('\n'))
for (const a of w.accounts.slice(0, 12)) console.log(a.account.externalId, a.account.name, a.account.domain, a.account.traits.segment, a.account.plan, a.account.arr, a.account.status, a.account.renewalDate, a.account.country, a.account.employees, a.account.parentId ? 'child' : '')
const ent = w.accounts.find((a) => a.account.traits.segment === 'Enterprise' && a.account.status === 'churned') ?? w.accounts.find((a) => a.account.traits.segment === 'Enterprise')!
console.log('\n', ent.account.name, ent.account.status)
for (const s of ent.subscriptions) console.log(' sub', s.externalId, s.product, s.startDate, s.endDate, s.seats, s.arr, s.status)
for (const m of ent.movements) console.log(' mv', m.effectiveDate, m.kind, m.arrDelta, m.note)
for (const c of ent.contacts) console.log(' c', c.name, c.email, c.title, c.roles.join('/'), c.lastSeenAt, JSON.stringify(c.traits))
for (const t of ent.truth) console.log(' truth', t.month, t.trueHealth)
for (const t of ent.touchpoints.slice(-15)) console.log(' tp', t.occurredAt.slice(0, 10), t.kind, '|', t.subject, '|', t.body)
for (const t of ent.tickets.slice(-8)) console.log(' tk', t.externalId, t.openedAt.slice(0, 16), t.priority, t.status, t.satisfaction, t.subject, t.closedAt)

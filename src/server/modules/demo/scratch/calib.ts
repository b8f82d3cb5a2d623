import { buildWorld, sequentialIds, type World } from '../demo.world'

const negativeWords = /risk|escalat|concern|competitor|evaluating|delay|disengaged|questioned|blocked|frustrat|recovery|no response|postponed|cut \d+ seats|low adoption|incident|unhappy/i

export function auc(scores: number[], labels: boolean[]): number {
  const pos: number[] = [], neg: number[] = []
  scores.forEach((s, i) => (labels[i] ? pos : neg).push(s))
  let wins = 0
  for (const p of pos) for (const n of neg) wins += p > n ? 1 : p === n ? 0.5 : 0
  return wins / (pos.length * neg.length)
}

function stats(world: World) {
  const n = world.accounts.length
  const seg = (a: World['accounts'][number]) => a.account.traits.segment as string
  const counts = { contacts: 0, touchpoints: 0, tickets: 0, subs: 0, movements: 0, truth: 0 }
  for (const a of world.accounts) {
    counts.contacts += a.contacts.length; counts.touchpoints += a.touchpoints.length; counts.tickets += a.tickets.length
    counts.subs += a.subscriptions.length; counts.movements += a.movements.length; counts.truth += a.truth.length
  }
  console.log('users', world.plan.users.length, counts)
  const bySeg: Record<string, { n: number; churned: number; arr: number[]; decisions: number; dchurn: number }> = {}
  const scoresT: number[] = [], scoresO: number[] = [], labels: boolean[] = []
  const comp = { neg: [] as number[], bad: [] as number[], tks: [] as number[], pos: [] as number[], share: [] as number[] }
  for (const a of world.accounts) {
    const s = (bySeg[seg(a)] ??= { n: 0, churned: 0, arr: [], decisions: 0, dchurn: 0 })
    s.n++
    if (a.account.status === 'churned') s.churned++
    if (a.account.status === 'active') s.arr.push(a.account.arr)
    for (const r of a.renewals) {
      if (r.contract !== 'term') continue
      s.decisions++; if (r.churned) s.dchurn++
      const t = Date.parse(r.date)
      const from = t - 120 * 86400000
      const tps = a.touchpoints.filter((p) => Date.parse(p.occurredAt) >= from && Date.parse(p.occurredAt) < t)
      const tks = a.tickets.filter((p) => Date.parse(p.openedAt) >= from && Date.parse(p.openedAt) < t)
      const neg = tps.filter((p) => negativeWords.test(p.subject)).length
      const bad = tks.filter((k) => k.satisfaction === 'bad' || k.priority === 'urgent').length
      const pos = tps.filter((p) => !negativeWords.test(p.subject) && /strong|well|positive|milestone|promoted|expansion|case study|useful|goals met|\+/i.test(p.subject)).length
      scoresT.push(-r.trueHealth); scoresO.push(neg + bad - pos + 0.3 * tks.length / (a.account.traits.segment === 'Enterprise' ? 4 : 1)); labels.push(r.churned)
      comp.neg.push(neg); comp.bad.push(bad); comp.tks.push(tks.length); comp.pos.push(-pos); comp.share.push((neg + 0.5) / (tps.length + 1) - pos / (tps.length + 1))
    }
  }
  for (const [k, s] of Object.entries(bySeg)) {
    s.arr.sort((x, y) => x - y)
    const q = (p: number) => s.arr[Math.floor(p * (s.arr.length - 1))]
    console.log(k, s.n, 'churned', s.churned, (s.churned / s.n).toFixed(3), 'decisions', s.decisions, 'decisionChurn', (s.dchurn / s.decisions).toFixed(3), 'arr p5/50/95/max', q(0.05), q(0.5), q(0.95), q(1))
  }
  const churned = world.accounts.filter((a) => a.account.status === 'churned').length
  const reactivated = world.accounts.filter((a) => a.movements.some((m) => m.kind === 'reactivation')).length
  console.log('churned total', churned, (churned / n).toFixed(3), 'reactivated', reactivated, 'term decisions', labels.length, 'churn rate', (labels.filter(Boolean).length / labels.length).toFixed(3))
  console.log('AUC truth', auc(scoresT, labels).toFixed(3), 'AUC observable', auc(scoresO, labels).toFixed(3))
  const allH = world.accounts.flatMap((a) => a.truth.map((t) => t.trueHealth)).sort((x, y) => x - y)
  for (const [k, v] of Object.entries(comp)) console.log('  AUC', k, auc(v, labels).toFixed(3))
  console.log('health p10/50/90', allH[Math.floor(allH.length * 0.1)], allH[Math.floor(allH.length * 0.5)], allH[Math.floor(allH.length * 0.9)])
  const kinds: Record<string, number> = {}
  for (const a of world.accounts) for (const m of a.movements) kinds[m.kind] = (kinds[m.kind] ?? 0) + 1
  console.log(kinds)
}

const t0 = Date.now()
const accounts = Number(process.argv[2] ?? 2000), months = Number(process.argv[3] ?? 12), seed = Number(process.argv[4] ?? 42)
const world = buildWorld({ accounts, months, seed, today: '2025-06-15' }, sequentialIds())
console.log('built in', Date.now() - t0, 'ms')
stats(world)

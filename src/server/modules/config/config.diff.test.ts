import { describe, expect, it } from 'vitest'
import { describeChange, diffBodies, sameBody } from './config.diff'

describe('comparing document bodies', () => {
  it('ignores key order (jsonb keeps its own) but not values', () => {
    expect(sameBody({ name: 'A', condition: { field: 'arr', op: 'gt', value: 1 } }, { condition: { value: 1, op: 'gt', field: 'arr' }, name: 'A' })).toBe(true)
    expect(sameBody({ values: [1, 2] }, { values: [2, 1] })).toBe(false)
    expect(sameBody({ a: 1, b: undefined }, { a: 1 })).toBe(true)
  })

  it('lists the deepest changed paths, with added and removed keys and list items', () => {
    const before = { name: 'Enterprise', description: 'Big', condition: { all: [{ field: 'arr', op: 'gte', value: 100_000 }, { field: 'plan', op: 'eq', value: 'Pro' }] } }
    const after = { name: 'Enterprise', condition: { all: [{ field: 'arr', op: 'gte', value: 150_000 }] }, color: 'violet' }
    expect(diffBodies(before, after).map(describeChange)).toEqual([
      '~ condition.all.0.value: 100000 → 150000',
      '- condition.all.1: {"field":"plan","op":"eq","value":"Pro"}',
      '+ color: "violet"',
      '- description: "Big"',
    ])
    expect(diffBodies(before, before)).toEqual([])
    expect(diffBodies({ condition: { field: 'arr', op: 'gt', value: 1 } }, { condition: { all: [{ field: 'arr', op: 'gt', value: 1 }] } }).map((change) => change.path)).toEqual(['condition.all', 'condition.field', 'condition.op', 'condition.value'])
    expect(diffBodies('x'.repeat(100), 'y').map(describeChange)).toEqual([`~ (body): "${'x'.repeat(76)}… → "y"`])
  })
})

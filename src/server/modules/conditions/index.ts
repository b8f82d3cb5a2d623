export { conditionRoutes } from './conditions.routes'
export { accountFactsQuery, compileCondition } from './conditions.sql'
export { assertCondition, loadAccountFacts, findMatchingAccountIds, accountMatches, previewCondition, todayUtc } from './conditions.service'

export * from './accounts.tables'
export { accountRoutes, toAccountDto, toRevenueMovementDto } from './accounts.routes'
export { AccountSchema, RevenueMovementSchema } from './accounts.contracts'
export { accountJsonObject, isoTimestamp } from './accounts.repo'
export {
  findAccountsByExternalIds,
  accountAncestry,
  importAccountsBatch,
  findRevenueMovementByExternalId,
  type AccountImportRow,
} from './accounts.import'
export {
  getAccount,
  assertAccountReference,
  listAccountsJson,
  createAccount,
  updateAccount,
  findAccountByExternalId,
  findAccountsByTrait,
  subscriptionLedgerArr,
  listChildAccounts,
  recordRevenueMovement,
  listRevenueMovements,
  arrSeries,
  arrAtDate,
  todayUtc,
  shiftMonths,
  type Account,
  type CreateAccountInput,
  type AccountWithOwner,
  type RevenueMovement,
} from './accounts.service'

export { account360Routes } from './account-360.routes'
export { getAccount360, account360Limits } from './account-360.service'

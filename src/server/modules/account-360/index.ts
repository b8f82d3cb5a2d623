export { account360Routes } from './account-360.routes'
export { getAccount360Json, account360Limits } from './account-360.service'

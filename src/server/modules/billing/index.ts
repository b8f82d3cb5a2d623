import type { AppDeps } from '../../platform/http'
import { retryUnmatchedStripeEventsJob } from './jobs/retry-unmatched-events'

export * from './billing.tables'
export { billingRoutes, toPaymentFailureDto } from './billing.routes'
export { PaymentFailureSchema } from './billing.contracts'
export {
  openPaymentFailures,
  listAccountPaymentFailures,
  receiveStripeWebhook,
  retryStripeEvents,
  mapStripeCustomer,
  setStripeSigningSecret,
  type PaymentFailure,
  type StripeEvent,
  type StripeEventStatus,
} from './billing.service'
export { verifyStripeSignature } from './stripe-signature'
export { retryUnmatchedStripeEventsJob }
export const billingJobs = (deps: AppDeps) => [retryUnmatchedStripeEventsJob(deps)]

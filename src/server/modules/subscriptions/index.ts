export * from './subscriptions.tables'
export { subscriptionRoutes, toSubscriptionDto } from './subscriptions.routes'
export { SubscriptionSchema } from './subscriptions.contracts'
export {
  listSubscriptions,
  getSubscription,
  createSubscription,
  updateSubscription,
  deleteSubscription,
  upsertSubscriptionByExternalId,
  listAccountSubscriptions,
  findSubscriptionByExternalId,
  type Subscription,
  type CreateSubscriptionInput,
  type UpdateSubscriptionInput,
} from './subscriptions.service'

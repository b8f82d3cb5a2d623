export * from './outreach.tables'
export { outreachRoutes } from './outreach.routes'
export {
  queueEmail,
  queueWebhook,
  emailFromAddress,
  type QueueEmailParams,
  type QueueWebhookParams,
  type QueuedEmail,
  type QueuedWebhook,
  type PlaybookOrigin,
} from './outreach.service'
export { deliverDueOutreach, closeOutreachTransports, backoffSeconds, MAX_ATTEMPTS, type DeliveryResult } from './outreach.delivery'
export { verifyBosunSignature, signBosunPayload, BOSUN_SIGNATURE_TOLERANCE_SECONDS } from './outreach.signature'
export { deliverOutreachJob } from './jobs/deliver'
export { outreachJobs } from './jobs'

export * from './audit.tables'
export { recordAudit, type AuditActor, type RecordAuditParams } from './audit.service'
export { auditRoutes } from './audit.routes'

export * from './config.tables'
export { configRoutes, toConfigDocumentDto, toConfigVersionDto } from './config.routes'
export {
  defineConfigKind,
  conditionSchema,
  findKind,
  type ConfigKind,
  type ConfigKindDefinition,
  type ConfigIssue,
  type ConfigDocumentVersion,
  type ConfigPublishContext,
  type ConfigArchiveContext,
} from './config.kinds'
export {
  listKinds,
  listDocuments,
  getDocument,
  listDocumentVersions,
  getDocumentVersion,
  listPublishedDocuments,
  getPublishedDocument,
  saveDraft,
  discardDraft,
  publishDraft,
  restoreVersion,
  archiveDocument,
  exportConfig,
  planConfig,
  applyConfig,
  installDefaults,
  type ConfigDocumentView,
  type ConfigDocumentState,
  type ConfigPlan,
  type PlanEntry,
  type PlanError,
  type PlanAction,
} from './config.service'
export { describeChange, diffBodies, type ConfigChange } from './config.diff'

export * from './success-plans.tables'
export {
  successPlanConfigKind,
  SuccessPlanTemplateBodySchema,
  SUCCESS_PLAN_KIND,
  milestoneOwners,
  type SuccessPlanTemplateBody,
  type MilestoneOwner,
} from './success-plans.config'
export {
  createPlanFromTemplate,
  suggestTemplates,
  getPlan,
  listAccountPlans,
  listPlans,
  CUSTOMER_OWNER,
  type CreatePlanFromTemplateParams,
  type SuccessPlan,
  type SuccessPlanItem,
  type PlanView,
  type PlanSummaryView,
} from './success-plans.service'
export { successPlanRoutes } from './success-plans.routes'

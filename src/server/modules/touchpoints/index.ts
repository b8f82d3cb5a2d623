export * from './touchpoints.tables'
export { touchpointRoutes, toTouchpointDto } from './touchpoints.routes'
export { TouchpointSchema } from './touchpoints.contracts'
export {
  listTouchpoints,
  getTouchpoint,
  createTouchpoint,
  updateTouchpoint,
  deleteTouchpoint,
  listAccountTouchpoints,
  touchpointActor,
  type Touchpoint,
  type TouchpointWithAuthor,
  type TouchpointActor,
  type CreateTouchpointInput,
  type UpdateTouchpointInput,
} from './touchpoints.service'

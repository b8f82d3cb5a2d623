export * from './domain-events.tables'
export {
  recordDomainEvents,
  listDomainEvents,
  consumeDomainEvents,
  workspacesWithUnreadEvents,
  domainEventTypes,
  type DomainEvent,
  type DomainEventType,
  type NewDomainEvent,
} from './domain-events.service'
export { domainEventRoutes } from './domain-events.routes'

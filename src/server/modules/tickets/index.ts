export * from './tickets.tables'
export { ticketRoutes, toTicketDto } from './tickets.routes'
export { TicketSchema } from './tickets.contracts'
export {
  listTickets,
  getTicket,
  createTicket,
  updateTicket,
  upsertTicketByExternalId,
  deleteTicket,
  listAccountTickets,
  countOpenTickets,
  findTicketByExternalId,
  openTicketStatuses,
  type Ticket,
  type CreateTicketInput,
  type UpdateTicketInput,
} from './tickets.service'

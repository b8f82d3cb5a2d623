export * from './tickets.tables'

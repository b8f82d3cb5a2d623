export * from './contacts.tables'

export * from './subscriptions.tables'

export * from './touchpoints.tables'

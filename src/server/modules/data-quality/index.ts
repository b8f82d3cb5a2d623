export { dataQualityRoutes } from './data-quality.routes'
export { DataQualityReportSchema, dataQualityChecks, type DataQualityCheck } from './data-quality.contracts'
export { dataQualityReport, dataQualityExamples } from './data-quality.service'

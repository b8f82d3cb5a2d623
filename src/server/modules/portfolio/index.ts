export { portfolioRoutes } from './portfolio.routes'
export { portfolioSummary, renewalWindowDays } from './portfolio.service'

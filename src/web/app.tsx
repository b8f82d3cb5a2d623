/** Providers and routes. */
import { lazy, Suspense, useEffect, useEffectEvent } from 'react'
import { BrowserRouter, Navigate, Route, Routes, useLocation, useNavigate } from 'react-router-dom'
import { Center, Loader, MantineProvider } from '@mantine/core'
import { Notifications } from '@mantine/notifications'
import { QueryClient, QueryClientProvider, useQueryClient } from '@tanstack/react-query'
import { ApiError, setUnauthorizedHandler } from './api/client'
import { AppLayout } from './components/app-layout'
import { RequireAuth } from './components/require-auth'
import { theme } from './theme'

const LoginPage = lazy(() => import('./pages/login-page'))
const HomePage = lazy(() => import('./pages/home-page'))
const AccountsPage = lazy(() => import('./pages/accounts-page'))
const Account360Page = lazy(() => import('./pages/account-360-page'))
const SegmentsPage = lazy(() => import('./pages/segments-page'))
const SegmentGroupPage = lazy(() => import('./pages/segments/group-detail-page'))
const SettingsPage = lazy(() => import('./pages/settings-page'))
const DataQualityPage = lazy(() => import('./pages/data-quality-page'))
const ImportsPage = lazy(() => import('./pages/imports-page'))
const ConfigPage = lazy(() => import('./pages/config-page'))
const ConfigDocumentPage = lazy(() => import('./pages/config/config-document-page'))
const ConfigNewPage = lazy(() => import('./pages/config/config-new-page'))
const ConfigYamlPage = lazy(() => import('./pages/config/config-yaml-page'))
const EngagementPage = lazy(() => import('./pages/engagement-page'))
const JourneyMapPage = lazy(() => import('./pages/journey-map-page'))
const HealthPage = lazy(() => import('./pages/health-page'))
const HealthBacktestPage = lazy(() => import('./pages/health/backtest-page'))
const ChurnPage = lazy(() => import('./pages/churn-page'))
const MyDayPage = lazy(() => import('./pages/tasks/my-day-page'))
const TeamPage = lazy(() => import('./pages/tasks/team-page'))
const SuccessPlansPage = lazy(() => import('./pages/success-plans/success-plans-page'))
const PlanDetailPage = lazy(() => import('./pages/success-plans/plan-detail-page'))
const SharedPlanPage = lazy(() => import('./pages/success-plans/shared-plan-page'))
const PlaybooksPage = lazy(() => import('./pages/playbooks-page'))
const PlaybookDetailPage = lazy(() => import('./pages/playbooks/playbook-detail-page'))
const NotFoundPage = lazy(() => import('./pages/not-found-page'))

function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 30_000,
        refetchOnWindowFocus: false,
        retry: (failureCount, error) => {
          // Client errors (4xx) will not fix themselves; retry only network/5xx once.
          if (error instanceof ApiError && error.status >= 400 && error.status < 500) return false
          return failureCount < 1
        },
      },
    },
  })
}

const queryClient = createQueryClient()

/** Any 401 from the API (expired or revoked session) drops cached data and goes to the login page. */
function UnauthorizedRedirect() {
  const navigate = useNavigate()
  const location = useLocation()
  const client = useQueryClient()
  const onUnauthorized = useEffectEvent(() => {
    if (location.pathname === '/login') return
    navigate('/login', { replace: true, state: { from: location.pathname + location.search } })
    client.clear()
  })

  useEffect(() => {
    setUnauthorizedHandler(() => onUnauthorized())
    return () => setUnauthorizedHandler(null)
  }, [])

  return null
}

const fullPageFallback = (
  <Center h="100vh">
    <Loader size="sm" />
  </Center>
)

export function App() {
  return (
    <MantineProvider theme={theme} defaultColorScheme="light">
      <Notifications position="top-right" limit={4} />
      <QueryClientProvider client={queryClient}>
        <BrowserRouter>
          <UnauthorizedRedirect />
          <Suspense fallback={fullPageFallback}>
            <Routes>
              <Route path="/login" element={<LoginPage />} />
              <Route path="/shared/plans/:token" element={<SharedPlanPage />} />
              <Route
                element={
                  <RequireAuth>
                    <AppLayout />
                  </RequireAuth>
                }
              >
                <Route index element={<HomePage />} />
                <Route path="my-day" element={<MyDayPage />} />
                <Route path="team" element={<TeamPage />} />
                <Route path="accounts" element={<AccountsPage />} />
                <Route path="accounts/:id" element={<Account360Page />} />
                <Route path="segments" element={<SegmentsPage />} />
                <Route path="segments/:family/:key" element={<SegmentGroupPage />} />
                <Route path="engagement" element={<EngagementPage />} />
                <Route path="journey" element={<JourneyMapPage />} />
                <Route path="health" element={<HealthPage />} />
                <Route path="health/backtest" element={<HealthBacktestPage />} />
                <Route path="churn" element={<ChurnPage />} />
                <Route path="success-plans" element={<SuccessPlansPage />} />
                <Route path="success-plans/:id" element={<PlanDetailPage />} />
                <Route path="playbooks" element={<PlaybooksPage />} />
                <Route path="playbooks/:key" element={<PlaybookDetailPage />} />
                <Route path="data-quality" element={<DataQualityPage />} />
                <Route path="imports" element={<ImportsPage />} />
                <Route path="configuration" element={<ConfigPage />} />
                <Route path="configuration/yaml" element={<ConfigYamlPage />} />
                <Route path="configuration/:kind" element={<ConfigPage />} />
                <Route path="configuration/:kind/new" element={<ConfigNewPage />} />
                <Route path="configuration/:kind/:key" element={<ConfigDocumentPage />} />
                <Route path="settings" element={<SettingsPage />} />
                <Route path="settings/:tab" element={<SettingsPage />} />
                <Route path="home" element={<Navigate to="/" replace />} />
                <Route path="*" element={<NotFoundPage />} />
              </Route>
            </Routes>
          </Suspense>
        </BrowserRouter>
      </QueryClientProvider>
    </MantineProvider>
  )
}

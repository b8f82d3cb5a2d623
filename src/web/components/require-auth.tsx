/** Loads /api/auth/me; sends anonymous visitors to /login and provides the session to the app. */
import type { ReactNode } from 'react'
import { Navigate, useLocation } from 'react-router-dom'
import { Center, Container, Loader, Stack, Text } from '@mantine/core'
import { isApiError } from '../api/client'
import { useMe } from '../api/hooks'
import { SessionProvider } from '../auth/session'
import { ErrorState } from './query-state'

export function RequireAuth({ children }: { children: ReactNode }) {
  const me = useMe()
  const location = useLocation()

  if (me.isPending) {
    return (
      <Center h="100vh">
        <Stack align="center" gap="xs">
          <Loader size="md" />
          <Text size="sm" c="dimmed">
            Loading your workspace…
          </Text>
        </Stack>
      </Center>
    )
  }

  if (me.isError) {
    if (isApiError(me.error, 401)) {
      const from = location.pathname + location.search
      return <Navigate to="/login" replace state={{ from }} />
    }
    return (
      <Container size="sm" py={80}>
        <ErrorState error={me.error} title="Could not load your session" onRetry={() => void me.refetch()} />
      </Container>
    )
  }

  return <SessionProvider me={me.data}>{children}</SessionProvider>
}

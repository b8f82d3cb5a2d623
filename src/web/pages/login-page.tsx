/** Sign in. A workspace field appears only when the server says the email exists in several workspaces (409). */
import { useEffect, useState, type FormEvent } from 'react'
import { Navigate, useLocation, useNavigate } from 'react-router-dom'
import {
  Alert,
  Box,
  Button,
  Center,
  Group,
  List,
  Loader,
  Paper,
  PasswordInput,
  SimpleGrid,
  Stack,
  Text,
  TextInput,
  ThemeIcon,
  Title,
} from '@mantine/core'
import { useMutation, useQueryClient } from '@tanstack/react-query'
import {
  IconAlertTriangle,
  IconAnchor,
  IconBuildingSkyscraper,
  IconChartAreaLine,
  IconClockExclamation,
  IconTimeline,
} from '@tabler/icons-react'
import { ApiError, errorMessage } from '../api/client'
import { authApi } from '../api/endpoints'
import { queryKeys, useMe } from '../api/hooks'
import type { LoginInput } from '../api/types'

function loggedOutState(state: unknown): boolean {
  return typeof state === 'object' && state !== null && 'loggedOut' in state && state.loggedOut === true
}

function redirectTarget(state: unknown): string {
  if (typeof state === 'object' && state !== null && 'from' in state) {
    const from = (state as { from: unknown }).from
    if (typeof from === 'string' && from.startsWith('/') && !from.startsWith('/login')) return from
  }
  return '/'
}

export default function LoginPage() {
  const navigate = useNavigate()
  const location = useLocation()
  const queryClient = useQueryClient()
  const loggedOut = loggedOutState(location.state)
  const existing = useMe()

  useEffect(() => {
    // Just signed out: forget everything cached for the previous session.
    if (loggedOut) queryClient.clear()
  }, [loggedOut, queryClient])

  const [email, setEmail] = useState('')
  const [password, setPassword] = useState('')
  const [workspace, setWorkspace] = useState('')
  const [needsWorkspace, setNeedsWorkspace] = useState(false)

  const login = useMutation({
    mutationFn: (input: LoginInput) => authApi.login(input),
    onSuccess: async (me) => {
      // A session check may still be in flight (answering 401): drop it so it cannot overwrite the new session.
      await queryClient.cancelQueries({ queryKey: queryKeys.me })
      queryClient.setQueryData(queryKeys.me, me)
      navigate(redirectTarget(location.state), { replace: true })
    },
    onError: (error) => {
      if (error instanceof ApiError && error.status === 409 && error.fieldError('workspace')) setNeedsWorkspace(true)
    },
  })

  if (existing.data && !loggedOut) return <Navigate to={redirectTarget(location.state)} replace />

  const apiError = login.error instanceof ApiError ? login.error : null
  const workspaceError = apiError?.fieldError('workspace')
  const emailError = apiError?.fieldError('email')
  const passwordError = apiError?.fieldError('password')
  const showBanner = login.isError && !(apiError?.status === 409 && workspaceError)

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault()
    const input: LoginInput = { email: email.trim(), password }
    if (needsWorkspace && workspace.trim()) input.workspace = workspace.trim()
    login.mutate(input)
  }

  return (
    <SimpleGrid cols={{ base: 1, md: 2 }} spacing={0} mih="100vh">
      <Box
        visibleFrom="md"
        p={56}
        style={{
          background: 'linear-gradient(150deg, var(--mantine-color-bosun-9) 0%, var(--mantine-color-bosun-6) 60%, var(--mantine-color-cyan-6) 100%)',
          color: 'white',
        }}
      >
        <Stack justify="space-between" h="100%">
          <Group gap={10}>
            <ThemeIcon size={40} radius="md" color="white" variant="white">
              <IconAnchor size={24} color="var(--mantine-color-bosun-7)" />
            </ThemeIcon>
            <Text fw={800} fz={26} lts={-0.5}>
              Bosun
            </Text>
          </Group>
          <Stack gap="lg" maw={460}>
            <Title order={1} fz={34} lh={1.15}>
              Keep every customer on course.
            </Title>
            <Text fz="lg" opacity={0.9}>
              Customer Success Operations for teams who run on data: one view of every account, its revenue, renewals,
              tickets and conversations.
            </Text>
            <List spacing="sm" c="white" icon={null} listStyleType="none">
              {[
                { icon: IconChartAreaLine, text: 'Portfolio ARR, movements and churn at a glance' },
                { icon: IconClockExclamation, text: 'Renewals coming due, surfaced before they slip' },
                { icon: IconBuildingSkyscraper, text: 'Account 360: contacts, subscriptions, tickets' },
                { icon: IconTimeline, text: 'A shared timeline of every call, meeting and note' },
              ].map((item) => (
                <List.Item key={item.text}>
                  <Group gap="sm" wrap="nowrap">
                    <ThemeIcon size={28} radius="xl" variant="white" color="bosun">
                      <item.icon size={16} />
                    </ThemeIcon>
                    <Text>{item.text}</Text>
                  </Group>
                </List.Item>
              ))}
            </List>
          </Stack>
          <Text size="xs" opacity={0.7}>
            Open-source Customer Success platform
          </Text>
        </Stack>
      </Box>

      <Center p="xl" bg="var(--mantine-color-body)">
        {existing.isPending && !loggedOut ? (
          <Loader size="sm" />
        ) : (
          <Paper withBorder shadow="sm" p={36} w="100%" maw={420} radius="lg">
            <form onSubmit={onSubmit} noValidate data-testid="login-form">
              <Stack gap="md">
                <div>
                  <Group gap={8} hiddenFrom="md" mb="md">
                    <ThemeIcon size={30} radius="md">
                      <IconAnchor size={18} />
                    </ThemeIcon>
                    <Text fw={800} fz="xl">
                      Bosun
                    </Text>
                  </Group>
                  <Title order={2} fz={24}>
                    Sign in
                  </Title>
                  <Text size="sm" c="dimmed" mt={4}>
                    Use your work email and password.
                  </Text>
                </div>

                {showBanner ? (
                  <Alert
                    color={apiError?.status === 429 ? 'orange' : 'red'}
                    variant="light"
                    icon={<IconAlertTriangle size={18} />}
                    title={apiError?.status === 429 ? 'Too many attempts' : apiError?.problem.title ?? 'Sign-in failed'}
                    data-testid="login-error"
                  >
                    {errorMessage(login.error)}
                  </Alert>
                ) : null}

                <TextInput
                  label="Email"
                  name="email"
                  type="email"
                  autoComplete="username"
                  placeholder="you@company.com"
                  required
                  autoFocus
                  value={email}
                  onChange={(event) => setEmail(event.currentTarget.value)}
                  error={emailError}
                  data-testid="login-email"
                />
                <PasswordInput
                  label="Password"
                  name="password"
                  autoComplete="current-password"
                  required
                  value={password}
                  onChange={(event) => setPassword(event.currentTarget.value)}
                  error={passwordError}
                  data-testid="login-password"
                />
                {needsWorkspace ? (
                  <TextInput
                    label="Workspace"
                    name="workspace"
                    description="This email belongs to several workspaces. Enter the one to sign in to."
                    placeholder="workspace slug, e.g. acme"
                    required
                    autoFocus
                    value={workspace}
                    onChange={(event) => setWorkspace(event.currentTarget.value)}
                    error={workspaceError && login.isError ? workspaceError : undefined}
                    data-testid="login-workspace"
                  />
                ) : null}
                <Button type="submit" fullWidth loading={login.isPending} mt="xs" data-testid="login-submit">
                  Sign in
                </Button>
                <Text size="xs" c="dimmed" ta="center">
                  Forgot your password? Ask a workspace admin to set a new one in{' '}
                  <Text span inherit fw={600}>
                    Settings → Users &amp; roles
                  </Text>
                  .
                </Text>
              </Stack>
            </form>
          </Paper>
        )}
      </Center>
    </SimpleGrid>
  )
}

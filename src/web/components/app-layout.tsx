/** The signed-in shell: header (workspace, user, role, logout) and left navigation. */
import { Suspense } from 'react'
import { Link, Outlet, useLocation, useNavigate } from 'react-router-dom'
import {
  ActionIcon,
  AppShell,
  Avatar,
  Burger,
  Divider,
  Group,
  Loader,
  Center,
  NavLink,
  Stack,
  Text,
  ThemeIcon,
  Tooltip,
  UnstyledButton,
  useComputedColorScheme,
  useMantineColorScheme,
} from '@mantine/core'
import { useDisclosure } from '@mantine/hooks'
import { notifications } from '@mantine/notifications'
import {
  IconAdjustmentsHorizontal,
  IconBuildingSkyscraper,
  IconCalendarCheck,
  IconChartDonut,
  IconRoute,
  IconChecklist,
  IconFileImport,
  IconHome,
  IconLogout,
  IconMoon,
  IconSettings,
  IconSun,
  IconAnchor,
  IconHeartbeat,
  IconFlame,
  IconSunrise,
  IconUsersGroup,
  IconTargetArrow,
  IconBook2,
} from '@tabler/icons-react'
import { roleDescriptions } from '../../shared/roles'
import { useLogout } from '../api/hooks'
import { errorMessage } from '../api/client'
import { useSession } from '../auth/session'
import { initials } from '../lib/format'
import { RoleBadge } from './badges'

const navItems = [
  { to: '/', label: 'Home', icon: IconHome, match: (path: string) => path === '/' },
  { to: '/my-day', label: 'My day', icon: IconSunrise, match: (path: string) => path.startsWith('/my-day'), permission: 'customers:read' as const },
  // The team's workload is for leads: audit:read is what owners, admins and managers have and CSMs do not.
  { to: '/team', label: 'Team', icon: IconUsersGroup, match: (path: string) => path.startsWith('/team'), permission: 'audit:read' as const },
  { to: '/accounts', label: 'Accounts', icon: IconBuildingSkyscraper, match: (path: string) => path.startsWith('/accounts') },
  {
    to: '/segments',
    label: 'Segments',
    icon: IconChartDonut,
    match: (path: string) => path.startsWith('/segments'),
    permission: 'customers:read' as const,
  },
  {
    to: '/journey',
    label: 'Journey map',
    icon: IconRoute,
    match: (path: string) => path.startsWith('/journey'),
    permission: 'customers:read' as const,
  },
  {
    to: '/health',
    label: 'Health',
    icon: IconHeartbeat,
    match: (path: string) => path.startsWith('/health'),
    permission: 'customers:read' as const,
  },
  {
    to: '/churn',
    label: 'Churn risk',
    icon: IconFlame,
    match: (path: string) => path.startsWith('/churn'),
    permission: 'customers:read' as const,
  },
  {
    to: '/success-plans',
    label: 'Success plans',
    icon: IconTargetArrow,
    match: (path: string) => path.startsWith('/success-plans'),
    permission: 'customers:read' as const,
  },
  {
    to: '/playbooks',
    label: 'Playbooks',
    icon: IconBook2,
    match: (path: string) => path.startsWith('/playbooks'),
    permission: 'config:read' as const,
  },
  {
    to: '/engagement',
    label: 'Engagement',
    icon: IconCalendarCheck,
    match: (path: string) => path.startsWith('/engagement'),
    permission: 'customers:read' as const,
  },
  {
    to: '/data-quality',
    label: 'Data quality',
    icon: IconChecklist,
    match: (path: string) => path.startsWith('/data-quality'),
    permission: 'customers:read' as const,
  },
  {
    to: '/imports',
    label: 'Imports',
    icon: IconFileImport,
    match: (path: string) => path.startsWith('/imports'),
    permission: 'customers:write' as const,
  },
  {
    to: '/configuration',
    label: 'Configuration',
    icon: IconAdjustmentsHorizontal,
    match: (path: string) => path.startsWith('/configuration'),
    permission: 'config:read' as const,
  },
  { to: '/settings', label: 'Settings', icon: IconSettings, match: (path: string) => path.startsWith('/settings') },
]

function ColorSchemeToggle() {
  const { setColorScheme } = useMantineColorScheme()
  const computed = useComputedColorScheme('light', { getInitialValueInEffect: true })
  const dark = computed === 'dark'
  return (
    <Tooltip label={dark ? 'Light mode' : 'Dark mode'} withArrow>
      <ActionIcon
        variant="subtle"
        color="gray"
        size="lg"
        onClick={() => setColorScheme(dark ? 'light' : 'dark')}
        aria-label="Toggle color scheme"
      >
        {dark ? <IconSun size={18} /> : <IconMoon size={18} />}
      </ActionIcon>
    </Tooltip>
  )
}

export function AppLayout() {
  const session = useSession()
  const [opened, { toggle, close }] = useDisclosure(false)
  const location = useLocation()
  const navigate = useNavigate()
  const logout = useLogout()

  const onLogout = () => {
    logout.mutate(undefined, {
      onError: (error) => notifications.show({ color: 'red', title: 'Logout failed', message: errorMessage(error) }),
      // The login page drops the cached data once this layout has unmounted.
      onSettled: () => navigate('/login', { replace: true, state: { loggedOut: true } }),
    })
  }

  return (
    <AppShell
      header={{ height: 56 }}
      navbar={{ width: 232, breakpoint: 'sm', collapsed: { mobile: !opened } }}
      padding="lg"
    >
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <Burger opened={opened} onClick={toggle} hiddenFrom="sm" size="sm" aria-label="Toggle navigation" />
            <UnstyledButton component={Link} to="/" aria-label="Bosun home">
              <Group gap={8} wrap="nowrap">
                <ThemeIcon size={30} radius="md" variant="gradient" gradient={{ from: 'blue.7', to: 'cyan.5', deg: 135 }}>
                  <IconAnchor size={18} />
                </ThemeIcon>
                <Text fw={800} fz="lg" lts={-0.3}>
                  Bosun
                </Text>
              </Group>
            </UnstyledButton>
            <Divider orientation="vertical" visibleFrom="xs" />
            <Text fw={600} size="sm" c="dimmed" truncate maw={260} data-testid="workspace-name" visibleFrom="xs">
              {session.workspace.name}
            </Text>
          </Group>
          <Group gap="sm" wrap="nowrap">
            <ColorSchemeToggle />
            <Group gap={8} wrap="nowrap" data-testid="current-user">
              <Avatar size={32} radius="xl" color="blue" variant="light">
                {initials(session.user.name)}
              </Avatar>
              <Stack gap={0} visibleFrom="sm">
                <Text size="sm" fw={600} lh={1.2} data-testid="current-user-name">
                  {session.user.name}
                </Text>
                <Text size="xs" c="dimmed" lh={1.2}>
                  {session.user.email}
                </Text>
              </Stack>
              <RoleBadge role={session.user.role} />
            </Group>
            <Tooltip label="Log out" withArrow>
              <ActionIcon
                variant="subtle"
                color="gray"
                size="lg"
                onClick={onLogout}
                loading={logout.isPending}
                aria-label="Log out"
                data-testid="logout-button"
              >
                <IconLogout size={18} />
              </ActionIcon>
            </Tooltip>
          </Group>
        </Group>
      </AppShell.Header>

      <AppShell.Navbar p="sm">
        <AppShell.Section grow>
          <Stack gap={4}>
            {navItems.filter((item) => !item.permission || session.can(item.permission)).map((item) => (
              <NavLink
                key={item.to}
                component={Link}
                to={item.to}
                label={item.label}
                leftSection={<item.icon size={18} stroke={1.7} />}
                active={item.match(location.pathname)}
                onClick={close}
                variant="light"
                style={{ borderRadius: 'var(--mantine-radius-md)' }}
                data-testid={`nav-${item.label.toLowerCase()}`}
              />
            ))}
          </Stack>
        </AppShell.Section>
        <AppShell.Section>
          <Divider mb="sm" />
          <Stack gap={6} px={6} pb={4}>
            <Group gap={6}>
              <Text size="xs" c="dimmed" fw={600} tt="uppercase">
                Your role
              </Text>
              <RoleBadge role={session.user.role} size="xs" />
            </Group>
            <Text size="xs" c="dimmed" lh={1.35}>
              {roleDescriptions[session.user.role]}
            </Text>
            {!session.can('customers:write') ? (
              <Text size="xs" c="orange" lh={1.35}>
                Read-only access: editing controls are hidden.
              </Text>
            ) : null}
          </Stack>
        </AppShell.Section>
      </AppShell.Navbar>

      <AppShell.Main bg="var(--mantine-color-body)">
        <Suspense
          fallback={
            <Center h={300}>
              <Loader size="sm" />
            </Center>
          }
        >
          <Outlet />
        </Suspense>
      </AppShell.Main>
    </AppShell>
  )
}

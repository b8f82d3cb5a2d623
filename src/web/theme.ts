/** Mantine theme: dense, calm, data-first. */
import { createTheme, type MantineColorsTuple } from '@mantine/core'

const bosunBlue: MantineColorsTuple = [
  '#e7f3ff',
  '#d0e3fb',
  '#a0c4f2',
  '#6ca3ea',
  '#4287e3',
  '#2876df',
  '#186dde',
  '#065cc6',
  '#0052b2',
  '#00469e',
]

export const theme = createTheme({
  primaryColor: 'bosun',
  colors: { bosun: bosunBlue },
  defaultRadius: 'md',
  fontFamily:
    'Inter, ui-sans-serif, system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif',
  headings: { fontWeight: '700' },
  components: {
    Table: { defaultProps: { verticalSpacing: 6, horizontalSpacing: 'sm', fz: 'sm' } },
    Badge: { defaultProps: { radius: 'sm' } },
    Paper: { defaultProps: { radius: 'md' } },
    Tooltip: { defaultProps: { openDelay: 150 } },
  },
})

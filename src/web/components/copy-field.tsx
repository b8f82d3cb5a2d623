/** A read-only secret/value box with a copy button. */
import { ActionIcon, Code, CopyButton, Group, Paper, Tooltip } from '@mantine/core'
import { IconCheck, IconCopy } from '@tabler/icons-react'

export function CopyField({ value, testId }: { value: string; testId?: string }) {
  return (
    <Paper withBorder radius="sm" p={6} pl="sm" bg="var(--mantine-color-default-hover)">
      <Group justify="space-between" wrap="nowrap" gap="xs">
        <Code
          data-testid={testId}
          style={{ background: 'transparent', wordBreak: 'break-all', fontSize: 13, userSelect: 'all' }}
        >
          {value}
        </Code>
        <CopyButton value={value} timeout={2000}>
          {({ copied, copy }) => (
            <Tooltip label={copied ? 'Copied' : 'Copy'} withArrow position="left">
              <ActionIcon color={copied ? 'teal' : 'gray'} variant="subtle" onClick={copy} aria-label="Copy">
                {copied ? <IconCheck size={16} /> : <IconCopy size={16} />}
              </ActionIcon>
            </Tooltip>
          )}
        </CopyButton>
      </Group>
    </Paper>
  )
}

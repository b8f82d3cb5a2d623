/** A success plan on its own page (/success-plans/:id). */
import { Link, useParams } from 'react-router-dom'
import { Anchor, Group, Stack } from '@mantine/core'
import { IconArrowLeft } from '@tabler/icons-react'
import { PlanDetail } from './plan-detail'

export default function PlanDetailPage() {
  const { id = '' } = useParams()
  return (
    <Stack gap="md" maw={1100}>
      <Group>
        <Anchor component={Link} to="/success-plans" size="sm">
          <Group gap={4}>
            <IconArrowLeft size={14} />
            Success plans
          </Group>
        </Anchor>
      </Group>
      <PlanDetail key={id} planId={id} />
    </Stack>
  )
}

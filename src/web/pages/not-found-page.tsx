import { Link } from 'react-router-dom'
import { Button, Center } from '@mantine/core'
import { IconMapQuestion } from '@tabler/icons-react'
import { EmptyState } from '../components/query-state'

export default function NotFoundPage() {
  return (
    <Center mih={400}>
      <EmptyState
        title="Page not found"
        description="The page you were looking for does not exist or has moved."
        icon={<IconMapQuestion size={22} />}
        action={
          <Button component={Link} to="/" variant="light">
            Back to portfolio
          </Button>
        }
      />
    </Center>
  )
}

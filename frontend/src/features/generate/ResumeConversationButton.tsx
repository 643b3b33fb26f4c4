import {MessageSquare} from 'lucide-react'
import {Button} from '../../components/ui'
import {useGenerate} from '../../stores/generate'
import {useNavigation} from '../../stores/navigation'

/** ResumeConversationButton reopens a saved generation conversation (a History "session") in Generate. */
export function ResumeConversationButton({id}: {id: string}) {
  const navigate = useNavigation((s) => s.navigate)
  const busy = useGenerate((s) => s.busy)
  return (
    <Button
      size="sm"
      variant="primary"
      busy={busy}
      icon={<MessageSquare aria-hidden className="size-4" />}
      onClick={() => {
        navigate('generate')
        void useGenerate.getState().resume(id)
      }}
    >
      Resume in Generate
    </Button>
  )
}

import {Activity} from 'lucide-react'
import {Button} from '../../components/ui'
import {useAudit} from '../../stores/audit'
import {useNavigation} from '../../stores/navigation'

/** OpenAuditButton reopens a saved audit (a History "audit") in the Audit page. */
export function OpenAuditButton({id}: {id: string}) {
  const navigate = useNavigation((s) => s.navigate)
  return (
    <Button
      size="sm"
      variant="primary"
      icon={<Activity aria-hidden className="size-4" />}
      onClick={() => {
        navigate('audit')
        void useAudit.getState().open(id)
      }}
    >
      Open in Audit
    </Button>
  )
}

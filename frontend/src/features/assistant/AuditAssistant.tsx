import {useAudit} from '../../stores/audit'
import {AssistantPanel} from './AssistantPanel'

/** AuditAssistant is the assistant on the Audit page, about the audit shown and the principal open. */
export function AuditAssistant() {
  const {run, selected} = useAudit()
  if (!run?.id) return null
  return (
    <AssistantPanel
      subject={{key: `audit\u0000${run.id}`, auditId: run.id, principal: selected ?? ''}}
      placeholder="Which unused permissions are riskiest? Is s3:DeleteObject used?"
    />
  )
}

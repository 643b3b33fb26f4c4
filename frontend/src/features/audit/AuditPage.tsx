import {Activity} from 'lucide-react'
import {Card, EmptyState} from '../../components/ui'

/** AuditPage is a placeholder until the account auditor lands; it shows no invented findings. */
export function AuditPage() {
  return (
    <Card>
      <EmptyState icon={<Activity aria-hidden className="size-6" />} title="Account audits are not yet available">
        <p>
          Here you will audit an AWS account with one of your profiles: permissions granted but never used, right-sized
          replacements proven to grant nothing new, privilege-escalation paths and a risk score per principal.
        </p>
        <p className="mt-2">Set up and test your AWS profiles in Settings now; the auditor will use them.</p>
      </EmptyState>
    </Card>
  )
}

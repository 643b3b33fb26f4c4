import {Sparkles} from 'lucide-react'
import {Card, EmptyState} from '../../components/ui'

/** GeneratePage is a placeholder until the generator lands; it shows no invented output. */
export function GeneratePage() {
  return (
    <Card>
      <EmptyState icon={<Sparkles aria-hidden className="size-6" />} title="Policy generation is not yet available">
        <p>
          Here you will describe what a workload needs in plain English and get a least-privilege identity or trust policy built
          from the embedded IAM database, with every statement explained and validated.
        </p>
        <p className="mt-2">Until then, paste a policy into Validate to check its syntax and canonical form.</p>
      </EmptyState>
    </Card>
  )
}

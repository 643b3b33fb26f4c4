import {useState} from 'react'
import {Database} from 'lucide-react'
import {auditApi, type AthenaSource, type LakeStore, type UsageSource} from '../../api'
import {Button, ChoiceCards, ErrorText, Field, Input, Select, type Choice} from '../../components/ui'
import {useAudit} from '../../stores/audit'
import {errorText} from '../../stores/toast'

const usageSources: Choice<UsageSource>[] = [
  {id: 'lookup', label: 'CloudTrail event history', hint: 'LookupEvents: management events only, slow for busy accounts'},
  {id: 'athena', label: 'Athena', hint: 'Aegis’s queries on the table over the trail’s logs (aegis audit athena-setup)'},
  {id: 'lake', label: 'CloudTrail Lake', hint: 'An event data store you already have (closed to new customers)'},
]

const athenaFields: {field: keyof AthenaSource; label: string; hint: string; placeholder?: string; type?: string}[] = [
  {field: 'database', label: 'Glue database', hint: 'Holding the CloudTrail table', placeholder: 'default'},
  {field: 'table', label: 'Table', hint: 'Made by aegis audit athena-setup', placeholder: 'aegis_cloudtrail'},
  {field: 'bucket', label: 'Log bucket', hint: 'The S3 bucket the trail delivers to'},
  {field: 'prefix', label: 'S3 key prefix', hint: 'optional: as in the table'},
  {field: 'org', label: 'Organization ID', hint: 'optional: o-…, for an organization trail'},
  {field: 'since', label: 'First projected day', hint: 'The table’s date projection start', type: 'date'},
  {field: 'workgroup', label: 'Workgroup', hint: 'empty: primary', placeholder: 'primary'},
  {field: 'output', label: 'Query results location', hint: 'optional: s3://bucket/prefix/ (default: the workgroup’s)'},
  {field: 'roleArn', label: 'Run queries as role', hint: 'optional: a role ARN assumed with the profile (the log-archive account’s)'},
]

function LakeStorePicker() {
  const {request, setRequest} = useAudit()
  const [stores, setStores] = useState<LakeStore[] | null>(null)
  const [loading, setLoading] = useState(false)
  const [error, setError] = useState('')
  const list = async () => {
    setLoading(true)
    setError('')
    try {
      setStores(await auditApi.lakeStores(request.profile, request.regions[0] ?? ''))
    } catch (err) {
      setStores(null)
      setError(errorText(err))
    } finally {
      setLoading(false)
    }
  }
  return (
    <div className="flex flex-col gap-1.5">
      <Button variant="ghost" size="sm" busy={loading} disabled={!request.profile} icon={<Database aria-hidden className="size-4" />} onClick={() => void list()}>
        List event data stores
      </Button>
      <ErrorText>{error}</ErrorText>
      {stores &&
        (stores.length === 0 ? (
          <p className="text-muted text-xs">No event data store in {request.regions[0] || 'the profile’s region'}.</p>
        ) : (
          <Select
            aria-label="Event data stores"
            value={stores.some((s) => s.arn === request.lakeEventDataStore) ? request.lakeEventDataStore : ''}
            onChange={(e) => setRequest({lakeEventDataStore: e.target.value})}
            options={[
              {value: '', label: `Choose one of ${stores.length}`},
              ...stores.map((s) => ({
                value: s.arn,
                label: `${s.name} (${s.status.toLowerCase()}, ${s.multiRegion ? 'all regions' : 'one region'}, ${s.organization ? 'organization' : 'this account'}, ${s.retentionDays} days)`,
              })),
            ]}
          />
        ))}
    </div>
  )
}

/** UsageSourceFields chooses where a live AWS audit's usage comes from, with each source's settings. */
export function UsageSourceFields() {
  const {request, setRequest, fieldErrors} = useAudit()
  return (
    <div className="md:col-span-2">
      <ChoiceCards legend="Usage source" name="usage" choices={usageSources} value={request.usage} onChange={(usage) => setRequest({usage})} columns={3} error={fieldErrors['usage']} />
      {request.usage === 'athena' && (
        <div className="mt-3 grid gap-3 md:grid-cols-3">
          {athenaFields.map((f) => (
            <Field key={f.field} label={f.label} hint={f.hint} error={fieldErrors[`athena.${f.field}`]}>
              <Input
                type={f.type ?? 'text'}
                value={request.athena[f.field]}
                placeholder={f.placeholder}
                onChange={(e) => setRequest({athena: {...request.athena, [f.field]: e.target.value}})}
              />
            </Field>
          ))}
        </div>
      )}
      {request.usage === 'lake' && (
        <div className="mt-3 grid items-start gap-3 md:grid-cols-2">
          <Field label="Event data store" hint="Its ID or ARN; an ARN is queried in its home region" error={fieldErrors['lakeEventDataStore']}>
            <Input value={request.lakeEventDataStore} placeholder="arn:aws:cloudtrail:…:eventdatastore/…" onChange={(e) => setRequest({lakeEventDataStore: e.target.value})} />
          </Field>
          <LakeStorePicker />
        </div>
      )}
    </div>
  )
}

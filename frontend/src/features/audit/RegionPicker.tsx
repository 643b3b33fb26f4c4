import {useEffect, useId, useState} from 'react'
import {X} from 'lucide-react'
import {auditApi} from '../../api'
import {ErrorText, Select} from '../../components/ui'
import {useAudit} from '../../stores/audit'

/** regionError is the first message Go gave about the regions: the list itself or one of its codes ("regions[1]"). */
function regionError(fields: Record<string, string>): string | undefined {
  const key = Object.keys(fields).find((k) => k === 'regions' || k.startsWith('regions['))
  return key && fields[key]
}

/**
 * RegionPicker chooses a live audit's regions: chips picked from the regions
 * Aegis knows, none for the profile's region, or every region enabled for
 * the account.
 */
export function RegionPicker() {
  const {request, setRequest, fieldErrors} = useAudit()
  const [known, setKnown] = useState<string[]>([])
  useEffect(() => {
    let live = true
    auditApi.regions().then(
      (r) => live && setKnown(r),
      () => live && setKnown([]),
    )
    return () => {
      live = false
    }
  }, [])
  const error = regionError(fieldErrors)
  const noteId = useId()
  const choices = known.filter((r) => !request.regions.includes(r))
  return (
    <fieldset className="flex flex-col gap-1.5" aria-describedby={noteId}>
      <legend className="text-fg text-sm font-medium">Regions</legend>
      <label className="flex items-center gap-2 text-sm">
        <input type="checkbox" checked={request.allRegions} onChange={(e) => setRequest({allRegions: e.target.checked, regions: e.target.checked ? [] : request.regions})} />
        All enabled regions
      </label>
      {!request.allRegions && (
        <>
          <ul className="flex flex-wrap gap-1" aria-label="Selected regions">
            {request.regions.map((r) => (
              <li key={r} className="bg-panel-strong flex items-center gap-1 rounded-full py-0.5 pr-1 pl-2 text-xs">
                {r}
                <button
                  type="button"
                  className="hover:text-danger rounded-full p-0.5"
                  aria-label={`Remove ${r}`}
                  onClick={() => setRequest({regions: request.regions.filter((x) => x !== r)})}
                >
                  <X aria-hidden className="size-3" />
                </button>
              </li>
            ))}
          </ul>
          <Select
            aria-label="Add a region"
            aria-invalid={error ? true : undefined}
            value=""
            onChange={(e) => e.target.value && setRequest({regions: [...request.regions, e.target.value]})}
            options={[{value: '', label: 'Add a region…'}, ...choices.map((r) => ({value: r, label: r}))]}
          />
        </>
      )}
      {error ? (
        <ErrorText id={noteId}>{error}</ErrorText>
      ) : (
        <p id={noteId} className="text-muted text-xs">
          {request.allRegions ? 'Every region enabled for the account, read in parallel' : 'None: the profile’s region'}
        </p>
      )}
    </fieldset>
  )
}

import {useEffect, useState} from 'react'
import {Bot, Database, Globe2, Palette, Save, Server, Trash2} from 'lucide-react'
import {Button, Card, Field, Input, Select, Tabs} from '../../components/ui'
import type {Settings} from '../../api'
import {isThemePreference} from '../../lib/theme'
import {isRegion} from '../../lib/region'
import {endpointProblem} from '../../lib/endpoint'
import {useSettings} from '../../stores/settings'
import {useProfiles} from '../../stores/profiles'
import {ProfilesCard} from './ProfilesCard'
import {McpServersEditor} from './McpServersEditor'

const themes = [
  {value: 'system', label: 'Follow the system'},
  {value: 'dark', label: 'Dark'},
  {value: 'light', label: 'Light'},
] as const

type Section = 'aws' | 'mcp' | 'app'
const sections = [
  {id: 'aws', label: 'AWS'},
  {id: 'mcp', label: 'MCP servers'},
  {id: 'app', label: 'Appearance & data'},
] as const

export function SettingsPage() {
  const {settings, saving, fieldErrors, save, setTheme, purgeHistory} = useSettings()
  const profiles = useProfiles((s) => s.profiles)
  const [draft, setDraft] = useState<Settings | null>(settings)
  const [section, setSection] = useState<Section>('aws')
  const [confirmPurge, setConfirmPurge] = useState(false)

  useEffect(() => setDraft(settings), [settings])

  if (!draft) return <p className="text-sm text-muted">Loading settings…</p>

  const set = (patch: Partial<Settings>) => setDraft({...draft, ...patch})
  const regionError = draft.defaultRegion && !isRegion(draft.defaultRegion) ? 'Not a region code (e.g. eu-west-1).' : undefined
  const bedrockRegionError = draft.bedrockRegion && !isRegion(draft.bedrockRegion) ? 'Not a region code (e.g. us-east-1).' : undefined
  const endpoint = draft.openaiBaseUrl ? endpointProblem(draft.openaiBaseUrl) : {insecure: false}
  const dirty = JSON.stringify(draft) !== JSON.stringify(settings)
  const saveBar = (
    <div className="flex items-center justify-end gap-3">
      {dirty && <span className="text-sm text-muted">Unsaved changes</span>}
      <Button variant="primary" icon={<Save aria-hidden className="size-4" />} busy={saving} disabled={!dirty} onClick={() => void save(draft)}>
        Save settings
      </Button>
    </div>
  )

  const aws = (
    <div className="flex flex-col gap-5">
      <ProfilesCard />
      <Card title="Defaults" description="Used by audits and the assistant unless you pick otherwise." icon={<Globe2 aria-hidden className="size-5" />}>
        <div className="grid grid-cols-1 gap-4 md:grid-cols-2">
          <Field label="Default profile" error={fieldErrors['profile']}>
            <Select
              value={draft.profile}
              onChange={(e) => set({profile: e.target.value})}
              options={[{value: '', label: 'None (AWS SDK default)'}, ...profiles.map((p) => ({value: p.name, label: p.name}))]}
            />
          </Field>
          <Field label="Default region" hint="e.g. eu-west-1" error={fieldErrors['defaultRegion'] ?? regionError}>
            <Input value={draft.defaultRegion} onChange={(e) => set({defaultRegion: e.target.value.trim()})} placeholder="us-east-1" />
          </Field>
        </div>
      </Card>
      <Card title="Amazon Bedrock" description="The model that helps phrase intents and explanations; the engine decides what is allowed." icon={<Bot aria-hidden className="size-5" />}>
        <div className="grid grid-cols-1 gap-4 md:grid-cols-2">
          <Field label="Model ID" hint="e.g. anthropic.claude-sonnet-4-5-20250929-v1:0" error={fieldErrors['bedrockModelId']}>
            <Input value={draft.bedrockModelId} onChange={(e) => set({bedrockModelId: e.target.value.trim()})} />
          </Field>
          <Field label="Bedrock region" error={fieldErrors['bedrockRegion'] ?? bedrockRegionError}>
            <Input value={draft.bedrockRegion} onChange={(e) => set({bedrockRegion: e.target.value.trim()})} placeholder="us-east-1" />
          </Field>
        </div>
      </Card>
      <Card title="Model provider" description="Bedrock, or an OpenAI-compatible endpoint such as a local Ollama. Either way the engines decide what is allowed." icon={<Bot aria-hidden className="size-5" />}>
        <div className="grid grid-cols-1 gap-4 md:grid-cols-3">
          <Field label="Provider" error={fieldErrors['modelProvider']}>
            <Select
              value={draft.modelProvider === 'openai' ? 'openai' : 'bedrock'}
              onChange={(e) => set({modelProvider: e.target.value})}
              options={[
                {value: 'bedrock', label: 'Amazon Bedrock'},
                {value: 'openai', label: 'OpenAI-compatible endpoint'},
              ]}
            />
          </Field>
          <Field label="Endpoint base URL" hint="Empty: Ollama at http://localhost:11434/v1" error={fieldErrors['openaiBaseUrl'] ?? endpoint.error}>
            <Input value={draft.openaiBaseUrl} onChange={(e) => set({openaiBaseUrl: e.target.value.trim()})} placeholder="http://localhost:11434/v1" />
          </Field>
          <Field label="Endpoint model" hint="e.g. llama3.1" error={fieldErrors['openaiModel']}>
            <Input value={draft.openaiModel} onChange={(e) => set({openaiModel: e.target.value.trim()})} />
          </Field>
        </div>
        {endpoint.insecure && (
          <p role="alert" className="mt-3 text-sm text-danger">
            Plain http to another machine: questions, policies and account data would cross the network unencrypted. Use https, or a model on this machine.
          </p>
        )}
      </Card>
      <Card title="Remediation" description="Apply an audit's right-sized policy to the account from the principal detail, with a preview, a confirmation and a rollback. Needs the write permissions of docs/remediation.md.">
        <label className="flex items-center gap-2 text-sm">
          <input type="checkbox" checked={draft.allowRemediation ?? false} onChange={(e) => set({allowRemediation: e.target.checked})} />
          Allow remediation writes
        </label>
      </Card>
      {saveBar}
    </div>
  )

  const mcp = (
    <div className="flex flex-col gap-5">
      <Card title="MCP servers" description="External Model Context Protocol servers the auditor may read from." icon={<Server aria-hidden className="size-5" />}>
        <McpServersEditor servers={draft.mcpServers ?? []} errors={fieldErrors} onChange={(mcpServers) => set({mcpServers})} />
      </Card>
      {saveBar}
    </div>
  )

  const appearance = (
    <div className="flex flex-col gap-5">
      <Card title="Theme" description="Dark and light follow your desktop unless you choose one." icon={<Palette aria-hidden className="size-5" />}>
        <Field label="Theme">
          <Select
            className="max-w-xs"
            value={draft.theme || 'system'}
            onChange={(e) => {
              if (isThemePreference(e.target.value)) void setTheme(e.target.value)
            }}
            options={themes}
          />
        </Field>
      </Card>
      <Card title="Local data" description="Validations, audits and sessions are kept in a database on this machine only." icon={<Database aria-hidden className="size-5" />}>
        <div className="flex flex-wrap items-center gap-3">
          {confirmPurge ? (
            <>
              <span className="text-sm text-fg">Delete every saved validation, audit and session?</span>
              <Button
                variant="danger"
                icon={<Trash2 aria-hidden className="size-4" />}
                onClick={() => {
                  setConfirmPurge(false)
                  void purgeHistory()
                }}
              >
                Yes, purge history
              </Button>
              <Button variant="ghost" onClick={() => setConfirmPurge(false)}>
                Cancel
              </Button>
            </>
          ) : (
            <Button variant="danger" icon={<Trash2 aria-hidden className="size-4" />} onClick={() => setConfirmPurge(true)}>
              Purge history…
            </Button>
          )}
        </div>
      </Card>
    </div>
  )

  return <Tabs label="Settings sections" items={sections} value={section} onChange={setSection} panel={section === 'aws' ? aws : section === 'mcp' ? mcp : appearance} />
}

import {useState} from 'react'
import {Plus, Server, ShieldCheck, Trash2} from 'lucide-react'
import {Button, ErrorText, Field, Input, Select, Textarea} from '../../components/ui'
import {api, type MCPServer, type ServerReport} from '../../api'
import type {FieldErrors} from '../../lib/fieldErrors'
import {emptyServer} from '../../stores/settings'
import {errorText} from '../../stores/toast'

const transports = [
  {value: 'stdio', label: 'stdio (local command)'},
  {value: 'http', label: 'HTTP (URL)'},
] as const

export interface McpServersEditorProps {
  servers: MCPServer[]
  errors: FieldErrors
  onChange: (servers: MCPServer[]) => void
}

/** McpServersEditor edits the MCP servers the auditor may use as data sources. */
export function McpServersEditor({servers, errors, onChange}: McpServersEditorProps) {
  const update = (i: number, patch: Partial<MCPServer>) => onChange(servers.map((s, j) => (j === i ? {...s, ...patch} : s)))
  return (
    <div className="flex flex-col gap-3">
      {servers.length === 0 && <p className="text-sm text-muted">No MCP servers configured. The auditor's built-in AWS server needs none.</p>}
      {servers.map((s, i) => {
        const err = (f: string) => errors[`mcpServers[${i}].${f}`]
        return (
          <fieldset key={i} className="rounded-xl border border-line bg-panel p-4">
            <legend className="flex items-center gap-1.5 px-1 text-sm font-medium text-fg">
              <Server aria-hidden className="size-4 text-muted" />
              {s.name || `Server ${i + 1}`}
            </legend>
            <div className="grid grid-cols-1 gap-3 md:grid-cols-2">
              <Field label="Name" error={err('name')}>
                <Input value={s.name} onChange={(e) => update(i, {name: e.target.value})} />
              </Field>
              <Field label="Transport" error={err('transport')}>
                <Select value={s.transport} onChange={(e) => update(i, {transport: e.target.value})} options={transports} />
              </Field>
              {s.transport === 'http' ? (
                <Field label="URL" error={err('url')}>
                  <Input value={s.url} placeholder="https://mcp.example.com/mcp" onChange={(e) => update(i, {url: e.target.value})} />
                </Field>
              ) : (
                <>
                  <Field label="Command" error={err('command')}>
                    <Input value={s.command} placeholder="uvx" onChange={(e) => update(i, {command: e.target.value})} />
                  </Field>
                  <Field label="Arguments" hint="Separated by spaces." error={err('args')}>
                    <Input
                      value={(s.args ?? []).join(' ')}
                      onChange={(e) => update(i, {args: e.target.value.split(' ').filter((a) => a !== '')})}
                    />
                  </Field>
                  <Field label="Environment" hint="One KEY=VALUE a line, such as AWS_PROFILE=audit. The server gets only these, never the app's credentials." error={err('env')}>
                    <Textarea
                      rows={2}
                      value={(s.env ?? []).join('\n')}
                      placeholder={'AWS_PROFILE=audit\nAWS_REGION=eu-west-1'}
                      onChange={(e) => update(i, {env: e.target.value.split('\n')})}
                    />
                  </Field>
                </>
              )}
            </div>
            <ServerCheck server={s} />
            <div className="mt-3 flex items-center justify-between">
              <label className="inline-flex items-center gap-2 text-sm text-fg">
                <input type="checkbox" checked={s.enabled} onChange={(e) => update(i, {enabled: e.target.checked})} className="size-4 accent-indigo-600" />
                Enabled
              </label>
              <Button size="sm" variant="ghost" icon={<Trash2 aria-hidden className="size-4" />} onClick={() => onChange(servers.filter((_, j) => j !== i))}>
                Remove
              </Button>
            </div>
          </fieldset>
        )
      })}
      <div>
        <Button size="sm" icon={<Plus aria-hidden className="size-4" />} onClick={() => onChange([...servers, emptyServer()])}>
          Add server
        </Button>
      </div>
    </div>
  )
}

/** ServerCheck starts the server as an audit would and shows what it offers the auditor, and what it cannot. */
function ServerCheck({server}: {server: MCPServer}) {
  const [state, setState] = useState<{busy: boolean; report: ServerReport | null; error: string}>({busy: false, report: null, error: ''})
  const check = async () => {
    setState({busy: true, report: null, error: ''})
    try {
      setState({busy: false, report: await api.checkMCPServer(server), error: ''})
    } catch (err) {
      setState({busy: false, report: null, error: errorText(err)})
    }
  }
  const {busy, report, error} = state
  return (
    <div className="mt-3 flex flex-col gap-2">
      <div>
        <Button size="sm" variant="ghost" busy={busy} icon={<ShieldCheck aria-hidden className="size-4" />} onClick={() => void check()}>
          Check server
        </Button>
      </div>
      <ErrorText>{error}</ErrorText>
      {report && (
        <div aria-label={`What ${server.name || 'the server'} offers`} className="text-sm">
          <p className="text-muted">
            {report.name} {report.version} · protocol {report.protocol} · {report.tools.length} tools
          </p>
          <ul aria-label="Provides" className="mt-1">
            {report.provides.map((c) => (
              <li key={c.need}>
                ✓ {c.need}: {c.tool}
                {c.limit && <span className="text-muted"> ({c.limit})</span>}
              </li>
            ))}
          </ul>
          <ul aria-label="Lacks" className="mt-1">
            {report.lacks.map((l) => (
              <li key={l.need}>
                ✗ {l.need}: <span className="text-muted">{l.reason}</span>
              </li>
            ))}
          </ul>
        </div>
      )}
    </div>
  )
}

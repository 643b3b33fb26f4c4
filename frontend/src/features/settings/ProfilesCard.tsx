import {useEffect, useState, type FormEvent} from 'react'
import {CheckCircle2, ExternalLink, KeyRound, PlugZap, RefreshCw, ShieldAlert, UserRound} from 'lucide-react'
import {Badge, Button, Card, EmptyState, ErrorText, Input, type Tone} from '../../components/ui'
import type {Profile} from '../../api'
import {useProfiles, useSSOStatus, type ConnectionState} from '../../stores/profiles'

const kindTone: Record<string, Tone> = {
  static: 'neutral',
  'assume-role': 'accent',
  sso: 'low',
  mfa: 'medium',
  'credential-process': 'info',
  'web-identity': 'info',
  unknown: 'neutral',
}

/** ProfilesCard lists ~/.aws profiles (never their secrets) and tests each one's connection. */
export function ProfilesCard() {
  const {profiles, loaded, error, connections, load, test, signIn, cancelSignIn} = useProfiles()
  useSSOStatus()
  useEffect(() => {
    void load()
  }, [load])

  return (
    <Card
      title="AWS profiles"
      description="From ~/.aws/config and ~/.aws/credentials. Secrets never leave the Go side."
      icon={<UserRound aria-hidden className="size-5" />}
      actions={
        <Button size="sm" variant="ghost" icon={<RefreshCw aria-hidden className="size-4" />} onClick={() => void load()}>
          Reload
        </Button>
      }
    >
      {error && (
        <p role="alert" className="mb-3 rounded-xl bg-danger-soft px-3 py-2 text-sm text-danger">
          {error}
        </p>
      )}
      {loaded && profiles.length === 0 && !error ? (
        <EmptyState icon={<KeyRound aria-hidden className="size-6" />} title="No AWS profiles found">
          Add one with <code className="font-mono">aws configure</code> or <code className="font-mono">aws configure sso</code>, then
          reload.
        </EmptyState>
      ) : (
        <ul className="flex flex-col divide-y divide-line" aria-label="AWS profiles">
          {profiles.map((p) => (
            <li key={p.name} className="py-3 first:pt-0 last:pb-0">
              <ProfileRow
                profile={p}
                state={connections[p.name]}
                onTest={(code) => void test(p.name, code)}
                onSignIn={() => void signIn(p.name)}
                onCancel={() => void cancelSignIn(p.name)}
              />
            </li>
          ))}
        </ul>
      )}
    </Card>
  )
}

function describe(p: Profile): string {
  if (p.kind === 'sso') return [p.ssoStartUrl, p.ssoAccountId && `account ${p.ssoAccountId}`, p.ssoRoleName].filter(Boolean).join(' · ')
  if (p.kind === 'assume-role') return [p.roleArn, p.sourceProfile && `via ${p.sourceProfile}`].filter(Boolean).join(' · ')
  if (p.kind === 'mfa') return p.mfaSerial
  if (p.credentialSource) return `credentials from ${p.credentialSource}`
  return ''
}

interface RowProps {
  profile: Profile
  state: ConnectionState | undefined
  onTest: (mfaCode?: string) => void
  onSignIn: () => void
  onCancel: () => void
}

function ProfileRow({profile, state, onTest, onSignIn, onCancel}: RowProps) {
  const detail = describe(profile)
  return (
    <div className="flex flex-col gap-2" data-profile={profile.name}>
      <div className="flex flex-wrap items-center gap-x-3 gap-y-1">
        <span className="font-medium text-fg">{profile.name}</span>
        <Badge tone={kindTone[profile.kind] ?? 'neutral'}>{profile.kind}</Badge>
        <span className="font-mono text-xs text-muted">{profile.region || 'no region'}</span>
        <div className="flex-1" />
        <Button
          size="sm"
          icon={<PlugZap aria-hidden className="size-4" />}
          busy={state?.step === 'testing'}
          disabled={Boolean(profile.problem)}
          onClick={() => onTest()}
        >
          Test connection
        </Button>
      </div>
      {detail && <p className="truncate font-mono text-xs text-subtle">{detail}</p>}
      {profile.problem && (
        <p className="flex items-start gap-1.5 text-xs text-danger">
          <ShieldAlert aria-hidden className="mt-px size-3.5 shrink-0" />
          {profile.problem}
        </p>
      )}
      {state && <ConnectionPanel state={state} onTest={onTest} onSignIn={onSignIn} onCancel={onCancel} />}
    </div>
  )
}

interface PanelProps {
  state: ConnectionState
  onTest: (code?: string) => void
  onSignIn: () => void
  onCancel: () => void
}

function ConnectionPanel({state, onTest, onSignIn, onCancel}: PanelProps) {
  switch (state.step) {
    case 'testing':
    case 'sso-starting':
      return <p className="text-sm text-muted">Contacting AWS…</p>
    case 'ok':
      return (
        <div className="flex items-start gap-2 rounded-xl bg-ok-soft px-3 py-2 text-sm" role="status">
          <CheckCircle2 aria-hidden className="mt-0.5 size-4 shrink-0 text-ok" />
          <div className="min-w-0">
            <p className="font-medium text-fg">Connected to account {state.result.account}</p>
            <p className="truncate font-mono text-xs text-muted">{state.result.arn}</p>
          </div>
        </div>
      )
    case 'needs-mfa':
      return <MFAPrompt serial={state.result.mfaSerial} error={state.error} onSubmit={onTest} />
    case 'needs-sso':
      return (
        <div className="flex flex-wrap items-center gap-3 rounded-xl bg-accent-soft px-3 py-2 text-sm">
          <span className="text-fg">{state.result.message || 'The SSO session has expired or was never started.'}</span>
          <Button size="sm" variant="primary" onClick={onSignIn}>
            Sign in with AWS SSO
          </Button>
        </div>
      )
    case 'sso-waiting':
      return (
        <div className="rounded-xl border border-line bg-panel-strong p-4 text-sm" aria-live="polite">
          <p className="text-fg">Open the verification page, sign in, and confirm this code:</p>
          <p className="my-3 font-mono text-2xl font-semibold tracking-[0.25em] text-fg" data-testid="sso-user-code">
            {state.login.userCode}
          </p>
          <p className="flex items-center gap-1.5 break-all font-mono text-xs text-accent dark:text-indigo-300">
            <ExternalLink aria-hidden className="size-3.5 shrink-0" />
            {state.login.verificationUriComplete || state.login.verificationUri}
          </p>
          <div className="mt-3 flex items-center justify-between gap-3">
            <p className="text-xs text-muted">
              {state.status?.message ?? 'Waiting for approval…'} The code expires at {new Date(state.login.expiresAt).toLocaleTimeString()}.
            </p>
            <Button size="sm" variant="ghost" onClick={onCancel}>
              Cancel
            </Button>
          </div>
        </div>
      )
    case 'failed':
      return (
        <div className="flex items-start gap-2 rounded-xl bg-danger-soft px-3 py-2 text-sm" role="alert">
          <ShieldAlert aria-hidden className="mt-0.5 size-4 shrink-0 text-danger" />
          <p className="text-fg">{state.message}</p>
        </div>
      )
  }
}

function MFAPrompt({serial, error, onSubmit}: {serial: string; error: string | undefined; onSubmit: (code: string) => void}) {
  const [code, setCode] = useState('')
  const submit = (e: FormEvent) => {
    e.preventDefault()
    onSubmit(code)
    setCode('')
  }
  return (
    <form onSubmit={submit} className="flex flex-col gap-2 rounded-xl bg-accent-soft px-3 py-3 text-sm">
      <label htmlFor={`mfa-${serial}`} className="text-fg">
        Enter the code from your MFA device <span className="font-mono text-xs text-muted">{serial}</span>
      </label>
      <div className="flex gap-2">
        <Input
          id={`mfa-${serial}`}
          inputMode="numeric"
          autoComplete="one-time-code"
          pattern="[0-9]{6}"
          maxLength={6}
          value={code}
          onChange={(e) => setCode(e.target.value.replace(/\D/g, ''))}
          className="w-32 font-mono tracking-widest"
          aria-invalid={error ? true : undefined}
        />
        <Button type="submit" variant="primary" disabled={code.length !== 6}>
          Verify
        </Button>
      </div>
      <ErrorText>{error}</ErrorText>
    </form>
  )
}

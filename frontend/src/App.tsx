import {lazy, Suspense, useEffect, type ComponentType} from 'react'
import {Activity, FileCheck2, History, Settings, ShieldCheck, Sparkles, type LucideIcon} from 'lucide-react'
import {request} from './api'
import {routes, type Route} from './lib/routes'
import {commandFor} from './lib/shortcuts'
import {cn} from './lib/cn'
import {useNavigation} from './stores/navigation'
import {useAppInfo} from './stores/appInfo'
import {useValidate} from './stores/validate'
import {useShellEvents} from './stores/shell'
import {useThemeSync} from './stores/settings'
import {Toaster} from './components/ui'
import {ValidatePage} from './features/validate/ValidatePage'

// Validate is where the app opens, so it is in the first bundle; the other
// pages are chunks of their own, fetched once the first frame is painted.
const pageModules = {
  generate: () => import('./features/generate/GeneratePage').then((m) => ({default: m.GeneratePage})),
  audit: () => import('./features/audit/AuditPage').then((m) => ({default: m.AuditPage})),
  history: () => import('./features/history/HistoryPage').then((m) => ({default: m.HistoryPage})),
  settings: () => import('./features/settings/SettingsPage').then((m) => ({default: m.SettingsPage})),
}

const icons: Record<Route, LucideIcon> = {
  generate: Sparkles,
  validate: FileCheck2,
  audit: Activity,
  history: History,
  settings: Settings,
}

const pages: Record<Route, ComponentType> = {
  generate: lazy(pageModules.generate),
  validate: ValidatePage,
  audit: lazy(pageModules.audit),
  history: lazy(pageModules.history),
  settings: lazy(pageModules.settings),
}

const isMac = typeof navigator !== 'undefined' && /Mac/.test(navigator.platform)
const mod = isMac ? '⌘' : 'Ctrl'

export function App() {
  const route = useNavigation((s) => s.route)
  const navigate = useNavigation((s) => s.navigate)
  const info = useAppInfo((s) => s.info)
  const loadInfo = useAppInfo((s) => s.load)
  useThemeSync()
  useShellEvents()

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const cmd = commandFor(e)
      if (!cmd) return
      e.preventDefault()
      switch (cmd.type) {
        case 'navigate':
          navigate(cmd.route)
          break
        case 'open':
          useValidate.getState().requestOpen()
          break
        case 'save':
          useValidate.getState().requestSave()
          break
        case 'run':
          if (useNavigation.getState().route === 'validate') void useValidate.getState().validate(true)
          break
      }
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [navigate])

  useEffect(() => {
    // Tells the shell the first frame is on screen: it logs the cold-start time (docs/desktop.md).
    // The app info needs the IAM database, which Go decodes on first use (a few hundred
    // milliseconds of CPU): ask for it once the frame is painted, not while it is drawn.
    requestAnimationFrame(() => {
      request('app:ready', {pageMillis: Math.round(performance.now())})
      setTimeout(() => {
        void loadInfo()
        for (const load of Object.values(pageModules)) void load()
      }, 0)
    })
  }, [loadInfo])

  const Page = pages[route]
  const current = routes.find((r) => r.id === route)!
  return (
    <div className="flex h-full">
      <a href="#main" className="sr-only focus:not-sr-only focus:absolute focus:top-2 focus:left-2 focus:z-50 focus:rounded-lg focus:bg-panel-strong focus:px-3 focus:py-2">
        Skip to content
      </a>
      <nav aria-label="Pages" className="glass m-3 mr-0 flex w-60 shrink-0 flex-col rounded-2xl p-3">
        <div className="flex items-center gap-2.5 px-2 pt-1 pb-5">
          <div className="grid size-9 place-items-center rounded-xl bg-gradient-to-br from-indigo-500 to-sky-500 text-white shadow-md shadow-indigo-900/30">
            <ShieldCheck aria-hidden className="size-5" />
          </div>
          <div className="leading-tight">
            <div className="text-[15px] font-semibold tracking-tight text-fg">Aegis IAM</div>
            <div className="text-xs text-muted">Least privilege, proven</div>
          </div>
        </div>
        <ul className="flex flex-col gap-1">
          {routes.map((r, i) => {
            const Icon = icons[r.id]
            const active = r.id === route
            return (
              <li key={r.id}>
                <button
                  type="button"
                  data-route={r.id}
                  aria-current={active ? 'page' : undefined}
                  onClick={() => navigate(r.id)}
                  title={`${r.hint} (${mod}+${i + 1})`}
                  className={cn(
                    'group flex w-full items-center gap-3 rounded-xl px-3 py-2 text-left text-sm font-medium motion-safe:transition',
                    'focus-visible:outline-2 focus-visible:outline-offset-1 focus-visible:outline-ring',
                    active ? 'bg-accent text-accent-fg shadow-md shadow-indigo-900/25' : 'text-muted hover:bg-accent-soft hover:text-fg',
                  )}
                >
                  <Icon aria-hidden className="size-4 shrink-0" />
                  <span className="flex-1">{r.label}</span>
                  <kbd className={cn('font-sans text-[11px] tabular-nums', active ? 'text-indigo-100' : 'text-subtle')}>
                    {mod}+{i + 1}
                  </kbd>
                </button>
              </li>
            )
          })}
        </ul>
        <div className="mt-auto rounded-xl border border-line bg-panel px-3 py-2.5 text-xs leading-5 text-muted">
          {info ? (
            <>
              <div>
                Version <span className="font-medium text-fg">{info.version}</span>
              </div>
              <div>
                IAM data <span className="font-medium text-fg">{info.iamDataDate || 'unknown'}</span>
              </div>
            </>
          ) : (
            <div>Loading app info…</div>
          )}
        </div>
      </nav>
      <main id="main" className="flex min-w-0 flex-1 flex-col overflow-hidden">
        <header className="px-8 pt-7 pb-4">
          <h1 className="text-2xl font-semibold tracking-tight text-fg">{current.label}</h1>
          <p className="mt-1 text-sm text-muted">{current.hint}</p>
        </header>
        <div className="min-h-0 flex-1 overflow-auto px-8 pb-8">
          <Suspense fallback={null}>
            <Page />
          </Suspense>
        </div>
      </main>
      <Toaster />
    </div>
  )
}

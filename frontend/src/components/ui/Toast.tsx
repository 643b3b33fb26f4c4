import {CheckCircle2, CircleAlert, Info, X} from 'lucide-react'
import {useToasts, type ToastTone} from '../../stores/toast'
import {cn} from '../../lib/cn'

const icons: Record<ToastTone, typeof Info> = {info: Info, success: CheckCircle2, error: CircleAlert}

/** Toaster renders the toast queue in a polite live region. */
export function Toaster() {
  const toasts = useToasts((s) => s.toasts)
  const dismiss = useToasts((s) => s.dismiss)
  return (
    <div aria-live="polite" className="pointer-events-none fixed right-4 bottom-4 z-50 flex w-96 max-w-[calc(100vw-2rem)] flex-col gap-2">
      {toasts.map((t) => {
        const Icon = icons[t.tone]
        return (
          <div
            key={t.id}
            role={t.tone === 'error' ? 'alert' : 'status'}
            className="glass-strong pointer-events-auto flex items-start gap-3 rounded-xl p-3 text-sm text-fg motion-safe:animate-[toast-in_160ms_ease-out]"
          >
            <Icon aria-hidden className={cn('mt-0.5 size-4 shrink-0', t.tone === 'error' ? 'text-danger' : t.tone === 'success' ? 'text-ok' : 'text-accent dark:text-indigo-300')} />
            <div className="min-w-0 flex-1">
              <p className="font-medium">{t.title}</p>
              {t.detail && <p className="mt-0.5 break-words text-muted">{t.detail}</p>}
            </div>
            <button
              type="button"
              onClick={() => dismiss(t.id)}
              aria-label="Dismiss notification"
              className="rounded p-0.5 text-muted hover:text-fg focus-visible:outline-2 focus-visible:outline-ring"
            >
              <X aria-hidden className="size-4" />
            </button>
          </div>
        )
      })}
    </div>
  )
}

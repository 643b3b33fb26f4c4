import {create} from 'zustand'

export type ToastTone = 'info' | 'success' | 'error'

export interface Toast {
  id: number
  tone: ToastTone
  title: string
  detail?: string
}

interface ToastState {
  toasts: Toast[]
  nextId: number
  push: (t: Omit<Toast, 'id'>) => number
  dismiss: (id: number) => void
}

/** How long a toast stays; errors stay until dismissed. */
export const toastMillis = 5000

export const useToasts = create<ToastState>()((set, get) => ({
  toasts: [],
  nextId: 1,
  push: (t) => {
    const id = get().nextId
    set((s) => ({nextId: s.nextId + 1, toasts: [...s.toasts.slice(-3), {...t, id}]}))
    if (t.tone !== 'error') setTimeout(() => get().dismiss(id), toastMillis)
    return id
  },
  dismiss: (id) => set((s) => ({toasts: s.toasts.filter((t) => t.id !== id)})),
}))

/** errorText turns whatever a rejected Go call produced into one readable line. */
export function errorText(err: unknown): string {
  if (err instanceof Error) return err.message
  if (typeof err === 'string') return err
  return JSON.stringify(err)
}

import {create} from 'zustand'
import {api, type HistoryEntry} from '../api'
import {errorText, useToasts} from './toast'

/** How many entries the History page lists. */
export const historyLimit = 200

interface HistoryState {
  entries: HistoryEntry[]
  kind: string
  loaded: boolean
  loading: boolean
  selected: HistoryEntry | null
  load: (kind?: string) => Promise<void>
  select: (id: string | null) => Promise<void>
  remove: (id: string) => Promise<void>
}

export const useHistory = create<HistoryState>()((set, get) => ({
  entries: [],
  kind: '',
  loaded: false,
  loading: false,
  selected: null,
  load: async (kind = get().kind) => {
    set({loading: true, kind})
    try {
      set({entries: await api.listHistory(kind, historyLimit), loaded: true})
    } catch (err) {
      useToasts.getState().push({tone: 'error', title: 'Could not load history', detail: errorText(err)})
    } finally {
      set({loading: false})
    }
  },
  select: async (id) => {
    if (id === null) {
      set({selected: null})
      return
    }
    try {
      set({selected: await api.getHistory(id)})
    } catch (err) {
      useToasts.getState().push({tone: 'error', title: 'Could not open the entry', detail: errorText(err)})
    }
  },
  remove: async (id) => {
    try {
      await api.deleteHistory(id)
      set((s) => ({entries: s.entries.filter((e) => e.id !== id), selected: s.selected?.id === id ? null : s.selected}))
    } catch (err) {
      useToasts.getState().push({tone: 'error', title: 'Could not delete the entry', detail: errorText(err)})
    }
  },
}))

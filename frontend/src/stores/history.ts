import {create} from 'zustand'
import {api, auditApi, type AuditSummary, type AuditTrend, type DriftBetween, type HistoryEntry} from '../api'
import {errorText, useToasts} from './toast'

/** How many entries the History page lists. */
export const historyLimit = 200

/** How many principals the trend chart follows. */
export const trendTop = 3

interface HistoryState {
  entries: HistoryEntry[]
  kind: string
  query: string
  loaded: boolean
  loading: boolean
  selected: HistoryEntry | null
  /** Every saved audit, newest first: the accounts and audits to compare. */
  audits: AuditSummary[]
  account: string
  trend: AuditTrend | null
  drift: DriftBetween | null
  load: (kind?: string, query?: string) => Promise<void>
  select: (id: string | null) => Promise<void>
  remove: (id: string) => Promise<void>
  loadAudits: () => Promise<void>
  showAccount: (account: string) => Promise<void>
  compare: (from: string, to: string) => Promise<void>
}

const fail = (title: string, err: unknown) => useToasts.getState().push({tone: 'error', title, detail: errorText(err)})

export const useHistory = create<HistoryState>()((set, get) => ({
  entries: [],
  kind: '',
  query: '',
  loaded: false,
  loading: false,
  selected: null,
  audits: [],
  account: '',
  trend: null,
  drift: null,
  load: async (kind = get().kind, query = get().query) => {
    set({loading: true, kind, query})
    try {
      const entries = query.trim() === '' ? await api.listHistory(kind, historyLimit) : await auditApi.search(kind, query, historyLimit)
      // A slower answer to an older query must not replace a newer one.
      if (get().kind === kind && get().query === query) set({entries, loaded: true})
    } catch (err) {
      fail('Could not load history', err)
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
      fail('Could not open the entry', err)
    }
  },
  remove: async (id) => {
    try {
      await api.deleteHistory(id)
      set((s) => ({entries: s.entries.filter((e) => e.id !== id), selected: s.selected?.id === id ? null : s.selected}))
    } catch (err) {
      fail('Could not delete the entry', err)
    }
  },
  loadAudits: async () => {
    try {
      const audits = await auditApi.list()
      set({audits})
      const account = get().account || audits[0]?.account
      if (account) await get().showAccount(account)
    } catch (err) {
      fail('Could not list saved audits', err)
    }
  },
  showAccount: async (account) => {
    set({account, drift: null})
    try {
      set({trend: await auditApi.trend(account, trendTop)})
    } catch (err) {
      fail('Could not load the trend', err)
    }
  },
  compare: async (from, to) => {
    try {
      set({drift: await auditApi.drift(from, to)})
    } catch (err) {
      fail('Could not compare the audits', err)
    }
  },
}))

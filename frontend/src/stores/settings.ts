import {useEffect} from 'react'
import {create} from 'zustand'
import {api, type MCPServer, type Settings} from '../api'
import {isThemePreference, resolveTheme, type ThemePreference} from '../lib/theme'
import {parseFieldErrors, type FieldErrors} from '../lib/fieldErrors'
import {errorText, useToasts} from './toast'

const themeKey = 'aegis.theme'
const darkQuery = '(prefers-color-scheme: dark)'

interface SettingsState {
  settings: Settings | null
  loading: boolean
  saving: boolean
  fieldErrors: FieldErrors
  load: () => Promise<void>
  save: (next: Settings) => Promise<boolean>
  setTheme: (theme: ThemePreference) => Promise<void>
  purgeHistory: () => Promise<void>
}

export const useSettings = create<SettingsState>()((set, get) => ({
  settings: null,
  loading: false,
  saving: false,
  fieldErrors: {},
  load: async () => {
    set({loading: true})
    try {
      const settings = await api.getSettings()
      set({settings})
      rememberTheme(settings.theme)
    } catch (err) {
      useToasts.getState().push({tone: 'error', title: 'Could not load settings', detail: errorText(err)})
    } finally {
      set({loading: false})
    }
  },
  save: async (next) => {
    set({saving: true, fieldErrors: {}})
    try {
      const settings = await api.saveSettings(next)
      set({settings})
      rememberTheme(settings.theme)
      useToasts.getState().push({tone: 'success', title: 'Settings saved'})
      return true
    } catch (err) {
      const fields = parseFieldErrors(err)
      set({fieldErrors: fields.fields})
      useToasts.getState().push({tone: 'error', title: 'Settings not saved', detail: fields.message})
      return false
    } finally {
      set({saving: false})
    }
  },
  setTheme: async (theme) => {
    const current = get().settings
    rememberTheme(theme)
    if (current) await get().save({...current, theme})
  },
  purgeHistory: async () => {
    try {
      await api.purgeHistory()
      useToasts.getState().push({tone: 'success', title: 'History purged'})
    } catch (err) {
      useToasts.getState().push({tone: 'error', title: 'Could not purge history', detail: errorText(err)})
    }
  },
}))

/** emptyServer is the row "Add server" inserts. */
export function emptyServer(): MCPServer {
  return {name: '', transport: 'stdio', command: '', args: [], env: [], url: '', enabled: true}
}

function storedPreference(): ThemePreference {
  try {
    const v = localStorage.getItem(themeKey) ?? 'system'
    return isThemePreference(v) ? v : 'system'
  } catch {
    return 'system'
  }
}

function rememberTheme(pref: string) {
  const p = isThemePreference(pref) ? pref : 'system'
  try {
    localStorage.setItem(themeKey, p)
  } catch {
    // Storage can be unavailable (private mode); the theme still applies.
  }
  applyTheme(p)
}

/** applyTheme paints the preferred theme (the remembered one by default). */
export function applyTheme(pref: ThemePreference = storedPreference()) {
  const dark = window.matchMedia(darkQuery).matches
  document.documentElement.dataset.theme = resolveTheme(pref, dark)
  document.documentElement.dataset.themePreference = pref
}

/** useThemeSync loads settings once and follows OS theme changes while "system" is chosen. */
export function useThemeSync() {
  const load = useSettings((s) => s.load)
  const theme = useSettings((s) => s.settings?.theme)
  useEffect(() => {
    void load()
  }, [load])
  useEffect(() => {
    const mq = window.matchMedia(darkQuery)
    const onChange = () => applyTheme()
    mq.addEventListener('change', onChange)
    return () => mq.removeEventListener('change', onChange)
  }, [theme])
}

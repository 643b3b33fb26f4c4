import {create} from 'zustand'
import {api, type AppInfo} from '../api'

interface AppInfoState {
  info: AppInfo | null
  error: string | null
  load: () => Promise<void>
}

export const useAppInfo = create<AppInfoState>()((set) => ({
  info: null,
  error: null,
  load: async () => {
    try {
      set({info: await api.appInfo(), error: null})
    } catch (err) {
      set({error: String(err)})
    }
  },
}))

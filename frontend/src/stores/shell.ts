import {useEffect} from 'react'
import {onEvent} from '../api'
import {isRoute} from '../lib/routes'
import {useNavigation} from './navigation'
import {useToasts} from './toast'
import {useValidate} from './validate'

/**
 * useShellEvents connects the native shell (menus, file dialogs) to the
 * stores: menu actions navigate or open/save, opened files land in Validate.
 */
export function useShellEvents() {
  useEffect(() => {
    const offs = [
      onEvent('app:menu', (m) => {
        if (m.action === 'navigate' && m.route && isRoute(m.route)) useNavigation.getState().navigate(m.route)
        if (m.action === 'save-policy') useValidate.getState().requestSave()
        if (m.action === 'open-policy') useValidate.getState().requestOpen()
      }),
      onEvent('app:file-opened', (f) => {
        useNavigation.getState().navigate('validate')
        void useValidate.getState().loadFile(f.path, f.text)
      }),
      onEvent('app:file-saved', (f) => {
        useToasts.getState().push({tone: 'success', title: 'Policy saved', detail: f.path})
      }),
      onEvent('app:file-error', (f) => {
        useToasts.getState().push({tone: 'error', title: 'File operation failed', detail: f.message})
      }),
    ]
    return () => offs.forEach((off) => off())
  }, [])
}

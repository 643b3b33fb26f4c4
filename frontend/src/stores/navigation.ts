import {create} from 'zustand'
import type {Route} from '../lib/routes'

interface NavigationState {
  route: Route
  navigate: (r: Route) => void
}

export const useNavigation = create<NavigationState>()((set) => ({
  route: 'validate',
  navigate: (route) => set({route}),
}))

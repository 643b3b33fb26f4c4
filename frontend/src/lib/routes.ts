/** The app's pages, in navigation (and Ctrl/Cmd+1..5) order. */
export const routes = [
  {id: 'generate', label: 'Generate', hint: 'Least-privilege policies from intent'},
  {id: 'validate', label: 'Validate', hint: 'Check and format a policy'},
  {id: 'audit', label: 'Audit', hint: 'Unused permissions in an account'},
  {id: 'history', label: 'History', hint: 'Past validations and audits'},
  {id: 'settings', label: 'Settings', hint: 'Profiles, region, models, theme'},
] as const

export type Route = (typeof routes)[number]['id']

export function isRoute(s: string): s is Route {
  return routes.some((r) => r.id === s)
}

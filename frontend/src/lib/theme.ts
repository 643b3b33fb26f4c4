/** The user's choice in Settings; "system" follows the OS. */
export type ThemePreference = 'system' | 'dark' | 'light'
export type Theme = 'dark' | 'light'

export function isThemePreference(s: string): s is ThemePreference {
  return s === 'system' || s === 'dark' || s === 'light'
}

/** resolveTheme picks the theme to paint from the preference and the OS. */
export function resolveTheme(pref: ThemePreference, osPrefersDark: boolean): Theme {
  if (pref === 'system') return osPrefersDark ? 'dark' : 'light'
  return pref
}

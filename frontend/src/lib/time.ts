/** formatWhen renders an RFC 3339 time for lists: local date and time, minutes. */
export function formatWhen(rfc3339: string, locale?: string): string {
  const d = new Date(rfc3339)
  if (Number.isNaN(d.getTime())) return rfc3339
  return d.toLocaleString(locale, {year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit'})
}

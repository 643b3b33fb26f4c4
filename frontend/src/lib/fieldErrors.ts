/** Field name (the DTO's JSON name, e.g. "defaultRegion" or "mcpServers[1].url") → message. */
export type FieldErrors = Record<string, string>

export interface ParsedError {
  message: string
  fields: FieldErrors
}

/**
 * parseFieldErrors reads the validation error SettingsService.Save rejects
 * with. Go returns it as JSON text ({"message": ..., "fields": [{"field",
 * "message"}]}); anything else is shown as a plain message.
 */
export function parseFieldErrors(err: unknown): ParsedError {
  const text = err instanceof Error ? err.message : typeof err === 'string' ? err : JSON.stringify(err)
  try {
    const v: unknown = JSON.parse(text)
    if (v && typeof v === 'object' && 'fields' in v) {
      const o = v as {message?: unknown; fields?: unknown}
      const fields: FieldErrors = {}
      if (Array.isArray(o.fields)) {
        for (const f of o.fields) {
          if (f && typeof f.field === 'string' && typeof f.message === 'string') fields[f.field] = f.message
        }
      }
      return {message: typeof o.message === 'string' ? o.message : 'Some fields are invalid.', fields}
    }
  } catch {
    // Not JSON: a plain error message.
  }
  return {message: text, fields: {}}
}

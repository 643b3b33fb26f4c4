/**
 * inputName picks the file name a pasted text is validated under: the Go
 * side decides the format from the name's extension (backend/source.Detect),
 * so a pasted CloudFormation template must not be called "policy.json".
 */
export function inputName(path: string | null, text: string): string {
  const base = path?.split(/[\\/]/).pop()
  if (base) return base
  const start = text.trimStart()
  if (start.startsWith('{')) return start.includes('"Resources"') ? 'template.json' : 'policy.json'
  if (/^(resource|data|terraform|provider|locals|module|variable|output)\s/m.test(text)) return 'main.tf'
  return 'template.yaml'
}

/** languageOf names the editor's highlighting for a file name. */
export function languageOf(name: string): 'json' | 'yaml' | 'plain' {
  const ext = name.toLowerCase().split('.').pop() ?? ''
  if (ext === 'json') return 'json'
  if (ext === 'yaml' || ext === 'yml' || ext === 'template' || ext === 'cfn') return 'yaml'
  return 'plain'
}

/**
 * indexFromLineColumn converts Go's 1-based line and byte column to a
 * UTF-16 index into text; past the end of a line it stops at the line's end.
 */
export function indexFromLineColumn(text: string, line: number, column: number): number {
  let start = 0
  for (let l = 1; l < line; l++) {
    const nl = text.indexOf('\n', start)
    if (nl < 0) return text.length
    start = nl + 1
  }
  const end = text.indexOf('\n', start)
  const lineText = text.slice(start, end < 0 ? text.length : end)
  let bytes = 0
  let i = 0
  while (i < lineText.length && bytes < column - 1) {
    const code = lineText.codePointAt(i) ?? 0
    bytes += code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4
    i += code > 0xffff ? 2 : 1
  }
  return start + i
}

/**
 * Go reports positions as UTF-8 byte offsets; a textarea selects by UTF-16
 * code units. indexFromByteOffset converts one to the other so that clicking
 * a diagnostic puts the caret on the exact character, whatever the script.
 */
export function indexFromByteOffset(text: string, byteOffset: number): number {
  if (byteOffset <= 0) return 0
  let bytes = 0
  let i = 0
  while (i < text.length) {
    const code = text.codePointAt(i) ?? 0
    const size = code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4
    if (bytes + size > byteOffset) break
    bytes += size
    i += code > 0xffff ? 2 : 1
  }
  return i
}

/** lineOf returns the 1-based line of a UTF-16 index. */
export function lineOf(text: string, index: number): number {
  let line = 1
  for (let i = 0; i < index && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) line++
  }
  return line
}

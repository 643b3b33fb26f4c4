package source

import (
	"sort"
	"unicode/utf8"

	"github.com/aegis-iam/aegis/backend/policy"
)

// lines converts byte offsets of one original file into policy positions
// (1-based line, 1-based byte column, as go/token counts).
type lines struct {
	src    []byte
	starts []int  // offset of the first byte of each line
	ascii  []bool // whether each line is plain ASCII (a character is a byte)
}

func newLines(src []byte) *lines {
	l := &lines{src: src, starts: []int{0}, ascii: []bool{true}}
	for i, c := range src {
		switch {
		case c == '\n':
			l.starts = append(l.starts, i+1)
			l.ascii = append(l.ascii, true)
		case c >= 0x80:
			l.ascii[len(l.ascii)-1] = false
		}
	}
	return l
}

// pos returns the position of byte offset off, clamped to the file.
func (l *lines) pos(off int) policy.Pos {
	off = max(0, min(off, len(l.src)))
	i := sort.Search(len(l.starts), func(i int) bool { return l.starts[i] > off }) - 1
	return policy.Pos{Offset: off, Line: i + 1, Column: off - l.starts[i] + 1}
}

// offset returns the byte offset of a 1-based line and a 1-based column
// counted in characters (as YAML parsers count them).
func (l *lines) offset(line, runeCol int) int {
	if line < 1 {
		return 0
	}
	if line > len(l.starts) {
		return len(l.src)
	}
	off := l.starts[line-1]
	if l.ascii[line-1] {
		end := len(l.src)
		if line < len(l.starts) {
			end = l.starts[line] - 1
		}
		return min(off+max(runeCol, 1)-1, end)
	}
	for c := 1; c < runeCol && off < len(l.src) && l.src[off] != '\n'; c++ {
		_, w := utf8.DecodeRune(l.src[off:])
		off += w
	}
	return off
}

// segment maps offsets from `from` on (up to the next segment) to the
// original file: linearly (to + delta) or all to `to`.
type segment struct {
	from, to int
	linear   bool
}

// offsetMap maps byte offsets of a derived text (a decoded string, a
// synthesised JSON document) to byte offsets of the original file. Segments
// are appended in increasing `from` order.
type offsetMap struct {
	segs []segment
}

// point maps offsets from `from` on to the single original offset `to`.
func (m *offsetMap) point(from, to int) { m.add(segment{from, to, false}) }

// run maps offsets from `from` on linearly to `to`.
func (m *offsetMap) run(from, to int) { m.add(segment{from, to, true}) }

func (m *offsetMap) add(s segment) {
	if n := len(m.segs); n > 0 {
		last := m.segs[n-1]
		if last.from == s.from {
			m.segs[n-1] = s
			return
		}
		if last.linear && s.linear && s.to-last.to == s.from-last.from {
			return // continues the previous run
		}
	}
	m.segs = append(m.segs, s)
}

// lookup maps a derived offset to an original offset; ok is false for an
// empty map.
func (m *offsetMap) lookup(off int) (int, bool) {
	if m == nil || len(m.segs) == 0 {
		return 0, false
	}
	i := sort.Search(len(m.segs), func(i int) bool { return m.segs[i].from > off }) - 1
	if i < 0 {
		return m.segs[0].to, true
	}
	s := m.segs[i]
	if s.linear {
		return s.to + off - s.from, true
	}
	return s.to, true
}

// appendShifted appends the segments of sub, whose derived offsets start at
// `at` in m's derived text. A nil or empty sub maps everything from `at` to
// fallback.
func (m *offsetMap) appendShifted(sub *offsetMap, at, fallback int) {
	if sub == nil || len(sub.segs) == 0 {
		m.point(at, fallback)
		return
	}
	if sub.segs[0].from > 0 {
		m.point(at, sub.segs[0].to)
	}
	for _, s := range sub.segs {
		m.add(segment{s.from + at, s.to, s.linear})
	}
}

// maxSkip bounds how far align looks ahead in the original text for the next
// decoded byte before giving up on exact positions.
const maxSkip = 256

// align builds the map from the decoded text of a string scalar to the
// original bytes it was written as, starting at offset base of orig. It walks
// both texts, matching equal bytes and skipping the original's quotes,
// indentation, folded line breaks and (with escapes) backslash escapes. When
// the texts stop agreeing the rest maps to the last matched place: positions
// inside strings are best effort, never wrong by more than that.
func align(orig []byte, base int, decoded string, escapes bool) *offsetMap {
	m := &offsetMap{}
	i, j := base, 0
	skipped := 0
	for j < len(decoded) {
		if i >= len(orig) || skipped > maxSkip {
			break
		}
		c := orig[i]
		if c == decoded[j] {
			m.run(j, i)
			i++
			j++
			skipped = 0
			continue
		}
		if escapes && c == '\\' {
			if r, w := decodeEscape(orig[i:]); w > 0 {
				if dr, dw := utf8.DecodeRuneInString(decoded[j:]); dr == r {
					m.point(j, i)
					i += w
					j += dw
					skipped = 0
					continue
				}
			}
		}
		i++
		skipped++
	}
	if j < len(decoded) {
		last := base
		if n := len(m.segs); n > 0 {
			last, _ = m.lookup(j - 1)
		}
		m.point(j, last)
	}
	if len(m.segs) == 0 {
		m.point(0, base)
	}
	return m
}

// decodeEscape decodes one backslash escape as JSON, YAML double-quoted and
// HCL strings write them; w is 0 for an unknown escape.
func decodeEscape(b []byte) (r rune, w int) {
	if len(b) < 2 {
		return 0, 0
	}
	switch b[1] {
	case 'n':
		return '\n', 2
	case 't':
		return '\t', 2
	case 'r':
		return '\r', 2
	case 'b':
		return '\b', 2
	case 'f':
		return '\f', 2
	case '0':
		return 0, 2
	case '"', '\\', '/', '\'':
		return rune(b[1]), 2
	case 'x':
		return hexRune(b, 2, 2)
	case 'u':
		r, w := hexRune(b, 2, 4)
		if w > 0 && utf8.ValidRune(r) {
			return r, w
		}
		if w > 0 && r >= 0xd800 && r < 0xdc00 && len(b) >= 12 && b[6] == '\\' && b[7] == 'u' {
			lo, w2 := hexRune(b[6:], 2, 4)
			if w2 > 0 && lo >= 0xdc00 && lo < 0xe000 {
				return (r-0xd800)<<10 + (lo - 0xdc00) + 0x10000, 12
			}
		}
		return utf8.RuneError, w
	case 'U':
		return hexRune(b, 2, 8)
	}
	return 0, 0
}

func hexRune(b []byte, at, n int) (rune, int) {
	if len(b) < at+n {
		return 0, 0
	}
	var r rune
	for _, c := range b[at : at+n] {
		switch {
		case c >= '0' && c <= '9':
			r = r<<4 | rune(c-'0')
		case c >= 'a' && c <= 'f':
			r = r<<4 | rune(c-'a'+10)
		case c >= 'A' && c <= 'F':
			r = r<<4 | rune(c-'A'+10)
		default:
			return 0, 0
		}
	}
	return r, at + n
}

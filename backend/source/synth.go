package source

import (
	"bytes"
	"fmt"
	"strings"
	"unicode/utf8"
)

// synthesize writes n as indented JSON and maps every byte of the output to
// the original offset of the value or key it came from. String contents map
// byte for byte when JSON needs no escapes for them.
func synthesize(n *node) ([]byte, *offsetMap) {
	w := &synthWriter{m: &offsetMap{segs: make([]segment, 0, 128)}}
	w.value(n, 0)
	w.buf.WriteByte('\n')
	return w.buf.Bytes(), w.m
}

type synthWriter struct {
	buf bytes.Buffer
	m   *offsetMap
}

func (w *synthWriter) indent(depth int) {
	w.buf.WriteByte('\n')
	for range depth {
		w.buf.WriteString("  ")
	}
}

func (w *synthWriter) value(n *node, depth int) {
	switch n.kind {
	case nullNode:
		w.m.point(w.buf.Len(), n.off)
		w.buf.WriteString("null")
	case boolNode, numberNode:
		w.m.point(w.buf.Len(), n.off)
		w.buf.WriteString(n.text)
	case stringNode:
		w.string(n)
	case arrayNode:
		w.m.point(w.buf.Len(), n.off)
		w.buf.WriteByte('[')
		for i, e := range n.elems {
			if i > 0 {
				w.buf.WriteByte(',')
			}
			w.indent(depth + 1)
			w.value(e, depth+1)
		}
		if len(n.elems) > 0 {
			w.indent(depth)
		}
		w.buf.WriteByte(']')
	case objectNode:
		w.m.point(w.buf.Len(), n.off)
		w.buf.WriteByte('{')
		for i, k := range n.keys {
			if i > 0 {
				w.buf.WriteByte(',')
			}
			w.indent(depth + 1)
			w.string(k)
			w.buf.WriteString(": ")
			w.value(n.elems[i], depth+1)
		}
		if len(n.keys) > 0 {
			w.indent(depth)
		}
		w.buf.WriteByte('}')
	}
}

func (w *synthWriter) string(n *node) {
	start := w.buf.Len()
	quoted := quoteJSON(n.text)
	w.m.point(start, n.off)
	if len(quoted) == len(n.text)+2 {
		w.m.appendShifted(n.strMap(), start+1, n.off)
	}
	w.buf.WriteString(quoted)
	w.m.point(w.buf.Len()-1, n.off)
}

// quoteJSON quotes s as a JSON string, escaping only what JSON requires
// (quotes, backslashes, control characters) and invalid UTF-8 (as U+FFFD).
func quoteJSON(s string) string {
	var b strings.Builder
	b.Grow(len(s) + 2)
	b.WriteByte('"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				b.WriteByte('\\')
				b.WriteByte(c)
			case c == '\n':
				b.WriteString(`\n`)
			case c == '\r':
				b.WriteString(`\r`)
			case c == '\t':
				b.WriteString(`\t`)
			case c < 0x20:
				fmt.Fprintf(&b, `\u%04x`, c)
			default:
				b.WriteByte(c)
			}
			i++
			continue
		}
		r, w := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && w == 1 {
			b.WriteString(`\ufffd`)
		} else {
			b.WriteString(s[i : i+w])
		}
		i += w
	}
	b.WriteByte('"')
	return b.String()
}

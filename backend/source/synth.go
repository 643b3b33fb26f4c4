package source

import (
	"bytes"
	"encoding/json"
	"strings"
)

// synthesize writes n as indented JSON and maps every byte of the output to
// the original offset of the value or key it came from. String contents map
// byte for byte when JSON needs no escapes for them.
func synthesize(n *node) ([]byte, *offsetMap) {
	w := &synthWriter{m: &offsetMap{}}
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
		w.m.appendShifted(n.smap, start+1, n.off)
	}
	w.buf.WriteString(quoted)
	w.m.point(w.buf.Len()-1, n.off)
}

// quoteJSON quotes s as a JSON string without HTML escaping.
func quoteJSON(s string) string {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(s); err != nil {
		return `""` // unreachable: every Go string encodes
	}
	return strings.TrimSuffix(b.String(), "\n")
}

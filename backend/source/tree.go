package source

import (
	"fmt"
	"strconv"
	"strings"
)

// nodeKind is the JSON type of a tree node.
type nodeKind uint8

const (
	nullNode nodeKind = iota
	boolNode
	numberNode
	stringNode
	arrayNode
	objectNode
)

// node is one value of a JSON-like tree read from JSON, YAML or HCL, with
// the original byte offset of its first byte. It is the common form the
// CloudFormation, plan and GAAD readers walk and the JSON synthesiser writes.
type node struct {
	kind nodeKind
	off  int    // original offset of the value (for YAML tags and HCL expressions: of the tag or expression)
	text string // scalars: the decoded text; numbers and booleans as written
	smap *offsetMap
	// raw, when set, is the original text a string's map is computed from
	// on first use (by align, with or without backslash escapes): most
	// scalars of a template never reach a document.
	raw     []byte
	escapes bool
	keys    []*node // objects: key strings, in source order
	elems   []*node // objects: values; arrays: elements
	// expr, when set, says the value is a placeholder standing for an
	// expression that could not be evaluated (an intrinsic function, a
	// Terraform reference); it holds the expression as the user wrote it.
	expr string
}

// get returns the value of key in an object; with duplicate keys the last
// one wins, as in CloudFormation and encoding/json.
func (n *node) get(key string) *node {
	if n == nil || n.kind != objectNode {
		return nil
	}
	for i := len(n.keys) - 1; i >= 0; i-- {
		if n.keys[i].text == key {
			return n.elems[i]
		}
	}
	return nil
}

// str returns the text of a string node and "" for anything else.
func (n *node) str() string {
	if n == nil || n.kind != stringNode {
		return ""
	}
	return n.text
}

// strMap returns the string's decoded-offset map, a single point for strings
// without one.
func (n *node) strMap() *offsetMap {
	if n.smap == nil && n.raw != nil {
		n.smap = align(n.raw, n.off, n.text, n.escapes)
		n.raw = nil
	}
	if n.smap != nil {
		return n.smap
	}
	m := &offsetMap{}
	m.point(0, n.off)
	return m
}

func newString(off int, text string, smap *offsetMap) *node {
	return &node{kind: stringNode, off: off, text: text, smap: smap}
}

// maxDepth bounds nesting in every reader so hostile inputs cannot exhaust
// the stack.
const maxDepth = 256

// isJSONNumber reports whether s is a number as JSON writes them (no leading
// zeros, no '+', no hex or underscores).
func isJSONNumber(s string) bool {
	i := 0
	if i < len(s) && s[i] == '-' {
		i++
	}
	digits := func() int {
		n := 0
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
			n++
		}
		return n
	}
	switch {
	case i < len(s) && s[i] == '0':
		i++
	case digits() == 0:
		return false
	}
	if i < len(s) && s[i] == '.' {
		i++
		if digits() == 0 {
			return false
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		if digits() == 0 {
			return false
		}
	}
	return i == len(s)
}

// jsonReader parses JSON into a node tree, keeping offsets and mapping every
// string's decoded bytes back to the source.
type jsonReader struct {
	src  []byte
	i    int
	errs []jsonError
}

type jsonError struct {
	off int
	msg string
}

// readJSON parses src. On a syntax error it returns the first error.
func readJSON(src []byte) (*node, *jsonError) {
	r := &jsonReader{src: src}
	if strings.HasPrefix(string(src[:min(3, len(src))]), "\ufeff") {
		r.i = 3 // a byte order mark, as Windows editors write
	}
	r.space()
	n := r.value(0)
	if len(r.errs) == 0 {
		r.space()
		if r.i < len(r.src) {
			r.fail(r.i, "unexpected %s after the top-level value", r.describe())
		}
	}
	if len(r.errs) > 0 {
		return nil, &r.errs[0]
	}
	return n, nil
}

func (r *jsonReader) fail(off int, format string, args ...any) {
	if len(r.errs) == 0 {
		r.errs = append(r.errs, jsonError{off, fmt.Sprintf(format, args...)})
	}
}

func (r *jsonReader) describe() string {
	if r.i >= len(r.src) {
		return "end of input"
	}
	return strconv.QuoteRune(rune(r.src[r.i]))
}

func (r *jsonReader) space() {
	for r.i < len(r.src) {
		switch r.src[r.i] {
		case ' ', '\t', '\n', '\r':
			r.i++
		default:
			return
		}
	}
}

func (r *jsonReader) value(depth int) *node {
	if depth > maxDepth {
		r.fail(r.i, "nesting deeper than %d levels", maxDepth)
		return nil
	}
	if r.i >= len(r.src) {
		r.fail(r.i, "unexpected end of input, want a value")
		return nil
	}
	start := r.i
	switch c := r.src[r.i]; {
	case c == '{':
		return r.object(depth)
	case c == '[':
		return r.array(depth)
	case c == '"':
		return r.string()
	case c == '-' || c >= '0' && c <= '9':
		r.i++
		for r.i < len(r.src) && strings.IndexByte("0123456789.eE+-", r.src[r.i]) >= 0 {
			r.i++
		}
		text := string(r.src[start:r.i])
		if !isJSONNumber(text) {
			r.fail(start, "invalid number %q", text)
			return nil
		}
		return &node{kind: numberNode, off: start, text: text}
	}
	for _, lit := range [...]string{"true", "false", "null"} {
		if strings.HasPrefix(string(r.src[r.i:min(len(r.src), r.i+len(lit))]), lit) {
			r.i += len(lit)
			if lit == "null" {
				return &node{kind: nullNode, off: start}
			}
			return &node{kind: boolNode, off: start, text: lit}
		}
	}
	r.fail(start, "unexpected %s, want a value", r.describe())
	return nil
}

func (r *jsonReader) object(depth int) *node {
	n := &node{kind: objectNode, off: r.i}
	r.i++
	r.space()
	if r.i < len(r.src) && r.src[r.i] == '}' {
		r.i++
		return n
	}
	for {
		r.space()
		if r.i >= len(r.src) || r.src[r.i] != '"' {
			r.fail(r.i, "unexpected %s, want an object key string", r.describe())
			return nil
		}
		k := r.string()
		if k == nil {
			return nil
		}
		r.space()
		if r.i >= len(r.src) || r.src[r.i] != ':' {
			r.fail(r.i, "unexpected %s, want ':' after object key", r.describe())
			return nil
		}
		r.i++
		r.space()
		v := r.value(depth + 1)
		if v == nil {
			return nil
		}
		n.keys = append(n.keys, k)
		n.elems = append(n.elems, v)
		r.space()
		if r.i < len(r.src) && r.src[r.i] == ',' {
			r.i++
			continue
		}
		if r.i < len(r.src) && r.src[r.i] == '}' {
			r.i++
			return n
		}
		r.fail(r.i, "unexpected %s, want ',' or '}' in object", r.describe())
		return nil
	}
}

func (r *jsonReader) array(depth int) *node {
	n := &node{kind: arrayNode, off: r.i}
	r.i++
	r.space()
	if r.i < len(r.src) && r.src[r.i] == ']' {
		r.i++
		return n
	}
	for {
		r.space()
		v := r.value(depth + 1)
		if v == nil {
			return nil
		}
		n.elems = append(n.elems, v)
		r.space()
		if r.i < len(r.src) && r.src[r.i] == ',' {
			r.i++
			continue
		}
		if r.i < len(r.src) && r.src[r.i] == ']' {
			r.i++
			return n
		}
		r.fail(r.i, "unexpected %s, want ',' or ']' in array", r.describe())
		return nil
	}
}

// string reads a string literal, decoding escapes and mapping each decoded
// byte to its source byte.
func (r *jsonReader) string() *node {
	start := r.i
	r.i++
	var b strings.Builder
	m := &offsetMap{}
	for r.i < len(r.src) {
		c := r.src[r.i]
		switch {
		case c == '"':
			r.i++
			if m.segs == nil {
				m.point(0, start)
			}
			return newString(start, b.String(), m)
		case c == '\\':
			ch, w := decodeEscape(r.src[r.i:])
			if w == 0 || r.src[r.i+1] == 'x' || r.src[r.i+1] == 'U' || r.src[r.i+1] == '0' || r.src[r.i+1] == '\'' {
				r.fail(r.i, "invalid escape in string")
				return nil
			}
			m.point(b.Len(), r.i)
			b.WriteRune(ch)
			r.i += w
		case c < 0x20:
			r.fail(r.i, "control character %U in string", rune(c))
			return nil
		default:
			m.run(b.Len(), r.i)
			b.WriteByte(c)
			r.i++
		}
	}
	r.fail(start, "unterminated string")
	return nil
}

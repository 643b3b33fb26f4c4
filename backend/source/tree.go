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
	kind    nodeKind
	escapes bool // raw holds backslash escapes (see raw)
	// elided says the value was read (and found well-formed) but its
	// contents were not kept: see readOutline.
	elided bool
	off    int    // original offset of the value (for YAML tags and HCL expressions: of the tag or expression)
	text   string // scalars: the decoded text; numbers and booleans as written
	smap   *offsetMap
	// raw, when set, is the original text a string's map is computed from
	// on first use (by align, with or without backslash escapes): most
	// scalars of a template never reach a document.
	raw   []byte
	keys  []*node // objects: key strings, in source order
	elems []*node // objects: values; arrays: elements
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
	str  string // src as a string, which string values are cut from
	i    int
	errs []jsonError
	// free is the rest of the current chunk of nodes: a tree of thousands
	// of values costs a few allocations rather than one each.
	free  []node
	chunk int // size of the last chunk
	// outline, when set, keeps only what tells the JSON formats apart
	// (see readOutline); skipping counts the enclosing values being read
	// without being kept, whose nodes all go to scratch.
	outline  bool
	skipping int
	scratch  node
}

// node returns a new node from the current chunk. The caller sets its
// other fields one by one: copying a whole node in would cost a write
// barrier for each of its pointers while the collector runs.
func (r *jsonReader) node(kind nodeKind, off int, text string) *node {
	if r.skipping > 0 {
		return &r.scratch // its fields are never read
	}
	if len(r.free) == 0 {
		first := 16
		if r.outline {
			first = 4 // an outline is a few nodes per statement
		}
		r.chunk = min(max(2*r.chunk, first), 1024)
		r.free = make([]node, r.chunk)
	}
	n := &r.free[0]
	r.free = r.free[1:]
	n.kind, n.off = kind, off
	if text != "" {
		n.text = text
	}
	return n
}

type jsonError struct {
	off int
	msg string
}

// readJSON parses src. On a syntax error it returns the first error.
func readJSON(src []byte) (*node, *jsonError) {
	return (&jsonReader{src: src, str: string(src)}).read()
}

// readOutline checks src as readJSON does, with the same errors, but keeps
// only the outline that tells the JSON formats apart and identity policies
// from the others: the top-level keys, and the statements under
// "Statement" (marked elided) with the keys of outlineStatementKeys. Their
// values are elided nodes of their kind and offset; the rest is dropped. Reading a policy
// this way costs a fraction of reading its tree, which the policy parser
// then reads again in its own form.
func readOutline(src []byte) (*node, *jsonError) {
	return (&jsonReader{src: src, str: string(src), outline: true}).read()
}

// outlineStatementKeys are the keys of a statement an outline keeps, with
// their values elided: what outlineKind asks first.
var outlineStatementKeys = map[string]bool{"Principal": true, "NotPrincipal": true}

// key reads a key of the object at depth. In an outline, whose objects
// read in full are the top-level one (depth 0) and statements, it reads a
// statement's keys other than outlineStatementKeys without a node and
// returns nil for them. It returns false on a syntax error.
func (r *jsonReader) key(depth int) (*node, bool) {
	if r.outline && r.skipping == 0 && depth > 0 {
		start := r.i
		r.skipping++
		ok := r.string() != nil
		r.skipping--
		if !ok {
			return nil, false
		}
		raw := r.str[start+1 : r.i-1]
		if !outlineStatementKeys[raw] && !strings.Contains(raw, `\`) {
			return nil, true
		}
		r.i = start // one to keep, or escaped: read it again, kept
	}
	k := r.string()
	return k, k != nil
}

// member reads the value of key in the object at depth, in full or, in an
// outline, elided; it returns false when an outline drops the key (a nil
// key is one already dropped).
func (r *jsonReader) member(depth int, key *node) (*node, bool) {
	switch {
	case !r.outline || r.skipping > 0:
		return r.value(depth + 1), r.skipping == 0
	case key == nil:
		return r.elide(depth+1, false), false
	case depth == 0 && key.text == "Statement":
		return r.value(depth + 1), true
	case depth == 0 || outlineStatementKeys[key.text]:
		return r.elide(depth+1, true), true
	}
	return r.elide(depth+1, false), false
}

// element reads an element of the array at depth, in full or, in an
// outline, elided unless it is a statement of a "Statement" array.
func (r *jsonReader) element(depth int) *node {
	if !r.outline || r.skipping > 0 || depth == 1 {
		return r.value(depth + 1)
	}
	return r.elide(depth+1, true)
}

// elide reads a value at depth without keeping its contents. It returns
// nil on a syntax error; else, when keep is set, a node of the value's kind
// and offset marked elided, and the reader's scratch node otherwise.
func (r *jsonReader) elide(depth int, keep bool) *node {
	start := r.i
	r.skipping++
	v := r.value(depth)
	r.skipping--
	if v == nil || !keep {
		return v
	}
	// The value parsed, so its first byte says its kind.
	kind := numberNode
	switch r.src[start] {
	case '{':
		kind = objectNode
	case '[':
		kind = arrayNode
	case '"':
		kind = stringNode
	case 't', 'f':
		kind = boolNode
	case 'n':
		kind = nullNode
	}
	n := r.node(kind, start, "")
	n.elided = true
	return n
}

func (r *jsonReader) read() (*node, *jsonError) {
	if strings.HasPrefix(r.str[:min(3, len(r.str))], "\ufeff") {
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
		text := r.str[start:r.i]
		if !isJSONNumber(text) {
			r.fail(start, "invalid number %q", text)
			return nil
		}
		return r.node(numberNode, start, text)
	}
	for _, lit := range [...]string{"true", "false", "null"} {
		if strings.HasPrefix(string(r.src[r.i:min(len(r.src), r.i+len(lit))]), lit) {
			r.i += len(lit)
			if lit == "null" {
				return r.node(nullNode, start, "")
			}
			return r.node(boolNode, start, lit)
		}
	}
	r.fail(start, "unexpected %s, want a value", r.describe())
	return nil
}

func (r *jsonReader) object(depth int) *node {
	n := r.node(objectNode, r.i, "")
	if r.outline && r.skipping == 0 && depth > 0 {
		n.elided = true // a statement, with only some of its keys
	}
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
		k, ok := r.key(depth)
		if !ok {
			return nil
		}
		r.space()
		if r.i >= len(r.src) || r.src[r.i] != ':' {
			r.fail(r.i, "unexpected %s, want ':' after object key", r.describe())
			return nil
		}
		r.i++
		r.space()
		v, keep := r.member(depth, k)
		if v == nil {
			return nil
		}
		if keep {
			n.keys = append(n.keys, k)
			n.elems = append(n.elems, v)
		}
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
	n := r.node(arrayNode, r.i, "")
	r.i++
	r.space()
	if r.i < len(r.src) && r.src[r.i] == ']' {
		r.i++
		return n
	}
	for {
		r.space()
		v := r.element(depth)
		if v == nil {
			return nil
		}
		if r.skipping == 0 {
			n.elems = append(n.elems, v)
		}
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
	// Fast path: a string without escapes or control characters is its
	// own text, mapped to the source by one run (computed on first use).
	for j := start + 1; j < len(r.src); j++ {
		c := r.src[j]
		if c == '"' {
			r.i = j + 1
			n := r.node(stringNode, start, r.str[start+1:j])
			if j > start+1 {
				n.raw = r.src // align skips the quote at start
			}
			return n
		}
		if c == '\\' || c < 0x20 {
			break
		}
	}
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
			n := r.node(stringNode, start, b.String())
			n.smap = m
			return n
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

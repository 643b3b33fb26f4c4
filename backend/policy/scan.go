package policy

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Limits that keep hostile input bounded in time and memory.
const (
	// MaxSize is the largest policy source, in bytes, that Parse accepts.
	// AWS's own limits are far lower (a managed policy holds 6,144
	// characters, an S3 bucket policy 20 KB, a KMS key policy 32 KB; the
	// largest AWS managed policy is about 150 KB), so anything bigger is not
	// a policy AWS would accept.
	MaxSize = 1 << 20
	// maxDepth caps the nesting of objects and arrays. A policy needs six
	// levels (document, Statement array, statement, Condition, operator,
	// value list); the cap leaves room for unknown elements to be skipped.
	maxDepth = 32
	// maxErrors stops the parse once this many problems are reported.
	maxErrors = 100
)

// Error codes. They are stable: tools and tests match on them.
const (
	CodeSyntax         = "syntax"          // not valid JSON
	CodeInvalidUTF8    = "invalid-utf8"    // a string holds bytes that are not UTF-8
	CodeTooLarge       = "too-large"       // the source exceeds MaxSize
	CodeTooDeep        = "too-deep"        // nesting deeper than any policy needs
	CodeTooManyErrors  = "too-many-errors" // the parse stopped early
	CodeURLEncoding    = "url-encoding"    // looks URL-encoded but does not decode
	CodeWrongType      = "wrong-type"      // e.g. a number where a string is expected
	CodeUnknownElement = "unknown-element" // a key the grammar does not have
	CodeDuplicateKey   = "duplicate-key"   // a key repeated in one object (also differing only in case)
	CodeEmpty          = "empty"           // an empty array or object where values are required
	CodeMissing        = "missing-element" // a required element is absent
	CodeConflict       = "conflicting-elements"
	CodeForbidden      = "forbidden-element" // an element this policy kind does not allow
	CodeInvalidEffect  = "invalid-effect"
	CodeInvalidVersion = "invalid-version"
	CodeInvalidPrinc   = "invalid-principal"
	CodeUnknownPrinc   = "unknown-principal-type"
	CodeUnknownOp      = "unknown-operator"
	CodeDuplicateSid   = "duplicate-sid"
)

// scanner holds the JSON-level state of one parse: the source, the read
// offset, line bookkeeping and the errors found so far. It knows JSON, not
// policies; parser (parse.go) builds the policy grammar on top of it.
type scanner struct {
	src       string
	off       int
	line      int // 1-based line of off
	lineStart int // offset of the first byte of line
	depth     int
	stopped   bool // a fatal syntax error or too many errors: unwind
	errs      ErrorList
	keys      []Value // key stack for duplicate detection, shared by nested objects
	buf       []byte  // scratch for strings with escapes
}

func (s *scanner) pos() Pos {
	return Pos{Offset: s.off, Line: s.line, Column: s.off - s.lineStart + 1}
}

// errorf records a problem. Past maxErrors it records one final
// too-many-errors entry and stops the parse.
func (s *scanner) errorf(pos Pos, at path, code, format string, args ...any) {
	if s.stopped {
		return
	}
	if len(s.errs) >= maxErrors {
		s.errs.Add(pos, "", CodeTooManyErrors, "too many errors (stopped after %d)", maxErrors)
		s.stopped = true
		return
	}
	s.errs.Add(pos, at.String(), code, format, args...)
}

// fatalf records a problem after which the JSON cannot be followed.
func (s *scanner) fatalf(pos Pos, format string, args ...any) {
	s.errorf(pos, rootPath, CodeSyntax, format, args...)
	s.stopped = true
}

// peek skips white space and returns the next byte, or 0 at the end.
func (s *scanner) peek() byte {
	for s.off < len(s.src) {
		switch c := s.src[s.off]; c {
		case ' ', '\t', '\r':
			s.off++
		case '\n':
			s.off++
			s.line++
			s.lineStart = s.off
		default:
			return c
		}
	}
	return 0
}

// describe names the value or character at the current offset for a
// message: "object", "number", "end of input", "character '}'"...
func (s *scanner) describe() string {
	if s.off >= len(s.src) {
		return "end of input"
	}
	switch c := s.src[s.off]; {
	case c == '{':
		return "object"
	case c == '[':
		return "array"
	case c == '"':
		return "string"
	case c == '-' || isDigit(c):
		return "number"
	case strings.HasPrefix(s.src[s.off:], "true"), strings.HasPrefix(s.src[s.off:], "false"):
		return "boolean"
	case strings.HasPrefix(s.src[s.off:], "null"):
		return "null"
	}
	return s.describeChar()
}

// describeChar names the character at the current offset.
func (s *scanner) describeChar() string {
	if s.off >= len(s.src) {
		return "end of input"
	}
	r, size := utf8.DecodeRuneInString(s.src[s.off:])
	if r == utf8.RuneError && size <= 1 {
		return fmt.Sprintf("byte 0x%02x (not UTF-8)", s.src[s.off])
	}
	return fmt.Sprintf("character %q", r)
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// isValueStart reports whether c can begin a JSON value.
func isValueStart(c byte) bool {
	switch c {
	case '{', '[', '"', '-', 't', 'f', 'n':
		return true
	}
	return isDigit(c)
}

// expectValue checks that a value starts at the current offset and stops the
// parse with a syntax error otherwise.
// key names the object key the value belongs to, or is empty in arrays.
func (s *scanner) expectValue(key *Value) bool {
	c := s.peek()
	if isValueStart(c) {
		return true
	}
	hint := ""
	if c == '\'' {
		hint = " (JSON strings need double quotes)"
	}
	if key != nil {
		s.fatalf(s.pos(), "invalid JSON: want a value for key %q, got %s%s", clip(key.Text), s.describeChar(), hint)
	} else {
		s.fatalf(s.pos(), "invalid JSON: want a value in array, got %s%s", s.describeChar(), hint)
	}
	return false
}

// enter and leave track nesting depth.
func (s *scanner) enter() bool {
	s.depth++
	if s.depth > maxDepth {
		s.errorf(s.pos(), rootPath, CodeTooDeep, "nesting deeper than %d levels; no policy element needs this", maxDepth)
		s.stopped = true
		return false
	}
	return true
}

func (s *scanner) leave() { s.depth-- }

// object reads an object whose '{' is at the current offset, calling member
// for each key with the offset at the key's value; member must consume the
// value. A key repeated exactly is reported and its value skipped; a key
// equal to an earlier one except for case is reported and passed to member
// with caseDup set (an element name differing in case is then also an
// unknown element, see parser.unknown).
func (s *scanner) object(at path, member func(key Value, caseDup bool)) {
	if !s.enter() {
		return
	}
	defer s.leave()
	start := len(s.keys)
	defer func() { s.keys = s.keys[:start] }()
	var folded map[string]int // lowered key → index in s.keys, for large objects
	s.off++                   // '{'
	if s.peek() == '}' {
		s.off++
		return
	}
	for !s.stopped {
		if s.peek() != '"' {
			s.fatalf(s.pos(), "invalid JSON: want a string key in double quotes, got %s", s.describeChar())
			return
		}
		key := s.readString(at)
		if s.peek() == ':' {
			s.off++
		} else {
			s.errorf(s.pos(), rootPath, CodeSyntax, "invalid JSON: want ':' after object key %q, got %s", clip(key.Text), s.describeChar())
		}
		if !s.expectValue(&key) {
			return
		}
		first, exact := s.findKey(start, key.Text, &folded)
		switch {
		case first < 0:
			member(key, false)
		case exact:
			s.errorf(key.Pos, at.key(key.Text), CodeDuplicateKey, "duplicate key %q (first at %s); this value is ignored", clip(key.Text), s.keys[first].Pos)
			s.skipValue(at.key(key.Text))
		default:
			s.errorf(key.Pos, at.key(key.Text), CodeDuplicateKey, "duplicate key %q: same as %q at %s except for case", clip(key.Text), clip(s.keys[first].Text), s.keys[first].Pos)
			member(key, true)
		}
		s.keys = append(s.keys, key)
		if folded != nil {
			if _, ok := folded[strings.ToLower(key.Text)]; !ok {
				folded[strings.ToLower(key.Text)] = len(s.keys) - 1
			}
		}
		if s.stopped {
			return
		}
		switch s.peek() {
		case ',':
			s.off++
			if s.peek() == '}' {
				s.errorf(s.pos(), rootPath, CodeSyntax, "invalid JSON: trailing comma before '}'")
				s.off++
				return
			}
		case '}':
			s.off++
			return
		case '"':
			s.errorf(s.pos(), rootPath, CodeSyntax, "invalid JSON: missing ',' between object members")
		default:
			s.fatalf(s.pos(), "invalid JSON: want ',' or '}' after object member %q, got %s", clip(key.Text), s.describeChar())
			return
		}
	}
}

// findKey looks key up among the keys of the current object (those from
// start on). It returns the index of the first key equal under case folding
// and whether that key is exactly equal, or -1.
func (s *scanner) findKey(start int, key string, folded *map[string]int) (int, bool) {
	const linearMax = 16
	keys := s.keys[start:]
	if len(keys) <= linearMax {
		for i, k := range keys {
			if strings.EqualFold(k.Text, key) {
				return s.exactOrFold(start, start+i, key)
			}
		}
		return -1, false
	}
	if *folded == nil {
		*folded = make(map[string]int, 2*len(keys))
		for i, k := range keys {
			if _, ok := (*folded)[strings.ToLower(k.Text)]; !ok {
				(*folded)[strings.ToLower(k.Text)] = start + i
			}
		}
	}
	i, ok := (*folded)[strings.ToLower(key)]
	if !ok {
		return -1, false
	}
	return s.exactOrFold(start, i, key)
}

// exactOrFold prefers an exact match of key anywhere in the object over the
// first case-insensitive match at i.
func (s *scanner) exactOrFold(start, i int, key string) (int, bool) {
	for j := start; j < len(s.keys); j++ {
		if s.keys[j].Text == key {
			return j, true
		}
	}
	return i, false
}

// array reads an array whose '[' is at the current offset, calling elem for
// each element with the offset at the element; elem must consume it.
func (s *scanner) array(elem func(i int)) {
	if !s.enter() {
		return
	}
	defer s.leave()
	s.off++ // '['
	if s.peek() == ']' {
		s.off++
		return
	}
	for i := 0; !s.stopped; i++ {
		if !s.expectValue(nil) {
			return
		}
		elem(i)
		if s.stopped {
			return
		}
		switch c := s.peek(); {
		case c == ',':
			s.off++
			if s.peek() == ']' {
				s.errorf(s.pos(), rootPath, CodeSyntax, "invalid JSON: trailing comma before ']'")
				s.off++
				return
			}
		case c == ']':
			s.off++
			return
		case isValueStart(c):
			s.errorf(s.pos(), rootPath, CodeSyntax, "invalid JSON: missing ',' between array elements")
		default:
			s.fatalf(s.pos(), "invalid JSON: want ',' or ']' in array, got %s", s.describeChar())
			return
		}
	}
}

// skipValue reads and discards one value, still reporting problems in it.
func (s *scanner) skipValue(at path) {
	switch c := s.peek(); {
	case c == '{':
		s.object(at, func(key Value, _ bool) { s.skipValue(at.key(key.Text)) })
	case c == '[':
		s.array(func(i int) { s.skipValue(at.index(i)) })
	default:
		s.scalar(at)
	}
}

// scalar reads a string, number, true, false or null at the current offset.
// It reports ok=false (after a syntax error) for anything else. A null is
// returned with ok=true and isNull set so callers can name it.
func (s *scanner) scalar(at path) (v Value, isNull, ok bool) {
	switch c := s.peek(); {
	case c == '"':
		return s.readString(at), false, true
	case c == '-' || isDigit(c):
		return s.readNumber()
	case c == 't' || c == 'f' || c == 'n':
		return s.readLiteral()
	}
	s.fatalf(s.pos(), "invalid JSON: want a value, got %s", s.describeChar())
	return Value{}, false, false
}

// readLiteral reads true, false or null.
func (s *scanner) readLiteral() (Value, bool, bool) {
	pos := s.pos()
	for _, lit := range [...]string{"true", "false", "null"} {
		if strings.HasPrefix(s.src[s.off:], lit) && !isIdentByte(s.src, s.off+len(lit)) {
			s.off += len(lit)
			return Value{Text: lit, Kind: ValueBool, Pos: pos}, lit == "null", true
		}
	}
	end := s.off
	for isIdentByte(s.src, end) && end-s.off < 32 {
		end++
	}
	s.fatalf(pos, "invalid JSON: unknown literal %q (want true, false or null; strings need double quotes)", s.src[s.off:end])
	return Value{}, false, false
}

func isIdentByte(src string, i int) bool {
	if i >= len(src) {
		return false
	}
	c := src[i]
	return c == '_' || isDigit(c) || ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z')
}

// readNumber reads a number per RFC 8259 and keeps its literal text; it is
// never converted, so huge numbers cost nothing and print back as written.
func (s *scanner) readNumber() (Value, bool, bool) {
	pos := s.pos()
	i := s.off
	src := s.src
	if i < len(src) && src[i] == '-' {
		i++
	}
	bad := func(what string) (Value, bool, bool) {
		s.fatalf(pos, "invalid JSON: malformed number %q: %s", src[s.off:min(i+1, len(src))], what)
		return Value{}, false, false
	}
	switch {
	case i < len(src) && src[i] == '0':
		i++
	case i < len(src) && isDigit(src[i]):
		for i < len(src) && isDigit(src[i]) {
			i++
		}
	default:
		return bad("want a digit")
	}
	if i < len(src) && src[i] == '.' {
		i++
		if i >= len(src) || !isDigit(src[i]) {
			return bad("want a digit after '.'")
		}
		for i < len(src) && isDigit(src[i]) {
			i++
		}
	}
	if i < len(src) && (src[i] == 'e' || src[i] == 'E') {
		i++
		if i < len(src) && (src[i] == '+' || src[i] == '-') {
			i++
		}
		if i >= len(src) || !isDigit(src[i]) {
			return bad("want a digit in the exponent")
		}
		for i < len(src) && isDigit(src[i]) {
			i++
		}
	}
	if isIdentByte(src, i) || (i < len(src) && src[i] == '.') {
		return bad("unexpected character after the number (leading zeros are not allowed)")
	}
	v := Value{Text: src[s.off:i], Kind: ValueNumber, Pos: pos}
	s.off = i
	return v, false, true
}

// readString reads a string at the current offset ('"'). Strings without
// escapes are substrings of the source (no copy). Bad escapes, control
// characters and invalid UTF-8 are reported and the string is still
// returned (invalid bytes become U+FFFD, as encoding/json does), so the
// parse goes on; a raw newline or the end of input inside a string stops it.
func (s *scanner) readString(at path) Value {
	pos := s.pos()
	s.off++ // opening quote
	start := s.off
	src := s.src
	for i := start; i < len(src); {
		c := src[i]
		switch {
		case c == '"':
			s.off = i + 1
			return Value{Text: src[start:i], Pos: pos}
		case c == '\\' || c < 0x20:
			return s.readStringSlow(at, pos, start, i)
		case c < utf8.RuneSelf:
			i++
		default:
			r, size := utf8.DecodeRuneInString(src[i:])
			if r == utf8.RuneError && size == 1 {
				return s.readStringSlow(at, pos, start, i)
			}
			i += size
		}
	}
	s.off = len(src)
	s.fatalf(pos, "invalid JSON: unterminated string")
	return Value{Text: src[start:], Pos: pos}
}

// readStringSlow decodes a string from i on, where the first escape,
// control character or invalid byte is.
func (s *scanner) readStringSlow(where path, pos Pos, start, i int) Value {
	src := s.src
	b := append(s.buf[:0], src[start:i]...)
	defer func() { s.buf = b[:0] }()
	at := func(j int) Pos { return Pos{Offset: j, Line: s.line, Column: j - s.lineStart + 1} }
	for i < len(src) {
		c := src[i]
		switch {
		case c == '"':
			s.off = i + 1
			return Value{Text: string(b), Pos: pos}
		case c == '\n':
			s.off = i
			s.fatalf(at(i), "invalid JSON: newline in string (unterminated string, or a line break that should be written \\n)")
			return Value{Text: string(b), Pos: pos}
		case s.stopped:
			// Too many errors: the caller unwinds; stop decoding.
			return Value{Text: string(b), Pos: pos}
		case c < 0x20:
			s.errorf(at(i), where, CodeSyntax, "invalid JSON: control character 0x%02x in string must be escaped", c)
			b = append(b, c)
			i++
		case c == '\\':
			r, n, ok := decodeEscape(src[i:])
			if !ok {
				s.errorf(at(i), where, CodeSyntax, "invalid JSON: invalid escape %q in string", src[i:min(i+n, len(src))])
			}
			b = utf8.AppendRune(b, r)
			i += n
		case c < utf8.RuneSelf:
			b = append(b, c)
			i++
		default:
			r, size := utf8.DecodeRuneInString(src[i:])
			if r == utf8.RuneError && size == 1 {
				s.errorf(at(i), where, CodeInvalidUTF8, "string holds byte 0x%02x, which is not valid UTF-8", c)
			}
			b = utf8.AppendRune(b, r)
			i += size
		}
	}
	s.off = len(src)
	s.fatalf(pos, "invalid JSON: unterminated string")
	return Value{Text: string(b), Pos: pos}
}

// decodeEscape decodes the escape sequence at the start of s ('\\'),
// returning the rune, the bytes consumed and whether it was valid. A lone
// UTF-16 surrogate decodes to U+FFFD, as in encoding/json.
func decodeEscape(s string) (rune, int, bool) {
	if len(s) < 2 {
		return utf8.RuneError, len(s), false
	}
	switch s[1] {
	case '"', '\\', '/':
		return rune(s[1]), 2, true
	case 'b':
		return '\b', 2, true
	case 'f':
		return '\f', 2, true
	case 'n':
		return '\n', 2, true
	case 'r':
		return '\r', 2, true
	case 't':
		return '\t', 2, true
	case 'u':
		r, ok := hex4(s[2:])
		if !ok {
			return utf8.RuneError, 2, false
		}
		if 0xD800 <= r && r < 0xDC00 && len(s) >= 12 && s[6] == '\\' && s[7] == 'u' {
			if r2, ok := hex4(s[8:]); ok && 0xDC00 <= r2 && r2 < 0xE000 {
				return (r-0xD800)<<10 | (r2 - 0xDC00) + 0x10000, 12, true
			}
		}
		if 0xD800 <= r && r < 0xE000 {
			return utf8.RuneError, 6, true
		}
		return r, 6, true
	}
	return utf8.RuneError, 2, false
}

func hex4(s string) (rune, bool) {
	if len(s) < 4 {
		return 0, false
	}
	var r rune
	for i := range 4 {
		c := s[i]
		switch {
		case isDigit(c):
			r = r<<4 | rune(c-'0')
		case 'a' <= c && c <= 'f':
			r = r<<4 | rune(c-'a'+10)
		case 'A' <= c && c <= 'F':
			r = r<<4 | rune(c-'A'+10)
		default:
			return 0, false
		}
	}
	return r, true
}

// path names an element for error messages, such as
// "Statement[2].Condition.StringLike.aws:SourceArn[1]". It is a value of up
// to pathSegs segments over an already built prefix, so naming an element
// costs nothing: only String allocates, and it runs when an error is
// reported.
type path struct {
	base string // an already built prefix
	segs [pathSegs]pathSeg
	n    int
}

// pathSegs covers the deepest element of the grammar (statement, Condition,
// operator, key with index); deeper paths (inside unknown elements) move
// their prefix into base.
const pathSegs = 4

type pathSeg struct {
	name string // "" for an index of an index
	idx  int    // -1 for none
}

// rootPath is the document itself.
var rootPath = path{}

func (p path) String() string {
	var b strings.Builder
	b.WriteString(p.base)
	for _, seg := range p.segs[:p.n] {
		if seg.name != "" {
			if b.Len() > 0 {
				b.WriteByte('.')
			}
			b.WriteString(seg.name)
		}
		if seg.idx >= 0 {
			b.WriteByte('[')
			b.WriteString(strconv.Itoa(seg.idx))
			b.WriteByte(']')
		}
	}
	return b.String()
}

// key names the member name of the object p names.
func (p path) key(name string) path {
	if p.n == pathSegs {
		p = path{base: p.String()}
	}
	p.segs[p.n] = pathSeg{name: clip(name), idx: -1}
	p.n++
	return p
}

// index names element i of the array p names.
func (p path) index(i int) path {
	if p.n > 0 && p.segs[p.n-1].idx < 0 {
		p.segs[p.n-1].idx = i
		return p
	}
	if p.n == pathSegs {
		p = path{base: p.String()}
	}
	p.segs[p.n] = pathSeg{idx: i}
	p.n++
	return p
}

// clip shortens text quoted in messages and paths, so that a hostile
// input's megabyte-long key or value is not copied into every error.
func clip(s string) string {
	const limit = 64
	if len(s) <= limit {
		return s
	}
	i := limit
	for i > 0 && !utf8.RuneStart(s[i]) {
		i--
	}
	return s[:i] + "…"
}

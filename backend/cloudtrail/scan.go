package cloudtrail

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// maxRecord bounds the bytes one record may span. CloudTrail caps an event
// at 256 KB; anything far larger is a corrupt file, not a record to buffer.
const maxRecord = 16 << 20

// initialBuffer is the scanner's starting buffer; it grows only for a
// record longer than itself.
const initialBuffer = 256 << 10

// errTruncated is the cause when the data ends inside the JSON document.
var errTruncated = errors.New("unexpected end of data (truncated file?)")

// SyntaxError is a malformed or truncated log file's JSON, with the position
// in the decompressed document.
type SyntaxError struct {
	Offset int64 // byte offset, 0-based
	Line   int   // 1-based
	Col    int   // 1-based byte column
	Err    error
}

func (e *SyntaxError) Error() string {
	return fmt.Sprintf("%d:%d: %v (byte offset %d)", e.Line, e.Col, e.Err, e.Offset)
}

func (e *SyntaxError) Unwrap() error { return e.Err }

// span is a value of the record being parsed: bytes [start, end) counted
// from the record's first byte, so that it survives buffer refills. esc
// says the string holds escapes.
type span struct {
	start, end int32
	esc        bool
}

// scanner is a token-streaming reader of one CloudTrail log file,
// {"Records":[{…},…]}. It decodes the few members attribution needs and
// skips everything else without building it (requestParameters,
// responseElements…), holding at most one record in memory.
type scanner struct {
	src  io.Reader
	buf  []byte
	pos  int   // next unread byte
	end  int   // end of valid data
	mark int   // first byte of the current record, -1 outside one
	base int64 // offset of buf[0] in the stream
	// lines counts the newlines before buf[0]; lineStart is the offset
	// of the byte after the last of them.
	lines     int
	lineStart int64
	rerr      error // sticky read error; io.EOF at the end

	rec    record
	unesc  []byte // scratch for unescaped strings
	fields [nFields]span
	listed []span // the each field of every list element read
}

func newScanner(size int) *scanner {
	return &scanner{buf: make([]byte, size), mark: -1}
}

// reset readies the scanner for another stream, keeping its buffer.
func (s *scanner) reset(r io.Reader) {
	s.src, s.pos, s.end, s.mark, s.base, s.lines, s.lineStart, s.rerr = r, 0, 0, -1, 0, 0, 0, nil
}

// fill reads more data, keeping the bytes from the current record (or the
// read position) on. It reports false at the end of the data or on a read
// error (s.rerr).
func (s *scanner) fill() bool {
	if s.rerr != nil {
		return false
	}
	keep := s.pos
	if s.mark >= 0 {
		keep = s.mark
	}
	if keep > 0 {
		discarded := s.buf[:keep]
		if n := bytes.Count(discarded, []byte{'\n'}); n > 0 {
			s.lines += n
			s.lineStart = s.base + int64(bytes.LastIndexByte(discarded, '\n')) + 1
		}
		copy(s.buf, s.buf[keep:s.end])
		s.base += int64(keep)
		s.end -= keep
		s.pos -= keep
		if s.mark >= 0 {
			s.mark -= keep
		}
	}
	if s.end == len(s.buf) {
		if len(s.buf) >= maxRecord {
			s.rerr = fmt.Errorf("record longer than %d MiB", maxRecord>>20)
			return false
		}
		nb := make([]byte, 2*len(s.buf))
		copy(nb, s.buf[:s.end])
		s.buf = nb
	}
	for {
		n, err := s.src.Read(s.buf[s.end:])
		s.end += n
		if err != nil {
			s.rerr = err
			return n > 0
		}
		if n > 0 {
			return true
		}
	}
}

// errorf returns a SyntaxError at the read position, or the read error
// when reading stopped early for a reason other than the end of the data.
func (s *scanner) errorf(format string, args ...any) error {
	if s.rerr != nil && s.rerr != io.EOF {
		return s.posError(s.rerr)
	}
	if s.pos >= s.end && s.rerr == io.EOF {
		return s.posError(errTruncated)
	}
	return s.posError(fmt.Errorf(format, args...))
}

func (s *scanner) posError(err error) error {
	p := min(s.pos, s.end)
	line, start := s.lines, s.lineStart
	if n := bytes.Count(s.buf[:p], []byte{'\n'}); n > 0 {
		line += n
		start = s.base + int64(bytes.LastIndexByte(s.buf[:p], '\n')) + 1
	}
	off := s.base + int64(p)
	return &SyntaxError{Offset: off, Line: line + 1, Col: int(off-start) + 1, Err: err}
}

// peek returns the next non-space byte without consuming it.
func (s *scanner) peek() (byte, bool) {
	// CloudTrail writes no space between tokens: this test is all most
	// calls do (7 % of the scanner's time with the loop below inline).
	if s.pos < s.end {
		if c := s.buf[s.pos]; c > ' ' {
			return c, true
		}
	}
	return s.peekSpace()
}

// peekSpace is peek past spaces and buffer refills.
func (s *scanner) peekSpace() (byte, bool) {
	for {
		for s.pos < s.end {
			switch c := s.buf[s.pos]; c {
			case ' ', '\t', '\n', '\r':
				s.pos++
			default:
				return c, true
			}
		}
		if !s.fill() {
			return 0, false
		}
	}
}

// expect consumes the next non-space byte, which must be c.
func (s *scanner) expect(c byte) error {
	got, ok := s.peek()
	if !ok || got != c {
		return s.unexpected(got, ok, fmt.Sprintf("%q", c))
	}
	s.pos++
	return nil
}

func (s *scanner) unexpected(got byte, ok bool, want string) error {
	if !ok {
		return s.errorf("")
	}
	return s.errorf("unexpected %q, want %s", got, want)
}

// records calls fn for every record of the document. The record and its
// byte slices are valid only during the call.
func (s *scanner) records(fn func(*record)) error {
	if err := s.expect('{'); err != nil {
		return err
	}
	for done := s.empty('}'); !done; {
		key, err := s.rawString()
		if err != nil {
			return err
		}
		isRecords := string(key) == "Records" // before the next read moves key
		if err := s.expect(':'); err != nil {
			return err
		}
		if isRecords {
			err = s.recordList(fn)
		} else {
			err = s.skipValue()
		}
		if err != nil {
			return err
		}
		if done, err = s.next('}'); err != nil {
			return err
		}
	}
	return s.finish()
}

// empty consumes close when it comes first: the container is empty.
func (s *scanner) empty(close byte) bool {
	if c, ok := s.peek(); ok && c == close {
		s.pos++
		return true
	}
	return false
}

// next consumes the separator after a member or element of a container
// that ends with close: done is true at its end.
func (s *scanner) next(close byte) (done bool, err error) {
	c, ok := s.peek()
	switch {
	case ok && c == ',':
		s.pos++
		return false, nil
	case ok && c == close:
		s.pos++
		return true, nil
	}
	return false, s.unexpected(c, ok, fmt.Sprintf("',' or '%c'", close))
}

// finish checks that nothing but space follows the document.
func (s *scanner) finish() error {
	if c, ok := s.peek(); ok {
		return s.errorf("unexpected %q after the end of the document", c)
	}
	if s.rerr != nil && s.rerr != io.EOF {
		return s.posError(s.rerr)
	}
	return nil
}

func (s *scanner) recordList(fn func(*record)) error {
	if err := s.expect('['); err != nil {
		return err
	}
	for done := s.empty(']'); !done; {
		if err := s.record(); err != nil {
			return err
		}
		fn(&s.rec)
		var err error
		if done, err = s.next(']'); err != nil {
			return err
		}
	}
	return nil
}

// record parses one event object into s.rec.
func (s *scanner) record() error {
	c, ok := s.peek()
	if !ok || c != '{' {
		return s.unexpected(c, ok, "'{' starting a record")
	}
	s.mark = s.pos
	defer func() { s.mark = -1 }()
	s.fields = [nFields]span{}
	s.listed = s.listed[:0]
	if err := s.object(topFields); err != nil {
		return err
	}
	s.rec.set(s)
	return nil
}

// object parses an object whose members named in fields are recorded (or,
// for objects, descended into); others are skipped.
func (s *scanner) object(fields *fieldTable) error {
	if err := s.expect('{'); err != nil {
		return err
	}
	for done := s.empty('}'); !done; {
		key, err := s.rawString()
		if err != nil {
			return err
		}
		f, known := fields.lookup(key) // before the next read moves key
		if err := s.expect(':'); err != nil {
			return err
		}
		if err := s.member(f, known); err != nil {
			return err
		}
		if done, err = s.next('}'); err != nil {
			return err
		}
	}
	return nil
}

// member reads the value of member f (known) or skips it.
func (s *scanner) member(f field, known bool) error {
	if !known {
		return s.skipValue()
	}
	c, ok := s.peek()
	if !ok {
		return s.errorf("")
	}
	switch {
	case f.sub != nil && c == '{':
		return s.object(f.sub)
	case f.list != nil && c == '[':
		return s.list(f.list)
	case f.sub == nil && c == '"':
		return s.stringField(f.id)
	case f.sub == nil && (c == 't' || c == 'f'):
		start := s.pos - s.mark // relative: skipping may refill the buffer
		if err := s.skipValue(); err != nil {
			return err
		}
		s.fields[f.id] = span{start: int32(start), end: int32(s.pos - s.mark)}
		return nil
	}
	return s.skipValue() // null or an unexpected type: as if absent
}

// list reads an array whose object elements are read with fields,
// collecting fields.each of every element; other elements are skipped.
func (s *scanner) list(fields *fieldTable) error {
	if err := s.expect('['); err != nil {
		return err
	}
	for done := s.empty(']'); !done; {
		var err error
		if c, ok := s.peek(); ok && c == '{' {
			s.fields[fields.each] = span{}
			if err = s.object(fields); err == nil && s.fields[fields.each].end != 0 {
				s.listed = append(s.listed, s.fields[fields.each])
			}
		} else {
			err = s.skipValue()
		}
		if err != nil {
			return err
		}
		if done, err = s.next(']'); err != nil {
			return err
		}
	}
	return nil
}

// stringField records the string at the read position as field id.
func (s *scanner) stringField(id fieldID) error {
	s.pos++                 // the opening quote
	start := s.pos - s.mark // relative: skipping may refill the buffer
	esc, err := s.skipStringBody(true)
	if err != nil {
		return err
	}
	s.fields[id] = span{start: int32(start), end: int32(s.pos - 1 - s.mark), esc: esc}
	return nil
}

// rawString reads a member name and returns its raw bytes, valid until the
// next read (peek, expect…) may move the buffer. Names with escapes are returned raw and so match no field.
func (s *scanner) rawString() ([]byte, error) {
	c, ok := s.peek()
	if !ok || c != '"' {
		return nil, s.unexpected(c, ok, "a member name")
	}
	s.pos++
	// A name is short: make sure it is in the buffer whole, by keeping it
	// as the mark when outside a record.
	outside := s.mark < 0
	if outside {
		s.mark = s.pos
	}
	start := s.pos - s.mark
	_, err := s.skipStringBody(false)
	b := s.buf[s.mark+start : max(s.mark+start, s.pos-1)]
	if outside {
		s.mark = -1
	}
	if err != nil {
		return nil, err
	}
	return b, nil
}

// skipStringBody consumes a string's bytes after the opening quote up to
// and including the closing one. With wantEsc it reports whether the
// string held escapes (only kept values need to know).
func (s *scanner) skipStringBody(wantEsc bool) (esc bool, err error) {
	for {
		i := bytes.IndexByte(s.buf[s.pos:s.end], '"')
		if i < 0 {
			if wantEsc && !esc && bytes.IndexByte(s.buf[s.pos:s.end], '\\') >= 0 {
				esc = true
			}
			// Keep a trailing backslash run unread: it may escape the
			// quote that the next read brings.
			from := s.pos
			s.pos = s.end
			for s.pos > from && s.buf[s.pos-1] == '\\' {
				s.pos--
			}
			if !s.fill() {
				s.pos = s.end
				return esc, s.errorf("")
			}
			continue
		}
		q := s.pos + i
		// Count the backslashes before the quote: an odd run escapes it.
		n := 0
		for j := q - 1; j >= s.pos && s.buf[j] == '\\'; j-- {
			n++
		}
		if wantEsc && !esc && bytes.IndexByte(s.buf[s.pos:q], '\\') >= 0 {
			esc = true
		}
		s.pos = q + 1
		if n%2 == 0 {
			return esc, nil
		}
	}
}

// kind classifies the bytes the nested-value skipper stops at.
var kind = func() (t [256]byte) {
	for _, c := range []byte(`"{}[]`) {
		t[c] = c
	}
	return t
}()

// skipValue consumes one JSON value of any type.
func (s *scanner) skipValue() error {
	c, ok := s.peek()
	if !ok {
		return s.errorf("")
	}
	switch c {
	case '"':
		s.pos++
		_, err := s.skipStringBody(false)
		return err
	case '{', '[':
		return s.skipNested()
	case '}', ']', ',', ':':
		return s.errorf("unexpected %q, want a value", c)
	}
	// A number or literal: up to the next delimiter.
	for {
		for s.pos < s.end {
			switch s.buf[s.pos] {
			case ',', '}', ']', ' ', '\t', '\n', '\r':
				return nil
			case '"', '{', '[', ':':
				return s.errorf("unexpected %q in a literal", s.buf[s.pos])
			}
			s.pos++
		}
		if !s.fill() {
			return s.errorf("")
		}
	}
}

// skipNested consumes an object or array, checking that brackets pair up.
func (s *scanner) skipNested() error {
	var stack [64]byte
	depth := 0
	for {
		for s.pos < s.end {
			c := kind[s.buf[s.pos]]
			s.pos++
			switch c {
			case 0:
				continue
			case '"':
				if _, err := s.skipStringBody(false); err != nil {
					return err
				}
			case '{', '[':
				if depth == len(stack) {
					s.pos--
					return s.errorf("nested deeper than %d levels", len(stack))
				}
				stack[depth] = c
				depth++
			default: // '}' or ']'
				if depth == 0 || (c == '}') != (stack[depth-1] == '{') {
					s.pos--
					return s.errorf("unexpected %q", c)
				}
				depth--
				if depth == 0 {
					return nil
				}
			}
		}
		if !s.fill() {
			return s.errorf("")
		}
	}
}

// text returns field id of the current record, unescaped; nil when absent.
func (s *scanner) text(id fieldID) []byte { return s.spanText(s.fields[id]) }

// spanText returns a value of the current record, unescaped; nil when the
// span is empty.
func (s *scanner) spanText(f span) []byte {
	if f.end == 0 {
		return nil
	}
	b := s.buf[s.mark+int(f.start) : s.mark+int(f.end)]
	if !f.esc {
		return b
	}
	// Rare: decode the escapes with the standard library.
	quoted := make([]byte, 0, len(b)+2)
	quoted = append(append(append(quoted, '"'), b...), '"')
	var str string
	if json.Unmarshal(quoted, &str) != nil {
		return b
	}
	s.unesc = append(s.unesc, str...)
	return s.unesc[len(s.unesc)-len(str):]
}

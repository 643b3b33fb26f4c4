package eval

import (
	"encoding/json"
	"fmt"
	"strconv"
	"unicode/utf8"
)

// caseScanner decodes the simulate case format directly from bytes: batch
// mode reads hundreds of thousands of cases per second, and reflection-based
// decoding would dominate. Policy documents are kept as sub-slices of the
// input (the compile cache is keyed by their bytes); the policy parser reads
// them later.
type caseScanner struct {
	b      []byte
	i      int
	intern map[string]string // shared by a CaseDecoder's lines
}

// Limits of the string interning a CaseDecoder does across lines.
const (
	maxInterned    = 4096
	maxInternedLen = 256
)

// errorf reports a problem at the current offset.
func (s *caseScanner) errorf(format string, args ...any) error {
	return fmt.Errorf("offset %d: %s", s.i, fmt.Sprintf(format, args...))
}

func (s *caseScanner) ws() {
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return
		}
	}
}

func (s *caseScanner) peek() byte {
	s.ws()
	if s.i < len(s.b) {
		return s.b[s.i]
	}
	return 0
}

func (s *caseScanner) expect(c byte) error {
	if s.peek() != c {
		return s.errorf("want %q, found %s", c, s.found())
	}
	s.i++
	return nil
}

func (s *caseScanner) found() string {
	if s.i >= len(s.b) {
		return "end of input"
	}
	return strconv.QuoteRune(rune(s.b[s.i]))
}

// null consumes a null literal if one is next.
func (s *caseScanner) null() bool {
	if s.peek() == 'n' && len(s.b)-s.i >= 4 && string(s.b[s.i:s.i+4]) == "null" {
		s.i += 4
		return true
	}
	return false
}

// str reads a JSON string. Strings without escapes seen on earlier lines
// of a batch (principals, actions, policy names) are shared, not copied.
func (s *caseScanner) str() (string, error) {
	raw, escaped, err := s.rawStr()
	if err != nil {
		return "", err
	}
	if escaped {
		return s.unescape(raw)
	}
	body := raw[1 : len(raw)-1]
	if s.intern == nil || len(body) > maxInternedLen {
		return string(body), nil
	}
	if v, ok := s.intern[string(body)]; ok {
		return v, nil
	}
	v := string(body)
	if len(s.intern) < maxInterned {
		s.intern[v] = v
	}
	return v, nil
}

// rawStr reads a JSON string and returns it with its quotes, and whether
// it holds escapes.
func (s *caseScanner) rawStr() ([]byte, bool, error) {
	if s.peek() != '"' {
		return nil, false, s.errorf("want a string, found %s", s.found())
	}
	start := s.i
	s.i++
	escaped := false
	for s.i < len(s.b) {
		switch c := s.b[s.i]; {
		case c == '"':
			s.i++
			return s.b[start:s.i], escaped, nil
		case c == '\\':
			escaped = true
			s.i += 2
		case c < 0x20:
			return nil, false, s.errorf("control character in string")
		default:
			s.i++
		}
	}
	return nil, false, s.errorf("unterminated string")
}

// object calls field for each member of an object. The key is only valid
// during the call (it may alias the input).
func (s *caseScanner) object(field func(key string) error) error {
	if err := s.expect('{'); err != nil {
		return err
	}
	if s.peek() == '}' {
		s.i++
		return nil
	}
	for {
		key, err := s.key()
		if err != nil {
			return err
		}
		if err := s.expect(':'); err != nil {
			return err
		}
		if err := field(key); err != nil {
			return err
		}
		switch s.peek() {
		case ',':
			s.i++
		case '}':
			s.i++
			return nil
		default:
			return s.errorf("want ',' or '}' in object, found %s", s.found())
		}
	}
}

// key reads an object key.
func (s *caseScanner) key() (string, error) {
	raw, escaped, err := s.rawStr()
	if err != nil || !escaped {
		if err != nil {
			return "", err
		}
		return s.internKey(raw[1 : len(raw)-1]), nil
	}
	return s.unescape(raw)
}

func (s *caseScanner) unescape(raw []byte) (string, error) {
	var out string
	if err := json.Unmarshal(raw, &out); err != nil {
		return "", fmt.Errorf("offset %d: %w", s.i-len(raw), err)
	}
	return out, nil
}

// internKey returns an object key as a string: the fixed field names of the
// format without allocating, others (context keys) through the interner.
func (s *caseScanner) internKey(b []byte) string {
	switch string(b) {
	case "request":
		return "request"
	case "principal":
		return "principal"
	case "action":
		return "action"
	case "resource":
		return "resource"
	case "resourceAccount":
		return "resourceAccount"
	case "context":
		return "context"
	case "identityPolicies":
		return "identityPolicies"
	case "resourcePolicy":
		return "resourcePolicy"
	case "permissionsBoundary":
		return "permissionsBoundary"
	case "sessionPolicy":
		return "sessionPolicy"
	case "scps":
		return "scps"
	case "rcps":
		return "rcps"
	case "name":
		return "name"
	case "document":
		return "document"
	}
	if s.intern != nil {
		if v, ok := s.intern[string(b)]; ok {
			return v
		}
		v := string(b)
		if len(s.intern) < maxInterned && len(v) <= maxInternedLen {
			s.intern[v] = v
		}
		return v
	}
	return string(b)
}

// array calls elem for each element of an array.
func (s *caseScanner) array(elem func(i int) error) error {
	if err := s.expect('['); err != nil {
		return err
	}
	if s.peek() == ']' {
		s.i++
		return nil
	}
	for n := 0; ; n++ {
		if err := elem(n); err != nil {
			return err
		}
		switch s.peek() {
		case ',':
			s.i++
		case ']':
			s.i++
			return nil
		default:
			return s.errorf("want ',' or ']' in array, found %s", s.found())
		}
	}
}

// maxSkipDepth bounds the nesting of a skipped value (policy documents
// nest five or six levels).
const maxSkipDepth = 64

// skip skips one value and returns its bytes. It checks that brackets and
// strings are well formed; the policy parser validates the rest.
func (s *caseScanner) skip() ([]byte, error) {
	s.ws()
	start := s.i
	if s.i >= len(s.b) {
		return nil, s.errorf("want a value, found end of input")
	}
	switch s.b[s.i] {
	case '"':
		_, _, err := s.rawStr()
		return s.b[start:s.i], err
	case '{', '[':
	default:
		_, err := s.scalar()
		return s.b[start:s.i], err
	}
	var closers [maxSkipDepth]byte
	depth := 0
	for s.i < len(s.b) {
		switch c := s.b[s.i]; c {
		case '"':
			if _, _, err := s.rawStr(); err != nil {
				return nil, err
			}
			continue
		case '{', '[':
			if depth == maxSkipDepth {
				return nil, s.errorf("nesting too deep")
			}
			closers[depth] = c + 2 // '{'+2 == '}', '['+2 == ']'
			depth++
		case '}', ']':
			if depth == 0 || closers[depth-1] != c {
				return nil, s.errorf("unexpected %q", c)
			}
			depth--
			if depth == 0 {
				s.i++
				return s.b[start:s.i], nil
			}
		}
		s.i++
	}
	return nil, s.errorf("unterminated value")
}

// scalar reads a number, true, false or null literal as text.
func (s *caseScanner) scalar() (string, error) {
	start := s.i
	for s.i < len(s.b) {
		c := s.b[s.i]
		if c == ',' || c == '}' || c == ']' || c == ' ' || c == '\t' || c == '\n' || c == '\r' {
			break
		}
		s.i++
	}
	lit := string(s.b[start:s.i])
	switch lit {
	case "true", "false", "null":
		return lit, nil
	}
	if !json.Valid(s.b[start:s.i]) || lit == "" {
		s.i = start
		return "", s.errorf("invalid value")
	}
	return lit, nil
}

// contextValue reads a context value: a string, number or boolean, or an
// array of them.
func (s *caseScanner) contextValue(key string) ([]string, error) {
	one := func() (string, error) {
		switch s.peek() {
		case '"':
			return s.str()
		case '{', '[':
			return "", s.errorf("context key %q: a value must be a string, number or boolean", key)
		}
		v, err := s.scalar()
		if err == nil && v == "null" {
			return "", s.errorf("context key %q: a value cannot be null (leave the key out to make it absent)", key)
		}
		return v, err
	}
	if s.peek() != '[' {
		v, err := one()
		if err != nil {
			return nil, err
		}
		return []string{v}, nil
	}
	vals := []string{}
	err := s.array(func(int) error {
		v, err := one()
		vals = append(vals, v)
		return err
	})
	return vals, err
}

// named reads a {"name", "document"} object or null.
func (s *caseScanner) named(what string) (*NamedDocument, error) {
	if s.null() {
		return nil, nil
	}
	nd := &NamedDocument{}
	err := s.object(func(key string) error {
		var err error
		switch key {
		case "name":
			nd.Name, err = s.str()
		case "document":
			nd.Document, err = s.skip()
		default:
			err = s.errorf("%s: unknown field %q (want name and document)", what, key)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	if nd.Document == nil {
		return nil, fmt.Errorf("%s %q: missing document", what, nd.Name)
	}
	return nd, nil
}

func (s *caseScanner) levels(what string) ([][]*NamedDocument, error) {
	if s.null() {
		return nil, nil
	}
	var out [][]*NamedDocument
	err := s.array(func(int) error {
		level := []*NamedDocument{}
		err := s.array(func(int) error {
			nd, err := s.named(what)
			if err == nil && nd == nil {
				err = s.errorf("%s: a level holds policies, not null", what)
			}
			level = append(level, nd)
			return err
		})
		out = append(out, level)
		return err
	})
	return out, err
}

func (s *caseScanner) request(r *Request) error {
	return s.object(func(key string) error {
		var err error
		switch key {
		case "principal":
			r.Principal, err = s.str()
		case "action":
			r.Action, err = s.str()
		case "resource":
			r.Resource, err = s.str()
		case "resourceAccount":
			r.ResourceAccount, err = s.str()
		case "context":
			if s.null() {
				return nil
			}
			err = s.object(func(k string) error {
				v, err := s.contextValue(k)
				r.Context.Set(k, v...)
				return err
			})
		default:
			err = s.errorf("request: unknown field %q (want principal, action, resource, resourceAccount, context)", key)
		}
		return err
	})
}

// DecodeCase decodes one case (a JSON object), rejecting unknown fields.
func DecodeCase(data []byte) (*Case, error) {
	return decodeCase(&caseScanner{b: data})
}

// CaseDecoder decodes the lines of a batch, sharing repeated strings
// (principals, actions, policy names, context keys) between them. It is not
// safe for concurrent use.
type CaseDecoder struct {
	intern map[string]string
}

// NewCaseDecoder returns a decoder for one batch.
func NewCaseDecoder() *CaseDecoder { return &CaseDecoder{intern: make(map[string]string)} }

// Decode decodes one case. The case's policy documents alias data.
func (d *CaseDecoder) Decode(data []byte) (*Case, error) {
	return decodeCase(&caseScanner{b: data, intern: d.intern})
}

func decodeCase(s *caseScanner) (*Case, error) {
	var c Case
	err := s.object(func(key string) error {
		var err error
		switch key {
		case "request":
			err = s.request(&c.Request)
		case "identityPolicies":
			if s.null() {
				return nil
			}
			c.IdentityPolicies = []*NamedDocument{}
			err = s.array(func(int) error {
				nd, err := s.named("identity policy")
				if err == nil && nd == nil {
					err = s.errorf("identityPolicies: an entry is null")
				}
				c.IdentityPolicies = append(c.IdentityPolicies, nd)
				return err
			})
		case "resourcePolicy":
			c.ResourcePolicy, err = s.named("resource policy")
		case "permissionsBoundary":
			c.PermissionsBoundary, err = s.named("permissions boundary")
		case "sessionPolicy":
			c.SessionPolicy, err = s.named("session policy")
		case "scps":
			c.SCPs, err = s.levels("scp")
		case "rcps":
			c.RCPs, err = s.levels("rcp")
		default:
			err = s.errorf("unknown field %q", key)
		}
		return err
	})
	if err == nil && s.peek() != 0 {
		err = s.errorf("more than one JSON value")
	}
	if err != nil {
		return nil, fmt.Errorf("invalid case: %w", err)
	}
	return &c, nil
}

// AppendJSON appends the result in the simulate CLI's format (what
// MarshalJSON returns) to buf.
func (r *Result) AppendJSON(buf []byte) []byte {
	buf = append(buf, `{"decision":`...)
	buf = appendJSONString(buf, r.Decision.String())
	buf = append(buf, `,"decidedBy":`...)
	buf = appendJSONString(buf, r.DecidedBy.String())
	buf = append(buf, `,"matched":[`...)
	for i, m := range r.Matched {
		if i > 0 {
			buf = append(buf, ',')
		}
		buf = append(buf, `{"layer":`...)
		buf = appendJSONString(buf, m.Layer.String())
		if m.Layer == LayerSCP || m.Layer == LayerRCP {
			buf = append(buf, `,"level":`...)
			buf = strconv.AppendInt(buf, int64(m.Level), 10)
		}
		buf = append(buf, `,"policy":`...)
		buf = appendJSONString(buf, m.Policy)
		buf = append(buf, `,"statement":`...)
		buf = strconv.AppendInt(buf, int64(m.Statement), 10)
		if m.Sid != "" {
			buf = append(buf, `,"sid":`...)
			buf = appendJSONString(buf, m.Sid)
		}
		buf = append(buf, `,"effect":`...)
		buf = appendJSONString(buf, m.Effect.String())
		if m.Conditional {
			buf = append(buf, `,"conditional":true`...)
		}
		buf = append(buf, '}')
	}
	buf = append(buf, `],"missingContext":[`...)
	for i, k := range r.MissingContext {
		if i > 0 {
			buf = append(buf, ',')
		}
		buf = appendJSONString(buf, k)
	}
	buf = append(buf, ']')
	if len(r.Conditions) > 0 {
		buf = append(buf, `,"conditions":[`...)
		for i, c := range r.Conditions {
			if i > 0 {
				buf = append(buf, ',')
			}
			buf = append(buf, `{"layer":`...)
			buf = appendJSONString(buf, c.Layer.String())
			buf = append(buf, `,"policy":`...)
			buf = appendJSONString(buf, c.Policy)
			buf = append(buf, `,"statement":`...)
			buf = strconv.AppendInt(buf, int64(c.Statement), 10)
			buf = append(buf, `,"effect":`...)
			buf = appendJSONString(buf, c.Effect.String())
			buf = append(buf, `,"operator":`...)
			buf = appendJSONString(buf, c.Operator)
			buf = append(buf, `,"key":`...)
			buf = appendJSONString(buf, c.Key)
			buf = append(buf, `,"values":[`...)
			for j, v := range c.Values {
				if j > 0 {
					buf = append(buf, ',')
				}
				buf = appendJSONString(buf, v)
			}
			buf = append(buf, "]}"...)
		}
		buf = append(buf, ']')
	}
	return append(buf, '}')
}

// MarshalJSON writes the result in the simulate CLI's format: decision,
// decidedBy, matched, missingContext (always arrays), and conditions when
// there are some.
func (r *Result) MarshalJSON() ([]byte, error) { return r.AppendJSON(nil), nil }

const hexDigits = "0123456789abcdef"

// appendJSONString appends s as a JSON string; invalid UTF-8 becomes U+FFFD.
func appendJSONString(buf []byte, s string) []byte {
	buf = append(buf, '"')
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == '"' || c == '\\':
			buf = append(buf, '\\', c)
			i++
		case c < 0x20:
			buf = append(buf, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
			i++
		case c < utf8.RuneSelf:
			buf = append(buf, c)
			i++
		default:
			r, size := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && size == 1 {
				buf = append(buf, `\ufffd`...)
			} else {
				buf = append(buf, s[i:i+size]...)
			}
			i += size
		}
	}
	return append(buf, '"')
}

// DecodeUsage decodes a usage list: a JSON array of {"action", "resource",
// "context"} objects, context as in a simulate case.
func DecodeUsage(data []byte) ([]UsageRow, error) {
	s := &caseScanner{b: data}
	var rows []UsageRow
	err := s.array(func(i int) error {
		var row UsageRow
		err := s.object(func(key string) error {
			var err error
			switch key {
			case "action":
				row.Action, err = s.str()
			case "resource":
				row.Resource, err = s.str()
			case "context":
				err = s.object(func(k string) error {
					v, err := s.contextValue(k)
					row.Context.Set(k, v...)
					return err
				})
			default:
				err = s.errorf("usage row %d: unknown field %q (want action, resource, context)", i, key)
			}
			return err
		})
		if err == nil && (row.Action == "" || row.Resource == "") {
			err = fmt.Errorf("usage row %d: action and resource are required", i)
		}
		rows = append(rows, row)
		return err
	})
	if err == nil && s.peek() != 0 {
		err = s.errorf("more than one JSON value")
	}
	if err != nil {
		return nil, fmt.Errorf("invalid usage list: %w", err)
	}
	return rows, nil
}

package eval

import (
	"strings"

	"github.com/aegis-iam/aegis/backend/policy"
)

// A template is a Resource or condition value that may hold policy
// variables: ${aws:username}, ${aws:PrincipalTag/team}, ${key, 'default'},
// and the escapes ${*}, ${?}, ${$} for a literal '*', '?' and '$'.
// Variables are recognised only in policies with Version 2012-10-17; in
// other policies the text is literal.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html
type template struct {
	parts []tmplPart
	keys  []string // lower-case keys the variables read, for missingContext
	names []string // the keys as written
}

type tmplPart struct {
	text       string // literal text (wildcards keep their meaning in patterns)
	escaped    bool   // text is ${*}, ${?} or ${$}: always literal
	key        string // lower-case context key; "" for text parts
	name       string // key as written
	def        string
	hasDefault bool
}

// parseTemplate splits s into text and variable parts. It returns nil when s
// holds no variable, so callers keep their fast paths.
func parseTemplate(s string) *template {
	if !strings.Contains(s, "${") {
		return nil
	}
	var t template
	rest := s
	for {
		i := strings.Index(rest, "${")
		if i < 0 {
			break
		}
		end := strings.IndexByte(rest[i:], '}')
		if end < 0 {
			break
		}
		inner := rest[i+2 : i+end]
		part, ok := parseVariable(inner)
		if !ok {
			t.text(rest[:i+2])
			rest = rest[i+2:]
			continue
		}
		t.text(rest[:i])
		t.parts = append(t.parts, part)
		if part.key != "" {
			t.keys = append(t.keys, part.key)
			t.names = append(t.names, part.name)
		}
		rest = rest[i+end+1:]
	}
	t.text(rest)
	if len(t.keys) == 0 && !t.hasEscape() {
		return nil
	}
	return &t
}

func (t *template) text(s string) {
	if s != "" {
		t.parts = append(t.parts, tmplPart{text: s})
	}
}

func (t *template) hasEscape() bool {
	for _, p := range t.parts {
		if p.escaped {
			return true
		}
	}
	return false
}

// parseVariable parses the inside of ${...}.
func parseVariable(inner string) (tmplPart, bool) {
	switch inner {
	case "*", "?", "$":
		return tmplPart{text: inner, escaped: true}, true
	}
	name, def, hasDef := strings.Cut(inner, ",")
	name = strings.TrimSpace(name)
	if name == "" || strings.ContainsAny(name, " \t'${") {
		return tmplPart{}, false
	}
	p := tmplPart{key: strings.ToLower(name), name: name}
	if hasDef {
		d := strings.TrimSpace(def)
		if len(d) < 2 || d[0] != '\'' || d[len(d)-1] != '\'' {
			return tmplPart{}, false
		}
		p.def, p.hasDefault = d[1:len(d)-1], true
	}
	return p, true
}

// resolution is the outcome of resolving a template against a context.
type resolution uint8

const (
	resolved   resolution = iota
	unresolved            // a variable's key is absent (or multi-valued) and has no default: the element does not match
	unknownVar            // a variable's key is unknown (ModeUnknown)
)

// resolve substitutes the variables and returns the pattern as pchars:
// each byte with a flag saying whether it may act as a wildcard.
func (t *template) resolve(ctx *Context, mode Mode, buf []pchar) ([]pchar, resolution) {
	buf = buf[:0]
	for _, p := range t.parts {
		switch {
		case p.key == "" && p.escaped:
			buf = appendLiteral(buf, p.text)
		case p.key == "":
			for i := 0; i < len(p.text); i++ {
				buf = append(buf, pchar{c: p.text[i], wild: p.text[i] == '*' || p.text[i] == '?'})
			}
		default:
			vals, ok := ctx.lookup(p.key)
			switch {
			case ok && len(vals) == 1:
				buf = appendLiteral(buf, vals[0])
			case !ok && mode == ModeUnknown:
				return buf, unknownVar
			case p.hasDefault:
				buf = appendLiteral(buf, p.def)
			default:
				return buf, unresolved
			}
		}
	}
	return buf, resolved
}

func appendLiteral(buf []pchar, s string) []pchar {
	for i := 0; i < len(s); i++ {
		buf = append(buf, pchar{c: s[i]})
	}
	return buf
}

// pchar is one byte of a resolved pattern.
type pchar struct {
	c    byte
	wild bool
}

// pstring returns the resolved pattern's text (for equality operators,
// where wildcards are literal).
func pstring(p []pchar) string {
	var b strings.Builder
	b.Grow(len(p))
	for _, c := range p {
		b.WriteByte(c.c)
	}
	return b.String()
}

// pglob matches s against a resolved pattern: a wild '*' matches any run,
// a wild '?' exactly one character; everything else is literal. Like
// policy.Glob it is iterative with a single backtrack point.
func pglob(p []pchar, s string, fold bool) bool {
	px, sx := 0, 0
	starPx, starSx := -1, -1
	for sx < len(s) {
		if px < len(p) {
			c := p[px]
			switch {
			case c.wild && c.c == '*':
				starPx, starSx = px, sx
				px++
				continue
			case c.wild && c.c == '?':
				px++
				sx += runeLen(s[sx:])
				continue
			case c.c == s[sx] || (fold && lower(c.c) == lower(s[sx])):
				px++
				sx++
				continue
			}
		}
		if starPx < 0 {
			return false
		}
		starSx++
		px, sx = starPx+1, starSx
	}
	for px < len(p) && p[px].wild && p[px].c == '*' {
		px++
	}
	return px == len(p)
}

func runeLen(s string) int {
	c := s[0]
	switch {
	case c < 0x80:
		return 1
	case c&0xE0 == 0xC0 && len(s) >= 2:
		return 2
	case c&0xF0 == 0xE0 && len(s) >= 3:
		return 3
	case c&0xF8 == 0xF0 && len(s) >= 4:
		return 4
	}
	return 1
}

func lower(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// supportsVariables reports whether a document's Version enables policy
// variables.
func supportsVariables(doc *policy.Document) bool {
	return doc.Version.Text == "2012-10-17"
}

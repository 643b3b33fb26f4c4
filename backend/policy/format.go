package policy

import (
	"unicode/utf8"
)

// Format prints doc in canonical form: 4-space indentation; elements in a
// fixed order (Version, Id, Statement; Sid, Effect, Principal, NotPrincipal,
// Action, NotAction, Resource, NotResource, Condition; principal types AWS,
// CanonicalUser, Federated, Service); a list of one value as a plain value
// and longer lists as arrays; Statement always as an array; condition
// operators and keys in source order; numbers and booleans as written;
// strings escaped as encoding/json does with HTML escaping off; a final
// newline. For any document Parse accepts, Parse(Format(doc)) formats to the
// same bytes.
//
// Version, Id and Sid are printed when their text is non-empty or they were
// parsed (an empty "Sid": "" survives the round trip); an unset Effect and
// nil elements are omitted.
func Format(doc *Document) []byte {
	w := printer{buf: make([]byte, 0, sizeHint(doc))}
	w.doc(doc)
	return w.buf
}

// sizeHint estimates the length of doc's canonical form, so the output
// buffer is allocated about once: each value costs its text plus its
// indentation, quotes and punctuation.
func sizeHint(doc *Document) int {
	const perValue, perElement = 24, 40
	n := 128
	if doc == nil {
		return n
	}
	list := func(l *List) {
		if l != nil {
			n += perElement
			for _, v := range l.Values {
				n += len(v.Text) + perValue
			}
		}
	}
	for _, st := range doc.Statements {
		n += 4*perElement + len(st.Sid.Text)
		for _, l := range [...]*List{st.Action, st.NotAction, st.Resource, st.NotResource} {
			list(l)
		}
		for _, p := range [...]*Principal{st.Principal, st.NotPrincipal} {
			if p != nil {
				for _, l := range [...]*List{p.AWS, p.CanonicalUser, p.Federated, p.Service} {
					list(l)
				}
			}
		}
		for _, b := range st.Condition {
			n += perElement + len(b.Operator.Text)
			for _, e := range b.Entries {
				n += len(e.Key.Text)
				list(e.Values)
			}
		}
	}
	return n
}

type printer struct {
	buf    []byte
	indent int
	first  bool // no member or element written yet at this level
}

func (w *printer) newline() {
	w.buf = append(w.buf, '\n')
	for range w.indent {
		w.buf = append(w.buf, "    "...)
	}
}

// open starts an object or array.
func (w *printer) open(c byte) {
	w.buf = append(w.buf, c)
	w.indent++
	w.first = true
}

// close ends an object or array; empty ones print as {} and [].
func (w *printer) close(c byte) {
	w.indent--
	if !w.first {
		w.newline()
	}
	w.buf = append(w.buf, c)
	w.first = false
}

// elem starts the next array element or object member.
func (w *printer) elem() {
	if !w.first {
		w.buf = append(w.buf, ',')
	}
	w.first = false
	w.newline()
}

func (w *printer) key(k string) {
	w.elem()
	w.buf = appendString(w.buf, k)
	w.buf = append(w.buf, ": "...)
}

func (w *printer) doc(doc *Document) {
	w.open('{')
	if doc != nil {
		if present(doc.Version) {
			w.key("Version")
			w.value(doc.Version)
		}
		if present(doc.ID) {
			w.key("Id")
			w.value(doc.ID)
		}
		w.key("Statement")
		w.open('[')
		for _, st := range doc.Statements {
			w.elem()
			w.statement(st)
		}
		w.close(']')
	}
	w.close('}')
	w.buf = append(w.buf, '\n')
}

// present reports whether an optional string element is to be printed.
func present(v Value) bool { return v.Text != "" || v.Pos.IsValid() }

func (w *printer) statement(st *Statement) {
	w.open('{')
	if present(st.Sid) {
		w.key("Sid")
		w.value(st.Sid)
	}
	if st.Effect != EffectUnset {
		w.key("Effect")
		w.buf = appendString(w.buf, st.Effect.String())
	}
	w.principal("Principal", st.Principal)
	w.principal("NotPrincipal", st.NotPrincipal)
	w.list("Action", st.Action)
	w.list("NotAction", st.NotAction)
	w.list("Resource", st.Resource)
	w.list("NotResource", st.NotResource)
	if st.Condition != nil {
		w.key("Condition")
		w.open('{')
		for _, b := range st.Condition {
			w.key(b.Operator.Text)
			w.open('{')
			for _, e := range b.Entries {
				w.list(e.Key.Text, e.Values)
			}
			w.close('}')
		}
		w.close('}')
	}
	w.close('}')
}

func (w *printer) principal(name string, p *Principal) {
	if p == nil {
		return
	}
	w.key(name)
	if p.Wildcard {
		w.buf = append(w.buf, `"*"`...)
		return
	}
	w.open('{')
	w.list("AWS", p.AWS)
	w.list("CanonicalUser", p.CanonicalUser)
	w.list("Federated", p.Federated)
	w.list("Service", p.Service)
	w.close('}')
}

// list prints a member whose value is one value or an array; nil is omitted.
func (w *printer) list(name string, l *List) {
	if l == nil {
		return
	}
	w.key(name)
	if len(l.Values) == 1 {
		w.value(l.Values[0])
		return
	}
	w.open('[')
	for _, v := range l.Values {
		w.elem()
		w.value(v)
	}
	w.close(']')
}

func (w *printer) value(v Value) {
	if v.Kind == ValueString {
		w.buf = appendString(w.buf, v.Text)
		return
	}
	w.buf = append(w.buf, v.Text...)
}

const hexDigits = "0123456789abcdef"

// appendString appends s as a JSON string, escaped exactly as encoding/json
// escapes with SetEscapeHTML(false): \" \\ \b \f \n \r \t, other control
// characters as \u00XX, U+2028 and U+2029 as \u2028 and \u2029, and
// invalid UTF-8 as \ufffd.
func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, `\b`...)
			case '\f':
				b = append(b, `\f`...)
			case '\n':
				b = append(b, `\n`...)
			case '\r':
				b = append(b, `\r`...)
			case '\t':
				b = append(b, `\t`...)
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xF])
		default:
			i += size
			continue
		}
		i += size
		start = i
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

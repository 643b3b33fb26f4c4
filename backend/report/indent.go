package report

import (
	"encoding/json"
	"io"
)

// encodeIndented writes v as JSON indented by two spaces, followed by a
// newline: byte for byte what an Encoder with SetIndent("", "  ") writes,
// with HTML escaped as escapeHTML says. It indents while writing rather
// than into a second buffer of the whole document, which on a large input
// (tens of megabytes of findings) cost more than encoding it.
func encodeIndented(w io.Writer, v any, escapeHTML bool) error {
	in := &indenter{w: w, buf: make([]byte, 0, indentChunk+64)}
	enc := json.NewEncoder(in)
	enc.SetEscapeHTML(escapeHTML)
	if err := enc.Encode(v); err != nil {
		return err
	}
	return in.flush()
}

// indentChunk is how much indented output the indenter gathers before
// passing it on.
const indentChunk = 32 << 10

// indenter is an io.Writer that indents the compact JSON written to it the
// way json.Indent does with no prefix and a two-space indent: a newline
// and the indentation before each element, a space after each colon, and
// empty objects and arrays kept as {} and [].
type indenter struct {
	w     io.Writer
	buf   []byte
	err   error
	depth int
	// open is set after '{' or '[' until the first element or the close,
	// which decides between a new indented line and an empty {} or [].
	open             bool
	inString, escape bool
}

func (in *indenter) Write(p []byte) (int, error) {
	for _, c := range p {
		if in.inString {
			in.buf = append(in.buf, c)
			switch {
			case in.escape:
				in.escape = false
			case c == '\\':
				in.escape = true
			case c == '"':
				in.inString = false
			}
			continue
		}
		if in.open && c != '}' && c != ']' {
			in.open = false
			in.depth++
			in.newline()
		}
		switch c {
		case '"':
			in.inString = true
			in.buf = append(in.buf, c)
		case '{', '[':
			in.open = true
			in.buf = append(in.buf, c)
		case ',':
			in.buf = append(in.buf, c)
			in.newline()
		case ':':
			in.buf = append(in.buf, ':', ' ')
		case '}', ']':
			if in.open {
				in.open = false
			} else {
				in.depth--
				in.newline()
			}
			in.buf = append(in.buf, c)
		default:
			in.buf = append(in.buf, c)
		}
		if len(in.buf) >= indentChunk {
			in.flush()
		}
	}
	return len(p), in.err
}

func (in *indenter) newline() {
	in.buf = append(in.buf, '\n')
	for range in.depth {
		in.buf = append(in.buf, ' ', ' ')
	}
}

// flush passes the gathered output on and returns the first write error.
func (in *indenter) flush() error {
	if in.err == nil && len(in.buf) > 0 {
		_, in.err = in.w.Write(in.buf)
	}
	in.buf = in.buf[:0]
	return in.err
}

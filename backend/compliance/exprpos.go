package compliance

import (
	"errors"
	"strings"
	"unicode/utf8"

	yaml "go.yaml.in/yaml/v3"

	"github.com/aegis-iam/aegis/backend/check"
)

// expressionErrors records the problems check.NewCustomRule found in an
// expression, each at its place in the file.
func (d *decoder) expressionErrors(n *yaml.Node, field string, err error) {
	var list interface{ Unwrap() []error }
	errs := []error{err}
	if errors.As(err, &list) {
		errs = list.Unwrap()
	}
	for _, e := range errs {
		var xe *check.ExpressionError
		if errors.As(e, &xe) {
			d.errs.add(d.file, d.valuePos(n, xe.Line, xe.Column), field, "%s", xe.Msg)
			continue
		}
		d.errorf(n, field, "%v", e)
	}
}

// valuePos maps a 1-based line and column (in characters) of a scalar's
// value to the file. Block scalars (| and >) and multi-line plain scalars
// are mapped line by line: each source line's text is found in the value,
// where folding has only joined lines. Where the value cannot be traced
// back (escapes in a quoted scalar), the scalar's own position is given.
func (d *decoder) valuePos(n *yaml.Node, line, col int) Pos {
	off, ok := offsetOf(n.Value, line, col)
	if !ok {
		return posOf(n)
	}
	for _, seg := range d.segments(n) {
		at := strings.Index(n.Value[seg.from:], seg.text)
		if at < 0 {
			break
		}
		start := seg.from + at
		if off >= start && off <= start+len(seg.text) {
			return Pos{Line: seg.line, Column: seg.col + utf8.RuneCountInString(n.Value[start:off])}
		}
	}
	return posOf(n)
}

// offsetOf converts a 1-based line and character column to a byte offset.
func offsetOf(s string, line, col int) (int, bool) {
	off := 0
	for l := 1; l < line; l++ {
		i := strings.IndexByte(s[off:], '\n')
		if i < 0 {
			return 0, false
		}
		off += i + 1
	}
	for c := 1; c < col && off < len(s) && s[off] != '\n'; c++ {
		_, size := utf8.DecodeRuneInString(s[off:])
		off += size
	}
	return off, true
}

// segment is one source line's part of a scalar: its text and where it
// starts in the file; from is the value offset to search it from, filled
// in by segments.
type segment struct {
	line, col int
	text      string
	from      int
}

// segments lists the source lines of a scalar's value.
func (d *decoder) segments(n *yaml.Node) []segment {
	var out []segment
	src := func(l int) (string, bool) {
		if l < 1 || l > len(d.lines) {
			return "", false
		}
		return strings.TrimRight(d.lines[l-1], "\r"), true
	}
	switch n.Style {
	case yaml.LiteralStyle, yaml.FoldedStyle:
		indent := -1
		for l := n.Line + 1; ; l++ {
			text, ok := src(l)
			if !ok {
				break
			}
			trimmed := strings.TrimLeft(text, " ")
			if trimmed == "" {
				continue
			}
			ind := len(text) - len(trimmed)
			if indent < 0 {
				indent = ind
			}
			if ind < indent {
				break
			}
			out = append(out, segment{line: l, col: indent + 1, text: strings.TrimRight(text[indent:], " ")})
		}
	default:
		first, ok := src(n.Line)
		if !ok || n.Column-1 > len(first) {
			return nil
		}
		skip := 0
		if n.Style == yaml.DoubleQuotedStyle || n.Style == yaml.SingleQuotedStyle {
			skip = 1
		}
		start := n.Column - 1 + skip
		if start > len(first) {
			return nil
		}
		out = append(out, segment{line: n.Line, col: n.Column + skip, text: firstLineText(first[start:], n.Value)})
		for l := n.Line + 1; ; l++ { // continuation lines of a plain or quoted scalar
			text, ok := src(l)
			if !ok {
				break
			}
			trimmed := strings.TrimSpace(text)
			if trimmed == "" || !strings.Contains(n.Value, trimmed) {
				break
			}
			out = append(out, segment{line: l, col: len(text) - len(strings.TrimLeft(text, " \t")) + 1, text: trimmed})
		}
	}
	from := 0
	for i := range out {
		out[i].from = from
		if at := strings.Index(n.Value[from:], out[i].text); at >= 0 {
			from += at + len(out[i].text)
		}
	}
	return out
}

// firstLineText is the longest prefix of rest (the source after the
// scalar's start) that begins the value: it drops a closing quote and a
// trailing comment.
func firstLineText(rest, value string) string {
	n := 0
	for n < len(rest) && n < len(value) && rest[n] == value[n] {
		n++
	}
	return rest[:n]
}

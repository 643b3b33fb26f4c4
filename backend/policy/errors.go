package policy

import (
	"fmt"
	"sort"
	"strings"
)

// Error is one positioned problem in a policy's source text.
type Error struct {
	Filename string // may be empty
	Pos      Pos
	Path     string // the element, e.g. "Statement[1].Condition.StringEquals"
	Code     string // stable identifier, e.g. "duplicate-key"
	Msg      string
}

func (e *Error) Error() string {
	var b strings.Builder
	if e.Filename != "" {
		b.WriteString(e.Filename)
		b.WriteByte(':')
	}
	if e.Pos.IsValid() {
		b.WriteString(e.Pos.String())
		b.WriteString(": ")
	} else if e.Filename != "" {
		b.WriteByte(' ')
	}
	if e.Path != "" {
		b.WriteString(e.Path)
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// ErrorList is a list of positioned errors, sorted by position when returned
// by the parser. It implements error.
type ErrorList []*Error

// Add appends an error.
func (l *ErrorList) Add(pos Pos, path, code, format string, args ...any) {
	*l = append(*l, &Error{Pos: pos, Path: path, Code: code, Msg: fmt.Sprintf(format, args...)})
}

func (l ErrorList) Len() int      { return len(l) }
func (l ErrorList) Swap(i, j int) { l[i], l[j] = l[j], l[i] }
func (l ErrorList) Less(i, j int) bool {
	a, b := l[i], l[j]
	if a.Filename != b.Filename {
		return a.Filename < b.Filename
	}
	if a.Pos.Offset != b.Pos.Offset {
		return a.Pos.Offset < b.Pos.Offset
	}
	if a.Path != b.Path {
		return a.Path < b.Path
	}
	return a.Msg < b.Msg
}

// Sort sorts the list by file, then position, then path and message.
func (l ErrorList) Sort() { sort.Stable(l) }

func (l ErrorList) Error() string {
	switch len(l) {
	case 0:
		return "no errors"
	case 1:
		return l[0].Error()
	}
	return fmt.Sprintf("%s (and %d more errors)", l[0], len(l)-1)
}

// Err returns nil for an empty list and the list itself otherwise.
func (l ErrorList) Err() error {
	if len(l) == 0 {
		return nil
	}
	return l
}

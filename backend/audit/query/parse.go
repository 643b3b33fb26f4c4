// Package query answers questions about an audited account's access, as
// PMapper's query command does (https://github.com/nccgroup/PMapper):
//
//	who can ACTION [on RESOURCE]
//	what can PRINCIPAL do [on RESOURCE]
//
// Each answer is decided by backend/eval with the principal's effective
// policies (identity, permissions boundary, SCPs and RCPs, and the
// resource's own policy: a bucket, key or queue policy, a role's trust
// policy), and follows privilege-escalation edges: a principal that can
// become one that may act (assume it, create its credentials, pass it to
// a service) may act too, and an admin may do whatever its boundary and
// the SCPs leave it. The CLI (aegis audit query), the desktop app and the
// MCP server ask through Engine.
package query

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Kind is the form of a query.
type Kind string

// Kinds of query.
const (
	WhoCan  Kind = "who-can"
	WhatCan Kind = "what-can"
)

// Query is a parsed query. Columns are 1-based rune columns in the text,
// for errors found when the query is answered.
type Query struct {
	Text string
	Kind Kind
	// Action is an IAM action or action pattern (who can).
	Action    string
	ActionCol int
	// Principal is a user's or role's ARN or name (what can).
	Principal    string
	PrincipalCol int
	// Resource is an ARN or ARN pattern; "" when the query names none.
	Resource    string
	ResourceCol int
}

// Error is a problem with a query's text, at a column.
type Error struct {
	Col int // 1-based, in runes
	Msg string
}

func (e *Error) Error() string { return fmt.Sprintf("column %d: %s", e.Col, e.Msg) }

// Caret returns the query with a caret line under the error's column, for
// a terminal.
func (e *Error) Caret(text string) string {
	return text + "\n" + strings.Repeat(" ", max(0, e.Col-1)) + "^"
}

// token is a word of the query and its column.
type token struct {
	text string
	col  int
}

func tokenize(s string) []token {
	var out []token
	col, start, startCol := 1, -1, 0
	for i, r := range s {
		if unicode.IsSpace(r) {
			if start >= 0 {
				out = append(out, token{s[start:i], startCol})
				start = -1
			}
		} else if start < 0 {
			start, startCol = i, col
		}
		col++
	}
	if start >= 0 {
		out = append(out, token{s[start:], startCol})
	}
	return out
}

// Parse reads a query. Keywords are case-insensitive.
func Parse(text string) (*Query, error) {
	toks := tokenize(text)
	end := utf8.RuneCountInString(text) + 1
	q := &Query{Text: text}
	i := 0
	// next returns the next token, or an error naming what was wanted.
	next := func(want string) (token, error) {
		if i >= len(toks) {
			return token{}, &Error{Col: end, Msg: "the query ends here: want " + want}
		}
		i++
		return toks[i-1], nil
	}
	keyword := func(word, after string) error {
		t, err := next(fmt.Sprintf("%q", word))
		if err != nil {
			return err
		}
		if !strings.EqualFold(t.text, word) {
			return &Error{Col: t.col, Msg: fmt.Sprintf("want %q after %q, got %q", word, after, t.text)}
		}
		return nil
	}
	first, err := next(`"who can ACTION [on RESOURCE]" or "what can PRINCIPAL do [on RESOURCE]"`)
	if err != nil {
		return nil, err
	}
	switch strings.ToLower(first.text) {
	case "who":
		q.Kind = WhoCan
		if err := keyword("can", "who"); err != nil {
			return nil, err
		}
		t, err := next("an action (s3:GetObject) or an action pattern (s3:Get*)")
		if err != nil {
			return nil, err
		}
		if !strings.Contains(t.text, ":") && t.text != "*" {
			return nil, &Error{Col: t.col, Msg: fmt.Sprintf("%q is not an action: want SERVICE:ACTION (s3:GetObject)", t.text)}
		}
		q.Action, q.ActionCol = t.text, t.col
	case "what":
		q.Kind = WhatCan
		if err := keyword("can", "what"); err != nil {
			return nil, err
		}
		t, err := next("a user or role (its name or ARN)")
		if err != nil {
			return nil, err
		}
		if strings.EqualFold(t.text, "do") {
			return nil, &Error{Col: t.col, Msg: "want a user or role (its name or ARN) before \"do\""}
		}
		q.Principal, q.PrincipalCol = t.text, t.col
		if err := keyword("do", q.Principal); err != nil {
			return nil, err
		}
	default:
		return nil, &Error{Col: first.col, Msg: fmt.Sprintf("want \"who\" or \"what\", got %q", first.text)}
	}
	if i == len(toks) {
		return q, nil
	}
	if err := keyword("on", toks[i-1].text); err != nil {
		return nil, err
	}
	t, err := next("a resource ARN (or ARN pattern)")
	if err != nil {
		return nil, err
	}
	q.Resource, q.ResourceCol = t.text, t.col
	if i < len(toks) {
		return nil, &Error{Col: toks[i].col, Msg: fmt.Sprintf("unexpected %q after the resource: the query ends there", toks[i].text)}
	}
	return q, nil
}

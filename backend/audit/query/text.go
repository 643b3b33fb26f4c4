package query

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
)

// JSON writes the answer as indented JSON.
func (a *Answer) JSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(a)
}

// maxShown bounds the actions a text answer lists per match.
const maxShown = 12

// Text writes the answer for a terminal: one match a line, its
// escalation path below it.
func (a *Answer) Text(w io.Writer) error {
	subject := a.Action
	if a.Kind == WhatCan {
		subject = a.Principal
	}
	fmt.Fprintf(w, "%s: %s on %s in account %s\n", a.Kind, subject, a.Resource, a.Account)
	if len(a.ResourcePolicies) > 0 {
		fmt.Fprintf(w, "resource policies: %s\n", strings.Join(a.ResourcePolicies, ", "))
	}
	for _, p := range a.Problems {
		fmt.Fprintf(w, "problem: %s\n", p)
	}
	if len(a.Matches) == 0 {
		fmt.Fprintln(w, "no principal")
		return nil
	}
	for _, m := range a.Matches {
		fmt.Fprintf(w, "%s (%s) by %s: %s\n", m.Principal, m.Type, m.Via, actionList(m))
		for _, h := range m.Path {
			cond := ""
			if h.Conditional {
				cond = " (if conditions hold)"
			}
			fmt.Fprintf(w, "    %s -[%s]-> %s%s\n", h.From, h.Via, h.To, cond)
		}
	}
	return nil
}

// actionList writes up to maxShown actions, marking the conditional ones.
func actionList(m Match) string {
	cond := map[string]bool{}
	for _, c := range m.Conditional {
		cond[c] = true
	}
	var parts []string
	for i, act := range m.Actions {
		if i == maxShown {
			parts = append(parts, fmt.Sprintf("and %d more", len(m.Actions)-maxShown))
			break
		}
		if cond[act] {
			act += " (if conditions hold)"
		}
		parts = append(parts, act)
	}
	return strings.Join(parts, ", ")
}

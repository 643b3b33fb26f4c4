package rules

import (
	"strings"

	"github.com/aegis-iam/aegis/backend/check"
	"github.com/aegis-iam/aegis/backend/iamdb"
	"github.com/aegis-iam/aegis/backend/policy"
)

// facts is what the syntax, wildcard and condition rules need to know about
// one statement, computed once per input and shared by every rule of a run:
// the actions its Action or NotAction element applies to, expanded with the
// IAM database on first use (many rules skip most statements).
type facts struct {
	st       *policy.Statement
	db       *iamdb.DB
	expanded bool
	acts     []*iamdb.Action
}

// actions returns the statement's expanded actions.
func (f *facts) actions() []*iamdb.Action {
	if !f.expanded {
		f.acts, f.expanded = statementActions(f.db, f.st), true
	}
	return f.acts
}

// factsKey is the Memo key of an input's statement facts.
type factsKey struct{}

// statementFacts returns the facts of every statement of the pass's policy,
// in statement order. Registry.Run runs one rule at a time, so the lazy
// expansion needs no lock.
func statementFacts(p *check.Pass) []*facts {
	fs, _ := p.Memo(factsKey{}, func() any {
		if p.Doc == nil {
			return []*facts(nil)
		}
		out := make([]*facts, len(p.Doc.Statements))
		for i, st := range p.Doc.Statements {
			out[i] = &facts{st: st, db: p.DB}
		}
		return out
	}).([]*facts)
	return fs
}

// isStar reports whether one of a list's values is the wildcard "*", which
// makes the whole element match everything.
func isStar(l *policy.List) bool {
	if l == nil {
		return false
	}
	for _, v := range l.Values {
		if v.Text == "*" {
			return true
		}
	}
	return false
}

// actionsWord returns "action" or "actions" for n.
func actionsWord(n int) string {
	if n == 1 {
		return "action"
	}
	return "actions"
}

// hasVariable reports whether s holds a policy variable ("${...}").
func hasVariable(s string) bool { return strings.Contains(s, "${") }

// servicePrefix returns the service part of an action or condition key
// ("s3" of "s3:GetObject"), and whether s has one.
func servicePrefix(s string) (string, bool) {
	prefix, _, ok := strings.Cut(s, ":")
	return prefix, ok
}

// hasWildcard reports whether s holds a '*' or '?' wildcard: what
// strings.ContainsAny(s, "*?") answers, at the speed of two byte searches
// (the rules ask about every action and resource value).
func hasWildcard(s string) bool {
	return strings.IndexByte(s, '*') >= 0 || strings.IndexByte(s, '?') >= 0
}

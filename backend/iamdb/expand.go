package iamdb

import (
	"fmt"
	"strings"

	"github.com/aegis-iam/aegis/backend/policy"
)

// Expand returns the actions an Action-element pattern matches, sorted by
// lower-case full name: "s3:Get*", "*", "*:*", "ec2:Describe?pc*". Matching
// is case-insensitive; '*' matches any run of characters (including ':') and
// '?' exactly one, as IAM evaluates it against "prefix:Name". A pattern that
// matches nothing (or is malformed) gives an empty slice; use
// CheckActionPattern to tell the two apart.
func (db *DB) Expand(pattern string) []*Action {
	p := lowerASCII(pattern)
	if p == "*" {
		return append([]*Action(nil), db.actions...)
	}
	lit, wild, ok := strings.Cut(p, "*")
	if q := strings.IndexByte(lit, '?'); q >= 0 {
		lit, wild, ok = p[:q], p[q:], true
	} else if ok {
		wild = "*" + wild
	}
	lo, hi := db.prefixRange(lit)
	if !ok {
		if lo < hi && db.lowerNames[lo] == p {
			return []*Action{db.actions[lo]}
		}
		return []*Action{}
	}
	if wild == "*" { // "s3:Get*": the whole prefix range
		return append([]*Action{}, db.actions[lo:hi]...)
	}
	out := []*Action{}
	for i := lo; i < hi; i++ {
		if policy.Glob(wild, db.lowerNames[i][len(lit):]) {
			out = append(out, db.actions[i])
		}
	}
	return out
}

// ExpandAll returns the actions any of the patterns match, sorted by
// lower-case full name, without duplicates.
func (db *DB) ExpandAll(patterns []string) []*Action {
	if len(patterns) == 1 {
		return db.Expand(patterns[0])
	}
	return db.selectMatched(patterns, true)
}

// ExpandNot returns the actions none of the patterns match (the actions a
// NotAction element with these patterns applies to), sorted.
func (db *DB) ExpandNot(patterns []string) []*Action {
	return db.selectMatched(patterns, false)
}

// selectMatched returns, in database order, the actions that some pattern
// matches (want true) or that none does (want false).
func (db *DB) selectMatched(patterns []string, want bool) []*Action {
	matched := make([]bool, len(db.actions))
	for _, p := range patterns {
		for _, a := range db.Expand(p) {
			matched[a.index] = true
		}
	}
	out := []*Action{}
	for i, a := range db.actions {
		if matched[i] == want {
			out = append(out, a)
		}
	}
	return out
}

// CheckActionPattern reports whether p is a well-formed Action-element
// value: "*", or "prefix:name" where the prefix is made of letters, digits,
// '-', '.', and wildcards, and the name of letters, digits, '-', '_', '.',
// and wildcards. The error says what is wrong and where.
func CheckActionPattern(p string) error {
	if p == "*" {
		return nil
	}
	if p == "" {
		return fmt.Errorf("empty action pattern")
	}
	prefix, name, ok := strings.Cut(p, ":")
	if !ok {
		return fmt.Errorf("action pattern %q: want service:action (or \"*\")", p)
	}
	if prefix == "" {
		return fmt.Errorf("action pattern %q: empty service prefix before ':'", p)
	}
	if name == "" {
		return fmt.Errorf("action pattern %q: empty action name after ':'", p)
	}
	for i, r := range prefix {
		if !isAlnum(r) && !strings.ContainsRune("-.*?", r) {
			return fmt.Errorf("action pattern %q: invalid character %q in service prefix at offset %d", p, r, i)
		}
	}
	for i, r := range name {
		if !isAlnum(r) && !strings.ContainsRune("-_.*?", r) {
			return fmt.Errorf("action pattern %q: invalid character %q in action name at offset %d", p, r, len(prefix)+1+i)
		}
	}
	return nil
}

func isAlnum(r rune) bool {
	return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9'
}

package iamdb

import (
	"fmt"
	"slices"
	"strings"

	"github.com/aegis-iam/aegis/backend/policy"
)

// keyPattern is a condition key whose name has a variable part, compiled to
// a lower-case glob in which each variable is "?*" (one or more characters).
type keyPattern struct {
	literal string // lower-case text before the first variable
	glob    string
	key     *ConditionKey
}

// isKeyPattern reports whether a key name has a variable part: ${TagKey}
// (SAR style) or <key> (S3 object tags).
func isKeyPattern(name string) bool {
	return strings.Contains(name, "${") || strings.Contains(name, "<")
}

// keyGlob turns a key template into a lower-case glob: each ${...} or <...>
// becomes "?*". It returns the literal text before the first variable too.
func keyGlob(name string) (glob, literal string) {
	var b strings.Builder
	lit := -1
	for i := 0; i < len(name); {
		var end int
		switch {
		case strings.HasPrefix(name[i:], "${"):
			end = strings.IndexByte(name[i:], '}')
		case name[i] == '<':
			end = strings.IndexByte(name[i:], '>')
		default:
			end = -1
		}
		if end < 0 {
			b.WriteByte(lowerByte(name[i]))
			i++
			continue
		}
		if lit < 0 {
			lit = b.Len()
		}
		b.WriteString("?*")
		i += end + 1
	}
	g := b.String()
	if lit < 0 {
		return g, g
	}
	return g, g[:lit]
}

func lowerByte(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

func (db *DB) indexKeys() error {
	slices.SortFunc(db.data.GlobalKeys, func(a, b *ConditionKey) int { return compareFold(a.Name, b.Name) })
	db.keys = make(map[string]*ConditionKey, len(db.data.GlobalKeys)+3000)
	add := func(k *ConditionKey) {
		l := strings.ToLower(k.Name)
		if prev, dup := db.keys[l]; dup {
			// The global definition, or the first service's, wins; a global
			// key without a description borrows a service's.
			if prev.Global && prev.Description == "" {
				prev.Description = k.Description
			}
			return
		}
		db.keys[l] = k
		if isKeyPattern(k.Name) {
			g, lit := keyGlob(k.Name)
			db.patterns = append(db.patterns, keyPattern{literal: lit, glob: g, key: k})
		}
	}
	for _, k := range db.data.GlobalKeys {
		if k.Name == "" {
			return fmt.Errorf("global condition key with empty name")
		}
		k.Global = true
		add(k)
	}
	for _, s := range db.data.Services {
		for _, k := range s.ConditionKeys {
			if k.Name == "" {
				return fmt.Errorf("service %s: condition key with empty name", s.Prefix)
			}
			add(k)
		}
	}
	// Longer literal prefixes first, so the most specific pattern wins.
	slices.SortStableFunc(db.patterns, func(a, b keyPattern) int { return len(b.literal) - len(a.literal) })
	return nil
}

// ConditionKey returns the definition of a condition key as written in a
// policy (case-insensitive). A concrete key such as
// "aws:PrincipalTag/Department" or "s3:ExistingObjectTag/env" resolves to
// its variable-key definition (aws:PrincipalTag/${TagKey},
// s3:ExistingObjectTag/<key>). Global keys win over service-listed copies.
func (db *DB) ConditionKey(name string) (*ConditionKey, bool) {
	l := lowerASCII(name)
	if k, ok := db.keys[l]; ok {
		return k, true
	}
	for _, p := range db.patterns {
		if strings.HasPrefix(l, p.literal) && policy.Glob(p.glob, l) {
			return p.key, true
		}
	}
	return nil, false
}

// ConditionKeyValid reports whether a policy may meaningfully use key with
// action a: the key is a global key (other than the tag keys that apply only
// where listed), or the action, one of its resource types, or that
// resource type's definition lists it. Variable keys match their concrete
// forms ("aws:ResourceTag/${TagKey}" lists "aws:ResourceTag/team").
func (db *DB) ConditionKeyValid(a *Action, key string) bool {
	if k, ok := db.ConditionKey(key); ok && k.Global && !k.ListedOnly {
		return true
	}
	l := lowerASCII(key)
	if keyListed(a.ConditionKeys, l) {
		return true
	}
	for _, r := range a.Resources {
		if keyListed(r.ConditionKeys, l) || keyListed(r.Type.ConditionKeys, l) {
			return true
		}
	}
	return false
}

// keyListed reports whether the lower-case key l is one of names or fills
// the variable of one of them.
func keyListed(names []string, l string) bool {
	for _, n := range names {
		if strings.EqualFold(n, l) {
			return true
		}
		if isKeyPattern(n) {
			if g, lit := keyGlob(n); strings.HasPrefix(l, lit) && policy.Glob(g, l) {
				return true
			}
		}
	}
	return false
}

// ConditionKeysFor returns the service-level condition keys a policy may
// use with action a — the action's own, those of its resource-type links,
// and those of the resource types' definitions — sorted and without
// duplicates (case-insensitive). Global keys (GlobalConditionKeys) apply to
// every action in addition.
func (db *DB) ConditionKeysFor(a *Action) []string {
	keys := slices.Clone(a.ConditionKeys)
	for _, r := range a.Resources {
		keys = append(keys, r.ConditionKeys...)
		keys = append(keys, r.Type.ConditionKeys...)
	}
	slices.SortFunc(keys, compareFold)
	return slices.CompactFunc(keys, strings.EqualFold)
}

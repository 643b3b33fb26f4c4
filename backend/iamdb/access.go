package iamdb

import (
	"fmt"
	"strings"
)

// AccessLevel is the set of access-level classifications AWS gives an
// action. Since July 2026 the Service Authorization Reference may give an
// action several at once ("Permissions management, Write"), so it is a bit
// set. The zero value is the empty set (an unclassified action).
type AccessLevel uint8

// The access-level bits.
const (
	AccessList AccessLevel = 1 << iota
	AccessRead
	AccessWrite
	AccessPermissionsManagement
	AccessTagging

	accessAll = AccessList | AccessRead | AccessWrite | AccessPermissionsManagement | AccessTagging
)

// accessNames lists the levels in the order String prints them (AWS's own
// order: alphabetical).
var accessNames = [...]struct {
	level AccessLevel
	name  string
	short string
}{
	{AccessList, "List", "list"},
	{AccessPermissionsManagement, "Permissions management", "permissions-management"},
	{AccessRead, "Read", "read"},
	{AccessTagging, "Tagging", "tagging"},
	{AccessWrite, "Write", "write"},
}

// String joins the levels as AWS writes them, e.g. "Permissions management,
// Write". The empty set prints as "".
func (a AccessLevel) String() string {
	var parts []string
	for _, n := range accessNames {
		if a&n.level != 0 {
			parts = append(parts, n.name)
		}
	}
	return strings.Join(parts, ", ")
}

// Has reports whether every level of l is in a.
func (a AccessLevel) Has(l AccessLevel) bool { return l != 0 && a&l == l }

// Primary collapses the set to the one level a single-valued display shows,
// with the precedence consumers of the service reference use: Permissions
// management > Tagging > List > Write > Read.
func (a AccessLevel) Primary() AccessLevel {
	for _, l := range [...]AccessLevel{AccessPermissionsManagement, AccessTagging, AccessList, AccessWrite, AccessRead} {
		if a&l != 0 {
			return l
		}
	}
	return 0
}

// Short returns the lower-case, hyphenated names ("permissions-management,
// write") used by the CLI's --access flag and JSON output.
func (a AccessLevel) Short() string {
	var parts []string
	for _, n := range accessNames {
		if a&n.level != 0 {
			parts = append(parts, n.short)
		}
	}
	return strings.Join(parts, ",")
}

// ParseAccessLevel parses a comma-separated list of levels, either as AWS
// writes them ("Tagging, Write") or in the short form ("tagging,write",
// "permissions-management"); case is ignored. An unknown token is an error:
// the generator must fail loudly when AWS invents a new level.
func ParseAccessLevel(s string) (AccessLevel, error) {
	var a AccessLevel
	for _, tok := range strings.Split(s, ",") {
		tok = strings.TrimSpace(tok)
		found := false
		for _, n := range accessNames {
			if strings.EqualFold(tok, n.name) || strings.EqualFold(tok, n.short) {
				a |= n.level
				found = true
				break
			}
		}
		if !found {
			return 0, fmt.Errorf("unknown access level %q in %q (want List, Read, Write, Permissions management or Tagging)", tok, s)
		}
	}
	return a, nil
}

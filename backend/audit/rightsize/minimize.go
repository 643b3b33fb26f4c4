package rightsize

import (
	"sort"
	"strings"

	"github.com/aegis-iam/aegis/backend/iamdb"
)

// Minimize returns the shortest action patterns that together match
// exactly the given actions among the IAM database's: "svc:*" when every
// action of a service is given, else for each action the shortest prefix
// pattern ("s3:GetObject*") whose expansion holds only given actions and
// at least two of them, or the action's name (policy_sentry's and
// policyuniverse's minimize; a pattern standing for one action is harder
// to read and no shorter in meaning). Sorted.
func Minimize(db *iamdb.DB, actions []*iamdb.Action) []string {
	in := make(map[*iamdb.Action]bool, len(actions))
	for _, a := range actions {
		in[a] = true
	}
	within := func(pattern string) bool {
		matched := db.Expand(pattern)
		for _, a := range matched {
			if !in[a] {
				return false
			}
		}
		return len(matched) > 1
	}
	covered := map[*iamdb.Action]bool{}
	seen := map[string]bool{}
	var out []string
	add := func(pattern string) {
		if !seen[pattern] {
			seen[pattern] = true
			out = append(out, pattern)
		}
		for _, a := range db.Expand(pattern) {
			covered[a] = true
		}
	}
	sorted := append([]*iamdb.Action(nil), actions...)
	sort.Slice(sorted, func(i, j int) bool {
		return strings.ToLower(sorted[i].FullName()) < strings.ToLower(sorted[j].FullName())
	})
	for _, a := range sorted {
		if covered[a] {
			continue
		}
		prefix := a.Service.Prefix + ":"
		if within(prefix + "*") {
			add(prefix + "*")
			continue
		}
		pattern := a.FullName()
		for n := 1; n < len(a.Name); n++ {
			if p := prefix + a.Name[:n] + "*"; within(p) {
				pattern = p
				break
			}
		}
		add(pattern)
	}
	sort.Strings(out)
	return out
}

package generate

import (
	"sort"
	"strings"

	"github.com/aegis-iam/aegis/backend/iamdb"
)

// verbFallback is the verb a kind's table is asked for when it has no
// entry for the verb itself ("publish" to a table that only knows "write").
var verbFallback = map[Verb]Verb{
	VerbPublish: VerbWrite,
	VerbConsume: VerbRead,
	VerbQuery:   VerbRead,
	VerbScan:    VerbRead,
	VerbUpdate:  VerbWrite,
	VerbEncrypt: VerbWrite,
	VerbDecrypt: VerbRead,
}

// levelsFor are the access levels a verb stands for when a kind has no
// curated entry: the IAM database then supplies every action of that level
// that can be scoped to the kind's resource types.
var levelsFor = map[Verb]iamdb.AccessLevel{
	VerbManage: iamdb.AccessRead | iamdb.AccessList | iamdb.AccessWrite | iamdb.AccessTagging,
	VerbAdmin:  iamdb.AccessRead | iamdb.AccessList | iamdb.AccessWrite | iamdb.AccessTagging | iamdb.AccessPermissionsManagement,
}

// exceptPrefixes remove, for a refused verb, every action whose name starts
// with one of these words, beyond the verb's curated actions ("manage but
// not delete" drops DeleteTable too).
var exceptPrefixes = map[Verb][]string{
	VerbDelete: {"Delete", "BatchDelete", "Remove", "Purge", "Terminate"},
	VerbWrite:  {"Put", "Create", "Upload", "BatchWrite", "Send", "Publish"},
	VerbUpdate: {"Update", "Modify", "Put", "Set", "Change"},
}

// verbActions returns the full action names a verb means for a kind, and
// whether the verb applies at all.
func (e *Engine) verbActions(k *kind, v Verb) ([]string, bool) {
	if names, ok := k.verbs[v]; ok {
		return qualify(k.service, names), true
	}
	if lv, ok := levelsFor[v]; ok {
		return e.levelActions(k, lv), true
	}
	if fb, ok := verbFallback[v]; ok {
		if names, ok := k.verbs[fb]; ok {
			return qualify(k.service, names), true
		}
	}
	return nil, false
}

// levelActions lists the service's actions of the given access levels that
// can be scoped to one of the kind's resource types.
func (e *Engine) levelActions(k *kind, levels iamdb.AccessLevel) []string {
	svc, ok := e.db.Service(k.service)
	if !ok {
		return nil
	}
	var out []string
	for _, a := range svc.Actions {
		if a.Access&levels == 0 {
			continue
		}
		for _, ar := range a.Resources {
			if k.hasType(ar.Type.Name) {
				out = append(out, a.FullName())
				break
			}
		}
	}
	return out
}

func (k *kind) hasType(t string) bool {
	for _, have := range k.types {
		if strings.EqualFold(have, t) {
			return true
		}
	}
	return false
}

func qualify(service string, names []string) []string {
	out := make([]string, len(names))
	for i, n := range names {
		if strings.Contains(n, ":") {
			out[i] = n
		} else {
			out[i] = service + ":" + n
		}
	}
	return out
}

// resourceActions expands a resource's verbs minus its refused verbs into
// a sorted action list. Verbs that do not apply are returned separately.
func (e *Engine) resourceActions(k *kind, r Resource) (actions []string, unknown []Verb) {
	set := map[string]bool{}
	for _, v := range r.Verbs {
		list, ok := e.verbActions(k, v)
		if !ok {
			unknown = append(unknown, v)
			continue
		}
		for _, a := range list {
			set[a] = true
		}
	}
	for _, v := range r.Except {
		if list, ok := e.verbActions(k, v); ok {
			for _, a := range list {
				delete(set, a)
			}
		}
		for a := range set {
			name := a[strings.IndexByte(a, ':')+1:]
			for _, p := range exceptPrefixes[v] {
				if strings.HasPrefix(name, p) {
					delete(set, a)
				}
			}
		}
	}
	for a := range set {
		actions = append(actions, a)
	}
	sort.Strings(actions)
	return actions, unknown
}

package iamdb

import (
	"slices"
	"strings"
)

// Overlay returns a new database: base with the services of update (AWS's
// service reference, see package servicereference) laid over it. The
// update is authoritative for which services and actions exist, access
// levels, resource types and ARN formats, action condition keys, condition
// key types, operations and SupportedBy, and dependent actions derived from
// the operations (see operationDependents); base still supplies what the
// service reference lacks: display names, descriptions, required flags,
// per-resource condition keys of actions, and legacy dependent actions
// where no operation says otherwise.
// Services absent from update are dropped (retired); callers gate how much
// may disappear (see Diff). Neither input is modified.
func Overlay(base, update *DB) (*DB, error) {
	d := Data{
		Provenance:   update.data.Provenance,
		GlobalKeys:   cloneKeys(base.data.GlobalKeys),
		KeyPrefixes:  slices.Clone(base.data.KeyPrefixes),
		EventSources: slices.Clone(base.data.EventSources),
		EventRules:   slices.Clone(base.data.EventRules),
	}
	for _, u := range update.data.Services {
		b, _ := base.Service(u.Prefix)
		d.Services = append(d.Services, mergeService(b, u))
	}
	db, err := New(d)
	if err != nil {
		return nil, err
	}
	bp := base.data.Provenance
	db.base = &bp
	return db, nil
}

func mergeService(b, u *Service) *Service {
	s := &Service{Prefix: u.Prefix, Name: u.Name, Updated: true, SchemaVersion: u.SchemaVersion,
		Operations: cloneOperations(u.Operations)}
	if b == nil {
		b = &Service{}
	} else if s.Name == "" || s.Name == s.Prefix {
		s.Name = b.Name
	}
	rts := make(map[*ResourceType]*ResourceType, len(u.ResourceTypes)) // update's type → merged type
	baseRTs := joinFold(u.ResourceTypes, b.ResourceTypes, func(rt *ResourceType) string { return rt.Name })
	for i, urt := range u.ResourceTypes {
		// Read-only string slices are shared with the inputs; unionFold
		// copies before it changes anything.
		rt := &ResourceType{Name: urt.Name, ARNFormats: urt.ARNFormats, ConditionKeys: urt.ConditionKeys}
		if brt := baseRTs[i]; brt != nil {
			if len(rt.ARNFormats) == 0 {
				rt.ARNFormats = brt.ARNFormats
			}
			rt.ConditionKeys = unionFold(rt.ConditionKeys, brt.ConditionKeys)
		}
		rts[urt] = rt
		s.ResourceTypes = append(s.ResourceTypes, rt)
	}

	keyName := func(k *ConditionKey) string { return k.Name }
	for i, bk := range joinFold(u.ConditionKeys, b.ConditionKeys, keyName) {
		k := *u.ConditionKeys[i]
		k.Service = nil
		if bk != nil {
			if k.Description == "" {
				k.Description = bk.Description
			}
			if k.Type == KeyUnknown {
				k.Type = bk.Type
			}
		}
		s.ConditionKeys = append(s.ConditionKeys, &k)
	}
	for i, uk := range joinFold(b.ConditionKeys, u.ConditionKeys, keyName) {
		if uk == nil { // only the base defines it: keep it
			k := *b.ConditionKeys[i]
			k.Service = nil
			s.ConditionKeys = append(s.ConditionKeys, &k)
		}
	}

	baseActs := joinFold(u.Actions, b.Actions, actionName)
	acts := make([]Action, len(u.Actions))
	for i, ua := range u.Actions {
		a := &acts[i]
		*a = Action{Name: ua.Name, Access: ua.Access, SupportedBy: ua.SupportedBy,
			ConditionKeys: ua.ConditionKeys, Description: ua.Description}
		ba := baseActs[i]
		if ba != nil {
			if a.Description == "" {
				a.Description = ba.Description
			}
			a.DependentActions, a.DependentLegacy = ba.DependentActions, ba.DependentLegacy
		}
		if deps := operationDependents(u, s.Prefix+":"+ua.Name); deps != nil {
			a.DependentActions, a.DependentLegacy = deps, false
		}
		if len(ua.Resources) > 0 {
			a.Resources = make([]ActionResource, 0, len(ua.Resources))
		}
		for _, ur := range ua.Resources {
			r := ActionResource{Type: rts[ur.Type], Required: ur.Required, ConditionKeys: ur.ConditionKeys}
			if ba != nil {
				for _, br := range ba.Resources {
					if strings.EqualFold(br.Type.Name, ur.Type.Name) {
						r.Required = r.Required || br.Required
						r.ConditionKeys = unionFold(r.ConditionKeys, br.ConditionKeys)
						r.DependentActions = br.DependentActions
					}
				}
			}
			a.Resources = append(a.Resources, r)
		}
		s.Actions = append(s.Actions, a)
	}
	return s
}

// joinFold matches two lists sorted as a DB sorts them (by compareFold of
// key) and returns, for each element of us, the element of bs with the
// same case-insensitive key, or the zero value. It runs in linear time.
func joinFold[T comparable](us, bs []T, key func(T) string) []T {
	out := make([]T, len(us))
	j := 0
	for i, u := range us {
		k := key(u)
		for j < len(bs) && compareLower(key(bs[j]), k) < 0 {
			j++
		}
		if j < len(bs) && compareLower(key(bs[j]), k) == 0 {
			out[i] = bs[j]
		}
	}
	return out
}

// operationDependents derives dependent actions from AWS's operation table,
// as the Service Authorization Reference now does: the other actions the
// operation of the same name is authorized against (S3 CreateBucket also
// needs PutBucketAcl, ...). It returns nil when there is no such operation
// or it needs only the action itself.
func operationDependents(s *Service, action string) []string {
	name := action[strings.IndexByte(action, ':')+1:]
	op, ok := s.Operation(name)
	if !ok {
		return nil
	}
	var deps []string
	for _, aa := range op.Actions {
		if !strings.EqualFold(aa.Action, action) && !slices.Contains(deps, aa.Action) {
			deps = append(deps, aa.Action)
		}
	}
	slices.Sort(deps)
	return deps
}

// unionFold returns a sorted copy of list with the names of extra missing
// from it (case-insensitive) added, or list itself when nothing is missing.
func unionFold(list, extra []string) []string {
	missing := false
	for _, e := range extra {
		if !slices.ContainsFunc(list, func(l string) bool { return strings.EqualFold(l, e) }) {
			missing = true
			break
		}
	}
	if !missing {
		return list
	}
	list = slices.Clip(slices.Clone(list))
	for _, e := range extra {
		if !slices.ContainsFunc(list, func(l string) bool { return strings.EqualFold(l, e) }) {
			list = append(list, e)
		}
	}
	slices.SortFunc(list, compareFold)
	return list
}

func cloneKeys(keys []*ConditionKey) []*ConditionKey {
	out := make([]*ConditionKey, len(keys))
	for i, k := range keys {
		c := *k
		out[i] = &c
	}
	return out
}

func cloneOperations(ops []*Operation) []*Operation {
	out := make([]*Operation, len(ops))
	for i, op := range ops {
		c := &Operation{Name: op.Name, Actions: make([]AuthorizedAction, len(op.Actions))}
		for j, aa := range op.Actions {
			c.Actions[j] = AuthorizedAction{Action: aa.Action, Context: slices.Clone(aa.Context)}
		}
		out[i] = c
	}
	return out
}

// Change summarises what an update would change relative to a base.
type Change struct {
	Services        int      // services after the update
	Actions         int      // actions after the update
	AddedActions    []string // full names, sorted
	RemovedActions  []string // full names, sorted
	RemovedServices []string // prefixes, sorted
}

// Diff compares the actions and services of two databases.
func Diff(before, after *DB) Change {
	c := Change{Services: len(after.data.Services), Actions: len(after.actions)}
	i, j := 0, 0
	for i < len(before.lowerNames) || j < len(after.lowerNames) {
		switch {
		case j == len(after.lowerNames) || i < len(before.lowerNames) && before.lowerNames[i] < after.lowerNames[j]:
			c.RemovedActions = append(c.RemovedActions, before.actions[i].FullName())
			i++
		case i == len(before.lowerNames) || after.lowerNames[j] < before.lowerNames[i]:
			c.AddedActions = append(c.AddedActions, after.actions[j].FullName())
			j++
		default:
			i++
			j++
		}
	}
	for _, s := range before.data.Services {
		if _, ok := after.Service(s.Prefix); !ok {
			c.RemovedServices = append(c.RemovedServices, s.Prefix)
		}
	}
	return c
}

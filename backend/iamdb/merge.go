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
	if b != nil && (s.Name == "" || s.Name == s.Prefix) {
		s.Name = b.Name
	}
	rts := make(map[string]*ResourceType, len(u.ResourceTypes))
	for _, urt := range u.ResourceTypes {
		rt := &ResourceType{Name: urt.Name, ARNFormats: slices.Clone(urt.ARNFormats), ConditionKeys: slices.Clone(urt.ConditionKeys)}
		if b != nil {
			if brt, ok := b.ResourceType(urt.Name); ok {
				if len(rt.ARNFormats) == 0 {
					rt.ARNFormats = slices.Clone(brt.ARNFormats)
				}
				rt.ConditionKeys = unionFold(rt.ConditionKeys, brt.ConditionKeys)
			}
		}
		rts[strings.ToLower(rt.Name)] = rt
		s.ResourceTypes = append(s.ResourceTypes, rt)
	}
	for _, uk := range u.ConditionKeys {
		k := *uk
		k.Service = nil
		if b != nil {
			if bk, ok := findFold(b.ConditionKeys, uk.Name, func(k *ConditionKey) string { return k.Name }); ok {
				if k.Description == "" {
					k.Description = bk.Description
				}
				if k.Type == KeyUnknown {
					k.Type = bk.Type
				}
			}
		}
		s.ConditionKeys = append(s.ConditionKeys, &k)
	}
	if b != nil {
		for _, bk := range b.ConditionKeys {
			if _, ok := findFold(u.ConditionKeys, bk.Name, func(k *ConditionKey) string { return k.Name }); !ok {
				k := *bk
				k.Service = nil
				s.ConditionKeys = append(s.ConditionKeys, &k)
			}
		}
	}
	for _, ua := range u.Actions {
		a := &Action{Name: ua.Name, Access: ua.Access, SupportedBy: ua.SupportedBy,
			ConditionKeys: slices.Clone(ua.ConditionKeys), Description: ua.Description}
		var ba *Action
		if b != nil {
			ba, _ = b.Action(ua.Name)
		}
		if ba != nil {
			if a.Description == "" {
				a.Description = ba.Description
			}
			a.DependentActions, a.DependentLegacy = slices.Clone(ba.DependentActions), ba.DependentLegacy
		}
		if deps := operationDependents(u, s.Prefix+":"+ua.Name); deps != nil {
			a.DependentActions, a.DependentLegacy = deps, false
		}
		for _, ur := range ua.Resources {
			r := ActionResource{Type: rts[strings.ToLower(ur.Type.Name)], Required: ur.Required,
				ConditionKeys: slices.Clone(ur.ConditionKeys)}
			if ba != nil {
				for _, br := range ba.Resources {
					if strings.EqualFold(br.Type.Name, ur.Type.Name) {
						r.Required = r.Required || br.Required
						r.ConditionKeys = unionFold(r.ConditionKeys, br.ConditionKeys)
						r.DependentActions = slices.Clone(br.DependentActions)
					}
				}
			}
			a.Resources = append(a.Resources, r)
		}
		s.Actions = append(s.Actions, a)
	}
	return s
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

// unionFold appends the names of extra missing from list (case-insensitive)
// and sorts the result.
func unionFold(list, extra []string) []string {
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

// Package servicereference reads AWS's machine-readable Service
// Authorization Reference — the index at
// https://servicereference.us-east-1.amazonaws.com/ and one JSON file per
// IAM prefix, documented at
// https://docs.aws.amazon.com/service-authorization/latest/reference/service-reference.html
// — and turns it into an iamdb overlay for "aegis data update": actions
// with access-level flags and SupportedBy, resource types with ARN formats,
// typed condition keys, and the Operations → AuthorizedActions table.
//
// Fetching is defensive: only https URLs on amazonaws.com hosts taken from
// the index are followed, responses are size-capped, requests time out,
// concurrency is bounded, and sanity gates (Gates) refuse an update that
// looks broken before anything is written.
package servicereference

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/aegis-iam/aegis/backend/iamdb"
)

// The per-service document, as far as Aegis reads it. Unknown fields are
// ignored: AWS adds fields without bumping the major schema version.
type rawService struct {
	Name    string `json:"Name"`
	Version string `json:"Version"`
	Actions []struct {
		Name                string   `json:"Name"`
		ActionConditionKeys []string `json:"ActionConditionKeys"`
		Annotations         struct {
			Properties struct {
				IsList                 bool `json:"IsList"`
				IsPermissionManagement bool `json:"IsPermissionManagement"`
				IsTaggingOnly          bool `json:"IsTaggingOnly"`
				IsWrite                bool `json:"IsWrite"`
			} `json:"Properties"`
		} `json:"Annotations"`
		Resources []struct {
			Name string `json:"Name"`
		} `json:"Resources"`
		SupportedBy map[string]bool `json:"SupportedBy"`
	} `json:"Actions"`
	ConditionKeys []struct {
		Name  string   `json:"Name"`
		Types []string `json:"Types"`
	} `json:"ConditionKeys"`
	Resources []struct {
		Name          string   `json:"Name"`
		ARNFormats    []string `json:"ARNFormats"`
		ConditionKeys []string `json:"ConditionKeys"`
	} `json:"Resources"`
	Operations []struct {
		Name              string `json:"Name"`
		AuthorizedActions []struct {
			Name    string              `json:"Name"`
			Service string              `json:"Service"`
			Context map[string][]string `json:"Context"`
		} `json:"AuthorizedActions"`
	} `json:"Operations"`
}

// SupportedBy keys of the service reference.
const (
	supportedPolicyGeneration = "IAM Access Analyzer Policy Generation"
	supportedLastAccessed     = "IAM Action Last Accessed"
)

// knownMajor is the schema major version this reader understands.
const knownMajor = "v1"

// Parse reads one per-service document. It checks the schema version, that
// names are present and unique, and that every resource an action names is
// defined, and reports the first problem with its place in the document.
func Parse(data []byte) (*iamdb.Service, error) {
	var raw rawService
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&raw); err != nil {
		return nil, fmt.Errorf("invalid service reference JSON: %w", err)
	}
	if dec.More() {
		return nil, fmt.Errorf("invalid service reference JSON: data after the document")
	}
	if !validPrefix(raw.Name) {
		return nil, fmt.Errorf("service reference: Name %q is not an IAM prefix", raw.Name)
	}
	if raw.Version != knownMajor && !strings.HasPrefix(raw.Version, knownMajor+".") {
		return nil, fmt.Errorf("service reference %s: unsupported schema Version %q (want %s.x)", raw.Name, raw.Version, knownMajor)
	}
	s := &iamdb.Service{Prefix: raw.Name, Name: raw.Name, Updated: true, SchemaVersion: raw.Version}
	where := func(format string, args ...any) error {
		return fmt.Errorf("service reference %s: %s", raw.Name, fmt.Sprintf(format, args...))
	}

	rts := map[string]*iamdb.ResourceType{}
	for i, r := range raw.Resources {
		if r.Name == "" {
			return nil, where("Resources[%d]: empty Name", i)
		}
		l := strings.ToLower(r.Name)
		if rts[l] != nil {
			return nil, where("Resources[%d]: duplicate resource type %q", i, r.Name)
		}
		for j, f := range r.ARNFormats {
			if !strings.HasPrefix(f, "arn:") {
				return nil, where("Resources[%d] (%s): ARNFormats[%d] %q does not start with \"arn:\"", i, r.Name, j, f)
			}
		}
		rt := &iamdb.ResourceType{Name: r.Name, ARNFormats: r.ARNFormats, ConditionKeys: r.ConditionKeys}
		rts[l] = rt
		s.ResourceTypes = append(s.ResourceTypes, rt)
	}

	keys := map[string]bool{}
	for i, k := range raw.ConditionKeys {
		if k.Name == "" || !strings.Contains(k.Name, ":") {
			return nil, where("ConditionKeys[%d]: Name %q is not prefix:key", i, k.Name)
		}
		if keys[strings.ToLower(k.Name)] {
			return nil, where("ConditionKeys[%d]: duplicate key %q", i, k.Name)
		}
		keys[strings.ToLower(k.Name)] = true
		var t iamdb.KeyType
		if len(k.Types) > 0 {
			var err error
			if t, err = iamdb.ParseKeyType(k.Types[0]); err != nil {
				return nil, fmt.Errorf("service reference %s: ConditionKeys[%d] (%s): %w", raw.Name, i, k.Name, err)
			}
		}
		s.ConditionKeys = append(s.ConditionKeys, &iamdb.ConditionKey{Name: k.Name, Type: t})
	}

	seen := map[string]bool{}
	for i, a := range raw.Actions {
		if !validName(a.Name) {
			return nil, where("Actions[%d]: Name %q is not an action name", i, a.Name)
		}
		if seen[strings.ToLower(a.Name)] {
			return nil, where("Actions[%d]: duplicate action %q", i, a.Name)
		}
		seen[strings.ToLower(a.Name)] = true
		p := a.Annotations.Properties
		act := &iamdb.Action{Name: a.Name, ConditionKeys: a.ActionConditionKeys, Access: accessLevel(p.IsList, p.IsPermissionManagement, p.IsTaggingOnly, p.IsWrite)}
		if a.SupportedBy[supportedPolicyGeneration] {
			act.SupportedBy |= iamdb.SupportedByPolicyGeneration
		}
		if a.SupportedBy[supportedLastAccessed] {
			act.SupportedBy |= iamdb.SupportedByLastAccessed
		}
		for j, r := range a.Resources {
			rt, ok := rts[strings.ToLower(r.Name)]
			if !ok {
				return nil, where("Actions[%d] (%s): Resources[%d] names undefined resource type %q", i, a.Name, j, r.Name)
			}
			if slices.ContainsFunc(act.Resources, func(x iamdb.ActionResource) bool { return x.Type == rt }) {
				continue
			}
			act.Resources = append(act.Resources, iamdb.ActionResource{Type: rt})
		}
		s.Actions = append(s.Actions, act)
	}

	ops := map[string]bool{}
	for i, o := range raw.Operations {
		if o.Name == "" {
			return nil, where("Operations[%d]: empty Name", i)
		}
		if len(o.AuthorizedActions) == 0 || ops[o.Name] {
			continue // not mapped yet by AWS, or listed twice
		}
		ops[o.Name] = true
		op := &iamdb.Operation{Name: o.Name}
		for j, aa := range o.AuthorizedActions {
			if !validPrefix(aa.Service) || !validName(aa.Name) {
				return nil, where("Operations[%d] (%s): AuthorizedActions[%d] %q:%q is not an action", i, o.Name, j, aa.Service, aa.Name)
			}
			auth := iamdb.AuthorizedAction{Action: aa.Service + ":" + aa.Name}
			for _, k := range sortedKeys(aa.Context) {
				auth.Context = append(auth.Context, iamdb.ContextValue{Key: k, Values: aa.Context[k]})
			}
			op.Actions = append(op.Actions, auth)
		}
		s.Operations = append(s.Operations, op)
	}
	return s, nil
}

// accessLevel turns the service reference's flags into a level set. The
// flags are not exclusive; none set means Read (AWS's own rule).
func accessLevel(list, pm, tagging, write bool) iamdb.AccessLevel {
	var a iamdb.AccessLevel
	if list {
		a |= iamdb.AccessList
	}
	if pm {
		a |= iamdb.AccessPermissionsManagement
	}
	if tagging {
		a |= iamdb.AccessTagging
	}
	if write {
		a |= iamdb.AccessWrite
	}
	if a == 0 {
		a = iamdb.AccessRead
	}
	return a
}

// validPrefix accepts what IAM uses as service prefixes: lower-case
// names (iamdb.ValidName) of at most 64 bytes.
func validPrefix(s string) bool {
	return len(s) <= 64 && s == strings.ToLower(s) && iamdb.ValidName(s)
}

// validName accepts action names of at most 256 bytes (iamdb.ValidName).
func validName(s string) bool { return len(s) <= 256 && iamdb.ValidName(s) }

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

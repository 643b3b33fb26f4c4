package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/aegis-iam/aegis/internal/gentool"

	"github.com/aegis-iam/aegis/backend/iamdb"
)

// Raw shapes of the iam-data package. Pointer fields are required: a nil
// one means the field is missing and the generator fails.
type rawAction struct {
	Name             *string           `json:"name"`
	Description      *string           `json:"description"`
	AccessLevel      *string           `json:"accessLevel"`
	ResourceTypes    *[]rawActionRT    `json:"resourceTypes"`
	ConditionKeys    *[]string         `json:"conditionKeys"`
	DependentActions *[]string         `json:"dependentActions"`
	IsPermissionOnly *bool             `json:"isPermissionOnly"` // ≤ 0.15 only; not kept
	Scenarios        []json.RawMessage `json:"scenarios"`        // alternative resource sets of 5 actions; not kept
}

type rawActionRT struct {
	Name             *string   `json:"name"`
	Required         *bool     `json:"required"`
	ConditionKeys    *[]string `json:"conditionKeys"`
	DependentActions *[]string `json:"dependentActions"`
}

type rawResourceType struct {
	Key           *string  `json:"key"`
	ARN           *string  `json:"arn"`
	ConditionKeys []string `json:"conditionKeys"` // absent on about a fifth of the types: none
}

type rawConditionKey struct {
	Key         *string `json:"key"`
	Description *string `json:"description"`
	Type        *string `json:"type"`
}

type rawGlobalKeys struct {
	Source string `json:"source"`
	Note   string `json:"note"`
	Keys   []struct {
		Name       string `json:"name"`
		Type       string `json:"type"`
		Category   string `json:"category"`
		ListedOnly bool   `json:"listedOnly"`
	} `json:"keys"`
}

type rawCloudTrail struct {
	Note    string              `json:"note"`
	Sources []iamdb.EventSource `json:"sources"`
	Rules   []iamdb.EventRule   `json:"rules"`
}

// decodeStrict decodes JSON, rejecting unknown fields and trailing data, so
// a format change in the source package fails the generator loudly.
func decodeStrict(name string, data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	if dec.More() {
		return fmt.Errorf("%s: trailing data after the JSON value", name)
	}
	return nil
}

func missing(file, what, field string) error {
	return fmt.Errorf("%s: %s: missing field %q", file, what, field)
}

// generate builds the output files from the pinned packages and the
// hand-maintained inputs in inputDir.
func generate(cache, inputDir string) ([]gentool.Output, error) {
	files, err := pinned.Files(cache)
	if err != nil {
		return nil, err
	}
	old, err := legacy.Files(cache)
	if err != nil {
		return nil, err
	}
	meta, err := packageMeta(pinned, files)
	if err != nil {
		return nil, err
	}
	if _, err := packageMeta(legacy, old); err != nil {
		return nil, err
	}
	d := iamdb.Data{Provenance: iamdb.Provenance{
		Source: "embedded", Package: pinned.Name, Version: pinned.Version, Integrity: pinned.Integrity,
		License: meta.License, UpdatedAt: meta.UpdatedAt, Generator: generatorVersion,
		DependentActions: &iamdb.PackageRef{Package: legacy.Name, Version: legacy.Version, Integrity: legacy.Integrity},
	}}
	if d.Services, err = services(files, old); err != nil {
		return nil, err
	}
	if d.GlobalKeys, err = globalKeys(filepath.Join(inputDir, "globalkeys.json")); err != nil {
		return nil, err
	}
	known := map[string]bool{}
	for _, s := range d.Services {
		known[s.Prefix] = true
	}
	if d.KeyPrefixes, err = keyPrefixes(files, known); err != nil {
		return nil, err
	}
	var ct rawCloudTrail
	if err := readInput(filepath.Join(inputDir, "cloudtrail.json"), &ct); err != nil {
		return nil, err
	}
	d.EventSources, d.EventRules = ct.Sources, ct.Rules

	db, err := iamdb.New(d)
	if err != nil {
		return nil, err
	}
	if err := verify(db, files, ct); err != nil {
		return nil, err
	}
	var snap bytes.Buffer
	if err := db.Encode(&snap); err != nil {
		return nil, err
	}
	prov, err := json.MarshalIndent(db.Provenance(), "", "  ")
	if err != nil {
		return nil, err
	}
	notice := fmt.Sprintf("The embedded IAM database (snapshot.bin) is derived from the npm package\n"+
		"%s@%s (%s licence); its legacy dependent actions come from %s@%s (%s licence).\n"+
		"Both licence notices follow.\n\n--- %s@%s\n\n%s\n--- %s@%s\n\n%s",
		pinned.Name, pinned.Version, meta.License, legacy.Name, legacy.Version, meta.License,
		pinned.Name, pinned.Version, files["LICENSE.txt"], legacy.Name, legacy.Version, old["LICENSE.txt"])
	return []gentool.Output{
		{Name: "snapshot.bin", Data: snap.Bytes()},
		{Name: "PROVENANCE.json", Data: append(prov, '\n')},
		{Name: "LICENSE-iam-data.txt", Data: []byte(notice)},
	}, nil
}

func readInput(path string, v any) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	return decodeStrict(path, data, v)
}

func services(files, old map[string][]byte) ([]*iamdb.Service, error) {
	var prefixes []string
	if err := decodeStrict("data/services.json", files["data/services.json"], &prefixes); err != nil {
		return nil, err
	}
	var names map[string]string
	if err := decodeStrict("data/serviceNames.json", files["data/serviceNames.json"], &names); err != nil {
		return nil, err
	}
	var out []*iamdb.Service
	for _, p := range prefixes {
		name, ok := names[p]
		if !ok || name == "" {
			return nil, fmt.Errorf("data/serviceNames.json: no name for service %q", p)
		}
		s, err := service(p, name, files, old)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}

func service(prefix, name string, files, old map[string][]byte) (*iamdb.Service, error) {
	s := &iamdb.Service{Prefix: prefix, Name: name}

	rtFile := "data/resourceTypes/" + prefix + ".json"
	var rawRTs map[string]rawResourceType
	if err := decodeStrict(rtFile, files[rtFile], &rawRTs); err != nil {
		return nil, err
	}
	rts := map[string]*iamdb.ResourceType{}
	for _, k := range sortedKeys(rawRTs) {
		r := rawRTs[k]
		switch {
		case r.Key == nil:
			return nil, missing(rtFile, k, "key")
		case r.ARN == nil || *r.ARN == "":
			return nil, missing(rtFile, k, "arn")
		case strings.ToLower(*r.Key) != k:
			return nil, fmt.Errorf("%s: key %q does not match name %q", rtFile, k, *r.Key)
		}
		formats, err := splitARNs(*r.ARN)
		if err != nil {
			return nil, fmt.Errorf("%s: %s: %w", rtFile, k, err)
		}
		rt := &iamdb.ResourceType{Name: *r.Key, ARNFormats: formats, ConditionKeys: r.ConditionKeys}
		rts[k] = rt
		s.ResourceTypes = append(s.ResourceTypes, rt)
	}

	ckFile := "data/conditionKeys/" + prefix + ".json"
	var rawCKs map[string]rawConditionKey
	if err := decodeStrict(ckFile, files[ckFile], &rawCKs); err != nil {
		return nil, err
	}
	for _, k := range sortedKeys(rawCKs) {
		c := rawCKs[k]
		switch {
		case c.Key == nil:
			return nil, missing(ckFile, k, "key")
		case c.Type == nil:
			return nil, missing(ckFile, k, "type")
		case c.Description == nil:
			return nil, missing(ckFile, k, "description")
		}
		t, err := iamdb.ParseKeyType(*c.Type)
		if err != nil {
			return nil, fmt.Errorf("%s: %s: %w", ckFile, k, err)
		}
		s.ConditionKeys = append(s.ConditionKeys, &iamdb.ConditionKey{Name: *c.Key, Type: t, Description: *c.Description})
	}

	acFile := "data/actions/" + prefix + ".json"
	var rawActs map[string]rawAction
	if err := decodeStrict(acFile, files[acFile], &rawActs); err != nil {
		return nil, err
	}
	var oldActs map[string]rawAction
	if raw, ok := old[acFile]; ok {
		if err := decodeStrict("legacy "+acFile, raw, &oldActs); err != nil {
			return nil, err
		}
	}
	for _, k := range sortedKeys(rawActs) {
		a, err := action(acFile, k, rawActs[k], rts)
		if err != nil {
			return nil, err
		}
		if o, ok := oldActs[k]; ok {
			addLegacyDependents(a, o)
		}
		s.Actions = append(s.Actions, a)
	}
	return s, nil
}

func action(file, k string, r rawAction, rts map[string]*iamdb.ResourceType) (*iamdb.Action, error) {
	for field, v := range map[string]bool{"name": r.Name == nil, "description": r.Description == nil,
		"accessLevel": r.AccessLevel == nil, "resourceTypes": r.ResourceTypes == nil,
		"conditionKeys": r.ConditionKeys == nil, "dependentActions": r.DependentActions == nil} {
		if v {
			return nil, missing(file, k, field)
		}
	}
	if strings.ToLower(*r.Name) != k {
		return nil, fmt.Errorf("%s: key %q does not match name %q", file, k, *r.Name)
	}
	access, err := iamdb.ParseAccessLevel(*r.AccessLevel)
	if err != nil {
		return nil, fmt.Errorf("%s: %s: %w", file, k, err)
	}
	a := &iamdb.Action{Name: *r.Name, Description: *r.Description, Access: access, ConditionKeys: *r.ConditionKeys}
	if len(*r.DependentActions) > 0 {
		return nil, fmt.Errorf("%s: %s: dependentActions present; the pinned version is expected to have none (update the generator)", file, k)
	}
	for i, rr := range *r.ResourceTypes {
		what := fmt.Sprintf("%s resourceTypes[%d]", k, i)
		switch {
		case rr.Name == nil:
			return nil, missing(file, what, "name")
		case rr.Required == nil:
			return nil, missing(file, what, "required")
		case rr.ConditionKeys == nil:
			return nil, missing(file, what, "conditionKeys")
		}
		rt, ok := rts[strings.ToLower(*rr.Name)]
		if !ok {
			return nil, fmt.Errorf("%s: %s: unknown resource type %q", file, what, *rr.Name)
		}
		a.Resources = append(a.Resources, iamdb.ActionResource{Type: rt, Required: *rr.Required, ConditionKeys: *rr.ConditionKeys})
	}
	return a, nil
}

// addLegacyDependents copies the dependent actions of the legacy version of
// the same action (action level and per resource type) onto a.
func addLegacyDependents(a *iamdb.Action, o rawAction) {
	var all []string
	if o.DependentActions != nil {
		all = append(all, *o.DependentActions...)
	}
	if o.ResourceTypes != nil {
		for _, orr := range *o.ResourceTypes {
			if orr.Name == nil || orr.DependentActions == nil || len(*orr.DependentActions) == 0 {
				continue
			}
			all = append(all, *orr.DependentActions...)
			for i := range a.Resources {
				if strings.EqualFold(a.Resources[i].Type.Name, *orr.Name) {
					a.Resources[i].DependentActions = sortedUnique(*orr.DependentActions)
				}
			}
		}
	}
	if len(all) > 0 {
		a.DependentActions, a.DependentLegacy = sortedUnique(all), true
	}
}

func globalKeys(path string) ([]*iamdb.ConditionKey, error) {
	var raw rawGlobalKeys
	if err := readInput(path, &raw); err != nil {
		return nil, err
	}
	var out []*iamdb.ConditionKey
	for _, k := range raw.Keys {
		t, err := iamdb.ParseKeyType(k.Type)
		if err != nil {
			return nil, fmt.Errorf("%s: %s: %w", path, k.Name, err)
		}
		if k.Name == "" || k.Category == "" {
			return nil, fmt.Errorf("%s: key %q: name and category are required", path, k.Name)
		}
		out = append(out, &iamdb.ConditionKey{Name: k.Name, Type: t, Category: k.Category, ListedOnly: k.ListedOnly})
	}
	return out, nil
}

func keyPrefixes(files map[string][]byte, prefixes map[string]bool) ([]iamdb.KeyPrefix, error) {
	var raw map[string][]string
	if err := decodeStrict("data/unassociatedConditions.json", files["data/unassociatedConditions.json"], &raw); err != nil {
		return nil, err
	}
	var out []iamdb.KeyPrefix
	for _, k := range sortedKeys(raw) {
		for _, p := range raw[k] {
			if !prefixes[p] {
				return nil, fmt.Errorf("data/unassociatedConditions.json: %s: unknown service %q", k, p)
			}
		}
		out = append(out, iamdb.KeyPrefix{Prefix: k, Services: sortedUnique(raw[k])})
	}
	return out, nil
}

// verify cross-checks the built database: every variable-key template the
// package lists resolves, every key prefix and CloudTrail rule points at
// something that exists.
func verify(db *iamdb.DB, files map[string][]byte, ct rawCloudTrail) error {
	var patterns map[string]map[string]string
	if err := decodeStrict("data/conditionPatterns.json", files["data/conditionPatterns.json"], &patterns); err != nil {
		return err
	}
	for _, svc := range sortedKeys(patterns) {
		for _, re := range sortedKeys(patterns[svc]) {
			tmpl := patterns[svc][re]
			k, ok := db.ConditionKey(tmpl)
			if !ok || !k.IsPattern() {
				return fmt.Errorf("data/conditionPatterns.json: template %q is not a known variable key", tmpl)
			}
		}
	}
	for _, s := range db.Services() {
		if ps := db.KeyPrefixServices(s.Prefix); ps != nil {
			return fmt.Errorf("data/unassociatedConditions.json: %q is a service prefix", s.Prefix)
		}
	}
	for _, s := range ct.Sources {
		if _, ok := db.Service(s.Prefix); !ok {
			return fmt.Errorf("cloudtrail.json: source %s: unknown prefix %q", s.Source, s.Prefix)
		}
	}
	for _, r := range ct.Rules {
		if _, ok := db.Service(r.Prefix); !ok {
			return fmt.Errorf("cloudtrail.json: rule %s:%s: unknown prefix", r.Prefix, r.Event)
		}
		if (r.Kind == iamdb.EventNoAction) != (len(r.Actions) == 0) {
			return fmt.Errorf("cloudtrail.json: rule %s:%s: actions must be empty exactly for kind 2 (no IAM action)", r.Prefix, r.Event)
		}
		for _, a := range r.Actions {
			got, ok := db.Action(a)
			if !ok || got.FullName() != a {
				return fmt.Errorf("cloudtrail.json: rule %s:%s: unknown action %q (spell it as the database does)", r.Prefix, r.Event, a)
			}
		}
	}
	return nil
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func sortedUnique(list []string) []string {
	out := slices.Clone(list)
	slices.Sort(out)
	return slices.Compact(out)
}

// splitARNs splits the package's arn field: a few resource types (13 in
// 0.21) list several formats joined by ", ".
func splitARNs(field string) ([]string, error) {
	parts := strings.Split(field, ", ")
	for _, p := range parts {
		if !strings.HasPrefix(p, "arn:") || strings.ContainsAny(p, " ,") {
			return nil, fmt.Errorf("unexpected ARN format %q in %q", p, field)
		}
	}
	return parts, nil
}

// packageMeta reads package.json and checks that the tarball is the pinned
// version, dated, MIT-licensed and carries its licence text.
func packageMeta(p gentool.Package, files map[string][]byte) (struct{ Version, UpdatedAt, License string }, error) {
	var meta struct{ Version, UpdatedAt, License string }
	if err := json.Unmarshal(files["package.json"], &meta); err != nil {
		return meta, fmt.Errorf("%s@%s: package.json: %w", p.Name, p.Version, err)
	}
	switch {
	case meta.Version != p.Version:
		return meta, fmt.Errorf("%s@%s: package.json says version %q", p.Name, p.Version, meta.Version)
	case meta.UpdatedAt == "":
		return meta, fmt.Errorf("%s@%s: package.json has no updatedAt", p.Name, p.Version)
	case meta.License != "MIT":
		return meta, fmt.Errorf("%s@%s: licence %q, want MIT (review before redistributing)", p.Name, p.Version, meta.License)
	case len(files["LICENSE.txt"]) == 0:
		return meta, fmt.Errorf("%s@%s: LICENSE.txt missing", p.Name, p.Version)
	}
	return meta, nil
}

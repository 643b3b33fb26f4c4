package compliance

import (
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"sort"
	"strings"

	yaml "go.yaml.in/yaml/v3"

	"github.com/aegis-iam/aegis/backend/check"
)

//go:embed frameworks/*.yaml
var builtinFiles embed.FS

// Catalog is a set of frameworks: the built-in catalogues, possibly extended
// with a configuration's custom frameworks. It is immutable once built.
type Catalog struct {
	frameworks []*Framework          // canonical and custom frameworks, sorted by ID
	byID       map[string]*Framework // also edition views and framework aliases
}

// Framework is one version of a compliance framework and its controls. An
// edition view (Edition set) presents the controls of another framework in
// an older numbering, e.g. cis-aws-3.0 for the CIS benchmark whose current
// numbering is v7.0.0.
type Framework struct {
	ID          string     `json:"id"`
	Name        string     `json:"name"`
	Version     string     `json:"version"`
	Description string     `json:"description,omitempty"`
	URL         string     `json:"url,omitempty"`
	Custom      bool       `json:"custom,omitempty"`  // declared in a configuration file
	Aliases     []string   `json:"aliases,omitempty"` // other IDs for this exact numbering
	Edition     string     `json:"edition,omitempty"` // for an edition view: the framework it renumbers
	Editions    []Edition  `json:"editions,omitempty"`
	Controls    []*Control `json:"controls"`

	all   []*Control // every control definition, including those only in older editions
	byID  map[string]*Control
	pos   Pos    // where the definition starts, for configuration errors
	field string // its path in the file
}

// Edition is an older numbering of a framework's controls.
type Edition struct {
	ID      string `json:"id"`
	Version string `json:"version"`
}

// Control is one control of a framework.
type Control struct {
	ID      string `json:"id"`
	Title   string `json:"title"`
	Summary string `json:"summary,omitempty"`
	Section string `json:"section,omitempty"`
	// Checks maps the control to check IDs (AEG-…, CUSTOM-…) or ID prefixes
	// ending in "*". Built-in rules normally declare their controls instead
	// (check.Rule.Controls); Checks serves custom frameworks and catalogue
	// mappings by rule group (SOX).
	Checks []string `json:"checks,omitempty"`
	// Aliases are the same control's IDs in the framework's other editions.
	Aliases []check.Control `json:"aliases,omitempty"`

	origin   *Control          // the definition shared by every edition's copy
	editions map[string]string // edition ID → control ID, on definitions only
}

// Frameworks returns the canonical and custom frameworks sorted by ID.
// Edition views are reached through Framework.Editions and Catalog.Framework.
func (c *Catalog) Frameworks() []*Framework { return append([]*Framework(nil), c.frameworks...) }

// Framework looks a framework up by ID, framework alias or edition ID.
func (c *Catalog) Framework(id string) (*Framework, bool) {
	f, ok := c.byID[id]
	return f, ok
}

// Control looks a control up by its ID in this framework's numbering.
// Through an edition view (Catalog.Framework("cis-aws-3.0")) the edition's
// IDs resolve to the same controls as the current numbering.
func (f *Framework) Control(id string) (*Control, bool) {
	c, ok := f.byID[id]
	return c, ok
}

// Builtin parses the embedded catalogues. Each call returns a fresh Catalog.
func Builtin() (*Catalog, error) {
	names, err := fs.Glob(builtinFiles, "frameworks/*.yaml")
	if err != nil {
		return nil, fmt.Errorf("list built-in catalogues: %w", err)
	}
	sort.Strings(names)
	var fws []*Framework
	var errs ErrorList
	for _, name := range names {
		src, err := builtinFiles.ReadFile(name)
		if err != nil {
			return nil, fmt.Errorf("read built-in catalogue %s: %w", name, err)
		}
		d := &decoder{file: path.Join("backend/compliance", name)}
		if root := d.parse(src); root != nil {
			if fw := d.framework(root, "", false); fw != nil {
				fws = append(fws, fw)
			}
		} else if len(d.errs) == 0 {
			d.errs.add(d.file, Pos{}, "", "empty catalogue")
		}
		errs = append(errs, d.errs...)
	}
	if err := errs.err(); err != nil {
		return nil, fmt.Errorf("built-in catalogue: %w", err)
	}
	var empty *Catalog
	return empty.Extend(fws...)
}

// Extend returns a new catalogue holding c's frameworks and fws (with their
// edition views); frameworks built in code get their controls indexed. It
// fails when an ID or alias is taken twice. A nil catalogue extends as an
// empty one.
func (c *Catalog) Extend(fws ...*Framework) (*Catalog, error) {
	if c == nil {
		c = &Catalog{}
	}
	out := &Catalog{
		frameworks: append([]*Framework(nil), c.frameworks...),
		byID:       make(map[string]*Framework, len(c.byID)+len(fws)),
	}
	for id, f := range c.byID {
		out.byID[id] = f
	}
	var errs []error
	claim := func(id string, f *Framework) {
		if prev, taken := out.byID[id]; taken {
			errs = append(errs, fmt.Errorf("framework ID %q is used by both %s and %s", id, prev.ID, f.ID))
			return
		}
		out.byID[id] = f
	}
	for _, f := range fws {
		if f.byID == nil { // built in code rather than decoded from a file
			f.byID = make(map[string]*Control, len(f.Controls))
			for _, ctl := range f.Controls {
				f.byID[ctl.ID] = ctl
			}
		}
		claim(f.ID, f)
		for _, a := range f.Aliases {
			claim(a, f)
		}
		for _, v := range f.views() {
			claim(v.ID, v)
		}
		out.frameworks = append(out.frameworks, f)
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("extend catalogue: %w", errors.Join(errs...))
	}
	sort.Slice(out.frameworks, func(i, j int) bool { return out.frameworks[i].ID < out.frameworks[j].ID })
	return out, nil
}

// views builds the edition views of a canonical framework: each holds a copy
// of every control that has an ID in that edition, renumbered and sorted in
// the edition's natural order.
func (f *Framework) views() []*Framework {
	var out []*Framework
	for _, e := range f.Editions {
		v := &Framework{
			ID: e.ID, Name: f.Name, Version: e.Version, Description: f.Description, URL: f.URL,
			Custom: f.Custom, Edition: f.ID, byID: map[string]*Control{},
		}
		for _, def := range f.all {
			id, ok := def.editions[e.ID]
			if !ok {
				continue
			}
			cp := *def
			cp.ID = id
			cp.Aliases = def.aliasesExcept(f.ID, e.ID)
			cp.editions = nil
			v.Controls = append(v.Controls, &cp)
			v.byID[id] = &cp
		}
		sort.SliceStable(v.Controls, func(i, j int) bool { return naturalLess(v.Controls[i].ID, v.Controls[j].ID) })
		out = append(out, v)
	}
	return out
}

// aliasesExcept lists the definition's IDs in every numbering of framework
// fw but the edition `self` (fw itself for the canonical numbering).
func (def *Control) aliasesExcept(fw, self string) []check.Control {
	var out []check.Control
	if def.ID != "" && self != fw {
		out = append(out, check.Control{Framework: fw, ID: def.ID})
	}
	eds := make([]string, 0, len(def.editions))
	for e := range def.editions {
		if e != self {
			eds = append(eds, e)
		}
	}
	sort.Strings(eds)
	for _, e := range eds {
		out = append(out, check.Control{Framework: e, ID: def.editions[e]})
	}
	return out
}

// resolve finds the definition a rule's control mapping names, in any
// framework, alias or edition.
func (c *Catalog) resolve(ctl check.Control) (*Control, bool) {
	f, ok := c.byID[ctl.Framework]
	if !ok {
		return nil, false
	}
	x, ok := f.byID[ctl.ID]
	if !ok {
		return nil, false
	}
	return x.definition(), true
}

// definition returns the definition a control renumbers (itself for a
// control built outside a catalogue file).
func (c *Control) definition() *Control {
	if c.origin != nil {
		return c.origin
	}
	return c
}

// MappingError is one invalid control mapping of a rule.
type MappingError struct {
	Rule    string
	Control check.Control
	Reason  string
}

func (e *MappingError) Error() string {
	return fmt.Sprintf("rule %s maps %s %q: %s", e.Rule, e.Control.Framework, e.Control.ID, e.Reason)
}

// Validate checks rules against the catalogue: every control a rule maps
// must exist, no rule may map one control twice (directly or through two
// editions), and no mapping may be declared both by the rule and by the
// control's Checks. Rule tests call it with the built-in catalogue. The
// error joins one *MappingError per problem.
func (c *Catalog) Validate(rules []*check.Rule) error {
	var errs []error
	bad := func(r *check.Rule, ctl check.Control, format string, args ...any) {
		errs = append(errs, &MappingError{Rule: r.ID, Control: ctl, Reason: fmt.Sprintf(format, args...)})
	}
	for _, r := range rules {
		seen := map[*Control]check.Control{}
		for _, ctl := range r.Controls {
			def, ok := c.resolve(ctl)
			switch {
			case !ok && c.byID[ctl.Framework] == nil:
				bad(r, ctl, "unknown framework")
			case !ok:
				bad(r, ctl, "no such control in the catalogue")
			case seen[def] != (check.Control{}):
				bad(r, ctl, "the same control is already mapped as %s %q", seen[def].Framework, seen[def].ID)
			default:
				seen[def] = ctl
				if p, dup := matchAny(def.Checks, r.ID); dup {
					bad(r, ctl, "the catalogue already maps the control to this rule through %q; keep one", p)
				}
			}
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("compliance mappings: %w", errors.Join(errs...))
	}
	return nil
}

// matchAny returns the first pattern of patterns that matches check ID id.
func matchAny(patterns []string, id string) (string, bool) {
	for _, p := range patterns {
		if matchCheck(p, id) {
			return p, true
		}
	}
	return "", false
}

// matchCheck matches a check ID against an exact ID or an ID prefix ending
// in "*".
func matchCheck(pattern, id string) bool {
	if prefix, ok := strings.CutSuffix(pattern, "*"); ok {
		return strings.HasPrefix(id, prefix)
	}
	return pattern == id
}

var (
	// ruleIDRE and customIDRE are the forms of built-in and custom check IDs.
	ruleIDRE   = regexp.MustCompile(`^AEG-[A-Z]+-[0-9]{3}$`)
	customIDRE = regexp.MustCompile(`^CUSTOM-[A-Z0-9]+(?:-[A-Z0-9]+)*$`)
	// checkPatternRE is an ID prefix ending in "*".
	checkPatternRE = regexp.MustCompile(`^(?:AEG|CUSTOM)-[A-Z0-9-]*\*$`)
	frameworkIDRE  = regexp.MustCompile(`^[a-z0-9]+(?:[.-][a-z0-9]+)*$`)
)

// validCheckRef reports whether s is a check ID or an ID prefix pattern.
func validCheckRef(s string) bool {
	return ruleIDRE.MatchString(s) || customIDRE.MatchString(s) || checkPatternRE.MatchString(s)
}

// framework decodes one framework definition (a catalogue file, or an entry
// of customFrameworks) at field path `field`.
func (d *decoder) framework(n *yaml.Node, field string, custom bool) *Framework {
	m := d.mapping(n, field, "id", "name", "version", "description", "url", "aliases", "editions", "controls")
	if m == nil {
		return nil
	}
	before := len(d.errs)
	f := &Framework{Custom: custom, byID: map[string]*Control{}, pos: posOf(n), field: field}
	var idPos Pos
	f.ID, idPos = d.required(n, m, field, "id")
	if f.ID != "" && !frameworkIDRE.MatchString(f.ID) {
		d.errs.add(d.file, idPos, join(field, "id"), "%q is not a framework ID (lower-case letters, digits, dots and dashes)", f.ID)
	}
	f.Name, _ = d.required(n, m, field, "name")
	f.Version, _ = d.required(n, m, field, "version")
	f.Description, _ = d.field(m, field, "description")
	f.URL, _ = d.field(m, field, "url")
	if e, ok := m["aliases"]; ok {
		for _, it := range d.stringList(e.value, join(field, "aliases")) {
			if !frameworkIDRE.MatchString(it.Value) {
				d.errs.add(d.file, it.Pos, it.Field, "%q is not a framework ID", it.Value)
				continue
			}
			f.Aliases = append(f.Aliases, it.Value)
		}
	}
	editions := map[string]bool{}
	if e, ok := m["editions"]; ok {
		for i, en := range d.list(e.value, join(field, "editions")) {
			ef := fmt.Sprintf("%s[%d]", join(field, "editions"), i)
			em := d.mapping(en, ef, "id", "version")
			if em == nil {
				continue
			}
			id, pos := d.required(en, em, ef, "id")
			version, _ := d.required(en, em, ef, "version")
			switch {
			case id == "":
			case !frameworkIDRE.MatchString(id):
				d.errs.add(d.file, pos, join(ef, "id"), "%q is not a framework ID", id)
			case editions[id] || id == f.ID:
				d.errs.add(d.file, pos, join(ef, "id"), "edition %q is declared twice", id)
			default:
				editions[id] = true
				f.Editions = append(f.Editions, Edition{ID: id, Version: version})
			}
		}
	}
	cf := join(field, "controls")
	ce, ok := m["controls"]
	if !ok {
		d.errorf(n, cf, "required field is missing")
		return nil
	}
	items := d.list(ce.value, cf)
	if len(items) == 0 && ce.value.Kind == yaml.SequenceNode {
		d.errorf(ce.value, cf, "a framework needs at least one control")
	}
	seen := map[string]map[string]int{} // numbering → control ID → line
	note := func(numbering, id string, pos Pos, fieldPath string) {
		if seen[numbering] == nil {
			seen[numbering] = map[string]int{}
		}
		if line, dup := seen[numbering][id]; dup {
			d.errs.add(d.file, pos, fieldPath, "control %q is declared twice in %s (first at line %d)", id, numbering, line)
			return
		}
		seen[numbering][id] = pos.Line
	}
	for i, cn := range items {
		ctl := d.control(cn, fmt.Sprintf("%s[%d]", cf, i), editions)
		if ctl == nil {
			continue
		}
		if ctl.ID != "" {
			note(f.ID, ctl.ID, posOf(cn), fmt.Sprintf("%s[%d].id", cf, i))
		}
		for _, e := range sorted(keys(ctl.editions)) {
			note(e, ctl.editions[e], posOf(cn), fmt.Sprintf("%s[%d].editions.%s", cf, i, e))
		}
		f.all = append(f.all, ctl)
	}
	if len(d.errs) > before {
		return nil
	}
	for _, def := range f.all {
		if def.ID == "" {
			continue
		}
		def.Aliases = def.aliasesExcept(f.ID, f.ID)
		f.Controls = append(f.Controls, def)
		f.byID[def.ID] = def
	}
	return f
}

// control decodes one control definition.
func (d *decoder) control(n *yaml.Node, field string, editions map[string]bool) *Control {
	m := d.mapping(n, field, "id", "title", "summary", "section", "checks", "editions")
	if m == nil {
		return nil
	}
	c := &Control{}
	c.origin = c
	c.ID, _ = d.field(m, field, "id")
	c.Title, _ = d.required(n, m, field, "title")
	c.Summary, _ = d.field(m, field, "summary")
	c.Section, _ = d.field(m, field, "section")
	if e, ok := m["checks"]; ok {
		for _, it := range d.stringList(e.value, join(field, "checks")) {
			if !validCheckRef(it.Value) {
				d.errs.add(d.file, it.Pos, it.Field, "%q is not a check ID (AEG-GROUP-NNN or CUSTOM-NAME) or an ID prefix ending in *", it.Value)
				continue
			}
			c.Checks = append(c.Checks, it.Value)
			kind := refCheck
			if strings.HasSuffix(it.Value, "*") {
				kind = refPattern
			}
			d.refs = append(d.refs, ref{kind, it.Value, it.Pos, it.Field})
		}
	}
	if e, ok := m["editions"]; ok {
		ef := join(field, "editions")
		c.editions = map[string]string{}
		for _, p := range d.pairs(e.value, ef) {
			pf := join(ef, p.key.Value)
			if !editions[p.key.Value] {
				d.errorf(p.key, pf, "unknown edition (declare it under the framework's editions)")
				continue
			}
			if id, ok := d.scalar(p.value, pf); ok {
				c.editions[p.key.Value] = id
			}
		}
	}
	if _, ok := m["id"]; !ok && len(c.editions) == 0 {
		d.errorf(n, join(field, "id"), "required field is missing (only a control kept for older editions may omit it)")
	}
	return c
}

func keys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

// naturalLess orders control IDs with digit runs compared as numbers, so
// 1.2 < 1.10 and AC-2 < AC-10.
func naturalLess(a, b string) bool {
	for a != "" && b != "" {
		ca, ra := chunk(a)
		cb, rb := chunk(b)
		if ca != cb {
			da, db := isDigits(ca), isDigits(cb)
			switch {
			case da && db:
				ta, tb := strings.TrimLeft(ca, "0"), strings.TrimLeft(cb, "0")
				if len(ta) != len(tb) {
					return len(ta) < len(tb)
				}
				if ta != tb {
					return ta < tb
				}
			default:
				return ca < cb
			}
		}
		a, b = ra, rb
	}
	return len(a) < len(b)
}

// chunk splits off the leading run of digits or of non-digits.
func chunk(s string) (string, string) {
	digit := isDigit(s[0])
	i := 1
	for i < len(s) && isDigit(s[i]) == digit {
		i++
	}
	return s[:i], s[i:]
}

func isDigits(s string) bool { return s != "" && isDigit(s[0]) }

func isDigit(b byte) bool { return '0' <= b && b <= '9' }

package compliance

import (
	"fmt"
	"regexp"
	"strings"
	"time"

	yaml "go.yaml.in/yaml/v3"

	"github.com/aegis-iam/aegis/backend/check"
)

// ConfigVersion is the only `version:` a configuration file may declare.
const ConfigVersion = "1"

// Config is a parsed `.aegis.yaml` (see docs/config.md). LoadConfig checks
// its shape; Config.Check checks its references against a rule registry and
// a catalogue. The zero and nil Configs change nothing.
type Config struct {
	File string
	// Frameworks lists the frameworks to report (IDs, aliases or editions);
	// empty means every framework.
	Frameworks []string
	// CustomFrameworks are the configuration's own frameworks, with their
	// controls mapped to checks through Control.Checks. Add them to a
	// catalogue with Catalog.Extend.
	CustomFrameworks  []*Framework
	SeverityOverrides map[string]check.Severity
	Disable           []string
	CustomChecks      []CustomCheck
	Guardrails        []Guardrail
	// Sensitive are the organisation's sensitive resources, which
	// AEG-EXP-007 reports every policy reaching.
	Sensitive     []*check.SensitiveResource
	AcceptedRisks []AcceptedRisk

	refs  []ref         // references to checks, frameworks and controls, for Check
	rules []*check.Rule // the custom checks and guardrails, compiled
}

// Rules returns the rules the configuration adds to a run: its custom
// checks, compiled and type-checked when the file was loaded, and its
// guardrails, in file order. Add them to the registry with the built-in
// rules.
func (c *Config) Rules() []*check.Rule {
	if c == nil {
		return nil
	}
	return c.rules
}

// CustomCheck is a check written as a CEL expression over the documented
// policy model. backend/check compiles and runs it.
type CustomCheck struct {
	ID          string
	Title       string
	Severity    check.Severity
	Category    check.Category
	Description string
	Remediation string
	Message     string          // the finding's message; empty: one naming the statement
	Controls    []check.Control // built-in or custom framework controls the check supports
	Expression  string
	// Field is the entry's path (customChecks[N]) and ExpressionPos where
	// the expression's value starts (for a block scalar, the line of its
	// `|` or `>` indicator), so compile errors can be positioned.
	Field         string
	ExpressionPos Pos
}

// Guardrail is a "this policy must never allow" list: a finding when any
// listed action is allowed on any listed resource, decided by the evaluator
// in backend/check (like Access Analyzer's CheckAccessNotGranted).
type Guardrail struct {
	Name        string // lower-case letters, digits and dashes; unique in the file
	Description string
	Actions     []string // service:action patterns, or "*"
	Resources   []string // ARN patterns, or "*"; ["*"] when the file names none
	Severity    check.Severity
	Category    check.Category // resource-exposure when the file names none
	Controls    []check.Control
	Field       string
	Pos         Pos
}

// CheckID is the ID of the guardrail's findings: CUSTOM-GUARDRAIL-NAME.
func (g Guardrail) CheckID() string { return check.GuardrailID(g.Name) }

// AcceptedRisk suppresses one finding, identified by its check ID and the
// fingerprint of its statement (stable across reformatting), until the end
// of the Expires day (UTC).
type AcceptedRisk struct {
	Check       string
	Fingerprint string
	Owner       string
	Reason      string
	Expires     time.Time // midnight UTC of the last day the acceptance holds
	Field       string
	Pos         Pos
}

// Expired reports whether the acceptance no longer holds at now: it holds
// through the whole of its Expires day, in UTC.
func (r AcceptedRisk) Expired(now time.Time) bool {
	return !now.UTC().Before(r.Expires.AddDate(0, 0, 1))
}

// refKind says what a recorded reference names.
type refKind uint8

const (
	refCheck     refKind = iota // an exact check ID
	refPattern                  // a check ID prefix ending in *
	refFramework                // a framework ID
	refControl                  // a framework control, value "framework\x00id"
)

// ref is a name the file uses that must exist elsewhere.
type ref struct {
	kind  refKind
	value string
	pos   Pos
	field string
}

const dateLayout = "2006-01-02"

var (
	fingerprintRE   = regexp.MustCompile(`^[0-9a-f]{8,64}$`)
	guardrailNameRE = regexp.MustCompile(`^[a-z0-9]+(?:-[a-z0-9]+)*$`)
	actionPatternRE = regexp.MustCompile(`^(?:\*|[a-zA-Z0-9*?-]+:[a-zA-Z0-9*?]+)$`)
	arnPatternRE    = regexp.MustCompile(`^(?:\*|arn:[^:]*:[^:]*:[^:]*:[^:]*:.+)$`)
)

// LoadConfig parses a configuration file. path is used only in messages.
// Every problem is reported, as an ErrorList of `file:line:col: field:
// what is wrong` errors: unknown fields, wrong types, missing required
// fields, malformed IDs, unknown severities and categories, bad dates and
// duplicates.
func LoadConfig(path string, src []byte) (*Config, error) {
	d := &decoder{file: path, lines: strings.Split(string(src), "\n")}
	c := &Config{File: path}
	if root := d.parse(src); root != nil {
		c.decode(d, root)
	}
	if err := d.errs.err(); err != nil {
		return nil, err
	}
	c.refs = d.refs
	return c, nil
}

func (c *Config) decode(d *decoder, root *yaml.Node) {
	m := d.mapping(root, "", "version", "frameworks", "customFrameworks", "severityOverrides", "disable",
		"customChecks", "guardrails", "sensitiveResources", "acceptedRisks")
	if m == nil {
		return
	}
	if v, pos := d.field(m, "", "version"); v != "" && v != ConfigVersion {
		d.errs.add(d.file, pos, "version", "unsupported configuration version %q (want %s)", v, ConfigVersion)
	}
	if e, ok := m["frameworks"]; ok {
		for _, it := range d.stringList(e.value, "frameworks") {
			if !frameworkIDRE.MatchString(it.Value) {
				d.errs.add(d.file, it.Pos, it.Field, "%q is not a framework ID", it.Value)
				continue
			}
			c.Frameworks = append(c.Frameworks, it.Value)
			d.refs = append(d.refs, ref{refFramework, it.Value, it.Pos, it.Field})
		}
	}
	if e, ok := m["customFrameworks"]; ok {
		c.decodeFrameworks(d, e.value)
	}
	if e, ok := m["severityOverrides"]; ok {
		c.SeverityOverrides = map[string]check.Severity{}
		for _, p := range d.pairs(e.value, "severityOverrides") {
			f := join("severityOverrides", p.key.Value)
			id, okID := c.checkID(d, p.key.Value, posOf(p.key), f)
			sev, okSev := d.severity(p.value, f)
			if okID && okSev {
				c.SeverityOverrides[id] = sev
			}
		}
	}
	if e, ok := m["disable"]; ok {
		for _, it := range d.stringList(e.value, "disable") {
			if id, ok := c.checkID(d, it.Value, it.Pos, it.Field); ok {
				c.Disable = append(c.Disable, id)
			}
		}
	}
	if e, ok := m["customChecks"]; ok {
		c.decodeCustomChecks(d, e.value)
	}
	if e, ok := m["guardrails"]; ok {
		c.decodeGuardrails(d, e.value)
	}
	if e, ok := m["sensitiveResources"]; ok {
		c.decodeSensitive(d, e.value)
	}
	if e, ok := m["acceptedRisks"]; ok {
		c.decodeAcceptedRisks(d, e.value)
	}
}

// decodeSensitive reads the sensitive resources: a name, the actions that
// matter and the ARN patterns (Parliament's SENSITIVE_ACCESS).
func (c *Config) decodeSensitive(d *decoder, n *yaml.Node) {
	seen := map[string]int{}
	for i, sn := range d.list(n, "sensitiveResources") {
		field := fmt.Sprintf("sensitiveResources[%d]", i)
		m := d.mapping(sn, field, "name", "actions", "resources")
		if m == nil {
			continue
		}
		before := len(d.errs)
		name, namePos := d.required(sn, m, field, "name")
		if line, dup := seen[name]; name != "" {
			switch {
			case !guardrailNameRE.MatchString(name):
				d.errs.add(d.file, namePos, join(field, "name"), "%q is not a sensitive-resource name (lower-case letters, digits and dashes, e.g. prod-customer-data)", name)
			case dup:
				d.errs.add(d.file, namePos, join(field, "name"), "sensitive resource %q is declared twice (first at line %d)", name, line)
			default:
				seen[name] = namePos.Line
			}
		}
		actions := d.patterns(sn, m, field, "actions", true, actionPatternRE, "an action (service:Action, wildcards allowed) or *")
		resources := d.patterns(sn, m, field, "resources", true, arnPatternRE, "an ARN (arn:partition:service:region:account:resource, wildcards allowed) or *")
		if len(d.errs) > before {
			continue
		}
		s, err := check.NewSensitiveResource(name, actions, resources)
		if err != nil {
			d.errorf(sn, field, "%v", err)
			continue
		}
		c.Sensitive = append(c.Sensitive, s)
	}
}

// SensitiveResources returns the configuration's sensitive resources
// (nil for no configuration), to be set on each check.Input.
func (c *Config) SensitiveResources() []*check.SensitiveResource {
	if c == nil {
		return nil
	}
	return c.Sensitive
}

// checkID validates the form of a check ID and records it for Check.
func (c *Config) checkID(d *decoder, id string, pos Pos, field string) (string, bool) {
	if !ruleIDRE.MatchString(id) && !customIDRE.MatchString(id) {
		d.errs.add(d.file, pos, field, "%q is not a check ID (AEG-GROUP-NNN or CUSTOM-NAME)", id)
		return "", false
	}
	d.refs = append(d.refs, ref{refCheck, id, pos, field})
	return id, true
}

// severity reads a severity name.
func (d *decoder) severity(n *yaml.Node, field string) (check.Severity, bool) {
	s, ok := d.scalar(n, field)
	if !ok {
		return 0, false
	}
	sev, err := check.ParseSeverity(s)
	if err != nil {
		d.errorf(n, field, "%v", err)
		return 0, false
	}
	return sev, true
}

func (c *Config) decodeFrameworks(d *decoder, n *yaml.Node) {
	seen := map[string]int{}
	for i, fn := range d.list(n, "customFrameworks") {
		field := fmt.Sprintf("customFrameworks[%d]", i)
		f := d.framework(fn, field, true)
		if f == nil {
			continue
		}
		if line, dup := seen[f.ID]; dup {
			d.errorf(fn, join(field, "id"), "framework %q is declared twice (first at line %d)", f.ID, line)
			continue
		}
		seen[f.ID] = fn.Line
		c.CustomFrameworks = append(c.CustomFrameworks, f)
	}
}

func (c *Config) decodeCustomChecks(d *decoder, n *yaml.Node) {
	seen := map[string]int{}
	for i, cn := range d.list(n, "customChecks") {
		field := fmt.Sprintf("customChecks[%d]", i)
		m := d.mapping(cn, field, "id", "title", "severity", "category", "description", "remediation", "message", "controls", "expression")
		if m == nil {
			continue
		}
		before := len(d.errs)
		cc := CustomCheck{Field: field}
		var idPos Pos
		cc.ID, idPos = d.required(cn, m, field, "id")
		if cc.ID != "" {
			if !customIDRE.MatchString(cc.ID) {
				d.errs.add(d.file, idPos, join(field, "id"), "%q is not a custom check ID (CUSTOM- then upper-case letters, digits and dashes, e.g. CUSTOM-NO-PUBLIC-SQS)", cc.ID)
			} else if strings.HasPrefix(cc.ID, check.GuardrailID("")) {
				d.errs.add(d.file, idPos, join(field, "id"), "%q: IDs starting with %s are the guardrails'", cc.ID, check.GuardrailID(""))
			} else if line, dup := seen[cc.ID]; dup {
				d.errs.add(d.file, idPos, join(field, "id"), "custom check %q is declared twice (first at line %d)", cc.ID, line)
			} else {
				seen[cc.ID] = idPos.Line
			}
		}
		cc.Title, _ = d.required(cn, m, field, "title")
		if e, ok := m["severity"]; ok {
			cc.Severity, _ = d.severity(e.value, join(field, "severity"))
		} else {
			d.errorf(cn, join(field, "severity"), "required field is missing")
		}
		if cat, pos := d.required(cn, m, field, "category"); cat != "" {
			cc.Category, _ = d.category(cat, pos, join(field, "category"))
		}
		cc.Description, _ = d.required(cn, m, field, "description")
		cc.Remediation, _ = d.required(cn, m, field, "remediation")
		cc.Message, _ = d.field(m, field, "message")
		cc.Controls = d.controls(m, field)
		cc.Expression, cc.ExpressionPos = d.required(cn, m, field, "expression")
		if len(d.errs) > before {
			continue
		}
		rule, err := check.NewCustomRule(check.CustomCheck{ID: cc.ID, Title: cc.Title, Description: cc.Description, Remediation: cc.Remediation,
			Message: cc.Message, Severity: cc.Severity, Category: cc.Category, Controls: cc.Controls, Expression: cc.Expression})
		if err != nil {
			d.expressionErrors(m["expression"].value, join(field, "expression"), err)
			continue
		}
		c.CustomChecks = append(c.CustomChecks, cc)
		c.rules = append(c.rules, rule)
	}
}

func (c *Config) decodeGuardrails(d *decoder, n *yaml.Node) {
	seen := map[string]int{}
	for i, gn := range d.list(n, "guardrails") {
		field := fmt.Sprintf("guardrails[%d]", i)
		m := d.mapping(gn, field, "name", "description", "actions", "resources", "severity", "category", "controls")
		if m == nil {
			continue
		}
		before := len(d.errs)
		g := Guardrail{Field: field, Pos: posOf(gn), Severity: check.SeverityHigh, Category: check.CategoryResourceExposure}
		var namePos Pos
		g.Name, namePos = d.required(gn, m, field, "name")
		if line, dup := seen[g.Name]; g.Name != "" {
			switch {
			case !guardrailNameRE.MatchString(g.Name):
				d.errs.add(d.file, namePos, join(field, "name"), "%q is not a guardrail name (lower-case letters, digits and dashes, e.g. no-trail-tampering)", g.Name)
			case dup:
				d.errs.add(d.file, namePos, join(field, "name"), "guardrail %q is declared twice (first at line %d)", g.Name, line)
			default:
				seen[g.Name] = namePos.Line
			}
		}
		g.Description, _ = d.field(m, field, "description")
		g.Actions = d.patterns(gn, m, field, "actions", true, actionPatternRE, "an action (service:Action, wildcards allowed) or *")
		g.Resources = d.patterns(gn, m, field, "resources", false, arnPatternRE, "an ARN (arn:partition:service:region:account:resource, wildcards allowed) or *")
		if len(g.Resources) == 0 {
			g.Resources = []string{"*"}
		}
		if e, ok := m["severity"]; ok {
			g.Severity, _ = d.severity(e.value, join(field, "severity"))
		}
		if cat, pos := d.field(m, field, "category"); cat != "" {
			g.Category, _ = d.category(cat, pos, join(field, "category"))
		}
		g.Controls = d.controls(m, field)
		if len(d.errs) > before {
			continue
		}
		rule, err := check.NewGuardrailRule(check.Guardrail{ID: g.CheckID(), Name: g.Name, Description: g.Description, Actions: g.Actions,
			Resources: g.Resources, Severity: g.Severity, Category: g.Category, Controls: g.Controls})
		if err != nil {
			d.errorf(gn, field, "%v", err)
			continue
		}
		c.Guardrails = append(c.Guardrails, g)
		c.rules = append(c.rules, rule)
	}
}

// category checks a category name against the vocabulary.
func (d *decoder) category(name string, pos Pos, field string) (check.Category, bool) {
	cat := check.Category(name)
	if !cat.Valid() {
		names := make([]string, len(check.Categories))
		for i, k := range check.Categories {
			names[i] = string(k)
		}
		d.errs.add(d.file, pos, field, "unknown category %q (want one of %s)", name, strings.Join(names, ", "))
		return "", false
	}
	return cat, true
}

// controls reads the optional list of framework controls m["controls"]:
// mappings {framework: ID, id: control ID}. Config.Check verifies that
// each exists.
func (d *decoder) controls(m map[string]entry, parent string) []check.Control {
	e, ok := m["controls"]
	if !ok {
		return nil
	}
	field := join(parent, "controls")
	var out []check.Control
	seen := map[check.Control]int{}
	for i, n := range d.list(e.value, field) {
		f := fmt.Sprintf("%s[%d]", field, i)
		cm := d.mapping(n, f, "framework", "id")
		if cm == nil {
			continue
		}
		fw, fwPos := d.required(n, cm, f, "framework")
		id, _ := d.required(n, cm, f, "id")
		if fw == "" || id == "" {
			continue
		}
		if !frameworkIDRE.MatchString(fw) {
			d.errs.add(d.file, fwPos, join(f, "framework"), "%q is not a framework ID", fw)
			continue
		}
		ctl := check.Control{Framework: fw, ID: id}
		if line, dup := seen[ctl]; dup {
			d.errorf(n, f, "control %s %s is listed twice (first at line %d)", fw, id, line)
			continue
		}
		seen[ctl] = n.Line
		out = append(out, ctl)
		d.refs = append(d.refs, ref{refControl, fw + "\x00" + id, posOf(n), f})
	}
	return out
}

// patterns reads a non-empty list of strings that must each match re.
func (d *decoder) patterns(n *yaml.Node, m map[string]entry, parent, name string, required bool, re *regexp.Regexp, want string) []string {
	field := join(parent, name)
	e, ok := m[name]
	if !ok {
		if required {
			d.errorf(n, field, "required field is missing")
		}
		return nil
	}
	items := d.stringList(e.value, field)
	if len(items) == 0 && e.value.Kind == yaml.SequenceNode {
		d.errorf(e.value, field, "must list at least one entry")
	}
	var out []string
	for _, it := range items {
		if !re.MatchString(it.Value) {
			d.errs.add(d.file, it.Pos, it.Field, "%q is not %s", it.Value, want)
			continue
		}
		out = append(out, it.Value)
	}
	return out
}

func (c *Config) decodeAcceptedRisks(d *decoder, n *yaml.Node) {
	seen := map[[2]string]int{}
	for i, an := range d.list(n, "acceptedRisks") {
		field := fmt.Sprintf("acceptedRisks[%d]", i)
		m := d.mapping(an, field, "check", "fingerprint", "owner", "reason", "expires")
		if m == nil {
			continue
		}
		before := len(d.errs)
		r := AcceptedRisk{Field: field, Pos: posOf(an)}
		if id, pos := d.required(an, m, field, "check"); id != "" {
			r.Check, _ = c.checkID(d, id, pos, join(field, "check"))
		}
		var fpPos Pos
		r.Fingerprint, fpPos = d.required(an, m, field, "fingerprint")
		if r.Fingerprint != "" && !fingerprintRE.MatchString(r.Fingerprint) {
			d.errs.add(d.file, fpPos, join(field, "fingerprint"), "%q is not a finding fingerprint (lower-case hex, as printed in reports)", r.Fingerprint)
		}
		r.Owner, _ = d.required(an, m, field, "owner")
		r.Reason, _ = d.required(an, m, field, "reason")
		if s, pos := d.required(an, m, field, "expires"); s != "" {
			t, err := time.Parse(dateLayout, s)
			if err != nil {
				d.errs.add(d.file, pos, join(field, "expires"), "%q is not a date in YYYY-MM-DD form", s)
			}
			r.Expires = t
		}
		if len(d.errs) > before {
			continue
		}
		key := [2]string{r.Check, r.Fingerprint}
		if line, dup := seen[key]; dup {
			d.errorf(an, field, "%s %s is already accepted at line %d", r.Check, r.Fingerprint, line)
			continue
		}
		seen[key] = an.Line
		c.AcceptedRisks = append(c.AcceptedRisks, r)
	}
}

// Check verifies the configuration's references: every check ID it names
// (disable, severityOverrides, acceptedRisks, custom framework mappings)
// must be a rule of reg or one of its custom checks, every ID prefix must
// match one, every framework it reports must be in cat or among its custom
// frameworks, and custom frameworks must not reuse catalogue IDs. A nil reg
// or cat skips the corresponding checks.
func (c *Config) Check(reg *check.Registry, cat *Catalog) error {
	if c == nil {
		return nil
	}
	var errs ErrorList
	known := map[string]bool{}
	if reg != nil {
		for _, r := range reg.Rules() {
			known[r.ID] = true
		}
	}
	for _, cc := range c.CustomChecks {
		known[cc.ID] = true
	}
	for _, g := range c.Guardrails {
		known[g.CheckID()] = true
	}
	ids := sorted(keys(known))
	own := map[string]string{} // framework ID, alias or edition → the custom framework claiming it
	for _, f := range c.CustomFrameworks {
		for _, id := range append(append([]string{f.ID}, f.Aliases...), editionIDs(f)...) {
			if prev, taken := own[id]; taken {
				errs.add(c.File, f.pos, f.field, "framework ID %q is already used by custom framework %s", id, prev)
				continue
			}
			own[id] = f.ID
			if cat == nil {
				continue
			}
			if prev, taken := cat.byID[id]; taken && prev != f { // cat may already be extended with f
				errs.add(c.File, f.pos, f.field, "framework ID %q is already used by the built-in %s", id, prev.ID)
			}
		}
	}
	for _, r := range c.refs {
		switch r.kind {
		case refCheck:
			if reg == nil && !strings.HasPrefix(r.value, "CUSTOM-") {
				continue
			}
			if !known[r.value] {
				errs.add(c.File, r.pos, r.field, "unknown check %q%s", r.value, suggestion(ids, r.value))
			}
		case refPattern:
			if reg == nil {
				continue
			}
			if !anyMatch(r.value, ids) {
				errs.add(c.File, r.pos, r.field, "%q matches no check", r.value)
			}
		case refFramework:
			if _, mine := own[r.value]; cat == nil || mine {
				continue
			}
			if _, ok := cat.byID[r.value]; !ok {
				errs.add(c.File, r.pos, r.field, "unknown framework %q (want one of %s)", r.value, strings.Join(frameworkIDs(cat, c), ", "))
			}
		case refControl:
			fw, id, _ := strings.Cut(r.value, "\x00")
			if cat == nil {
				continue
			}
			if _, ok := cat.byID[fw]; !ok {
				errs.add(c.File, r.pos, r.field, "unknown framework %q (want one of %s)", fw, strings.Join(frameworkIDs(cat, c), ", "))
			} else if _, ok := cat.resolve(check.Control{Framework: fw, ID: id}); !ok {
				errs.add(c.File, r.pos, r.field, "framework %s has no control %q", fw, id)
			}
		}
	}
	return errs.err()
}

func editionIDs(f *Framework) []string {
	out := make([]string, len(f.Editions))
	for i, e := range f.Editions {
		out[i] = e.ID
	}
	return out
}

func anyMatch(pattern string, ids []string) bool {
	for _, id := range ids {
		if matchCheck(pattern, id) {
			return true
		}
	}
	return false
}

// suggestion proposes a known ID that differs from id by one character, a
// common typo in AEG-WILD-003-style IDs.
func suggestion(ids []string, id string) string {
	for _, k := range ids {
		if len(k) == len(id) {
			diff := 0
			for i := range k {
				if k[i] != id[i] {
					diff++
				}
			}
			if diff == 1 {
				return fmt.Sprintf(" (did you mean %s?)", k)
			}
		}
	}
	return ""
}

// frameworkIDs lists the canonical framework IDs a file may report.
func frameworkIDs(cat *Catalog, c *Config) []string {
	var out []string
	for _, f := range cat.frameworks {
		out = append(out, f.ID)
	}
	for _, f := range c.CustomFrameworks {
		out = append(out, f.ID)
	}
	return sorted(out)
}

// Options returns the run options the configuration implies: its disabled
// checks and severity overrides.
func (c *Config) Options() check.Options {
	opts := check.Options{Disabled: map[string]bool{}, Overrides: map[string]check.Severity{}}
	if c == nil {
		return opts
	}
	for _, id := range c.Disable {
		opts.Disabled[id] = true
	}
	for id, sev := range c.SeverityOverrides {
		opts.Overrides[id] = sev
	}
	return opts
}

// Acceptance returns the accepted risk matching f's check ID and
// fingerprint, whether or not it has expired.
func (c *Config) Acceptance(f check.Finding) (AcceptedRisk, bool) {
	if c == nil {
		return AcceptedRisk{}, false
	}
	for _, r := range c.AcceptedRisks {
		if r.Check == f.RuleID && r.Fingerprint == f.Fingerprint {
			return r, true
		}
	}
	return AcceptedRisk{}, false
}

// Accepted reports whether f is an accepted risk at now. ok means the
// finding is suppressed; expired means an acceptance matched but its date
// has passed, so the finding counts again and the caller should say the
// acceptance expired.
func (c *Config) Accepted(f check.Finding, now time.Time) (ok bool, expired bool) {
	r, found := c.Acceptance(f)
	if !found {
		return false, false
	}
	if r.Expired(now) {
		return false, true
	}
	return true, false
}

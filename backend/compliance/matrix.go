package compliance

import (
	"slices"
	"sort"
	"strings"

	"github.com/aegis-iam/aegis/backend/check"
)

// Status is a control's outcome on one input.
type Status string

// The statuses, in report order.
const (
	// StatusFail: a check mapped to the control reported a finding.
	StatusFail Status = "FAIL"
	// StatusPass: at least one mapped check ran and none reported anything.
	StatusPass Status = "PASS"
	// StatusNotApplicable: checks map to the control, but none of them ran
	// on this input (they target another policy kind, account data, or were
	// disabled).
	StatusNotApplicable Status = "NOT-APPLICABLE"
	// StatusManual: no automated check maps to the control; a person has to
	// assess it.
	StatusManual Status = "MANUAL"
)

// Matrix is the per-framework, per-control outcome of one validation run.
type Matrix struct {
	Frameworks []FrameworkResult `json:"frameworks"`
	// Unknown lists requested framework IDs the catalogue does not hold;
	// callers validate user input with Catalog.Framework beforehand.
	Unknown []string `json:"unknown,omitempty"`
}

// FrameworkResult is one framework's column of the matrix.
type FrameworkResult struct {
	ID       string          `json:"id"`
	Name     string          `json:"name"`
	Version  string          `json:"version"`
	Edition  string          `json:"edition,omitempty"`
	Custom   bool            `json:"custom,omitempty"`
	Counts   Counts          `json:"counts"`
	Controls []ControlResult `json:"controls"`
}

// Counts is the number of controls in each status.
type Counts struct {
	Fail          int `json:"fail"`
	Pass          int `json:"pass"`
	NotApplicable int `json:"notApplicable"`
	Manual        int `json:"manual"`
}

// ControlResult is one control's outcome.
type ControlResult struct {
	ID      string `json:"id"`
	Title   string `json:"title"`
	Section string `json:"section,omitempty"`
	Status  Status `json:"status"`
	// Worst is the highest severity among Findings; set only for FAIL.
	Worst *check.Severity `json:"worstSeverity,omitempty"`
	// Checks are the check IDs mapped to the control; Ran those of them that
	// ran on the input. Both sorted.
	Checks   []string     `json:"checks,omitempty"`
	Ran      []string     `json:"ran,omitempty"`
	Findings []FindingRef `json:"findings,omitempty"`
}

// FindingRef points at a finding behind a FAIL.
type FindingRef struct {
	RuleID      string         `json:"id"`
	Severity    check.Severity `json:"severity"`
	Fingerprint string         `json:"fingerprint"`
	Location    check.Location `json:"location"`
}

// Evaluate computes the matrix for the frameworks named (IDs, aliases or
// editions such as cis-aws-3.0, in the order given; every framework of the
// catalogue, sorted by ID, when none is named). reg supplies the built-in
// rules' control mappings, ran the IDs of the checks that ran on the input
// (built-in and custom), and findings what they reported after accepted
// risks were removed. Controls are listed in catalogue order; the result is
// deterministic.
func Evaluate(cat *Catalog, frameworks []string, reg *check.Registry, ran map[string]bool, findings []check.Finding) Matrix {
	idx := newMappingIndex(cat, reg, ran, findings)
	var m Matrix
	for _, f := range cat.selectFrameworks(frameworks, &m.Unknown) {
		fr := FrameworkResult{ID: f.ID, Name: f.Name, Version: f.Version, Edition: f.Edition, Custom: f.Custom}
		for _, c := range f.Controls {
			cr := idx.evaluate(c)
			switch cr.Status {
			case StatusFail:
				fr.Counts.Fail++
			case StatusPass:
				fr.Counts.Pass++
			case StatusNotApplicable:
				fr.Counts.NotApplicable++
			case StatusManual:
				fr.Counts.Manual++
			}
			fr.Controls = append(fr.Controls, cr)
		}
		m.Frameworks = append(m.Frameworks, fr)
	}
	return m
}

// selectFrameworks resolves requested IDs, dropping duplicates and
// recording unknown ones.
func (c *Catalog) selectFrameworks(ids []string, unknown *[]string) []*Framework {
	if len(ids) == 0 {
		return c.frameworks
	}
	var out []*Framework
	seen := map[*Framework]bool{}
	for _, id := range ids {
		f, ok := c.byID[id]
		switch {
		case !ok:
			*unknown = append(*unknown, id)
		case !seen[f]:
			seen[f] = true
			out = append(out, f)
		}
	}
	return out
}

// mappingIndex holds one run's facts, indexed for per-control lookups.
type mappingIndex struct {
	byDef    map[*Control][]string // control definition → rules declaring it
	ids      []string              // every check ID known to the run, sorted
	ran      map[string]bool
	findings map[string][]check.Finding
	memo     map[*Control][]string // definition → mapped check IDs, shared by edition views
}

func newMappingIndex(cat *Catalog, reg *check.Registry, ran map[string]bool, findings []check.Finding) *mappingIndex {
	idx := &mappingIndex{byDef: map[*Control][]string{}, ran: ran, findings: map[string][]check.Finding{}, memo: map[*Control][]string{}}
	var ids []string
	if reg != nil {
		for _, r := range reg.Rules() {
			ids = append(ids, r.ID)
			for _, ctl := range r.Controls {
				if def, ok := cat.resolve(ctl); ok {
					idx.byDef[def] = append(idx.byDef[def], r.ID)
				}
			}
		}
	}
	for id, did := range ran {
		if did {
			ids = append(ids, id)
		}
	}
	for _, f := range findings {
		ids = append(ids, f.RuleID)
		idx.findings[f.RuleID] = append(idx.findings[f.RuleID], f)
	}
	slices.Sort(ids)
	idx.ids = slices.Compact(ids)
	return idx
}

// checksFor lists the check IDs mapped to a control definition: rules that
// declare it, and the control's own Checks (exact IDs count even when that
// check is unknown to this run; prefixes match every known ID).
func (idx *mappingIndex) checksFor(def *Control) []string {
	if ids, ok := idx.memo[def]; ok {
		return ids
	}
	ids := slices.Clone(idx.byDef[def])
	for _, p := range def.Checks {
		prefix, isPattern := strings.CutSuffix(p, "*")
		if !isPattern {
			ids = append(ids, p)
			continue
		}
		for _, id := range idx.ids {
			if strings.HasPrefix(id, prefix) {
				ids = append(ids, id)
			}
		}
	}
	slices.Sort(ids)
	ids = slices.Clip(slices.Compact(ids))
	idx.memo[def] = ids
	return ids
}

// evaluate decides one control.
func (idx *mappingIndex) evaluate(c *Control) ControlResult {
	cr := ControlResult{ID: c.ID, Title: c.Title, Section: c.Section}
	cr.Checks = idx.checksFor(c.definition())
	if len(cr.Checks) == 0 {
		cr.Checks = nil
		cr.Status = StatusManual
		return cr
	}
	var worst check.Severity
	for _, id := range cr.Checks {
		if idx.ran[id] || len(idx.findings[id]) > 0 {
			cr.Ran = append(cr.Ran, id)
		}
		for _, f := range idx.findings[id] {
			cr.Findings = append(cr.Findings, FindingRef{RuleID: f.RuleID, Severity: f.Severity, Fingerprint: f.Fingerprint, Location: f.Location})
			worst = max(worst, f.Severity)
		}
	}
	switch {
	case len(cr.Findings) > 0:
		cr.Status = StatusFail
		cr.Worst = &worst
		sort.SliceStable(cr.Findings, func(i, j int) bool { return findingRefLess(cr.Findings[i], cr.Findings[j]) })
	case len(cr.Ran) > 0:
		cr.Status = StatusPass
	default:
		cr.Status = StatusNotApplicable
	}
	return cr
}

// findingRefLess orders finding references by place, then worst first, then
// rule ID and fingerprint.
func findingRefLess(a, b FindingRef) bool {
	la, lb := a.Location, b.Location
	switch {
	case la.File != lb.File:
		return la.File < lb.File
	case la.Policy != lb.Policy:
		return la.Policy < lb.Policy
	case la.Offset != lb.Offset:
		return la.Offset < lb.Offset
	case a.Severity != b.Severity:
		return a.Severity > b.Severity
	case a.RuleID != b.RuleID:
		return a.RuleID < b.RuleID
	}
	return a.Fingerprint < b.Fingerprint
}

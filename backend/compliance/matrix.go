package compliance

import (
	"slices"
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
	findings map[string][]FindingRef // check ID → its findings, in report order
	memo     map[*Control][]string   // definition → mapped check IDs, shared by edition views
	failed   map[string]failed       // failing check IDs, space-separated → their findings
	sorted   []FindingRef            // every finding, in report order (compareRefs)
}

func newMappingIndex(cat *Catalog, reg *check.Registry, ran map[string]bool, findings []check.Finding) *mappingIndex {
	idx := &mappingIndex{byDef: map[*Control][]string{}, ran: ran, findings: map[string][]FindingRef{}, memo: map[*Control][]string{}, failed: map[string]failed{}}
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
	// Sorted once here, each check's findings are in report order, so a
	// control mapped to one check (most of them) needs no sort of its own.
	// The references are sorted rather than the findings, which are many
	// times their size, and each check's list is allocated once.
	refs := make([]FindingRef, len(findings))
	perCheck := map[string]int{}
	for i := range findings {
		refs[i] = refOf(&findings[i])
		perCheck[refs[i].RuleID]++
	}
	slices.SortStableFunc(refs, compareRefs)
	idx.sorted = refs
	for _, ref := range refs {
		fs, ok := idx.findings[ref.RuleID]
		if !ok {
			ids = append(ids, ref.RuleID)
			fs = make([]FindingRef, 0, perCheck[ref.RuleID])
		}
		idx.findings[ref.RuleID] = append(fs, ref)
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
	for _, id := range cr.Checks {
		if idx.ran[id] || len(idx.findings[id]) > 0 {
			cr.Ran = append(cr.Ran, id)
		}
	}
	f := idx.failures(cr.Checks)
	switch {
	case len(f.refs) > 0:
		cr.Status = StatusFail
		cr.Findings = f.refs
		worst := f.worst
		cr.Worst = &worst
	case len(cr.Ran) > 0:
		cr.Status = StatusPass
	default:
		cr.Status = StatusNotApplicable
	}
	return cr
}

// failed is what a control's checks reported: their findings in report
// order and the worst severity among them.
type failed struct {
	refs  []FindingRef
	worst check.Severity
}

// failures returns the findings of the checks ids. The lists are shared,
// never copied per control: frameworks map thousands of controls to the
// same few checks, each with up to tens of thousands of findings on a large
// input. A control with one failing check shares that check's list.
func (idx *mappingIndex) failures(ids []string) failed {
	var failing []string
	total := 0
	for _, id := range ids {
		if n := len(idx.findings[id]); n > 0 {
			failing = append(failing, id)
			total += n
		}
	}
	if len(failing) == 0 {
		return failed{}
	}
	key := strings.Join(failing, " ")
	if f, ok := idx.failed[key]; ok {
		return f
	}
	var f failed
	if len(failing) == 1 {
		f.refs = idx.findings[failing[0]]
	} else {
		// The run's references are in order already: picking those of
		// the failing checks keeps it, without a sort of the union.
		f.refs = make([]FindingRef, 0, total) // one allocation, not one per doubling
		for _, r := range idx.sorted {
			if slices.Contains(failing, r.RuleID) {
				f.refs = append(f.refs, r)
			}
		}
	}
	for _, r := range f.refs {
		f.worst = max(f.worst, r.Severity)
	}
	idx.failed[key] = f
	return f
}

func refOf(f *check.Finding) FindingRef {
	return FindingRef{RuleID: f.RuleID, Severity: f.Severity, Fingerprint: f.Fingerprint, Location: f.Location}
}

// compareRefs orders finding references by place, then worst first, then
// rule ID and fingerprint.
func compareRefs(a, b FindingRef) int {
	la, lb := a.Location, b.Location
	switch {
	case la.File != lb.File:
		return strings.Compare(la.File, lb.File)
	case la.Policy != lb.Policy:
		return strings.Compare(la.Policy, lb.Policy)
	case la.Offset != lb.Offset:
		return la.Offset - lb.Offset
	case a.Severity != b.Severity:
		return int(b.Severity) - int(a.Severity)
	case a.RuleID != b.RuleID:
		return strings.Compare(a.RuleID, b.RuleID)
	}
	return strings.Compare(a.Fingerprint, b.Fingerprint)
}

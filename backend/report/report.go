package report

import (
	"sort"
	"time"

	"github.com/aegis-iam/aegis/backend/check"
	"github.com/aegis-iam/aegis/backend/compliance"
	"github.com/aegis-iam/aegis/backend/policy"
)

// Tool names the program that produced a report.
type Tool struct {
	Name    string
	Version string
	// URI is the tool's home page (SARIF informationUri); optional.
	URI string
	// RulesURI is the page documenting every check; a rule's help link is
	// RulesURI#<lower-case rule ID>. Optional.
	RulesURI string
}

// Report is one validation run, ready to render.
type Report struct {
	Tool        Tool
	GeneratedAt time.Time // the caller's clock, injected for reproducible output
	Inputs      []PolicyResult
	Totals      Totals
	Compliance  compliance.Matrix
	// Rules describes every check behind a finding or a suppressed finding,
	// sorted by ID.
	Rules []Rule
	// Notes are things the reader should know that are not findings: files
	// that hold no policy, acceptances that expired.
	Notes []Note
}

// PolicyResult is one policy document's outcome.
type PolicyResult struct {
	File  string // as the user named it
	Name  string // logical name inside the file (CloudFormation logical ID, Terraform address); empty for a raw policy
	Kind  policy.Kind
	Owner string // the principal or resource the document is attached to, when the input says so
	Score check.Score
	// Findings are the findings that count, sorted by position.
	Findings []Finding
	// Suppressed are findings matched by an unexpired accepted risk.
	Suppressed []Suppressed
	// Errors are the positioned problems that kept (part of) the document
	// from being read: syntax errors, unresolvable expressions.
	Errors policy.ErrorList
}

// Finding is a check finding with the compliance controls it fails among
// the frameworks of the report's matrix.
type Finding struct {
	check.Finding
	Compliance []check.Control
}

// Suppressed is a finding an accepted risk covers.
type Suppressed struct {
	Finding
	Owner   string
	Reason  string
	Expires time.Time // the last day the acceptance holds (UTC); zero for a baseline entry, which does not expire
}

// Totals sum the run up over the whole input.
type Totals struct {
	Files      int
	Policies   int
	Findings   int
	Suppressed int
	Errors     int
	// Score is the risk score of every counted finding of the input taken
	// together, with the severity breakdown in Score.Counts.
	Score check.Score
}

// Rule is the metadata of one check, as reports describe it.
type Rule struct {
	ID          string
	Category    check.Category
	Severity    check.Severity // default severity
	Title       string
	Description string
	Remediation string
	References  []string
}

// Note is a remark about one input (File may be empty for the whole run).
type Note struct {
	File    string
	Message string
}

// New completes a report from the caller's per-policy results: it scores
// every policy and the whole input, attaches to each finding the controls
// of matrix it fails, collects the metadata of the rules involved from reg
// (findings of checks reg does not hold describe themselves), and sorts
// everything deterministically. Each result's Findings and Suppressed must
// be set; its Score is computed here.
func New(tool Tool, at time.Time, results []PolicyResult, reg *check.Registry, matrix compliance.Matrix, notes []Note) *Report {
	r := &Report{Tool: tool, GeneratedAt: at, Inputs: results, Compliance: matrix, Notes: notes}
	total := 0
	for i := range r.Inputs {
		total += len(r.Inputs[i].Findings)
	}
	controls := controlIndex(matrix, total)
	rules := map[string]Rule{}
	files := map[string]bool{}
	// Tens of thousands on a large input: one allocation, of which each
	// policy's findings are a run.
	all := make([]check.Finding, 0, total)
	for i := range r.Inputs {
		in := &r.Inputs[i]
		files[in.File] = true
		start := len(all)
		for j := range in.Findings {
			f := &in.Findings[j]
			f.Compliance = controls[findingKey(f.RuleID, f.Fingerprint, f.Location)]
			all = append(all, f.Finding)
			addRule(rules, reg, f.Finding)
		}
		for j := range in.Suppressed {
			addRule(rules, reg, in.Suppressed[j].Finding.Finding)
		}
		in.Score = check.ComputeScore(all[start:])
		r.Totals.Findings += len(in.Findings)
		r.Totals.Suppressed += len(in.Suppressed)
		r.Totals.Errors += len(in.Errors)
	}
	sort.SliceStable(r.Inputs, func(i, j int) bool {
		a, b := r.Inputs[i], r.Inputs[j]
		if a.File != b.File {
			return a.File < b.File
		}
		return a.Name < b.Name
	})
	r.Totals.Files = len(files)
	r.Totals.Policies = len(r.Inputs)
	r.Totals.Score = check.ComputeScore(all)
	for _, rule := range rules {
		r.Rules = append(r.Rules, rule)
	}
	sort.Slice(r.Rules, func(i, j int) bool { return r.Rules[i].ID < r.Rules[j].ID })
	sort.SliceStable(r.Notes, func(i, j int) bool { return r.Notes[i].File < r.Notes[j].File })
	return r
}

// addRule records the metadata of f's rule once.
func addRule(rules map[string]Rule, reg *check.Registry, f check.Finding) {
	if _, ok := rules[f.RuleID]; ok {
		return
	}
	if reg != nil {
		if cr, ok := reg.Rule(f.RuleID); ok {
			rules[f.RuleID] = Rule{ID: cr.ID, Category: cr.Category, Severity: cr.Severity, Title: cr.Title,
				Description: cr.Description, Remediation: cr.Remediation, References: cr.References}
			return
		}
	}
	rules[f.RuleID] = Rule{ID: f.RuleID, Category: f.Category, Severity: f.Severity, Title: f.Title,
		Description: f.Title, Remediation: f.Remediation}
}

// findingID identifies one finding across the matrix and the results. A
// comparable struct rather than a joined string: the matrix holds tens of
// thousands of finding references on a large input.
type findingID struct {
	ruleID, fingerprint, file, policy string
	offset, line, column              int
}

func findingKey(ruleID, fingerprint string, loc check.Location) findingID {
	return findingID{ruleID, fingerprint, loc.File, loc.Policy, loc.Offset, loc.Line, loc.Column}
}

// controlIndex maps each failing finding to the controls it fails, in
// matrix order. findings, the number of counted findings, bounds its size.
func controlIndex(m compliance.Matrix, findings int) map[findingID][]check.Control {
	idx := make(map[findingID][]check.Control, findings)
	for _, fw := range m.Frameworks {
		for _, c := range fw.Controls {
			for _, ref := range c.Findings {
				k := findingKey(ref.RuleID, ref.Fingerprint, ref.Location)
				ctl := check.Control{Framework: fw.ID, ID: c.ID}
				cur := idx[k]
				if n := len(cur); n > 0 && cur[n-1] == ctl {
					continue
				}
				idx[k] = append(cur, ctl)
			}
		}
	}
	return idx
}

// Worst returns the highest severity among the report's counted findings,
// and false when there are none.
func (r *Report) Worst() (check.Severity, bool) {
	worst, found := check.SeverityInfo, false
	for _, in := range r.Inputs {
		for _, f := range in.Findings {
			if !found || f.Severity > worst {
				worst, found = f.Severity, true
			}
		}
	}
	return worst, found
}

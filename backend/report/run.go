package report

import (
	"fmt"
	"time"

	"github.com/aegis-iam/aegis/backend/check"
	"github.com/aegis-iam/aegis/backend/compliance"
	"github.com/aegis-iam/aegis/backend/policy"
)

// Run is one validation run's settings, loaded once and shared by every
// document: the CLI, the desktop app and the MCP server validate through it
// so they report the same thing.
type Run struct {
	Tool     Tool
	Registry *check.Registry
	// Catalog holds the frameworks (with the configuration's custom ones);
	// nil leaves the report without a compliance matrix.
	Catalog *compliance.Catalog
	// Config supplies disabled checks, severity overrides and accepted
	// risks; nil means none.
	Config *compliance.Config
	// Frameworks selects the matrix's frameworks; empty means all.
	Frameworks []string
	// Now decides which acceptances have expired and stamps the report.
	Now time.Time
	// Baseline, when set, sets aside the findings it already holds.
	Baseline *Baseline
}

// Document is one policy document to validate: the check input — whose
// Errors are the positioned problems met while reading it, and whose Doc is
// nil when the text could not be parsed at all — and what the reader found
// around it.
type Document struct {
	check.Input
	Owner string // the principal or resource it is attached to, if known
}

// Validate runs the registry over every document with the configuration's
// options, sets accepted findings aside (an expired acceptance leaves its
// finding counted and adds a note) and then those the baseline holds, computes the compliance matrix over the
// counted findings and returns the completed report.
//
// The syntax rules report a parsed document's problems as findings; a
// problem no syntax finding covers (one the rules do not map, or any problem
// of a document that could not be parsed at all, which no rule sees) stays
// in the result's Errors.
func (r *Run) Validate(docs []*Document, notes []Note) *Report {
	opts := r.Config.Options()
	baseline := r.Baseline.start()
	var (
		results = make([]PolicyResult, 0, len(docs))
		counted []check.Finding
		ran     = map[string]bool{}
	)
	for _, d := range docs {
		if d.Sensitive == nil {
			d.Sensitive = r.Config.SensitiveResources() // AEG-EXP-007's
		}
		res := PolicyResult{File: d.File, Name: d.Name, Kind: d.Kind, Owner: d.Owner}
		var found []check.Finding
		if d.Doc != nil || d.Account != nil {
			for _, rule := range r.Registry.Rules() {
				if !opts.Disabled[rule.ID] && rule.Evaluates(&d.Input) {
					ran[rule.ID] = true
				}
			}
			found = r.Registry.Run(&d.Input, opts)
			d.Release() // the findings are all this run keeps of the rules' analyses
			for _, f := range found {
				if s, ok := r.accepted(f, &notes); ok {
					res.Suppressed = append(res.Suppressed, s)
					continue
				}
				// A finding with an acceptance of its own (even an expired
				// one, which must fail again) is not the baseline's to hide.
				if _, own := r.Config.Acceptance(f); !own {
					if s, ok := baseline.take(f); ok {
						res.Suppressed = append(res.Suppressed, s)
						continue
					}
				}
				res.Findings = append(res.Findings, Finding{Finding: f})
				counted = append(counted, f)
			}
		}
		res.Errors = uncovered(d.Errors, found)
		results = append(results, res)
	}
	var matrix compliance.Matrix
	if r.Catalog != nil {
		matrix = compliance.Evaluate(r.Catalog, r.Frameworks, r.Registry, ran, counted)
	}
	return New(r.Tool, r.Now, results, r.Registry, matrix, notes)
}

// uncovered returns the errors no syntax finding reports at the same place.
func uncovered(errs policy.ErrorList, findings []check.Finding) policy.ErrorList {
	type place struct{ line, col int }
	covered := map[place]bool{}
	for _, f := range findings {
		if f.Category == check.CategorySyntax {
			covered[place{f.Location.Line, f.Location.Column}] = true
		}
	}
	var out policy.ErrorList
	for _, e := range errs {
		if !covered[place{e.Pos.Line, e.Pos.Column}] {
			out = append(out, e)
		}
	}
	return out
}

// accepted decides whether the configuration accepts f.
func (r *Run) accepted(f check.Finding, notes *[]Note) (Suppressed, bool) {
	if r.Config == nil {
		return Suppressed{}, false
	}
	ok, expired := r.Config.Accepted(f, r.Now)
	if !ok && !expired {
		return Suppressed{}, false
	}
	a, _ := r.Config.Acceptance(f)
	if expired {
		*notes = append(*notes, Note{File: f.Location.File, Message: fmt.Sprintf(
			"the accepted risk %s (fingerprint %s, owner %s) expired on %s: the finding at line %d counts again",
			f.RuleID, f.Fingerprint, a.Owner, a.Expires.Format(time.DateOnly), f.Location.Line)})
		return Suppressed{}, false
	}
	return Suppressed{Finding: Finding{Finding: f}, Owner: a.Owner, Reason: a.Reason, Expires: a.Expires}, true
}

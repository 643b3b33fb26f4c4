package report

import (
	"encoding/json"
	"fmt"
	"maps"
	"time"

	"github.com/aegis-iam/aegis/backend/check"
)

// Baseline is the set of findings a team has already seen and accepted as
// a whole (aegis validate --baseline): a finding whose check ID and
// statement fingerprint are in it is set aside, so only new findings fail
// the build. Matching ignores line numbers; a key present n times in the
// baseline sets aside at most n findings of a run.
type Baseline struct {
	File   string
	counts map[baselineKey]int
}

type baselineKey struct{ rule, fingerprint string }

// LoadBaseline reads a baseline: a JSON report of this tool (aegis validate
// --format json, see docs/report-schema.md); its findings and suppressed
// findings form the baseline.
func LoadBaseline(name string, data []byte) (*Baseline, error) {
	var doc struct {
		SchemaVersion string `json:"schemaVersion"`
		Policies      []struct {
			Findings   []struct{ ID, Fingerprint string } `json:"findings"`
			Suppressed []struct{ ID, Fingerprint string } `json:"suppressed"`
		} `json:"policies"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("baseline %s: not a JSON report: %w", name, err)
	}
	if doc.SchemaVersion == "" {
		return nil, fmt.Errorf("baseline %s: no schemaVersion: want a report of aegis validate --format json", name)
	}
	b := &Baseline{File: name, counts: map[baselineKey]int{}}
	for _, p := range doc.Policies {
		for _, f := range append(p.Findings, p.Suppressed...) {
			if f.ID == "" || f.Fingerprint == "" {
				return nil, fmt.Errorf("baseline %s: a finding without id or fingerprint", name)
			}
			b.counts[baselineKey{f.ID, f.Fingerprint}]++
		}
	}
	return b, nil
}

// Len is how many findings the baseline holds.
func (b *Baseline) Len() int {
	n := 0
	for _, c := range b.counts {
		n += c
	}
	return n
}

// baselineRun is one run's use of a baseline: each entry sets aside one
// finding.
type baselineRun struct {
	b    *Baseline
	left map[baselineKey]int
}

func (b *Baseline) start() *baselineRun {
	if b == nil {
		return nil
	}
	return &baselineRun{b: b, left: maps.Clone(b.counts)}
}

// take reports whether the baseline sets f aside, using up one entry.
func (r *baselineRun) take(f check.Finding) (Suppressed, bool) {
	if r == nil {
		return Suppressed{}, false
	}
	k := baselineKey{f.RuleID, f.Fingerprint}
	if r.left[k] == 0 {
		return Suppressed{}, false
	}
	r.left[k]--
	return Suppressed{Finding: Finding{Finding: f}, Owner: "baseline", Reason: "present in the baseline " + r.b.File}, true
}

// expiry renders the last day an acceptance holds, or "" for a baseline
// entry, which does not expire.
func (s Suppressed) expiry() string {
	if s.Expires.IsZero() {
		return ""
	}
	return s.Expires.UTC().Format(time.DateOnly)
}

// acceptance says in one phrase why a finding is set aside.
func (s Suppressed) acceptance() string {
	if s.Expires.IsZero() {
		return s.Reason
	}
	return "accepted by " + s.Owner + " until " + s.expiry() + " (" + s.Reason + ")"
}

// justification says why a finding is suppressed, for SARIF.
func (s Suppressed) justification() string {
	if s.Expires.IsZero() {
		return s.Reason
	}
	return s.Reason + " (accepted by " + s.Owner + " until " + s.expiry() + ")"
}

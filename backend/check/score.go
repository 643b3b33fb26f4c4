package check

import (
	"fmt"
	"math"
	"sort"
	"strings"
)

// Score is a policy's (or an input's) 0–100 risk score: 0 means no risk
// found, 100 the maximum.
type Score struct {
	Value  int            `json:"value"`
	Band   string         `json:"band"` // none, low, medium, high, critical
	Counts map[string]int `json:"counts"`
	// Reasons explain the value, worst contribution first.
	Reasons []string `json:"reasons"`
}

// Severity weights: the probability-like contribution of one finding before
// exposure. A critical finding alone, unconditioned and on every resource,
// lands in the critical band; a handful of low findings stays low.
var severityWeight = [...]float64{
	SeverityInfo:     0,
	SeverityLow:      0.04,
	SeverityMedium:   0.12,
	SeverityHigh:     0.30,
	SeverityCritical: 0.60,
}

// bandFloor is the least score a policy with a finding of that severity gets,
// so the score's band never reads better than its worst finding.
var bandFloor = [...]int{SeverityInfo: 0, SeverityLow: 5, SeverityMedium: 25, SeverityHigh: 50, SeverityCritical: 75}

// Exposure multipliers: exploitability of the granted permission.
const (
	allResourcesFactor = 1.3 // Resource "*" or NotResource: nothing limits the blast radius
	conditionedFactor  = 0.6 // a Condition narrows when the permission applies
	maxContribution    = 0.95
)

// ComputeScore combines findings into a Score. The formula, deterministic and
// order-independent:
//
//	p(f)  = min(0.95, weight(severity) × 1.3 if all resources × 0.6 if conditioned)
//	score = max( round(100 × (1 − Π(1 − p(f)))), floor(worst severity) )
//
// with weights critical 0.60, high 0.30, medium 0.12, low 0.04, info 0, and
// floors critical 75, high 50, medium 25, low 5. The product is a
// "probability that at least one finding is exploited" reading: findings add
// up with diminishing returns and never pass 100. Bands: 0 none, 1–24 low,
// 25–49 medium, 50–74 high, 75–100 critical.
func ComputeScore(findings []Finding) Score {
	s := Score{Counts: map[string]int{}}
	for _, sev := range []Severity{SeverityCritical, SeverityHigh, SeverityMedium, SeverityLow, SeverityInfo} {
		s.Counts[sev.String()] = 0
	}
	survive := 1.0
	worst := SeverityInfo
	type contribution struct {
		p float64
		f *Finding
	}
	var cs []contribution
	for i := range findings {
		f := &findings[i]
		s.Counts[f.Severity.String()]++
		if f.Severity > worst {
			worst = f.Severity
		}
		p := severityWeight[f.Severity]
		if f.Exposure.AllResources {
			p *= allResourcesFactor
		}
		if f.Exposure.Conditioned {
			p *= conditionedFactor
		}
		p = math.Min(p, maxContribution)
		survive *= 1 - p
		if p > 0 {
			cs = append(cs, contribution{p, f})
		}
	}
	v := int(math.Round(100 * (1 - survive)))
	if len(findings) > 0 && v < bandFloor[worst] {
		v = bandFloor[worst]
	}
	s.Value = v
	s.Band = band(v)
	sort.SliceStable(cs, func(i, j int) bool {
		if cs[i].p != cs[j].p {
			return cs[i].p > cs[j].p
		}
		return cs[i].f.RuleID < cs[j].f.RuleID
	})
	// One reason per rule, worst first, at most five.
	seen := map[string]bool{}
	for _, c := range cs {
		if seen[c.f.RuleID] || len(s.Reasons) == 5 {
			continue
		}
		seen[c.f.RuleID] = true
		var qual []string
		if c.f.Exposure.AllResources {
			qual = append(qual, "on all resources")
		}
		if c.f.Exposure.Conditioned {
			qual = append(qual, "narrowed by conditions")
		}
		r := fmt.Sprintf("%s %s: %s", c.f.Severity, strings.ReplaceAll(string(c.f.Category), "-", " "), c.f.Title)
		if len(qual) > 0 {
			r += " (" + strings.Join(qual, ", ") + ")"
		}
		s.Reasons = append(s.Reasons, r)
	}
	return s
}

func band(v int) string {
	switch {
	case v >= 75:
		return "critical"
	case v >= 50:
		return "high"
	case v >= 25:
		return "medium"
	case v >= 1:
		return "low"
	}
	return "none"
}

// Summary renders the score's explanation in one line, e.g.
// "score 87 (critical) because: critical privilege escalation: ...; high wildcard: ...".
func (s Score) Summary() string {
	if len(s.Reasons) == 0 {
		return fmt.Sprintf("score %d (%s): no risk found", s.Value, s.Band)
	}
	return fmt.Sprintf("score %d (%s) because: %s", s.Value, s.Band, strings.Join(s.Reasons, "; "))
}

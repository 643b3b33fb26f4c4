package report

import (
	"io"
	"time"

	"github.com/aegis-iam/aegis/backend/check"
	"github.com/aegis-iam/aegis/backend/compliance"
)

// SchemaVersion is the version of the JSON report schema
// (docs/report-schema.md). The major number changes when a field is removed
// or changes meaning; the minor number when fields are added.
const SchemaVersion = "1.0"

// The JSON document. Field names are part of the documented schema.
type jsonReport struct {
	SchemaVersion string             `json:"schemaVersion"`
	Tool          jsonTool           `json:"tool"`
	GeneratedAt   string             `json:"generatedAt"`
	Summary       jsonSummary        `json:"summary"`
	Policies      []jsonPolicy       `json:"policies"`
	Rules         []RuleDoc          `json:"rules"`
	Compliance    *compliance.Matrix `json:"compliance,omitempty"`
	Notes         []jsonNote         `json:"notes"`
}

type jsonTool struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

type jsonSummary struct {
	Files      int       `json:"files"`
	Policies   int       `json:"policies"`
	Findings   int       `json:"findings"`
	Suppressed int       `json:"suppressed"`
	Errors     int       `json:"errors"`
	RiskScore  jsonScore `json:"riskScore"`
}

type jsonScore struct {
	Value       int            `json:"value"`
	Band        string         `json:"band"`
	Severities  map[string]int `json:"severities"`
	Reasons     []string       `json:"reasons"`
	Explanation string         `json:"explanation"`
}

type jsonPolicy struct {
	File       string           `json:"file"`
	Name       string           `json:"name,omitempty"`
	Kind       string           `json:"kind"`
	Owner      string           `json:"owner,omitempty"`
	RiskScore  jsonScore        `json:"riskScore"`
	Findings   []jsonFinding    `json:"findings"`
	Suppressed []jsonSuppressed `json:"suppressed"`
	Errors     []jsonError      `json:"errors"`
}

type jsonFinding struct {
	ID          string          `json:"id"`
	Category    check.Category  `json:"category"`
	Severity    check.Severity  `json:"severity"`
	Title       string          `json:"title"`
	Message     string          `json:"message"`
	Remediation string          `json:"remediation"`
	Location    check.Location  `json:"location"`
	Exposure    check.Exposure  `json:"exposure"`
	Fingerprint string          `json:"fingerprint"`
	Compliance  []check.Control `json:"compliance"`
}

type jsonSuppressed struct {
	jsonFinding
	Acceptance jsonAcceptance `json:"acceptance"`
}

type jsonAcceptance struct {
	Owner   string `json:"owner"`
	Reason  string `json:"reason"`
	Expires string `json:"expires"`
}

type jsonError struct {
	Line    int    `json:"line,omitempty"`
	Column  int    `json:"column,omitempty"`
	Path    string `json:"path,omitempty"`
	Code    string `json:"code"`
	Message string `json:"message"`
}

// RuleDoc describes one check in the JSON report's rules[] and in the
// check reference.
type RuleDoc struct {
	ID          string         `json:"id"`
	Category    check.Category `json:"category"`
	Severity    check.Severity `json:"severity"`
	Title       string         `json:"title"`
	Description string         `json:"description"`
	Remediation string         `json:"remediation"`
	References  []string       `json:"references,omitempty"`
	HelpURI     string         `json:"helpUri,omitempty"`
}

type jsonNote struct {
	File    string `json:"file,omitempty"`
	Message string `json:"message"`
}

// WriteJSON renders r as the versioned JSON document described in
// docs/report-schema.md. Lists are never null.
func WriteJSON(w io.Writer, r *Report) error {
	doc := jsonReport{
		SchemaVersion: SchemaVersion,
		Tool:          jsonTool{Name: r.Tool.Name, Version: r.Tool.Version},
		GeneratedAt:   r.GeneratedAt.UTC().Format(time.RFC3339),
		Summary: jsonSummary{Files: r.Totals.Files, Policies: r.Totals.Policies, Findings: r.Totals.Findings,
			Suppressed: r.Totals.Suppressed, Errors: r.Totals.Errors, RiskScore: newJSONScore(r.Totals.Score)},
		Policies: []jsonPolicy{},
		Rules:    []RuleDoc{},
		Notes:    []jsonNote{},
	}
	if len(r.Compliance.Frameworks) > 0 || len(r.Compliance.Unknown) > 0 {
		doc.Compliance = &r.Compliance
	}
	for _, in := range r.Inputs {
		p := jsonPolicy{File: in.File, Name: in.Name, Kind: in.Kind.String(), Owner: in.Owner, RiskScore: newJSONScore(in.Score),
			Findings: []jsonFinding{}, Suppressed: []jsonSuppressed{}, Errors: []jsonError{}}
		for _, f := range in.Findings {
			p.Findings = append(p.Findings, newJSONFinding(f))
		}
		for _, s := range in.Suppressed {
			p.Suppressed = append(p.Suppressed, jsonSuppressed{newJSONFinding(s.Finding),
				jsonAcceptance{Owner: s.Owner, Reason: s.Reason, Expires: s.expiry()}})
		}
		for _, e := range in.Errors {
			p.Errors = append(p.Errors, jsonError{Line: e.Pos.Line, Column: e.Pos.Column, Path: e.Path, Code: e.Code, Message: e.Msg})
		}
		doc.Policies = append(doc.Policies, p)
	}
	for _, rule := range r.Rules {
		doc.Rules = append(doc.Rules, RuleDoc{ID: rule.ID, Category: rule.Category, Severity: rule.Severity, Title: rule.Title,
			Description: rule.Description, Remediation: rule.Remediation, References: rule.References, HelpURI: r.helpURI(rule)})
	}
	for _, n := range r.Notes {
		doc.Notes = append(doc.Notes, jsonNote(n))
	}
	return encodeIndented(w, doc, true)
}

func newJSONScore(s check.Score) jsonScore {
	reasons := s.Reasons
	if reasons == nil {
		reasons = []string{}
	}
	return jsonScore{Value: s.Value, Band: s.Band, Severities: s.Counts, Reasons: reasons, Explanation: s.Summary()}
}

func newJSONFinding(f Finding) jsonFinding {
	ctl := f.Compliance
	if ctl == nil {
		ctl = []check.Control{}
	}
	return jsonFinding{ID: f.RuleID, Category: f.Category, Severity: f.Severity, Title: f.Title, Message: f.Message,
		Remediation: f.Remediation, Location: f.Location, Exposure: f.Exposure, Fingerprint: f.Fingerprint, Compliance: ctl}
}

package app

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/aegis-iam/aegis/backend/check"
	"github.com/aegis-iam/aegis/backend/check/rules"
	"github.com/aegis-iam/aegis/backend/compliance"
	"github.com/aegis-iam/aegis/backend/iamdb"
	"github.com/aegis-iam/aegis/backend/policy"
	"github.com/aegis-iam/aegis/backend/report"
	"github.com/aegis-iam/aegis/backend/source"
	"github.com/aegis-iam/aegis/backend/store"
	pipeline "github.com/aegis-iam/aegis/backend/validate"
)

// ValidateRequest is one input to validate, as the Validate page holds it.
type ValidateRequest struct {
	Text string `json:"text"`
	// FileName names the input; its extension decides the format (.json,
	// .yaml/.yml for CloudFormation, .tf for Terraform). Empty means
	// "policy.json".
	FileName string `json:"fileName"`
	// Kind is the kind of a raw policy (a policy.Kind name); empty or "any"
	// detects it.
	Kind string `json:"kind"`
	// Save records the run in History (once per distinct input).
	Save bool `json:"save"`
}

// SeverityCounts is a severity breakdown.
type SeverityCounts struct {
	Critical int `json:"critical"`
	High     int `json:"high"`
	Medium   int `json:"medium"`
	Low      int `json:"low"`
	Info     int `json:"info"`
}

// RiskScore is a 0–100 risk score with its band, breakdown and reasons.
type RiskScore struct {
	Value       int            `json:"value"`
	Band        string         `json:"band"` // none, low, medium, high, critical
	Counts      SeverityCounts `json:"counts"`
	Reasons     []string       `json:"reasons"`
	Explanation string         `json:"explanation"`
}

// FixOffer is the one-click fix of a finding.
type FixOffer struct {
	Label string `json:"label"`
	// ParamLabel names the value the user must supply; empty when the fix
	// needs none.
	ParamLabel      string `json:"paramLabel"`
	ParamSuggestion string `json:"paramSuggestion"`
}

// Finding is one finding of a policy, positioned in the input text.
type Finding struct {
	ID          string    `json:"id"`
	Category    string    `json:"category"`
	Severity    string    `json:"severity"`
	Title       string    `json:"title"`
	Message     string    `json:"message"`
	Remediation string    `json:"remediation"`
	Line        int       `json:"line"`   // 1-based; 0 when unknown
	Column      int       `json:"column"` // 1-based, in bytes
	Statement   int       `json:"statement"`
	Sid         string    `json:"sid"`
	Element     string    `json:"element"`
	Fingerprint string    `json:"fingerprint"`
	Compliance  []string  `json:"compliance"` // "framework control"
	Fix         *FixOffer `json:"fix"`        // nil when the fix is not mechanical
}

// PolicyReport is one policy document of the input.
type PolicyReport struct {
	Name     string       `json:"name"` // logical name in a template; empty for a raw policy
	Kind     string       `json:"kind"`
	Owner    string       `json:"owner"`
	Score    RiskScore    `json:"score"`
	Findings []Finding    `json:"findings"`
	Errors   []Diagnostic `json:"errors"`
}

// ControlStatus is one compliance control's outcome.
type ControlStatus struct {
	ID       string `json:"id"`
	Title    string `json:"title"`
	Section  string `json:"section"`
	Status   string `json:"status"` // FAIL, PASS, NOT-APPLICABLE, MANUAL
	Worst    string `json:"worst"`  // the worst severity behind a FAIL
	Findings int    `json:"findings"`
}

// FrameworkStatus is one framework's column of the compliance matrix.
type FrameworkStatus struct {
	ID            string          `json:"id"`
	Name          string          `json:"name"`
	Version       string          `json:"version"`
	Fail          int             `json:"fail"`
	Pass          int             `json:"pass"`
	NotApplicable int             `json:"notApplicable"`
	Manual        int             `json:"manual"`
	Controls      []ControlStatus `json:"controls"`
}

// ValidateResult is the outcome of validating one input.
type ValidateResult struct {
	FileName string `json:"fileName"`
	Format   string `json:"format"` // policy, cloudformation, terraform, ...
	// Canonical is the canonical JSON of a raw policy that parsed cleanly;
	// empty otherwise.
	Canonical  string            `json:"canonical"`
	Score      RiskScore         `json:"score"` // the whole input
	Policies   []PolicyReport    `json:"policies"`
	Compliance []FrameworkStatus `json:"compliance"`
	Notes      []string          `json:"notes"`
	// HistoryID is the History entry of this run, when it was saved.
	HistoryID string `json:"historyId"`
}

// FixRequest applies the one-click fix of one finding.
type FixRequest struct {
	Input ValidateRequest `json:"input"`
	// Finding identifies the finding: its check ID and position.
	FindingID string `json:"findingId"`
	Line      int    `json:"line"`
	Column    int    `json:"column"`
	Statement int    `json:"statement"`
	// Value is the fix's parameter (FixOffer.ParamLabel), if it has one.
	Value string `json:"value"`
}

// FixResult is the fixed text, validated again.
type FixResult struct {
	Text   string         `json:"text"`
	Result ValidateResult `json:"result"`
}

// ExportResult is a report rendered for saving.
type ExportResult struct {
	Text          string `json:"text"`
	SuggestedName string `json:"suggestedName"`
}

// ValidateService validates policies, templates and Terraform the way
// "aegis validate" does, applies one-click fixes, renders reports and
// records runs in History.
type ValidateService struct {
	tool    report.Tool
	iam     func() (*iamdb.DB, error)
	history store.History
	now     func() time.Time

	mu sync.Mutex
	// db and run are loaded on first use and kept: decoding the IAM data
	// and the catalogues on every keystroke would cost more than checking.
	db        *iamdb.DB
	run       *report.Run
	lastSaved [sha256.Size]byte
}

// NewValidateService returns a ValidateService reporting as version, with
// the IAM database iam loads (once, on first use) and History in st.
func NewValidateService(st *store.Store, version string, iam func() (*iamdb.DB, error)) *ValidateService {
	return &ValidateService{
		tool: report.Tool{Name: "aegis", Version: version, URI: "https://github.com/aegis-iam/aegis",
			RulesURI: "https://github.com/aegis-iam/aegis/blob/main/docs/checks.md"},
		iam:     iam,
		history: store.NewHistory(st),
		now:     time.Now,
	}
}

// ErrNoFix is returned for a finding that has no one-click fix or that the
// input no longer holds.
var ErrNoFix = errors.New("no one-click fix")

// Validate checks req's text and returns findings, scores and the
// compliance matrix; with req.Save, the run goes to History.
func (s *ValidateService) Validate(req ValidateRequest) (ValidateResult, error) {
	v, err := s.check(req)
	if err != nil {
		return ValidateResult{}, err
	}
	res := v.result()
	if req.Save {
		if res.HistoryID, err = s.save(req, res); err != nil {
			return ValidateResult{}, err
		}
	}
	return res, nil
}

// Fix applies the one-click fix of a finding of a raw policy, validates
// the fixed text and saves the run. A parameter the fix cannot use is an
// error whose text says why (rules.ErrFixValue).
func (s *ValidateService) Fix(req FixRequest) (FixResult, error) {
	v, err := s.check(req.Input)
	if err != nil {
		return FixResult{}, err
	}
	if !v.fixable() {
		return FixResult{}, fmt.Errorf("%w: only a raw policy document can be fixed in place", ErrNoFix)
	}
	doc := v.docs[0]
	for _, f := range v.registry.Run(&doc.Input, check.Options{}) {
		if f.RuleID != req.FindingID || f.Location.Line != req.Line || f.Location.Column != req.Column || f.Location.Statement != req.Statement {
			continue
		}
		text, err := rules.ApplyFix(doc.DB, doc.Doc, f, req.Value)
		if err != nil {
			return FixResult{}, err
		}
		in := req.Input
		in.Text, in.Save = string(text), true
		res, err := s.Validate(in)
		if err != nil {
			return FixResult{}, err
		}
		return FixResult{Text: in.Text, Result: res}, nil
	}
	return FixResult{}, fmt.Errorf("%w: %s at %d:%d is not in the policy any more", ErrNoFix, req.FindingID, req.Line, req.Column)
}

// Export renders the validation of req in format (json, sarif, markdown or
// html) and saves the run.
func (s *ValidateService) Export(req ValidateRequest, format string) (ExportResult, error) {
	f, err := report.ParseFormat(format)
	if err != nil {
		return ExportResult{}, err
	}
	ext := map[report.Format]string{report.FormatJSON: ".json", report.FormatSARIF: ".sarif", report.FormatMarkdown: ".md", report.FormatHTML: ".html"}[f]
	if ext == "" {
		return ExportResult{}, fmt.Errorf("export: %s is not a file format (want json, sarif, markdown or html)", f)
	}
	v, err := s.check(req)
	if err != nil {
		return ExportResult{}, err
	}
	var buf bytes.Buffer
	if err := report.Write(&buf, v.report, f, report.Options{}); err != nil {
		return ExportResult{}, fmt.Errorf("rendering the %s report: %w", f, err)
	}
	req.Save = true
	if _, err := s.Validate(req); err != nil {
		return ExportResult{}, err
	}
	base := strings.TrimSuffix(filepath.Base(v.file), filepath.Ext(v.file))
	return ExportResult{Text: buf.String(), SuggestedName: base + ".aegis" + ext}, nil
}

// validation is one run: the documents read and the report.
type validation struct {
	file   string
	format source.Format
	src    []byte
	docs   []*report.Document
	report *report.Report
	// registry runs one document again for the findings a fix needs (the
	// report keeps no check.Input).
	registry *check.Registry
}

// loadRun returns the shared run (registry and catalogue are loaded once),
// stamped with the current time.
func (s *ValidateService) loadRun() (report.Run, *iamdb.DB, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.db == nil {
		db, err := s.iam()
		if err != nil {
			return report.Run{}, nil, fmt.Errorf("loading IAM data: %w", err)
		}
		s.db = db
	}
	if s.run == nil {
		r, err := pipeline.NewRun(pipeline.Settings{Tool: s.tool})
		if err != nil {
			return report.Run{}, nil, err
		}
		s.run = r
	}
	r := *s.run
	r.Now = s.now().UTC()
	return r, s.db, nil
}

func (s *ValidateService) check(req ValidateRequest) (*validation, error) {
	run, db, err := s.loadRun()
	if err != nil {
		return nil, err
	}
	name := req.FileName
	if name == "" {
		name = "policy.json"
	}
	kind := policy.KindAny
	if req.Kind != "" {
		if kind, err = policy.ParseKind(req.Kind); err != nil {
			return nil, err
		}
	}
	src := []byte(req.Text)
	var in pipeline.Inputs
	in.AddText(name, src, source.Options{Kind: kind})
	if len(in.Failures) > 0 {
		return nil, fmt.Errorf("reading %s: %w", name, errors.Join(in.Failures...))
	}
	v := &validation{file: name, format: source.Detect(name, src), src: src, docs: in.Documents(db), registry: run.Registry}
	v.report = run.Validate(v.docs, in.Notes)
	return v, nil
}

// fixable reports whether fixes can rewrite the input: a raw policy that
// parsed cleanly, so the canonical text can replace it.
func (v *validation) fixable() bool {
	return v.format == source.FormatPolicy && len(v.docs) == 1 && v.docs[0].Doc != nil && len(v.docs[0].Errors) == 0
}

func (v *validation) result() ValidateResult {
	r := v.report
	out := ValidateResult{FileName: v.file, Format: v.format.String(), Score: riskScore(r.Totals.Score),
		Policies: []PolicyReport{}, Compliance: frameworks(r.Compliance), Notes: []string{}}
	fixable := v.fixable()
	if fixable {
		out.Canonical = string(policy.Format(v.docs[0].Doc))
	}
	for _, in := range r.Inputs {
		p := PolicyReport{Name: in.Name, Kind: in.Kind.String(), Owner: in.Owner, Score: riskScore(in.Score), Findings: []Finding{}, Errors: []Diagnostic{}}
		for _, f := range in.Findings {
			dto := finding(f)
			if fixable {
				if fix, ok := rules.FixFor(v.docs[0].DB, v.docs[0].Doc, f.Finding); ok {
					dto.Fix = &FixOffer{Label: fix.Label}
					if fix.Param != nil {
						dto.Fix.ParamLabel, dto.Fix.ParamSuggestion = fix.Param.Label, fix.Param.Suggestion
					}
				}
			}
			p.Findings = append(p.Findings, dto)
		}
		for _, e := range in.Errors {
			p.Errors = append(p.Errors, Diagnostic{Line: e.Pos.Line, Column: e.Pos.Column, Offset: e.Pos.Offset, Path: e.Path, Code: e.Code, Message: e.Msg})
		}
		out.Policies = append(out.Policies, p)
	}
	for _, n := range r.Notes {
		out.Notes = append(out.Notes, n.Message)
	}
	return out
}

func finding(f report.Finding) Finding {
	loc := f.Location
	out := Finding{ID: f.RuleID, Category: string(f.Category), Severity: f.Severity.String(), Title: f.Title, Message: f.Message,
		Remediation: f.Remediation, Line: loc.Line, Column: loc.Column, Statement: loc.Statement, Sid: loc.Sid, Element: loc.Element,
		Fingerprint: f.Fingerprint, Compliance: []string{}}
	for _, c := range f.Compliance {
		out.Compliance = append(out.Compliance, c.Framework+" "+c.ID)
	}
	return out
}

func riskScore(s check.Score) RiskScore {
	c := s.Counts
	return RiskScore{Value: s.Value, Band: s.Band, Reasons: append([]string{}, s.Reasons...), Explanation: s.Summary(),
		Counts: SeverityCounts{Critical: c["critical"], High: c["high"], Medium: c["medium"], Low: c["low"], Info: c["info"]}}
}

func frameworks(m compliance.Matrix) []FrameworkStatus {
	out := []FrameworkStatus{}
	for _, fw := range m.Frameworks {
		f := FrameworkStatus{ID: fw.ID, Name: fw.Name, Version: fw.Version, Fail: fw.Counts.Fail, Pass: fw.Counts.Pass,
			NotApplicable: fw.Counts.NotApplicable, Manual: fw.Counts.Manual, Controls: make([]ControlStatus, len(fw.Controls))}
		for i, c := range fw.Controls {
			cs := ControlStatus{ID: c.ID, Title: c.Title, Section: c.Section, Status: string(c.Status), Findings: len(c.Findings)}
			if c.Worst != nil {
				cs.Worst = c.Worst.String()
			}
			f.Controls[i] = cs
		}
		out = append(out, f)
	}
	return out
}

// historyPayload is what History keeps of a run: the input, to reopen it,
// and the outcome in brief.
type historyPayload struct {
	FileName string           `json:"fileName"`
	Kind     string           `json:"kind"`
	Text     string           `json:"text"`
	Score    RiskScore        `json:"score"`
	Findings []historyFinding `json:"findings"`
}

type historyFinding struct {
	ID       string `json:"id"`
	Severity string `json:"severity"`
	Title    string `json:"title"`
	Line     int    `json:"line"`
	Column   int    `json:"column"`
}

// save appends the run to History unless it is the input saved last
// (re-checking or exporting the same text records it once).
func (s *ValidateService) save(req ValidateRequest, res ValidateResult) (string, error) {
	key := sha256.Sum256([]byte(res.FileName + "\x00" + req.Kind + "\x00" + req.Text))
	s.mu.Lock()
	defer s.mu.Unlock()
	if key == s.lastSaved {
		return "", nil
	}
	p := historyPayload{FileName: res.FileName, Kind: req.Kind, Text: req.Text, Score: res.Score, Findings: []historyFinding{}}
	n := 0
	for _, pol := range res.Policies {
		n += len(pol.Findings)
		for _, f := range pol.Findings {
			p.Findings = append(p.Findings, historyFinding{ID: f.ID, Severity: f.Severity, Title: f.Title, Line: f.Line, Column: f.Column})
		}
	}
	data, err := json.Marshal(p)
	if err != nil {
		return "", fmt.Errorf("saving the validation: %w", err)
	}
	summary := fmt.Sprintf("risk %d (%s), %d %s in %d %s", res.Score.Value, res.Score.Band, n, plural(n, "finding", "findings"),
		len(res.Policies), plural(len(res.Policies), "policy", "policies"))
	rec, err := s.history.Append(store.Record{Kind: store.KindValidation, Title: res.FileName, Summary: summary, Payload: data})
	if err != nil {
		return "", fmt.Errorf("saving the validation: %w", err)
	}
	s.lastSaved = key
	return rec.ID, nil
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

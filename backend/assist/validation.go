package assist

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/aegis-iam/aegis/backend/eval"
	"github.com/aegis-iam/aegis/backend/iamdb"
	"github.com/aegis-iam/aegis/backend/llm"
	"github.com/aegis-iam/aegis/backend/policy"
	"github.com/aegis-iam/aegis/backend/report"
	"github.com/aegis-iam/aegis/backend/source"
	"github.com/aegis-iam/aegis/backend/validate"
)

// ValidationInput is the input of the Validate page: a file's text, its
// name (whose extension selects the format) and the kind of a raw policy
// (policy.KindAny detects it).
type ValidationInput struct {
	FileName string
	Text     []byte
	Kind     policy.Kind
}

// maxListed bounds the items of one list in the overview and in a tool
// result; the counts stay exact and the tools page through the rest.
const maxListed = 100

// validationFinding is a finding as the model reads it.
type validationFinding struct {
	Policy      int    `json:"policy"`
	ID          string `json:"id"`
	Severity    string `json:"severity"`
	Title       string `json:"title"`
	Message     string `json:"message,omitempty"`
	Remediation string `json:"remediation,omitempty"`
	Line        int    `json:"line,omitempty"`
	Statement   int    `json:"statement"`
	Sid         string `json:"sid,omitempty"`
	Element     string `json:"element,omitempty"`
}

type validation struct {
	in   ValidationInput
	db   *iamdb.DB
	rep  *report.Report
	docs []*report.Document
}

// NewValidation validates in with run, exactly as the Validate page and
// "aegis validate" do, and returns it as a subject: an overview of the
// score and the findings, and tools that list findings, explain checks,
// show a policy's text and ask the evaluator about one request.
func NewValidation(run *report.Run, db *iamdb.DB, in ValidationInput) (*Subject, error) {
	if in.FileName == "" {
		in.FileName = "policy.json"
	}
	var inputs validate.Inputs
	inputs.AddText(in.FileName, in.Text, source.Options{Kind: in.Kind})
	if len(inputs.Failures) > 0 {
		return nil, fmt.Errorf("reading %s: %w", in.FileName, errors.Join(inputs.Failures...))
	}
	v := &validation{in: in, db: db, docs: inputs.Documents(db)}
	v.rep = run.Validate(v.docs, inputs.Notes)
	s := &Subject{Kind: "validation", db: db, overview: v.overview(), tools: v.tools(run),
		digest:   digestOf([]byte("validation"), []byte(in.FileName), []byte(in.Kind.String()), in.Text),
		findings: map[string]Citation{}, arns: map[string]bool{},
		checks: func(id string) (Citation, bool) {
			r, ok := run.Registry.Rule(id)
			if !ok {
				return Citation{}, false
			}
			return Citation{Kind: "check", ID: r.ID, Title: r.Title, Severity: r.Severity.String()}, true
		}}
	for _, p := range v.rep.Inputs {
		for _, f := range p.Findings {
			if _, dup := s.findings[f.RuleID]; !dup {
				s.findings[f.RuleID] = Citation{Kind: "finding", ID: f.RuleID, Title: f.Title, Severity: f.Severity.String()}
			}
			collectARNs(s.arns, f.Message)
			collectARNs(s.arns, f.Remediation)
		}
	}
	collectARNs(s.arns, string(in.Text))
	for _, d := range v.docs {
		if d.Doc != nil {
			collectARNs(s.arns, string(policy.Format(d.Doc)))
		}
	}
	return s, nil
}

func (v *validation) overview() any {
	type policySummary struct {
		Index    int      `json:"index"`
		Name     string   `json:"name,omitempty"`
		Kind     string   `json:"kind"`
		Owner    string   `json:"owner,omitempty"`
		Score    int      `json:"score"`
		Band     string   `json:"band"`
		Findings int      `json:"findings"`
		Errors   []string `json:"errors,omitempty"`
	}
	var policies []policySummary
	var findings []validationFinding
	total := 0
	for i, p := range v.rep.Inputs {
		ps := policySummary{Index: i, Name: p.Name, Kind: p.Kind.String(), Owner: p.Owner, Score: p.Score.Value, Band: p.Score.Band, Findings: len(p.Findings)}
		for _, e := range p.Errors {
			ps.Errors = append(ps.Errors, e.Error())
		}
		policies = append(policies, ps)
		for _, f := range p.Findings {
			total++
			if len(findings) < maxListed {
				findings = append(findings, validationFinding{Policy: i, ID: f.RuleID, Severity: f.Severity.String(), Title: f.Title,
					Line: f.Location.Line, Statement: f.Location.Statement, Sid: f.Location.Sid})
			}
		}
	}
	var notes []string
	for _, n := range v.rep.Notes {
		notes = append(notes, n.Message)
	}
	sc := v.rep.Totals.Score
	return map[string]any{
		"file": v.in.FileName, "riskScore": sc.Value, "riskBand": sc.Band, "scoreReasons": sc.Reasons,
		"policies": policies, "findingCount": total, "findings": findings, "notes": notes,
	}
}

// tools are the validation subject's read-only tools.
func (v *validation) tools(run *report.Run) []llm.Tool {
	return []llm.Tool{
		llm.NewTool("get_findings", "The validator's findings of this input with their messages and remediations, optionally of one policy (by index) or one severity.",
			`{"type":"object","additionalProperties":false,"properties":{"policy":{"type":"integer","description":"policy index; omit for all"},"severity":{"type":"string","enum":["critical","high","medium","low","info"]}}}`,
			false, func(_ context.Context, q struct {
				Policy   *int   `json:"policy"`
				Severity string `json:"severity"`
			}) (any, error) {
				if q.Policy != nil && (*q.Policy < 0 || *q.Policy >= len(v.rep.Inputs)) {
					return nil, fmt.Errorf("there is no policy %d (the input has %d)", *q.Policy, len(v.rep.Inputs))
				}
				var out []validationFinding
				for i, p := range v.rep.Inputs {
					if q.Policy != nil && *q.Policy != i {
						continue
					}
					for _, f := range p.Findings {
						if q.Severity != "" && f.Severity.String() != q.Severity {
							continue
						}
						out = append(out, validationFinding{Policy: i, ID: f.RuleID, Severity: f.Severity.String(), Title: f.Title, Message: f.Message,
							Remediation: f.Remediation, Line: f.Location.Line, Statement: f.Location.Statement, Sid: f.Location.Sid, Element: f.Location.Element})
					}
				}
				return map[string]any{"findings": capped(out), "count": len(out)}, nil
			}),
		explainCheck(run),
		llm.NewTool("get_policy", "The text of one policy of this input (canonical JSON), or the input's text when it could not be parsed.",
			`{"type":"object","additionalProperties":false,"required":["policy"],"properties":{"policy":{"type":"integer","description":"policy index"}}}`,
			false, func(_ context.Context, q struct {
				Policy int `json:"policy"`
			}) (any, error) {
				d, err := v.doc(q.Policy)
				if err != nil {
					return nil, err
				}
				if d.Doc == nil {
					return map[string]any{"parsed": false, "text": string(v.in.Text)}, nil
				}
				return map[string]any{"parsed": true, "kind": d.Kind.String(), "text": string(policy.Format(d.Doc))}, nil
			}),
		llm.NewTool("simulate_request", "Ask the evaluator whether an identity policy of this input allows one request (action, resource ARN or \"*\", context keys), optionally with some actions removed from its Allow statements first: \"what breaks if I remove X\".",
			`{"type":"object","additionalProperties":false,"required":["action","resource"],"properties":{"policy":{"type":"integer","description":"policy index, default 0"},"action":{"type":"string","description":"service:Action"},"resource":{"type":"string","description":"resource ARN, or * for actions without resource types"},"context":{"type":"object","additionalProperties":{"type":"string"}},"remove":{"type":"array","items":{"type":"string"},"description":"actions to remove from the Allow statements before evaluating"}}}`,
			false, func(_ context.Context, q simulation) (any, error) { return v.simulate(q) }),
	}
}

// explainCheck describes a check of the catalogue.
func explainCheck(run *report.Run) llm.Tool {
	return llm.NewTool("explain_check", "What a check (e.g. AEG-WILD-006) looks for, why it matters, its default severity, remediation, references and compliance controls.",
		`{"type":"object","additionalProperties":false,"required":["id"],"properties":{"id":{"type":"string"}}}`,
		false, func(_ context.Context, q struct {
			ID string `json:"id"`
		}) (any, error) {
			r, ok := run.Registry.Rule(strings.ToUpper(strings.TrimSpace(q.ID)))
			if !ok {
				return nil, fmt.Errorf("there is no check %q", q.ID)
			}
			var controls []string
			for _, c := range r.Controls {
				controls = append(controls, c.Framework+" "+c.ID)
			}
			return map[string]any{"id": r.ID, "title": r.Title, "category": r.Category, "severity": r.Severity.String(),
				"description": r.Description, "remediation": r.Remediation, "references": r.References, "controls": controls}, nil
		})
}

func capped[T any](xs []T) []T {
	if len(xs) > maxListed {
		return xs[:maxListed]
	}
	return xs
}

func (v *validation) doc(i int) (*report.Document, error) {
	if i < 0 || i >= len(v.docs) {
		return nil, fmt.Errorf("there is no policy %d (the input has %d)", i, len(v.docs))
	}
	return v.docs[i], nil
}

type simulation struct {
	Policy   int               `json:"policy"`
	Action   string            `json:"action"`
	Resource string            `json:"resource"`
	Context  map[string]string `json:"context"`
	Remove   []string          `json:"remove"`
}

// simulate evaluates one request against an identity policy of the input,
// with the actions in q.Remove taken out of its Allow statements first.
func (v *validation) simulate(q simulation) (any, error) {
	d, err := v.doc(q.Policy)
	if err != nil {
		return nil, err
	}
	if d.Doc == nil {
		return nil, errors.New("the policy could not be parsed; answer from its errors")
	}
	switch d.Kind {
	case policy.KindIdentity, policy.KindBoundary, policy.KindSession, policy.KindAny:
	default:
		return nil, fmt.Errorf("simulate_request evaluates identity policies; policy %d is a %s policy, so answer from its findings", q.Policy, d.Kind)
	}
	if len(v.db.ExpandAll([]string{q.Action})) == 0 {
		return nil, fmt.Errorf("%s is not an IAM action in the IAM database", q.Action)
	}
	doc := d.Doc
	if len(q.Remove) > 0 {
		if doc, err = withoutActions(doc, d.Kind, q.Remove); err != nil {
			return nil, err
		}
	}
	compiled, err := eval.Compile("policy", doc)
	if err != nil {
		return nil, err
	}
	req := &eval.Request{Principal: callerFor(q.Resource), Action: q.Action, Resource: q.Resource}
	for k, val := range q.Context {
		req.Context.Set(k, val)
	}
	res, err := eval.Evaluate(&eval.Input{Identity: []*eval.Policy{compiled}}, req, eval.ModeAWS)
	if err != nil {
		return nil, err
	}
	return map[string]any{"removed": q.Remove, "result": res}, nil
}

// callerFor is the role a request is simulated for: in the account the
// resource ARN names, so the simulation never turns cross-account.
func callerFor(resource string) string {
	part, account := "aws", "111122223333"
	if a, err := policy.ParseARN(resource); err == nil {
		part = a.Partition
		if len(a.Account) == 12 {
			account = a.Account
		}
	}
	return "arn:" + part + ":iam::" + account + ":role/simulated"
}

// withoutActions returns a copy of doc whose Allow statements no longer
// name the given actions (compared without case); a statement left with
// no action is dropped. A wildcard that still covers an action stays, so
// the evaluator shows whether something else still allows it.
func withoutActions(doc *policy.Document, kind policy.Kind, remove []string) (*policy.Document, error) {
	cp, err := policy.Parse("policy.json", policy.Format(doc), kind)
	if err != nil {
		return nil, err
	}
	var kept []*policy.Statement
	for _, st := range cp.Statements {
		if st.Effect == policy.EffectAllow && st.Action != nil {
			var vals []policy.Value
			for _, a := range st.Action.Values {
				if !containsFold(remove, a.Text) {
					vals = append(vals, a)
				}
			}
			if len(vals) == 0 {
				continue
			}
			st.Action.Values = vals
		}
		kept = append(kept, st)
	}
	cp.Statements = kept
	return cp, nil
}

func containsFold(list []string, s string) bool {
	for _, x := range list {
		if strings.EqualFold(strings.TrimSpace(x), s) {
			return true
		}
	}
	return false
}

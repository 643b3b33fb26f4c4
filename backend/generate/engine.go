package generate

import (
	"bytes"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/aegis-iam/aegis/backend/check"
	"github.com/aegis-iam/aegis/backend/eval"
	"github.com/aegis-iam/aegis/backend/iamdb"
	"github.com/aegis-iam/aegis/backend/policy"
)

// Engine generates policies. It holds the IAM database and the validator's
// registry (normally every built-in rule, rules.All()); it is immutable and
// safe for concurrent use.
type Engine struct {
	db     *iamdb.DB
	checks *check.Registry
}

// New returns an engine over db that validates its output with checks.
func New(db *iamdb.DB, checks *check.Registry) *Engine {
	return &Engine{db: db, checks: checks}
}

// ErrUnproven is wrapped by Run's error when the evaluator does not confirm
// the policy the engine built: a requested permission denied, or a refused
// one allowed. It is a bug in the engine, never the user's input.
var ErrUnproven = errors.New("generated policy failed its proof")

// Verification stand-ins: the evaluator needs concrete values where the
// policy holds placeholders. The validator gets a Region users rarely name,
// so mapping its messages back to the placeholder cannot touch a Region the
// user wrote (an EKS issuer's).
const (
	exampleAccount  = "111122223333"
	exampleRegion   = "us-east-1"
	validatorRegion = "mx-central-1"
)

// Run reads the session's description (or takes its intent), applies its
// answers, and returns either the questions still open or the verified
// policy pair.
func (e *Engine) Run(s *Session) (*Result, error) {
	res, err := e.run(s)
	if res != nil {
		for i := range res.Questions {
			if res.Questions[i].Options == nil {
				res.Questions[i].Options = []string{}
			}
		}
		if res.Granted == nil {
			res.Granted = []Grant{}
		}
	}
	return res, err
}

func (e *Engine) run(s *Session) (*Result, error) {
	var in Intent
	var notes []string
	if s.Intent != nil {
		in = cloneIntent(*s.Intent)
	} else {
		in, notes = Extract(s.Description)
	}
	answered, answerNotes := applyAnswers(&in, s)
	notes = append(notes, answerNotes...)
	res := &Result{Intent: in, Questions: []Question{}, Explanations: []Explanation{}, Suggestions: []Suggestion{},
		Findings: []check.Finding{}, Decisions: []string{}, Defaults: []string{}}
	if len(in.Resources) == 0 {
		res.Status = StatusNeedsInput
		res.Notes = notes
		res.Questions = append(res.Questions, Question{ID: "resources", Text: "Which AWS resources should be accessible, and what should be done with them? (e.g. \"read from S3 bucket 'reports'\")"})
		if in.Principal.Kind == PrincipalUnknown {
			p := &plan{}
			p.trustPolicy(&in)
			res.Questions = append(p.questions, res.Questions...)
		}
		return res, nil
	}
	p := &plan{notes: notes}
	p.placement(&in)
	p.principalName(&in)
	p.trustPolicy(&in)
	e.resources(p, &in, answered)
	p.lambdaLogs(&in)
	res.Decisions = append(res.Decisions, p.decisions...)
	res.Defaults = append(res.Defaults, p.defaults...)
	res.Notes = p.notes
	if len(p.questions) > 0 {
		res.Status = StatusNeedsInput
		res.Questions = p.questions
		return res, nil
	}
	if len(p.stmts) == 0 {
		res.Status = StatusNeedsInput
		res.Questions = []Question{{ID: "resources", Text: "None of the requested resources could be granted (see notes). Which resources and actions are needed?"}}
		return res, nil
	}
	res.Status = StatusComplete
	return res, e.finish(res, p, &in)
}

// finish formats, validates and proves the plan.
func (e *Engine) finish(res *Result, p *plan, in *Intent) error {
	perm := p.document()
	res.PermissionsPolicy = policy.Format(perm)
	placeholders := usedPlaceholders(string(res.PermissionsPolicy))
	if p.trust != nil {
		res.TrustPolicy = policy.Format(p.trust)
		for _, ph := range usedPlaceholders(string(res.TrustPolicy)) {
			if !containsString(placeholders, ph) {
				placeholders = append(placeholders, ph)
			}
		}
	}
	res.Placeholders = placeholders
	findings, err := e.validate("permissions-policy.json", res.PermissionsPolicy, policy.KindIdentity, p.place)
	if err != nil {
		return err
	}
	if p.trust != nil {
		tf, err := e.validate("trust-policy.json", res.TrustPolicy, policy.KindTrust, p.place)
		if err != nil {
			return err
		}
		findings = append(findings, tf...)
	}
	res.Findings = findings
	kept := map[string]bool{}
	for _, f := range findings {
		if f.Severity > check.SeverityLow && !kept[f.RuleID] {
			kept[f.RuleID] = true
			res.Decisions = append(res.Decisions, fmt.Sprintf("Kept as asked although %s (%s) applies: %s. The request itself carries this risk; see the finding's remediation.", f.RuleID, f.Severity, f.Title))
		}
	}
	score := check.ComputeScore(findings)
	res.RiskScore, res.RiskBand = score.Value, score.Band
	if err := e.prove(res, p); err != nil {
		return err
	}
	res.Explanations = e.explain(p)
	res.Suggestions = suggestions(in, p)
	return nil
}

func usedPlaceholders(s string) []string {
	var out []string
	for _, ph := range []string{AccountPlaceholder, RegionPlaceholder} {
		if strings.Contains(s, ph) {
			out = append(out, ph)
		}
	}
	return out
}

// validate runs the validator on a formatted document. The placeholders
// the engine wrote stand for one account and one Region, so the document is
// checked with the example values in their place (rules would otherwise
// assume the worst of an unknown value), and the findings are mapped back.
func (e *Engine) validate(file string, src []byte, kind policy.Kind, pl place) ([]check.Finding, error) {
	concrete := strings.ReplaceAll(string(src), AccountPlaceholder, exampleAccount)
	concrete = strings.ReplaceAll(concrete, RegionPlaceholder, validatorRegion)
	doc, err := policy.Parse(file, []byte(concrete), kind)
	if err != nil {
		return nil, fmt.Errorf("generated %s does not parse: %w", file, err)
	}
	fs := e.checks.Run(&check.Input{File: file, Kind: kind, Doc: doc, DB: e.db}, check.Options{})
	if fs == nil {
		fs = []check.Finding{}
	}
	restore := func(s string) string {
		if pl.account == AccountPlaceholder {
			s = strings.ReplaceAll(s, exampleAccount, AccountPlaceholder)
		}
		if pl.region == RegionPlaceholder {
			s = strings.ReplaceAll(s, validatorRegion, RegionPlaceholder)
		}
		return s
	}
	for i := range fs {
		f := &fs[i]
		f.Message, f.Remediation = restore(f.Message), restore(f.Remediation)
		if f.Location.Line > 0 {
			f.Location.Offset = offsetOf(src, f.Location.Line, f.Location.Column)
		}
	}
	return fs, nil
}

// offsetOf converts a 1-based line and byte column to a byte offset. The
// printer writes one value per line, so a position in the concrete text
// has the same line and column in the text with placeholders.
func offsetOf(src []byte, line, col int) int {
	off := 0
	for l := 1; l < line && off < len(src); l++ {
		i := bytes.IndexByte(src[off:], '\n')
		if i < 0 {
			return len(src)
		}
		off += i + 1
	}
	return min(off+col-1, len(src))
}

// prove evaluates every planned request against the policy with the
// placeholders replaced by example values: each must be allowed, each
// refused one denied, and the policy must hold no action that was not
// planned.
func (e *Engine) prove(res *Result, p *plan) error {
	concrete := concretize(string(res.PermissionsPolicy))
	doc, err := policy.Parse("permissions-policy.json", []byte(concrete), policy.KindIdentity)
	if err != nil {
		return fmt.Errorf("%w: %v", ErrUnproven, err)
	}
	compiled, err := eval.Compile("generated", doc)
	if err != nil {
		return fmt.Errorf("%w: %v", ErrUnproven, err)
	}
	check := func(g planned) (eval.Decision, error) {
		resource := sampleResource(concretize(g.resource))
		caller := callerFor(p.place, resource)
		in := &eval.Input{Identity: []*eval.Policy{compiled}}
		if in.Resource, err = DelegatingPolicy(g.action, caller); err != nil {
			return 0, err
		}
		req := &eval.Request{Principal: caller, Action: g.action, Resource: resource}
		for _, c := range g.ctx {
			req.Context.Set(c.key, sampleValues(c)...)
		}
		r, err := eval.Evaluate(in, req, eval.ModeAWS)
		if err != nil {
			return 0, err
		}
		return r.Decision, nil
	}
	planned := map[string]bool{}
	for _, g := range p.grants {
		d, err := check(g)
		if err != nil {
			return fmt.Errorf("%w: %s on %s: %v", ErrUnproven, g.action, g.resource, err)
		}
		if d != eval.Allowed {
			return fmt.Errorf("%w: %s on %s is %s", ErrUnproven, g.action, g.resource, d)
		}
		planned[strings.ToLower(g.action)] = true
		res.Granted = append(res.Granted, Grant{Action: g.action, Resource: g.resource, Supporting: g.supporting})
	}
	for _, g := range p.refused {
		d, err := check(g)
		if err != nil {
			return fmt.Errorf("%w: %s on %s: %v", ErrUnproven, g.action, g.resource, err)
		}
		if d == eval.Allowed {
			return fmt.Errorf("%w: refused %s on %s is allowed", ErrUnproven, g.action, g.resource)
		}
	}
	for _, st := range doc.Statements {
		for _, a := range e.db.ExpandAll(st.Action.Strings()) {
			if !planned[strings.ToLower(a.FullName())] {
				return fmt.Errorf("%w: %s was not requested", ErrUnproven, a.FullName())
			}
		}
	}
	sort.SliceStable(res.Granted, func(i, j int) bool {
		if res.Granted[i].Action != res.Granted[j].Action {
			return res.Granted[i].Action < res.Granted[j].Action
		}
		return res.Granted[i].Resource < res.Granted[j].Resource
	})
	return nil
}

// callerFor is the role the policy is proven for: in the account of the
// resource when its ARN names one, so the proof never turns cross-account.
func callerFor(pl place, resource string) string {
	account := concretize(pl.account)
	if arn, err := policy.ParseARN(resource); err == nil && accountRE.MatchString(arn.Account) {
		account = arn.Account
	}
	return "arn:" + pl.partition + ":iam::" + account + ":role/generated"
}

// DelegatingPolicy returns, for the actions whose resource must also allow
// the request (KMS keys, role assumption), the resource policy AWS creates
// by default: it delegates to the caller's account's IAM policies. Other
// actions get nil. The proof and the test corpus assume it, so the
// identity policy decides.
func DelegatingPolicy(action, caller string) (*eval.Policy, error) {
	svc, _, _ := strings.Cut(strings.ToLower(action), ":")
	var act string
	switch {
	case svc == "kms":
		act = "kms:*"
	case strings.HasPrefix(strings.ToLower(action), "sts:assumerole"):
		act = "sts:AssumeRole"
	default:
		return nil, nil
	}
	arn, err := policy.ParseARN(caller)
	if err != nil {
		return nil, err
	}
	src := `{"Version":"2012-10-17","Statement":[{"Sid":"DelegateToIAM","Effect":"Allow","Principal":{"AWS":"arn:` + arn.Partition + `:iam::` + arn.Account + `:root"},"Action":"` + act + `","Resource":"*"}]}`
	doc, err := policy.Parse("delegating-policy.json", []byte(src), policy.KindResource)
	if err != nil {
		return nil, err
	}
	return eval.Compile("delegating-policy", doc)
}

func concretize(s string) string {
	s = strings.ReplaceAll(s, AccountPlaceholder, exampleAccount)
	return strings.ReplaceAll(s, RegionPlaceholder, exampleRegion)
}

// sampleResource turns an ARN pattern into a concrete ARN it matches.
func sampleResource(pattern string) string {
	if pattern == "*" {
		return "*"
	}
	s := strings.ReplaceAll(pattern, "*", "example")
	return strings.ReplaceAll(s, "?", "x")
}

// sampleValues returns request values that satisfy a generated condition.
func sampleValues(c cond) []string {
	out := make([]string, len(c.values))
	for i, v := range c.values {
		out[i] = sampleResource(concretize(v))
	}
	return out
}

func cloneIntent(in Intent) Intent {
	out := in
	out.Resources = make([]Resource, len(in.Resources))
	for i, r := range in.Resources {
		r.Verbs = append([]Verb(nil), r.Verbs...)
		r.Except = append([]Verb(nil), r.Except...)
		out.Resources[i] = r
	}
	return out
}

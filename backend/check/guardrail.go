package check

import (
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/aegis-iam/aegis/backend/eval"
	"github.com/aegis-iam/aegis/backend/iamdb"
	"github.com/aegis-iam/aegis/backend/policy"
)

// Guardrail declares what a policy must never allow: any of Actions on any
// of Resources, like IAM Access Analyzer's CheckAccessNotGranted.
type Guardrail struct {
	ID          string // CUSTOM-GUARDRAIL-NAME
	Name        string // as the configuration names it: no-trail-tampering
	Description string
	Actions     []string // action patterns ("cloudtrail:StopLogging", "s3:Delete*", "*")
	Resources   []string // ARN patterns; ["*"] for every resource
	Severity    Severity
	Category    Category
	Controls    []Control
}

// GuardrailID is the check ID of the guardrail named name in a
// configuration: CUSTOM-GUARDRAIL- and the name upper-cased.
func GuardrailID(name string) string { return "CUSTOM-GUARDRAIL-" + strings.ToUpper(name) }

// NewGuardrailRule returns the rule that enforces g on identity-style
// policies (identity, permissions boundary, session, and documents of
// unknown kind that name no principal).
//
// The decision is the evaluator's containment check (eval.Contains), not
// string matching: the policy violates the guardrail unless every request
// it allows is also allowed by the guardrail's complement — Allow
// NotAction: Actions on "*", plus Allow "*" on NotResource: Resources. So
// Action and NotAction, Resource and NotResource, wildcards, policy
// variables and conditions count as AWS evaluates them, and a Deny
// statement removes what it denies. A violation is reported at the Allow
// statement that grants it with the request that proves it (conditions it
// needs included); a policy the checker cannot decide either way is
// reported as a possible violation, with the reasons.
func NewGuardrailRule(g Guardrail) (*Rule, error) {
	gd, err := newGuard("guardrail "+g.Name, g.Actions, g.Resources)
	if err != nil {
		return nil, fmt.Errorf("guardrail %s: %w", g.Name, err)
	}
	title := "Policy allows what guardrail " + g.Name + " forbids"
	desc := g.Description
	if desc == "" {
		desc = fmt.Sprintf("The policy must never allow %s on %s.", strings.Join(g.Actions, ", "), strings.Join(g.Resources, ", "))
	}
	r := &Rule{
		ID: g.ID, Category: g.Category, Severity: g.Severity, Title: title, Description: desc,
		Remediation: fmt.Sprintf("Remove %s on %s from the policy's Allow statements, or add a Deny statement for them.", strings.Join(g.Actions, ", "), strings.Join(g.Resources, ", ")),
		Controls:    g.Controls,
		Kinds:       []policy.Kind{policy.KindIdentity, policy.KindBoundary, policy.KindSession, policy.KindAny},
	}
	r.Run = func(p *Pass) { runGuardrail(p, g, gd) }
	return r, nil
}

// guard is a set of requests — Actions on Resources — compiled for
// deciding whether a policy allows one of them (see NewGuardrailRule).
type guard struct {
	actions, resources []string
	complement         *eval.Policy // allows every request outside the set
	guarded            *guardedActions
}

func newGuard(name string, actions, resources []string) (*guard, error) {
	complement, err := eval.Compile(name, complementOf(actions, resources))
	if err != nil {
		return nil, err
	}
	return &guard{actions: actions, resources: resources, complement: complement, guarded: &guardedActions{patterns: actions}}, nil
}

// Breach is how a policy allows a request of a guarded set: the Allow
// statement and the request that prove it, or — when the containment
// checker cannot decide — the reasons it may.
type Breach struct {
	Statement *policy.Statement // nil for a possible breach
	// Action is the request's action, Resource the set's resource
	// pattern that covers the request's made-up resource, and Context the
	// condition keys the request needs ("aws:MultiFactorAuthPresent=true").
	Action, Resource string
	Context          []string
	// Possible, when not empty, says why the policy may allow a guarded
	// request: the checker could not decide.
	Possible []string
}

// breach decides, with the evaluator's containment check, whether the
// pass's policy allows a request of g; nil when it does not, or when the
// policy is not identity-style or cannot be evaluated.
func (g *guard) breach(p *Pass) *Breach {
	if p.Doc == nil || p.DB == nil || p.Kind == policy.KindAny && hasPrincipal(p.Doc) {
		return nil
	}
	if _, err := p.Compiled(); err != nil {
		return nil // the syntax rules report why the policy cannot be evaluated
	}
	narrowed, ok := restrict(p.Doc, g.guarded.of(p.DB))
	if !ok {
		return nil
	}
	pol, err := eval.Compile(p.File, narrowed)
	if err != nil {
		return nil
	}
	c := eval.Contains(p.DB, []*eval.Policy{g.complement}, []*eval.Policy{pol})
	switch c.Verdict {
	case eval.NewAccess:
		st := p.Doc.Statements[0]
		if c.Granted != nil && c.Granted.Statement < len(p.Doc.Statements) {
			st = p.Doc.Statements[c.Granted.Statement]
		}
		req := c.Counterexample
		b := &Breach{Statement: st, Action: req.Action, Resource: coveringPattern(g.resources, req.Resource)}
		for _, k := range req.Context.Keys() {
			v, _ := req.Context.Get(k)
			b.Context = append(b.Context, fmt.Sprintf("%s=%s", k, strings.Join(v, ",")))
		}
		return b
	case eval.PossiblyNewAccess:
		return &Breach{Possible: c.Reasons}
	}
	return nil
}

// denyStatement is the Deny statement that removes g from a policy, as a
// remediation writes it.
func (g *guard) denyStatement() string {
	return fmt.Sprintf(`{"Effect":"Deny","Action":%s,"Resource":%s}`, jsonList(g.actions), jsonList(g.resources))
}

// guardedActions is the guardrail's action patterns expanded with the
// run's IAM database, once per database.
type guardedActions struct {
	patterns []string
	mu       sync.Mutex
	db       *iamdb.DB
	names    []string // nil: every action ("*"), not worth listing
}

func (x *guardedActions) of(db *iamdb.DB) []string {
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.db != db {
		x.db, x.names = db, nil
		if !slices.Contains(x.patterns, "*") {
			seen := map[*iamdb.Action]bool{}
			x.names = []string{}
			for _, pat := range x.patterns {
				for _, a := range db.Expand(pat) {
					if !seen[a] {
						seen[a] = true
						x.names = append(x.names, a.FullName())
					}
				}
			}
		}
	}
	return x.names
}

// restrict narrows each Allow statement of doc to the guarded actions it
// applies to, listed by name (nil guarded: doc itself). Deny statements,
// resources and conditions are kept, and so are the statements' places,
// so the narrowed policy allows a guarded request exactly when doc does,
// and nothing else: the containment check then looks at the guarded
// actions only rather than at everything a broad policy grants. ok is
// false when no Allow statement applies to a guarded action.
func restrict(doc *policy.Document, guarded []string) (out *policy.Document, ok bool) {
	if guarded == nil {
		return doc, true
	}
	out = &policy.Document{Pos: doc.Pos, Version: doc.Version, ID: doc.ID, Statements: make([]*policy.Statement, len(doc.Statements))}
	for i, st := range doc.Statements {
		if st.Effect != policy.EffectAllow {
			out.Statements[i] = st
			continue
		}
		narrowed := *st
		narrowed.Action, narrowed.NotAction = &policy.List{}, nil
		list, not := st.Action, false
		if st.NotAction != nil {
			list, not = st.NotAction, true
		}
		var pats []policy.Pattern
		for _, v := range list.Strings() { // a nil list (no Action element) applies to nothing
			pats = append(pats, policy.CompilePattern(v, true))
		}
		for _, name := range guarded {
			matched := slices.ContainsFunc(pats, func(p policy.Pattern) bool { return p.Match(name) })
			if matched != not {
				narrowed.Action.Values = append(narrowed.Action.Values, policy.Value{Text: name})
				ok = true
			}
		}
		out.Statements[i] = &narrowed
	}
	return out, ok
}

// complementOf is the policy allowing every request outside actions ×
// resources.
func complementOf(actions, resources []string) *policy.Document {
	list := func(ss []string) *policy.List {
		l := &policy.List{}
		for _, s := range ss {
			l.Values = append(l.Values, policy.Value{Text: s})
		}
		return l
	}
	doc := &policy.Document{Version: policy.Value{Text: "2012-10-17"}, Statements: []*policy.Statement{
		{Effect: policy.EffectAllow, NotAction: list(actions), Resource: list([]string{"*"})},
	}}
	if !slices.Contains(resources, "*") {
		doc.Statements = append(doc.Statements, &policy.Statement{Index: 1, Effect: policy.EffectAllow, Action: list([]string{"*"}), NotResource: list(resources)})
	}
	return doc
}

func runGuardrail(p *Pass, g Guardrail, gd *guard) {
	b := gd.breach(p)
	switch {
	case b == nil:
	case len(b.Possible) > 0:
		p.Report(nil, p.Doc.Pos, "", fmt.Sprintf("the policy may allow what guardrail %s forbids: %s", g.Name, strings.Join(b.Possible, "; ")), "", Exposure{})
	default:
		p.Report(b.Statement, b.Pos(), "Action", b.Describe()+fmt.Sprintf(", which guardrail %s forbids", g.Name),
			fmt.Sprintf("Remove %s from this statement (narrow its Action or Resource), or add %s.", b.Action, gd.denyStatement()),
			b.Exposure())
	}
}

// Describe renders a definite breach for a message: `statement "Trail"
// allows cloudtrail:StopLogging on PATTERN (when KEY=VALUE)`.
func (b *Breach) Describe() string {
	msg := fmt.Sprintf("%s allows %s", statementName(b.Statement), b.Action)
	if b.Resource != "*" {
		msg += " on " + b.Resource
	}
	if len(b.Context) > 0 {
		msg += " (when " + strings.Join(b.Context, ", ") + ")"
	}
	return msg
}

// Pos is where the breaching statement's Action (or NotAction) element
// starts.
func (b *Breach) Pos() policy.Pos { return actionPos(b.Statement) }

// Exposure is how reachable the breaching statement's grant is.
func (b *Breach) Exposure() Exposure { return statementExposure(b.Statement) }

// coveringPattern returns the guardrail resource pattern that covers the
// counterexample's resource: the request names one made-up resource, the
// pattern the resources the user protects.
func coveringPattern(patterns []string, resource string) string {
	for _, p := range patterns {
		if policy.CompilePattern(p, false).Match(resource) {
			return p
		}
	}
	return "*"
}

// actionPos is where a statement's Action (or NotAction) element starts.
func actionPos(st *policy.Statement) policy.Pos {
	switch {
	case st.Action != nil:
		return st.Action.Pos
	case st.NotAction != nil:
		return st.NotAction.Pos
	}
	return st.Pos
}

func hasPrincipal(doc *policy.Document) bool {
	for _, st := range doc.Statements {
		if st.Principal != nil || st.NotPrincipal != nil {
			return true
		}
	}
	return false
}

// jsonList renders strings as a JSON array for a remediation.
func jsonList(ss []string) string {
	q := make([]string, len(ss))
	for i, s := range ss {
		q[i] = fmt.Sprintf("%q", s)
	}
	return "[" + strings.Join(q, ",") + "]"
}

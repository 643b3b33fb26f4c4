package check

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"

	"cel.dev/cel-go/cel"
	"cel.dev/cel-go/ext"

	"github.com/aegis-iam/aegis/backend/iamdb"
	"github.com/aegis-iam/aegis/backend/policy"
)

// Custom checks are CEL expressions (https://cel.dev) written in a
// configuration file and evaluated once per statement over the policy
// model below: a statement for which the expression is true is a finding.
// docs/config.md documents the model; the CEL field names are the `cel`
// tags.

// PolicyModel is the document being checked: the CEL variable `document`.
type PolicyModel struct {
	File       string           `cel:"file"`    // as the user named it
	Name       string           `cel:"name"`    // logical name inside the file (CloudFormation logical ID, Terraform address), or ""
	Kind       string           `cel:"kind"`    // identity, resource, trust, scp, rcp, boundary, session, vpc-endpoint or any
	Version    string           `cel:"version"` // the Version element, "" when absent
	ID         string           `cel:"id"`      // the Id element, "" when absent
	Statements []StatementModel `cel:"statements"`
}

// StatementModel is one statement: the CEL variable `statement`, and each
// element of `document.statements`. Elements absent from the statement are
// empty lists.
type StatementModel struct {
	Index        int      `cel:"index"` // 0-based
	Sid          string   `cel:"sid"`
	Effect       string   `cel:"effect"` // "Allow" or "Deny"
	Actions      []string `cel:"actions"`
	NotActions   []string `cel:"notActions"`
	Resources    []string `cel:"resources"`
	NotResources []string `cel:"notResources"`
	// Principals lists every value of Principal, all types together;
	// "Principal": "*" gives ["*"]. PrincipalsByType keys them by type
	// ("AWS", "Service", "Federated", "CanonicalUser"; "*" is {"AWS": ["*"]},
	// as AWS reads it).
	Principals       []string            `cel:"principals"`
	PrincipalsByType map[string][]string `cel:"principalsByType"`
	NotPrincipals    []string            `cel:"notPrincipals"`
	Conditions       []ConditionModel    `cel:"conditions"`
	// ExpandedActions are the actions of the IAM database the statement
	// applies to: Action's patterns expanded, or every action NotAction
	// does not exclude; sorted by name.
	ExpandedActions []ActionModel `cel:"expandedActions"`
}

// ConditionModel is one condition key of one operator block.
type ConditionModel struct {
	Operator string   `cel:"operator"` // as written, e.g. "ForAnyValue:StringLike"
	Key      string   `cel:"key"`      // as written, e.g. "aws:SourceIp"
	Values   []string `cel:"values"`
}

// ActionModel is one action of the IAM database.
type ActionModel struct {
	Name    string `cel:"name"`    // "s3:GetObject"
	Service string `cel:"service"` // "s3"
	// Access is the action's access level: "list", "read", "write",
	// "permissions-management" or "tagging".
	Access string `cel:"access"`
	// ResourceTypes names the resource types the action can be scoped to
	// (["bucket"]); empty when it supports only Resource "*".
	ResourceTypes []string `cel:"resourceTypes"`
}

// CustomCheck declares a check written as a CEL expression.
type CustomCheck struct {
	ID          string // CUSTOM-NAME
	Title       string
	Description string
	Remediation string
	// Message is the finding's message; empty gives one naming the
	// statement.
	Message    string
	Severity   Severity
	Category   Category
	Controls   []Control
	Expression string
}

// ExpressionError is a problem with a custom check's expression, at a
// 1-based line and column of the expression text.
type ExpressionError struct {
	Line, Column int
	Msg          string
}

func (e *ExpressionError) Error() string { return fmt.Sprintf("%d:%d: %s", e.Line, e.Column, e.Msg) }

// customCostLimit bounds the work of one evaluation, so an expression that
// nests comprehensions over every action of "*" stops with an error.
const customCostLimit = 50_000_000

// celEnv declares the model to CEL once: the environment is immutable.
var celEnv = sync.OnceValues(func() (*cel.Env, error) {
	return cel.NewEnv(
		ext.NativeTypes(reflect.TypeFor[PolicyModel](), reflect.TypeFor[StatementModel](),
			reflect.TypeFor[ConditionModel](), reflect.TypeFor[ActionModel](), ext.ParseStructTags(true)),
		cel.Variable("document", cel.ObjectType("check.PolicyModel")),
		cel.Variable("statement", cel.ObjectType("check.StatementModel")),
		cel.Variable("file", cel.StringType),
		cel.Variable("kind", cel.StringType),
		ext.Strings(),
	)
})

// NewCustomRule compiles and type-checks a custom check's expression,
// which must be a bool, and returns the rule that runs it. Errors in the
// expression are returned as an errors.Join of *ExpressionError.
func NewCustomRule(c CustomCheck) (*Rule, error) {
	env, err := celEnv()
	if err != nil {
		return nil, fmt.Errorf("custom checks: %w", err)
	}
	ast, iss := env.Compile(c.Expression)
	if iss != nil && iss.Err() != nil {
		var errs []error
		for _, e := range iss.Errors() {
			errs = append(errs, &ExpressionError{Line: max(e.Location.Line(), 1), Column: e.Location.Column() + 1, Msg: e.Message})
		}
		return nil, errors.Join(errs...)
	}
	if !ast.OutputType().IsExactType(cel.BoolType) {
		return nil, &ExpressionError{Line: 1, Column: 1, Msg: fmt.Sprintf("the expression is a %s; it must be a bool (true: the statement is a finding)", ast.OutputType())}
	}
	prg, err := env.Program(ast, cel.CostLimit(customCostLimit))
	if err != nil {
		return nil, &ExpressionError{Line: 1, Column: 1, Msg: err.Error()}
	}
	r := &Rule{
		ID: c.ID, Category: c.Category, Severity: c.Severity, Title: c.Title, Description: c.Description,
		Remediation: c.Remediation, Controls: c.Controls,
	}
	r.Run = func(p *Pass) { runCustom(p, prg, c) }
	return r, nil
}

// runCustom evaluates the expression on every statement. An evaluation
// that fails (a map key that is absent, the cost limit) is reported as an
// info finding of the check, never skipped silently.
func runCustom(p *Pass, prg cel.Program, c CustomCheck) {
	if p.Doc == nil {
		return
	}
	doc := p.model()
	for i, st := range p.Doc.Statements {
		out, _, err := prg.Eval(map[string]any{"document": doc, "statement": doc.Statements[i], "file": p.File, "kind": p.Kind.String()})
		switch {
		case err != nil:
			p.ReportSeverity(SeverityInfo, st, st.Pos, "", fmt.Sprintf("custom check %s could not be evaluated on this statement: %v", c.ID, err),
				"Fix the expression in the configuration so it holds for every statement (e.g. test a map key with `in` before reading it).", Exposure{})
		case out.Value() == true:
			msg := c.Message
			if msg == "" {
				msg = fmt.Sprintf("%s matches custom check %s: %s", statementName(st), c.ID, c.Title)
			}
			p.Report(st, st.Pos, "", msg, "", statementExposure(st))
		}
	}
}

// statementName names a statement in messages: its Sid, else its index.
func statementName(st *policy.Statement) string {
	if st.Sid.Text != "" {
		return fmt.Sprintf("statement %q", st.Sid.Text)
	}
	return fmt.Sprintf("statement %d", st.Index)
}

// statementExposure is how reachable an Allow statement's grant is.
func statementExposure(st *policy.Statement) Exposure {
	all := st.NotResource != nil
	if st.Resource != nil {
		for _, v := range st.Resource.Values {
			all = all || v.Text == "*"
		}
	}
	return Exposure{AllResources: all, Conditioned: len(st.Condition) > 0}
}

// modelKey memoizes an input's policy model.
type modelKey struct{}

// model returns the input's policy model, built once per input for every
// custom check of the run.
func (in *Input) model() *PolicyModel {
	return in.Memo(modelKey{}, func() any { return buildModel(in) }).(*PolicyModel)
}

func buildModel(in *Input) *PolicyModel {
	m := &PolicyModel{File: in.File, Name: in.Name, Kind: in.Kind.String(), Version: in.Doc.Version.Text, ID: in.Doc.ID.Text,
		Statements: make([]StatementModel, len(in.Doc.Statements))}
	expanded := map[string][]ActionModel{} // by the statement's action list: many statements repeat one
	for i, st := range in.Doc.Statements {
		sm := StatementModel{
			Index: st.Index, Sid: st.Sid.Text, Effect: st.Effect.String(),
			Actions: strs(st.Action), NotActions: strs(st.NotAction), Resources: strs(st.Resource), NotResources: strs(st.NotResource),
			Principals: []string{}, PrincipalsByType: map[string][]string{}, NotPrincipals: []string{}, Conditions: []ConditionModel{},
		}
		if pr := st.Principal; pr != nil {
			sm.PrincipalsByType = principalsByType(pr)
			sm.Principals = flatten(sm.PrincipalsByType)
		}
		if st.NotPrincipal != nil {
			sm.NotPrincipals = flatten(principalsByType(st.NotPrincipal))
		}
		for _, b := range st.Condition {
			for _, e := range b.Entries {
				sm.Conditions = append(sm.Conditions, ConditionModel{Operator: b.Operator.Text, Key: e.Key.Text, Values: strs(e.Values)})
			}
		}
		key := fmt.Sprint(st.NotAction != nil, sm.Actions, sm.NotActions)
		acts, ok := expanded[key]
		if !ok {
			acts = expandModel(in.DB, st)
			expanded[key] = acts
		}
		sm.ExpandedActions = acts
		m.Statements[i] = sm
	}
	return m
}

// expandModel lists the database actions a statement applies to.
func expandModel(db *iamdb.DB, st *policy.Statement) []ActionModel {
	out := []ActionModel{}
	if db == nil {
		return out
	}
	var acts []*iamdb.Action
	switch {
	case st.NotAction != nil:
		acts = db.ExpandNot(st.NotAction.Strings())
	case st.Action != nil:
		seen := map[*iamdb.Action]bool{}
		for _, v := range st.Action.Strings() {
			for _, a := range db.Expand(v) {
				if !seen[a] {
					seen[a] = true
					acts = append(acts, a)
				}
			}
		}
	}
	for _, a := range acts {
		am := ActionModel{Name: a.FullName(), Service: a.Service.Prefix, Access: a.Access.Primary().Short(), ResourceTypes: []string{}}
		for _, r := range a.Resources {
			am.ResourceTypes = append(am.ResourceTypes, r.Type.Name)
		}
		out = append(out, am)
	}
	slices.SortFunc(out, func(a, b ActionModel) int { return strings.Compare(a.Name, b.Name) })
	return out
}

// principalsByType keys a Principal element's values by type.
func principalsByType(pr *policy.Principal) map[string][]string {
	out := map[string][]string{}
	if pr.Wildcard {
		out["AWS"] = []string{"*"}
	}
	for typ, l := range map[string]*policy.List{"AWS": pr.AWS, "CanonicalUser": pr.CanonicalUser, "Federated": pr.Federated, "Service": pr.Service} {
		if l != nil {
			out[typ] = append(out[typ], l.Strings()...)
		}
	}
	return out
}

// flatten lists every value of a principal map, by type name then value
// order.
func flatten(byType map[string][]string) []string {
	out := []string{}
	for _, typ := range []string{"AWS", "CanonicalUser", "Federated", "Service"} {
		out = append(out, byType[typ]...)
	}
	return out
}

// strs returns a list's texts, empty (not nil) when the element is absent.
func strs(l *policy.List) []string {
	if l == nil {
		return []string{}
	}
	return l.Strings()
}

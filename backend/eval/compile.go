package eval

import (
	"fmt"
	"slices"
	"strings"

	"github.com/aegis-iam/aegis/backend/policy"
)

// Policy is a compiled policy document: every statement's matchers and
// condition values are ready, so evaluating a request parses nothing.
// A Policy is immutable and safe for concurrent use.
type Policy struct {
	Name       string
	Doc        *policy.Document
	statements []statement
}

// statement is a compiled policy statement.
type statement struct {
	src     *policy.Statement
	index   int
	sid     string
	effect  policy.Effect
	allow   bool
	notPrin bool
	prin    *principalMatcher // nil: no Principal/NotPrincipal element
	notAct  bool
	actions actionMatcher
	notRes  bool
	anyRes  bool // no Resource or NotResource element (trust policies): every resource
	res     []resMatcher
	conds   []condEntry
}

// Compile compiles doc under name (the name reported in matched
// statements). It fails on elements AWS would reject at evaluation time:
// an unknown condition operator or a statement without an Effect.
// Malformed condition values (an unparsable CIDR, number or date) never
// match, as the value cannot equal anything.
func Compile(name string, doc *policy.Document) (*Policy, error) {
	if doc == nil {
		return nil, fmt.Errorf("policy %q: no document", name)
	}
	vars := supportsVariables(doc)
	p := &Policy{Name: name, Doc: doc, statements: make([]statement, 0, len(doc.Statements))}
	for i, st := range doc.Statements {
		cs, err := compileStatement(st, i, vars)
		if err != nil {
			return nil, fmt.Errorf("policy %q: statement %d: %w", name, i, err)
		}
		p.statements = append(p.statements, cs)
	}
	return p, nil
}

func compileStatement(st *policy.Statement, index int, vars bool) (statement, error) {
	cs := statement{src: st, index: index, sid: st.Sid.Text, effect: st.Effect, allow: st.Effect == policy.EffectAllow}
	if st.Effect != policy.EffectAllow && st.Effect != policy.EffectDeny {
		return cs, fmt.Errorf("effect must be Allow or Deny")
	}
	switch {
	case st.NotPrincipal != nil:
		cs.notPrin, cs.prin = true, compilePrincipal(st.NotPrincipal)
	case st.Principal != nil:
		cs.prin = compilePrincipal(st.Principal)
	}
	switch {
	case st.NotAction != nil:
		cs.notAct, cs.actions = true, compileActions(st.NotAction.Strings())
	case st.Action != nil:
		cs.actions = compileActions(st.Action.Strings())
	}
	switch {
	case st.NotResource != nil:
		cs.notRes, cs.res = true, compileResources(st.NotResource.Strings(), vars)
	case st.Resource != nil:
		cs.res = compileResources(st.Resource.Strings(), vars)
	default:
		cs.anyRes = true
	}
	for bi, block := range st.Condition {
		op, err := policy.ParseOperator(block.Operator.Text)
		if err != nil {
			return cs, err
		}
		for _, e := range block.Entries {
			cs.conds = append(cs.conds, compileCondEntry(op, bi, e, vars))
		}
	}
	return cs, nil
}

// actionMatcher matches "service:Name" actions case-insensitively, as IAM
// does, without lowering the request. Patterns whose service part is
// literal are indexed by service, so a statement with hundreds of actions
// checks only its own service's patterns.
type actionMatcher struct {
	none     bool // no Action element: matches nothing
	all      bool // "*" among the patterns
	bySvc    map[string][]actPattern
	small    []actPattern // used instead of bySvc for short lists
	wildSvc  []actPattern
	patterns []string // as written, for containment
}

// actPattern is one action pattern, matched case-insensitively.
type actPattern struct {
	svc string // lower-case literal service part, "" when it has wildcards
	policy.Pattern
}

func (p *actPattern) match(action string) bool { return p.Match(action) }

const smallActionList = 8

func compileActions(patterns []string) actionMatcher {
	m := actionMatcher{patterns: patterns, none: len(patterns) == 0}
	lit := make([]actPattern, 0, len(patterns))
	for _, p := range patterns {
		lp := strings.ToLower(p)
		if lp == "*" {
			m.all = true
			continue
		}
		ap := actPattern{Pattern: policy.CompilePattern(lp, true)}
		svc, _, ok := strings.Cut(lp, ":")
		if !ok || strings.ContainsAny(svc, "*?") {
			m.wildSvc = append(m.wildSvc, ap)
			continue
		}
		ap.svc = svc
		lit = append(lit, ap)
	}
	if len(lit) <= smallActionList {
		m.small = lit
		return m
	}
	// Each service's patterns are a run of lit, in their written order.
	slices.SortStableFunc(lit, func(a, b actPattern) int { return strings.Compare(a.svc, b.svc) })
	m.bySvc = make(map[string][]actPattern)
	for start := 0; start < len(lit); {
		end := start + 1
		for end < len(lit) && lit[end].svc == lit[start].svc {
			end++
		}
		m.bySvc[lit[start].svc] = lit[start:end:end]
		start = end
	}
	return m
}

// match reports whether the action (any case; service is its prefix)
// matches one of the patterns.
func (m *actionMatcher) match(action, service string) bool {
	if m.all {
		return true
	}
	if m.bySvc != nil {
		var buf [64]byte
		if len(service) <= len(buf) {
			n := copy(buf[:], service)
			for i := 0; i < n; i++ {
				buf[i] = lower(buf[i])
			}
			for i, ps := 0, m.bySvc[string(buf[:n])]; i < len(ps); i++ {
				if ps[i].match(action) {
					return true
				}
			}
		}
	} else {
		for i := range m.small {
			if len(m.small[i].svc) == len(service) && strings.EqualFold(m.small[i].svc, service) && m.small[i].match(action) {
				return true
			}
		}
	}
	for i := range m.wildSvc {
		if m.wildSvc[i].match(action) {
			return true
		}
	}
	return false
}

// resMatcher matches a resource ARN against one Resource pattern. ARNs are
// compared field by field (partition, service, region, account, resource),
// each field a case-sensitive wildcard pattern, as AWS documents for ARN
// matching; a pattern with fewer than six fields is matched as a whole.
type resMatcher struct {
	raw       string
	all       bool
	segmented bool
	fields    [6]policy.Pattern
	whole     policy.Pattern
	tmpl      *template
}

func compileResources(patterns []string, vars bool) []resMatcher {
	out := make([]resMatcher, 0, len(patterns))
	for _, p := range patterns {
		out = append(out, compileResource(p, vars))
	}
	return out
}

func compileResource(p string, vars bool) resMatcher {
	m := resMatcher{raw: p, all: p == "*"}
	if vars {
		m.tmpl = parseTemplate(p)
	}
	if m.tmpl != nil || m.all {
		return m
	}
	m.whole = policy.CompilePattern(p, false)
	if f, ok := arnFields(p); ok {
		m.segmented = true
		for i, s := range f {
			m.fields[i] = policy.CompilePattern(s, false)
		}
	}
	return m
}

// arnFields splits s at its first five colons.
func arnFields(s string) ([6]string, bool) {
	var f [6]string
	for i := 0; i < 5; i++ {
		j := strings.IndexByte(s, ':')
		if j < 0 {
			return f, false
		}
		f[i], s = s[:j], s[j+1:]
	}
	f[5] = s
	return f, true
}

// match matches a resource without variables.
func (m *resMatcher) match(res string) bool {
	if m.all {
		return true
	}
	if !m.segmented {
		return m.whole.Match(res)
	}
	if m.whole.IsLiteral() {
		return m.whole.String() == res
	}
	f, ok := arnFields(res)
	if !ok {
		return false
	}
	for i := range f {
		if !m.fields[i].Match(f[i]) {
			return false
		}
	}
	return true
}

// matchARNPattern matches s against a resolved pattern field by field.
func matchARNPattern(p []pchar, s string) bool {
	var pf [6][]pchar
	n := 0
	start := 0
	for i := range p {
		if p[i].c == ':' && n < 5 {
			pf[n] = p[start:i]
			n++
			start = i + 1
		}
	}
	if n < 5 {
		return pglob(p, s, false)
	}
	pf[5] = p[start:]
	f, ok := arnFields(s)
	if !ok {
		return false
	}
	for i := range f {
		if !pglob(pf[i], f[i], false) {
			return false
		}
	}
	return true
}

package rules

import (
	"fmt"
	"sort"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/aegis-iam/aegis/backend/check"
	"github.com/aegis-iam/aegis/backend/eval"
	"github.com/aegis-iam/aegis/backend/iamdb"
	"github.com/aegis-iam/aegis/backend/policy"
)

// The engine answers "does this policy allow action A?" with the evaluator
// in unknown-context mode (eval.ModeUnknown): a condition key the request
// does not carry may hold any value, so the answer is allowed, denied, or
// allowed if some conditions hold. Deny statements, NotAction and
// NotResource are therefore handled exactly as AWS evaluates them.
//
// The caller is a probe IAM user of a probe account. Its derived keys
// (aws:username, aws:PrincipalArn, aws:PrincipalAccount, aws:PrincipalType)
// are known, so "${aws:username}"-scoped statements resolve to the probe's
// own user, as they would for any caller. KMS keys and roles need their
// resource policy to allow a request even in the same account; the engine
// supplies one that delegates to IAM (Principal the probe account's root),
// so the identity policy alone decides, as it does when the key policy or
// trust policy delegates to the account.
const (
	probeAccount   = "111122223333"
	probeUserName  = "aegis-probe"
	probeUser      = "arn:aws:iam::" + probeAccount + ":user/" + probeUserName
	foreignAccount = "999988887777"
	// foreignRole is a caller of another account, used to ask resource and
	// trust policies whether they admit outsiders.
	foreignRole = "arn:aws:iam::" + foreignAccount + ":role/aegis-probe-external"
	// sampleFill replaces each wildcard of a Resource pattern when the
	// engine derives a concrete resource to ask about.
	sampleFill = "x"
)

// grant is the engine's answer for one action: the action is allowed on
// resource, or allowed there if conditions hold.
type grant struct {
	action     string
	resource   string              // the request resource
	scope      string              // how the policy names it: the Resource pattern sampled, or "*"
	all        bool                // allowed with Resource "*": every resource
	conditions []eval.ConditionRef // non-empty: allowed only if these hold
	stmt       *policy.Statement   // the Allow statement that grants it
}

func (g *grant) conditioned() bool { return len(g.conditions) > 0 }

func (g *grant) exposure() check.Exposure {
	return check.Exposure{AllResources: g.all, Conditioned: g.conditioned()}
}

// where describes the scope of the grant for a message.
func (g *grant) where() string {
	s := "on all resources"
	if !g.all {
		s = "on " + g.scope
	}
	if g.conditioned() {
		s += " if " + describeConditions(g.conditions)
	}
	return s
}

// engineStatement is a statement prepared for the engine's quick
// pre-filter: lower-cased action patterns and sample resources.
type engineStatement struct {
	allow   bool
	not     bool     // NotAction
	actions []string // lower-cased patterns
	// literal and wild split a long list of actions into a set of the
	// plain names and the patterns with wildcards, so matches costs a
	// lookup rather than a match with every value; nil for short lists.
	literal map[string]bool
	wild    []string
	samples []sample // concrete resources derived from Resource patterns
}

// literalSetMin is the length of an action list from which matches looks
// names up in a set.
const literalSetMin = 8

// sample is a concrete resource derived from a Resource pattern.
type sample struct{ pattern, resource string }

// matches reports whether the statement's Action or NotAction element
// applies to action (lower-case). It is a pre-filter: the evaluator decides.
func (s engineStatement) matches(action string) bool {
	patterns := s.actions
	if s.literal != nil {
		if s.literal[action] {
			return !s.not
		}
		patterns = s.wild
	}
	for _, p := range patterns {
		if policy.Glob(p, action) {
			return !s.not
		}
	}
	return s.not
}

// newEngineStatement prepares st for the pre-filter.
func newEngineStatement(st *policy.Statement) engineStatement {
	return prepareStatement(st, lowerActions(st))
}

// lowerActions returns st's Action (or NotAction) values lower-cased.
func lowerActions(st *policy.Statement) []string {
	list := st.Action
	if st.NotAction != nil {
		list = st.NotAction
	}
	if list == nil {
		return nil
	}
	out := make([]string, len(list.Values))
	for i, v := range list.Values {
		out[i] = strings.ToLower(v.Text)
	}
	return out
}

// prepareStatement is newEngineStatement with st's lowerActions at hand.
func prepareStatement(st *policy.Statement, actions []string) engineStatement {
	es := engineStatement{allow: st.Effect == policy.EffectAllow, not: st.NotAction != nil, actions: actions}
	if len(es.actions) >= literalSetMin {
		es.literal = make(map[string]bool, len(es.actions))
		for _, a := range es.actions {
			if hasWildcard(a) {
				es.wild = append(es.wild, a)
			} else {
				es.literal[a] = true
			}
		}
	}
	if st.Resource != nil {
		for _, v := range st.Resource.Strings() {
			if v != "*" {
				es.samples = append(es.samples, sample{v, sampleResource(v)})
			}
		}
	}
	return es
}

// engine evaluates one identity-style policy. It memoizes per action, so
// rules asking about the same action pay once.
type engine struct {
	doc     *policy.Document
	in      eval.Input
	ev      eval.Evaluator
	stmts   []engineStatement // see statements
	lowered [][]string        // see lowerActions
	memo    map[string]*grant // allowed, by action
	memoAll map[string]*grant // onAll, by action
	allow   *allowIndex       // see allowIndex
	// passMemo holds passRoleTo's answers.
	passMemo map[passKey]*grant
	// services holds the lower-case service prefixes Allow statements
	// name; anyService is set when one names every service ("*", "*:*",
	// a wildcard prefix, or NotAction).
	services   map[string]bool
	anyService bool
	// lastService and lastReach remember reachable's last answer: rules
	// ask about the actions of one service after another.
	lastService string
	lastReach   bool
}

// memo keys of the engines shared by the rules of one run.
type (
	engineKey         struct{}
	resourceEngineKey struct{}
)

// newEngine returns the engine of the pass's policy, built once per input
// and shared by every rule of the run, or nil when the policy cannot be
// compiled (the syntax rules report why).
func newEngine(p *check.Pass) *engine {
	e, _ := p.Memo(engineKey{}, func() any { return buildEngine(p) }).(*engine)
	return e
}

func buildEngine(p *check.Pass) *engine {
	if p.Doc == nil || p.Kind == policy.KindAny && namesPrincipals(p.Doc) {
		return nil // a document of unknown kind that names principals is a resource or trust policy
	}
	pol, err := p.Compiled()
	if err != nil {
		return nil
	}
	deleg, err := delegate()
	if err != nil {
		return nil
	}
	e := &engine{doc: p.Doc, in: eval.Input{Identity: []*eval.Policy{pol}, Resource: deleg}, memo: map[string]*grant{}, memoAll: map[string]*grant{}}
	e.services = map[string]bool{}
	for _, st := range p.Doc.Statements {
		if st.Effect == policy.EffectAllow {
			e.noteServices(st)
		}
	}
	return e
}

// statements returns the statements prepared for sampling, preparing them
// on first use (most questions are settled by the Resource "*" request).
func (e *engine) statements() []engineStatement {
	if e.stmts == nil {
		e.stmts = make([]engineStatement, len(e.doc.Statements))
		for i, st := range e.doc.Statements {
			e.stmts[i] = prepareStatement(st, e.lowerActions(i))
		}
	}
	return e.stmts
}

// lowerActions returns lowerActions of statement i, computed once for both
// pre-filters (statements and allowIndex).
func (e *engine) lowerActions(i int) []string {
	if e.lowered == nil {
		e.lowered = make([][]string, len(e.doc.Statements))
	}
	if e.lowered[i] == nil {
		e.lowered[i] = lowerActions(e.doc.Statements[i])
	}
	return e.lowered[i]
}

// namesPrincipals reports whether a statement of doc has a Principal or
// NotPrincipal element.
func namesPrincipals(doc *policy.Document) bool {
	for _, st := range doc.Statements {
		if st.Principal != nil || st.NotPrincipal != nil {
			return true
		}
	}
	return false
}

// delegate is delegatingPolicy compiled, once for every engine: a
// compiled policy is immutable.
var delegate = sync.OnceValues(func() (*eval.Policy, error) {
	return eval.Compile("aegis-delegate-to-account", delegatingPolicy())
})

// delegatingPolicy is the resource policy the engine stands in for a KMS key
// policy or role trust policy: it delegates to the probe account's IAM.
func delegatingPolicy() *policy.Document {
	list := func(s string) *policy.List { return &policy.List{Values: []policy.Value{{Text: s}}} }
	return &policy.Document{
		Version: policy.Value{Text: "2012-10-17"},
		Statements: []*policy.Statement{{
			Effect:    policy.EffectAllow,
			Principal: &policy.Principal{AWS: list("arn:aws:iam::" + probeAccount + ":root")},
			Action:    list("*"),
			Resource:  list("*"),
		}},
	}
}

// sampleResource turns a Resource pattern into a concrete ARN it matches:
// ${aws:username} becomes the probe's user name, other variables and
// wildcards a filler. The variables stay meaningful to the evaluator, which
// resolves the pattern against the probe's context.
func sampleResource(pattern string) string {
	var b strings.Builder
	for i := 0; i < len(pattern); i++ {
		switch c := pattern[i]; c {
		case '*', '?':
			b.WriteString(sampleFill)
		case '$':
			end := strings.IndexByte(pattern[i:], '}')
			if i+1 < len(pattern) && pattern[i+1] == '{' && end > 0 {
				if strings.EqualFold(pattern[i:i+end+1], "${aws:username}") {
					b.WriteString(probeUserName)
				} else {
					b.WriteString(sampleFill)
				}
				i += end
				continue
			}
			b.WriteByte(c)
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// noteServices records the services an Allow statement can reach.
func (e *engine) noteServices(st *policy.Statement) {
	if st.NotAction != nil || st.Action == nil {
		e.anyService = true
		return
	}
	for _, v := range st.Action.Values {
		svc, _, ok := strings.Cut(v.Text, ":")
		if !ok || hasWildcard(svc) {
			e.anyService = true
			return
		}
		e.services[strings.ToLower(svc)] = true
	}
}

// reachable reports whether some Allow statement can name an action of
// action's service: the cheap pre-filter before any evaluation (the
// compiled evaluator matches actions faster than a second matcher could).
// Service prefixes are lower-case in IAM, so no case folding is needed.
func (e *engine) reachable(action string) bool {
	if e.anyService {
		return true
	}
	// lastService has no ':', so this is Cut's answer without the search.
	if n := len(e.lastService); n > 0 && len(action) > n && action[n] == ':' && action[:n] == e.lastService {
		return e.lastReach
	}
	svc, _, _ := strings.Cut(action, ":")
	if svc != e.lastService || svc == "" {
		e.lastService, e.lastReach = svc, e.services[svc]
	}
	return e.lastReach
}

// allowed returns how the policy grants action on any resource: on "*"
// first, else on a resource sampled from the Allow statements that name the
// action; unconditional grants win over conditional ones. nil means denied
// everywhere.
func (e *engine) allowed(action string) *grant {
	// Callers spell actions as the IAM database does, so the memo is keyed
	// by the name as given.
	best := e.onAll(action)
	if !e.reachable(action) || best != nil && !best.conditioned() {
		return best
	}
	if g, ok := e.memo[action]; ok {
		return g
	}
	best = e.bestSample(action, nil, best)
	e.memo[action] = best
	return best
}

// bestSample improves best with the grants on the sample resources of the
// Allow statements that name action, keeping only resources accept admits
// (nil: all); an unconditional grant wins over a conditional one.
func (e *engine) bestSample(action string, accept func(string) bool, best *grant) *grant {
	key := strings.ToLower(action)
	stmts := e.statements()
	for i := range stmts {
		if best != nil && !best.conditioned() {
			break
		}
		st := &stmts[i]
		if !st.allow || !st.matches(key) {
			continue
		}
		for _, res := range st.samples {
			if accept != nil && !accept(res.resource) {
				continue
			}
			if g := e.ask(action, res); g != nil && (best == nil || best.conditioned() && !g.conditioned()) {
				best = g
			}
		}
	}
	return best
}

// onAll returns how the policy grants action on every resource (Resource
// "*"), or nil: what rules about unconstrained permissions ask.
func (e *engine) onAll(action string) *grant {
	if !e.reachable(action) {
		return nil
	}
	return e.onAllReachable(action)
}

// onAllReachable is onAll for an action of a service reachable admits.
func (e *engine) onAllReachable(action string) *grant {
	if g, ok := e.memoAll[action]; ok {
		return g
	}
	if !e.names(action) {
		return nil // cheaper to ask names again than to remember: most actions asked about are not named
	}
	g := e.ask(action, sample{"*", "*"})
	e.memoAll[action] = g
	return g
}

// names reports whether the Action or NotAction element of some Allow
// statement applies to action: only then can the evaluator allow it. Rules
// ask about every action of the services a policy names, most of which no
// statement lists; this pre-filter spares those evaluations.
func (e *engine) names(action string) bool {
	x := e.allowIndex()
	var buf [64]byte
	lower := buf[:0]
	for i := 0; i < len(action); i++ {
		c := action[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		lower = append(lower, c)
	}
	if x.literal[string(lower)] {
		return true
	}
	if len(x.patterns) == 0 && len(x.not) == 0 {
		return false
	}
	key := string(lower)
	for _, p := range x.patterns {
		if policy.Glob(p, key) {
			return true
		}
	}
	for _, st := range x.not {
		if st.matches(key) {
			return true
		}
	}
	return false
}

// allowIndex is the Action elements of a policy's Allow statements, for
// names: a set of the literal action names, the wildcard patterns, and the
// NotAction statements — so that names costs a lookup, not a match with
// every value of every statement.
type allowIndex struct {
	literal  map[string]bool // lower-case
	patterns []string        // lower-case, with '*' or '?'
	not      []engineStatement
}

func (e *engine) allowIndex() *allowIndex {
	if e.allow != nil {
		return e.allow
	}
	n := 0
	for _, st := range e.doc.Statements {
		if st.Effect == policy.EffectAllow && st.NotAction == nil {
			n += st.Action.Len()
		}
	}
	x := &allowIndex{literal: make(map[string]bool, n)}
	for i, st := range e.doc.Statements {
		switch {
		case st.Effect != policy.EffectAllow:
		case st.NotAction != nil:
			x.not = append(x.not, prepareStatement(st, e.lowerActions(i)))
		case st.Action != nil:
			for _, p := range e.lowerActions(i) {
				if hasWildcard(p) {
					x.patterns = append(x.patterns, p)
				} else {
					x.literal[p] = true
				}
			}
		}
	}
	e.allow = x
	return x
}

// allowedOn returns how the policy grants action on one resource, or nil.
func (e *engine) allowedOn(action, resource string) *grant {
	if !e.reachable(action) {
		return nil
	}
	return e.ask(action, sample{resource, resource})
}

// ask evaluates one request as the probe user.
func (e *engine) ask(action string, res sample) *grant {
	return e.askContext(action, res, eval.Context{})
}

// askContext evaluates one request as the probe user with the context keys
// the calling operation sets (e.g. iam:PassedToService).
func (e *engine) askContext(action string, res sample, ctx eval.Context) *grant {
	r, err := e.ev.Evaluate(&e.in, &eval.Request{Principal: probeUser, Action: action, Resource: res.resource, Context: ctx}, eval.ModeUnknown)
	if err != nil || (r.Decision != eval.Allowed && r.Decision != eval.Conditional) {
		return nil
	}
	g := &grant{action: action, resource: res.resource, scope: res.pattern, all: res.resource == "*"}
	var idx int
	g.stmt, idx = pickAllow(r, eval.LayerIdentity, e.doc, nil)
	g.conditions = ownConditions(r, eval.LayerIdentity, idx)
	return g
}

// allowedAll asks allowed for each action and returns the grants, or nil
// unless every action is granted.
func (e *engine) allowedAll(actions []string) []*grant {
	out := make([]*grant, 0, len(actions))
	for _, a := range actions {
		g := e.allowed(a)
		if g == nil {
			return nil
		}
		out = append(out, g)
	}
	return out
}

// describeConditions renders the conditions a grant depends on, e.g.
// `aws:MultiFactorAuthPresent Bool [true]`. Deny-side conditions read
// "unless ...", since the Deny must not apply.
func describeConditions(cs []eval.ConditionRef) string {
	parts := make([]string, 0, len(cs))
	for _, c := range cs {
		s := fmt.Sprintf("%s %s %v", c.Key, c.Operator, c.Values)
		if c.Operator == "Resource" {
			s = fmt.Sprintf("resource %s resolves with %s", strings.Join(c.Values, ", "), c.Key)
		}
		if c.Effect == policy.EffectDeny {
			s = "not (" + s + ")"
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, " and ")
}

// hasConditionKey reports whether one of cs tests a key among keys
// (case-insensitive).
func hasConditionKey(cs []eval.ConditionRef, keys ...string) bool {
	for _, c := range cs {
		for _, k := range keys {
			if strings.EqualFold(c.Key, k) {
				return true
			}
		}
	}
	return false
}

// actionPos locates the element of st that grants action: the matching
// Action value, or the NotAction element.
func actionPos(st *policy.Statement, action string) (policy.Pos, string) {
	if st == nil {
		return policy.Pos{}, ""
	}
	if st.NotAction != nil {
		return st.NotAction.Pos, "NotAction"
	}
	if st.Action == nil {
		return st.Pos, ""
	}
	lower := strings.ToLower(action)
	for _, v := range st.Action.Values {
		if !hasWildcard(v.Text) {
			if equalLowerASCII(v.Text, lower) {
				return v.Pos, "Action"
			}
			continue
		}
		if policy.Glob(strings.ToLower(v.Text), lower) {
			return v.Pos, "Action"
		}
	}
	return st.Action.Pos, "Action"
}

// equalLowerASCII reports whether strings.ToLower(s) == lower, without
// building the lower-case copy when s is ASCII (some non-ASCII letters
// lower-case to ASCII ones, so other strings take the long way).
func equalLowerASCII(s, lower string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return strings.ToLower(s) == lower
		}
	}
	if len(s) != len(lower) {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != lower[i] {
			return false
		}
	}
	return true
}

// reportGrant reports a finding at the element granting g.
func reportGrant(p *check.Pass, g *grant, message, remediation string) {
	reportGrantSeverity(p, p.Rule().Severity, g, message, remediation)
}

func reportGrantSeverity(p *check.Pass, sev check.Severity, g *grant, message, remediation string) {
	pos, elem := actionPos(g.stmt, g.action)
	p.ReportSeverity(sev, g.stmt, pos, elem, message, remediation, g.exposure())
}

// identityKinds are the policy kinds that grant permissions to the
// principal they are attached to.
func identityKinds() []policy.Kind { return []policy.Kind{policy.KindIdentity, policy.KindAny} }

// actionNames returns the full names of grants' actions.
func actionNames(gs []*grant) []string {
	out := make([]string, len(gs))
	for i, g := range gs {
		out[i] = g.action
	}
	return out
}

// quoteJoin writes actions as a JSON array body: "a", "b".
func quoteJoin(ss []string) string {
	q := make([]string, len(ss))
	for i, s := range ss {
		q[i] = fmt.Sprintf("%q", s)
	}
	return strings.Join(q, ", ")
}

// frameworkIDs maps the short names used in rule metadata to the compliance
// catalogue IDs of backend/compliance/frameworks.
func frameworkID(short string) string {
	switch short {
	case "nist":
		return "nist-800-53-r5"
	case "pci":
		return "pci-dss-4.0"
	case "cis":
		return "cis-aws"
	}
	return short // hipaa, soc2, gdpr
}

// ctrls builds a rule's Controls from lines "FRAMEWORK ID ID...", e.g.
// ctrls("nist AC-6 AC-6(10)", "pci 7.2.2"). GDPR IDs are written "Art.25".
func ctrls(lines ...string) []check.Control {
	var out []check.Control
	for _, l := range lines {
		f := strings.Fields(l)
		for _, id := range f[1:] {
			out = append(out, check.Control{Framework: frameworkID(f[0]), ID: strings.Replace(id, "Art.", "Art. ", 1)})
		}
	}
	return out
}

// resourceEngine evaluates a resource-based policy (bucket, key, queue or
// role trust policy) for callers outside the policy's account: each caller's
// own account lets it do anything (an allow-all identity policy), so the
// resource policy alone decides.
type resourceEngine struct {
	doc *policy.Document
	in  eval.Input
	ev  eval.Evaluator
}

// resourceAnswer is what a resource policy says to one caller.
type resourceAnswer struct {
	conditions []eval.ConditionRef // non-empty: allowed only if these hold
	stmt       *policy.Statement   // the Allow statement that admits the caller
}

// newResourceEngine returns the resource-policy engine of the pass's
// policy, built once per input.
func newResourceEngine(p *check.Pass) *resourceEngine {
	e, _ := p.Memo(resourceEngineKey{}, func() any { return buildResourceEngine(p) }).(*resourceEngine)
	return e
}

func buildResourceEngine(p *check.Pass) *resourceEngine {
	if p.Doc == nil {
		return nil
	}
	pol, err := p.Compiled()
	if err != nil {
		return nil
	}
	list := func(s string) *policy.List { return &policy.List{Values: []policy.Value{{Text: s}}} }
	all, err := eval.Compile("aegis-caller-allows-all", &policy.Document{
		Version:    policy.Value{Text: "2012-10-17"},
		Statements: []*policy.Statement{{Effect: policy.EffectAllow, Action: list("*"), Resource: list("*")}},
	})
	if err != nil {
		return nil
	}
	return &resourceEngine{doc: p.Doc, in: eval.Input{Resource: pol, Identity: []*eval.Policy{all}}}
}

// ask evaluates one request; nil means denied. want, when not nil, is the
// statement whose grant the caller asks about: the answer is nil unless
// that statement admits the request.
func (e *resourceEngine) ask(principal, action, resource string, want *policy.Statement) *resourceAnswer {
	return e.askOwned(principal, action, resource, probeAccount, want)
}

// askOwned is ask for a resource owned by account owner.
func (e *resourceEngine) askOwned(principal, action, resource, owner string, want *policy.Statement) *resourceAnswer {
	r, err := e.ev.Evaluate(&e.in, &eval.Request{Principal: principal, Action: action, Resource: resource, ResourceAccount: owner}, eval.ModeUnknown)
	if err != nil || (r.Decision != eval.Allowed && r.Decision != eval.Conditional) {
		return nil
	}
	a := &resourceAnswer{}
	var idx int
	a.stmt, idx = pickAllow(r, eval.LayerResource, e.doc, want)
	a.conditions = ownConditions(r, eval.LayerResource, idx)
	if a.stmt == nil {
		return nil // granted by the caller's own account or another statement, not by the one asked about
	}
	return a
}

// conditionKeys returns the keys a statement's Condition tests, lower-cased.
func conditionKeys(st *policy.Statement) map[string]bool {
	keys := map[string]bool{}
	for _, b := range st.Condition {
		for _, e := range b.Entries {
			keys[strings.ToLower(e.Key.Text)] = true
		}
	}
	return keys
}

// hasAnyKey reports whether keys holds one of want (lower-case; a trailing
// "/" matches any key with that prefix, for tag keys).
func hasAnyKey(keys map[string]bool, want ...string) bool {
	for k := range keys {
		for _, w := range want {
			if k == w || strings.HasSuffix(w, "/") && strings.HasPrefix(k, w) {
				return true
			}
		}
	}
	return false
}

// conditionValues returns the values a statement's Condition gives key
// (case-insensitive) under positive operators (not StringNot..., not
// Null), with their positions.
func conditionValues(st *policy.Statement, key string) []policy.Value {
	var out []policy.Value
	for _, b := range st.Condition {
		op := strings.ToLower(b.Operator.Text)
		if strings.Contains(op, "not") || strings.HasPrefix(op, "null") {
			continue
		}
		for _, e := range b.Entries {
			if strings.EqualFold(e.Key.Text, key) && e.Values != nil {
				out = append(out, e.Values.Values...)
			}
		}
	}
	return out
}

// statementActions expands a statement's Action (or NotAction) element
// with the IAM database: the actions the statement applies to, sorted,
// without duplicates.
func statementActions(db *iamdb.DB, st *policy.Statement) []*iamdb.Action {
	if db == nil {
		return nil
	}
	if st.NotAction != nil {
		return db.ExpandNot(st.NotAction.Strings())
	}
	vals := st.Action.Strings()
	if len(vals) == 1 {
		return expandValue(db, vals[0])
	}
	seen := make(map[*iamdb.Action]bool, len(vals))
	var out []*iamdb.Action
	for _, v := range vals {
		if !hasWildcard(v) { // a literal: no slice to expand into
			if a, ok := db.Action(v); ok && !seen[a] {
				seen[a] = true
				out = append(out, a)
			}
			continue
		}
		for _, a := range db.Expand(v) {
			if !seen[a] {
				seen[a] = true
				out = append(out, a)
			}
		}
	}
	return out
}

// expandValue is db.Expand for one Action value: a literal name (most
// values of long action lists) is looked up rather than expanded.
func expandValue(db *iamdb.DB, v string) []*iamdb.Action {
	if hasWildcard(v) {
		return db.Expand(v)
	}
	if a, ok := db.Action(v); ok {
		return []*iamdb.Action{a}
	}
	return []*iamdb.Action{}
}

// actionIndex lists a subset of the database's actions by lower-case
// service prefix. A rule builds it once per database (the registry's
// lifetime), not per policy.
type actionIndex struct {
	keep  func(*iamdb.Action) bool
	mu    sync.Mutex
	db    *iamdb.DB
	bySvc map[string][]*iamdb.Action
}

func newActionIndex(keep func(*iamdb.Action) bool) *actionIndex { return &actionIndex{keep: keep} }

// of returns the index for db, building it on first use.
func (x *actionIndex) of(db *iamdb.DB) map[string][]*iamdb.Action {
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.db != db {
		x.db, x.bySvc = db, map[string][]*iamdb.Action{}
		for _, svc := range db.Services() {
			for _, a := range svc.Actions {
				if x.keep(a) {
					k := strings.ToLower(svc.Prefix)
					x.bySvc[k] = append(x.bySvc[k], a)
				}
			}
		}
	}
	return x.bySvc
}

// grantedActions returns the indexed actions the policy grants on every
// resource, each with the engine's grant. Services no Allow statement can
// name are skipped whole.
func (e *engine) grantedActions(db *iamdb.DB, idx *actionIndex) []*grant {
	bySvc := idx.of(db)
	var svcs []string
	if e.anyService {
		for svc := range bySvc {
			svcs = append(svcs, svc)
		}
	} else {
		for svc := range e.services {
			svcs = append(svcs, svc)
		}
	}
	sort.Strings(svcs)
	var out []*grant
	for _, svc := range svcs { // each reachable, so onAll's check is spared
		for _, a := range bySvc[svc] {
			if g := e.onAllReachable(a.FullName()); g != nil {
				out = append(out, g)
			}
		}
	}
	return out
}

// byStatement groups grants by the statement granting them, in statement
// order, so a rule reports once per statement.
func byStatement(gs []*grant) [][]*grant {
	idx := map[*policy.Statement]int{}
	var out [][]*grant
	for _, g := range gs {
		i, ok := idx[g.stmt]
		if !ok {
			i = len(out)
			idx[g.stmt] = i
			out = append(out, nil)
		}
		out[i] = append(out[i], g)
	}
	return out
}

// summarize lists up to n action names, with a count of the rest.
func summarize(names []string, n int) string {
	if len(names) <= n {
		return strings.Join(names, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(names[:n], ", "), len(names)-n)
}

// sameAccountAdmin is an administrator of the resource's own account.
const sameAccountAdmin = "arn:aws:iam::" + probeAccount + ":role/aegis-probe-admin"

// denies returns the resource-policy statement that explicitly denies the
// request, or nil.
func (e *resourceEngine) denies(principal, action, resource string) *policy.Statement {
	r, err := e.ev.Evaluate(&e.in, &eval.Request{Principal: principal, Action: action, Resource: resource, ResourceAccount: probeAccount}, eval.ModeUnknown)
	if err != nil || r.Decision != eval.ExplicitDeny {
		return nil
	}
	for _, m := range r.Matched {
		if m.Layer == eval.LayerResource && m.Effect == policy.EffectDeny && !m.Conditional && m.Statement < len(e.doc.Statements) {
			return e.doc.Statements[m.Statement]
		}
	}
	return nil
}

// pickAllow returns the Allow statement of layer l that grants r — want if
// it is among them, else the first; with its index (-1 when none).
func pickAllow(r *eval.Result, l eval.Layer, doc *policy.Document, want *policy.Statement) (*policy.Statement, int) {
	var first *policy.Statement
	idx := -1
	for _, m := range r.Matched {
		if m.Layer != l || m.Effect != policy.EffectAllow || m.Statement >= len(doc.Statements) {
			continue
		}
		st := doc.Statements[m.Statement]
		if want != nil && st == want {
			return st, m.Statement
		}
		if first == nil {
			first, idx = st, m.Statement
		}
	}
	if want != nil {
		return nil, -1
	}
	return first, idx
}

// ownConditions keeps, of a conditional result's conditions, those of the
// Allow statement idx of layer l and those of every Deny: the conditions
// under which that statement grants the request. (The result's list joins
// the alternatives of every conditional Allow.)
func ownConditions(r *eval.Result, l eval.Layer, idx int) []eval.ConditionRef {
	if r.Decision != eval.Conditional {
		return nil
	}
	var out []eval.ConditionRef
	for _, c := range r.Conditions {
		if c.Effect == policy.EffectDeny || c.Layer == l && c.Statement == idx {
			out = append(out, c)
		}
	}
	if len(out) == 0 {
		// The statement applies unconditionally; the result is conditional
		// only through another layer: keep everything.
		out = append(out, r.Conditions...)
	}
	return out
}

// allowsEvery reports whether the policy allows every action pattern
// expands to on all resources, returning the grant to report (a conditional
// one if any) and the number of actions; nil when some action is missing.
func (e *engine) allowsEvery(db *iamdb.DB, pattern string) (*grant, int) {
	if db == nil {
		return nil, 0
	}
	actions := db.Expand(pattern)
	var first *grant
	for _, a := range actions {
		g := e.onAll(a.FullName())
		if g == nil {
			return nil, 0
		}
		if first == nil || g.conditioned() && !first.conditioned() {
			first = g
		}
	}
	return first, len(actions)
}

// broadGrants returns the grants on all resources of the listed actions
// that pass keep (nil keep: all).
func (e *engine) broadGrants(actions []string, keep func(*grant) bool) []*grant {
	var out []*grant
	for _, a := range actions {
		if g := e.onAll(a); g != nil && (keep == nil || keep(g)) {
			out = append(out, g)
		}
	}
	return out
}

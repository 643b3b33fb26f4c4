package eval

import (
	"encoding/json"
	"fmt"
	"net/netip"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/aegis-iam/aegis/backend/iamdb"
	"github.com/aegis-iam/aegis/backend/policy"
)

// Verdict is the answer of a containment check.
type Verdict uint8

// The verdicts.
const (
	// NoNewAccess: proven, every request NEW allows OLD allows.
	NoNewAccess Verdict = iota
	// NewAccess: a concrete request NEW allows and OLD does not.
	NewAccess
	// PossiblyNewAccess: not proven either way; Reasons say why.
	PossiblyNewAccess
)

var verdictNames = [...]string{"no-new-access", "new-access", "possibly-new-access"}

func (v Verdict) String() string {
	if int(v) < len(verdictNames) {
		return verdictNames[v]
	}
	return fmt.Sprintf("Verdict(%d)", v)
}

// MarshalText writes the verdict's name.
func (v Verdict) MarshalText() ([]byte, error) { return []byte(v.String()), nil }

// Containment is the result of Contains.
type Containment struct {
	Verdict Verdict
	// Counterexample is a request NEW allows and OLD denies (NewAccess),
	// with the context that makes NEW's statement apply.
	Counterexample *Request
	// Granted is the NEW statement that allows the counterexample.
	Granted *Match
	// Reasons explain a PossiblyNewAccess verdict, one per NEW statement
	// and cause, sorted.
	Reasons []string
}

// MarshalJSON writes the documented JSON form (docs/diff.md):
// {"verdict", "counterexample", "grantedBy": {"policy", "statement", "sid"},
// "reasons"}.
func (c *Containment) MarshalJSON() ([]byte, error) {
	type granted struct {
		Policy    string `json:"policy"`
		Statement int    `json:"statement"`
		Sid       string `json:"sid,omitempty"`
	}
	out := struct {
		Verdict        Verdict  `json:"verdict"`
		Counterexample *Request `json:"counterexample,omitempty"`
		GrantedBy      *granted `json:"grantedBy,omitempty"`
		Reasons        []string `json:"reasons,omitempty"`
	}{Verdict: c.Verdict, Counterexample: c.Counterexample, Reasons: c.Reasons}
	if g := c.Granted; g != nil {
		out.GrantedBy = &granted{Policy: g.Policy, Statement: g.Statement, Sid: g.Sid}
	}
	return json.Marshal(out)
}

// counterexamplePrincipal is the caller of counterexample requests: the
// policies compared are identity policies, so any principal of the
// resource's account will do.
const counterexamplePrincipal = "arn:aws:iam::111122223333:user/counterexample"

// maxReasons bounds the reasons reported.
const maxReasons = 20

// Contains decides whether the identity policies NEW allow any request
// that the identity policies OLD do not, over every action in db, every
// resource of the action's ARN formats, and the statements' conditions.
// It is sound: NoNewAccess is returned only when no such request exists.
//
// Scope: actions are compared exactly over the IAM database (actions not in
// it are not considered); resource patterns exactly, by automata over the
// patterns and the action's ARN formats; conditions by per-operator
// subsumption (an OLD statement covers a NEW one when each OLD condition
// is implied by one of NEW's). OLD Deny statements with conditions that
// NEW does not repeat, union coverage that needs conditions, and patterns
// with policy variables give PossiblyNewAccess.
func Contains(db *iamdb.DB, oldSet, newSet []*Policy) *Containment {
	c := &checker{db: db, old: splitSet(oldSet), new: splitSet(newSet), memo: map[string]checkOutcome{}, proven: map[string]bool{}, meets: map[[2]string]bool{}, incl: map[[2]string]bool{}, gaveUp: map[int]string{}}
	res := &Containment{}
	reasons := map[string]bool{}
	// The actions some NEW Allow can grant, found through the database's
	// pattern expansion rather than by testing every action.
	granted := map[*iamdb.Action]bool{}
	for _, s := range c.new.allows {
		if s.st.notAct {
			for _, a := range db.ExpandNot(s.st.actions.patterns) {
				granted[a] = true
			}
			continue
		}
		for _, p := range s.st.actions.patterns {
			for _, a := range db.Expand(p) {
				granted[a] = true
			}
		}
	}
	for _, a := range db.Actions() {
		if !granted[a] {
			continue
		}
		full, svc := a.FullName(), a.Service.Prefix
		var newAllows []ref
		for _, s := range c.new.allows {
			if s.st.matchesAction(full, svc) {
				newAllows = append(newAllows, s)
			}
		}
		if len(newAllows) == 0 {
			continue
		}
		env := c.env(a, full, svc)
		for _, s := range newAllows {
			out := c.check(a, s, env)
			switch out.verdict {
			case NewAccess:
				res.Verdict, res.Counterexample = NewAccess, out.req
				m := s.match(LayerIdentity)
				res.Granted = &m
				res.Reasons = nil
				return res
			case PossiblyNewAccess:
				res.Verdict = PossiblyNewAccess
				if len(reasons) < maxReasons {
					reasons[out.reason] = true
				}
			}
		}
	}
	for r := range reasons {
		res.Reasons = append(res.Reasons, r)
	}
	sort.Strings(res.Reasons)
	return res
}

// ref is a statement of a policy set.
type ref struct {
	pol *Policy
	st  *statement
	id  int // index in the set's statement order
}

func (r ref) match(l Layer) Match {
	return Match{Layer: l, Policy: r.pol.Name, Statement: r.st.index, Sid: r.st.sid, Effect: r.st.effect}
}

func (r ref) name() string {
	if r.st.sid != "" {
		return fmt.Sprintf("%s statement %d (%s)", r.pol.Name, r.st.index, r.st.sid)
	}
	return fmt.Sprintf("%s statement %d", r.pol.Name, r.st.index)
}

type policySet struct {
	pols          []*Policy
	allows, denys []ref
}

func splitSet(pols []*Policy) policySet {
	ps := policySet{pols: pols}
	id := 0
	for _, p := range pols {
		for i := range p.statements {
			st := &p.statements[i]
			r := ref{pol: p, st: st, id: id}
			id++
			if st.allow {
				ps.allows = append(ps.allows, r)
			} else {
				ps.denys = append(ps.denys, r)
			}
		}
	}
	return ps
}

func (st *statement) matchesAction(full, svc string) bool {
	return !st.actions.none && st.actions.match(full, svc) != st.notAct
}

// unconditional reports whether a statement applies to every request for
// its actions and resources: no condition, no principal element, no
// variables in its resources.
func (st *statement) unconditional() bool {
	return len(st.conds) == 0 && st.prin == nil && !st.hasVars()
}

func (st *statement) hasVars() bool {
	for i := range st.res {
		if st.res[i].tmpl != nil {
			return true
		}
	}
	return false
}

func (st *statement) resPatterns() []string {
	out := make([]string, len(st.res))
	for i := range st.res {
		out[i] = st.res[i].raw
	}
	return out
}

// shape is a canonical text of everything but Sid, Effect and Action: two
// statements with the same shape apply to the same requests of an action
// they both match.
func (st *statement) shape() string {
	var b strings.Builder
	if st.src != nil {
		if p := st.src.Principal; p != nil {
			fmt.Fprintf(&b, "P%v|%v|%v|%v|%v;", p.Wildcard, p.AWS.Strings(), p.Service.Strings(), p.Federated.Strings(), p.CanonicalUser.Strings())
		}
		if p := st.src.NotPrincipal; p != nil {
			fmt.Fprintf(&b, "NP%v|%v|%v|%v|%v;", p.Wildcard, p.AWS.Strings(), p.Service.Strings(), p.Federated.Strings(), p.CanonicalUser.Strings())
		}
	}
	fmt.Fprintf(&b, "R%v%v%v;", st.notRes, st.anyRes, st.resPatterns())
	conds := make([]string, 0, len(st.conds))
	for i := range st.conds {
		e := &st.conds[i]
		conds = append(conds, e.op.String()+"|"+e.key+"|"+strings.Join(condTexts(e), "\x00"))
	}
	sort.Strings(conds)
	b.WriteString(strings.Join(conds, ";"))
	return b.String()
}

// actionEnv holds what the statements of both sets say about one action.
type actionEnv struct {
	oldAllows, oldDenys, newDenys []ref
	formats                       []string
	wildcardOnly                  bool
}

type checker struct {
	db       *iamdb.DB
	old, new policySet
	memo     map[string]checkOutcome
	proven   map[string]bool    // format-free proofs, by memoKey without formats
	incl     map[[2]string]bool // globIncluded results
	meets    map[[2]string]bool // pattern and format intersect
	// gaveUp marks NEW statements whose resource comparison exceeded the
	// search bound once: later actions reuse that answer.
	gaveUp map[int]string
}

// included is a cached globIncluded.
func (c *checker) included(a, b string) bool {
	k := [2]string{a, b}
	v, ok := c.incl[k]
	if !ok {
		v = globIncluded(a, b)
		c.incl[k] = v
	}
	return v
}

// intersecting returns the formats some pattern can match a string of.
func (c *checker) intersecting(patterns, formats []string) []string {
	var out []string
	for _, f := range formats {
		for _, p := range patterns {
			k := [2]string{p, f}
			v, ok := c.meets[k]
			if !ok {
				var g globSearch
				gp := g.addGroup([]string{p}, false)
				gf := g.addGroup([]string{f}, false)
				_, found, decided := g.find(func(s bitset) bool { return g.accepts(gp, s) && g.accepts(gf, s) })
				v = found || !decided
				c.meets[k] = v
			}
			if v {
				out = append(out, f)
				break
			}
		}
	}
	return out
}

// eachIncluded reports whether every pattern of sub lies within some
// pattern of super.
func (c *checker) eachIncluded(sub, super []string) bool {
	for _, p := range sub {
		ok := false
		for _, q := range super {
			if c.included(p, q) {
				ok = true
				break
			}
		}
		if !ok {
			return false
		}
	}
	return true
}

// patternwise reports whether each of s's resource patterns lies within
// one pattern of one candidate: the common case, decided without the
// action's ARN formats.
func (c *checker) patternwise(s ref, cands []ref) bool {
	if s.st.notRes {
		// s excludes P_s; a candidate excluding P_t ⊆ P_s allows more.
		for _, t := range cands {
			if t.st.anyRes || (t.st.notRes && c.eachIncluded(t.st.resPatterns(), s.st.resPatterns())) {
				return true
			}
		}
		return false
	}
	pats := s.st.resPatterns()
	if s.st.anyRes {
		pats = []string{"*"}
	}
	for _, p := range pats {
		found := false
		for _, t := range cands {
			if t.st.anyRes {
				found = true
				break
			}
			if t.st.notRes {
				continue
			}
			for i := range t.st.res {
				if c.included(p, t.st.res[i].raw) {
					found = true
					break
				}
			}
			if found {
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

type checkOutcome struct {
	verdict Verdict
	reason  string
	req     *Request
	// witness is a resource NEW allows and OLD may not; with deny set, OLD
	// may deny it through that conditional Deny.
	witness string
	deny    *ref
	// formatFree marks a NoNewAccess proven without the action's ARN
	// formats: it holds for every action with the same statements.
	formatFree bool
}

func (c *checker) env(a *iamdb.Action, full, svc string) *actionEnv {
	e := &actionEnv{wildcardOnly: a.WildcardOnly()}
	for _, r := range c.old.allows {
		if r.st.matchesAction(full, svc) {
			e.oldAllows = append(e.oldAllows, r)
		}
	}
	for _, r := range c.old.denys {
		if r.st.matchesAction(full, svc) {
			e.oldDenys = append(e.oldDenys, r)
		}
	}
	for _, r := range c.new.denys {
		if r.st.matchesAction(full, svc) {
			e.newDenys = append(e.newDenys, r)
		}
	}
	for _, ar := range a.Resources {
		for _, f := range ar.Type.ARNFormats {
			e.formats = append(e.formats, formatGlob(f))
		}
	}
	if len(e.formats) == 0 {
		e.formats = []string{"*"} // no format known: any resource
	}
	slices.Sort(e.formats)
	e.formats = slices.Compact(e.formats)
	return e
}

// check decides whether OLD covers what NEW statement s allows for action a.
func (c *checker) check(a *iamdb.Action, s ref, env *actionEnv) checkOutcome {
	// Candidates: OLD Allows whose conditions and principal s implies.
	var cands []ref
	for _, t := range env.oldAllows {
		if !t.st.hasVars() && implies(s.st, t.st) {
			cands = append(cands, t)
		}
	}
	// OLD Denies: covered by an identical NEW Deny, subtracted when
	// unconditional, otherwise a reason for "possibly".
	newShapes := map[string]bool{}
	var newUncond []ref
	for _, d := range env.newDenys {
		newShapes[d.st.shape()] = true
		if d.st.unconditional() {
			newUncond = append(newUncond, d)
		}
	}
	var oldUncond, oldCond []ref
	for _, d := range env.oldDenys {
		switch {
		case newShapes[d.st.shape()]:
		case d.st.unconditional():
			oldUncond = append(oldUncond, d)
		default:
			oldCond = append(oldCond, d)
		}
	}
	if reason, ok := c.gaveUp[s.id]; ok {
		return checkOutcome{verdict: PossiblyNewAccess, reason: reason}
	}
	base := c.memoKey(s, cands, newUncond, oldUncond, oldCond, env.wildcardOnly)
	if c.proven[base] {
		return checkOutcome{verdict: NoNewAccess}
	}
	key := base + strings.Join(env.formats, "\x00")
	if out, ok := c.memo[key]; ok {
		return c.counterexample(a, s, out)
	}
	out := c.decide(s, cands, newUncond, oldUncond, oldCond, env)
	c.memo[key] = out
	if out.verdict == NoNewAccess && out.formatFree {
		c.proven[base] = true
	}
	if out.verdict == PossiblyNewAccess && out.reason == tooComplex(s) {
		c.gaveUp[s.id] = out.reason
	}
	return c.counterexample(a, s, out)
}

func (c *checker) memoKey(s ref, cands, newUncond, oldUncond, oldCond []ref, wildcardOnly bool) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d|%v|", s.id, wildcardOnly)
	for _, l := range [][]ref{cands, newUncond, oldUncond, oldCond} {
		for _, r := range l {
			b.WriteString(strconv.Itoa(r.id))
			b.WriteByte(',')
		}
		b.WriteByte('|')
	}
	return b.String()
}

// decide runs the resource comparison. A NewAccess outcome carries only the
// witness resource (in reason); counterexample turns it into a checked
// request for the action at hand.
func (c *checker) decide(s ref, cands, newUncond, oldUncond, oldCond []ref, env *actionEnv) checkOutcome {
	// A NEW statement with variables is covered by an OLD one with the very
	// same resources and no OLD Deny in play.
	if s.st.hasVars() {
		for _, t := range env.oldAllows {
			if !implies(s.st, t.st) {
				continue
			}
			if t.st.notRes == s.st.notRes && slices.Equal(t.st.resPatterns(), s.st.resPatterns()) && len(oldUncond)+len(oldCond) == 0 {
				return checkOutcome{verdict: NoNewAccess, formatFree: true}
			}
		}
		return checkOutcome{verdict: PossiblyNewAccess, reason: fmt.Sprintf("%s: its Resource has policy variables that no OLD statement repeats", s.name())}
	}
	if env.wildcardOnly {
		out := c.decideStar(s, cands, newUncond, oldUncond, oldCond)
		out.formatFree = true // every wildcard-only action has the resource "*"
		return out
	}
	if len(oldUncond) == 0 && len(oldCond) == 0 && c.patternwise(s, cands) {
		return checkOutcome{verdict: NoNewAccess, formatFree: true}
	}
	// Without the action's ARN formats first: the formats only narrow
	// what NEW allows, so "no witness" there is a proof for every action.
	w, found, decided := c.search(s, cands, newUncond, oldUncond, nil)
	formatFree := decided && !found
	if decided && found {
		formats := env.formats
		if !s.st.notRes && !s.st.anyRes {
			formats = c.intersecting(s.st.resPatterns(), formats)
		}
		if len(formats) == 0 {
			return checkOutcome{verdict: NoNewAccess} // s names no resource of this action
		}
		w, found, decided = c.search(s, cands, newUncond, oldUncond, formats)
	}
	if !decided {
		return checkOutcome{verdict: PossiblyNewAccess, reason: tooComplex(s)}
	}
	if found {
		return checkOutcome{verdict: NewAccess, witness: w}
	}
	if len(oldCond) == 0 {
		return checkOutcome{verdict: NoNewAccess, formatFree: formatFree}
	}
	return c.conditionalDenies(s, oldCond, func(d ref) (string, bool) {
		var h globSearch
		sg := addStatement(&h, s.st)
		dg := addStatement(&h, d.st)
		fg := h.addGroup(env.formats, false)
		w, found, decided := h.find(func(set bitset) bool {
			return h.accepts(sg, set) && h.accepts(dg, set) && h.accepts(fg, set)
		})
		return w, found || !decided
	})
}

func tooComplex(s ref) string {
	return fmt.Sprintf("%s: the resource patterns are too complex to compare", s.name())
}

// search looks for a resource s allows (outside unconditional NEW Denies,
// within formats when given) that no candidate allows outside unconditional
// OLD Denies.
func (c *checker) search(s ref, cands, newUncond, oldUncond []ref, formats []string) (string, bool, bool) {
	var g globSearch
	sg := addStatement(&g, s.st)
	var newD, oldD, candG []int
	for _, d := range newUncond {
		newD = append(newD, addStatement(&g, d.st))
	}
	for _, d := range oldUncond {
		oldD = append(oldD, addStatement(&g, d.st))
	}
	for _, t := range cands {
		candG = append(candG, addStatement(&g, t.st))
	}
	fg := -1
	if formats != nil {
		fg = g.addGroup(formats, false)
	}
	newSide := func(set bitset) bool {
		if !g.accepts(sg, set) || (fg >= 0 && !g.accepts(fg, set)) {
			return false
		}
		for _, d := range newD {
			if g.accepts(d, set) {
				return false
			}
		}
		return true
	}
	oldSide := func(set bitset) bool {
		for _, d := range oldD {
			if g.accepts(d, set) {
				return false
			}
		}
		for _, t := range candG {
			if g.accepts(t, set) {
				return true
			}
		}
		return false
	}
	return g.find(func(set bitset) bool { return newSide(set) && !oldSide(set) })
}

// decideStar handles actions without resource types: the request's
// resource is "*".
func (c *checker) decideStar(s ref, cands, newUncond, oldUncond, oldCond []ref) checkOutcome {
	hits := func(r ref) bool { return r.st.matchResource("*") }
	overlaps := func(r ref) (string, bool) { return "*", hits(r) }
	if !hits(s) {
		return checkOutcome{verdict: NoNewAccess}
	}
	for _, d := range newUncond {
		if hits(d) {
			return checkOutcome{verdict: NoNewAccess}
		}
	}
	covered := false
	for _, t := range cands {
		covered = covered || hits(t)
	}
	for _, d := range oldUncond {
		if hits(d) {
			covered = false
		}
	}
	if !covered {
		return checkOutcome{verdict: NewAccess, witness: "*"}
	}
	return c.conditionalDenies(s, oldCond, overlaps)
}

// conditionalDenies: with the resources covered, OLD Deny statements with
// conditions that NEW does not repeat may still deny in OLD what NEW allows.
// overlaps returns a resource both statements apply to, if any.
func (c *checker) conditionalDenies(s ref, oldCond []ref, overlaps func(ref) (string, bool)) checkOutcome {
	for _, d := range oldCond {
		if w, ok := overlaps(d); ok {
			return checkOutcome{verdict: PossiblyNewAccess, witness: w, deny: &d,
				reason: fmt.Sprintf("%s: OLD's %s denies under conditions that NEW does not repeat", s.name(), d.name())}
		}
	}
	return checkOutcome{verdict: NoNewAccess}
}

// matchResource matches a concrete resource against the statement's
// Resource or NotResource element (no variables).
func (st *statement) matchResource(res string) bool {
	if st.anyRes {
		return true
	}
	m := false
	for i := range st.res {
		if st.res[i].match(res) {
			m = true
			break
		}
	}
	return m != st.notRes
}

// addStatement adds a statement's resource element as a group.
func addStatement(g *globSearch, st *statement) int {
	if st.anyRes {
		return g.addGroup([]string{"*"}, false)
	}
	return g.addGroup(st.resPatterns(), st.notRes)
}

// counterexample turns a resource witness into a request for action a and
// checks it with the evaluator: NEW must allow it and OLD must not. When
// the check fails (the witness is not a real ARN of the action, or no
// context satisfying NEW's conditions could be built), the answer is
// "possibly".
func (c *checker) counterexample(a *iamdb.Action, s ref, out checkOutcome) checkOutcome {
	w := out.witness
	if w == "" {
		return out
	}
	possibly := out
	if out.verdict == NewAccess {
		possibly = checkOutcome{verdict: PossiblyNewAccess,
			reason: fmt.Sprintf("%s: may allow %s on %s, which OLD allows only under conditions", s.name(), a.FullName(), w)}
	}
	if w != "*" && len(c.db.ResourceTypesFor(a, w)) == 0 {
		if out.verdict == NewAccess {
			possibly.reason = fmt.Sprintf("%s: may allow %s on resources OLD does not cover (no concrete ARN found)", s.name(), a.FullName())
		}
		return possibly
	}
	req := &Request{Principal: counterexamplePrincipal, Action: a.FullName(), Resource: w, ResourceAccount: "111122223333"}
	satisfy(s.st, &req.Context)
	if out.deny != nil {
		satisfy(out.deny.st, &req.Context)
	}
	var ev Evaluator
	n, err := ev.Evaluate(&Input{Identity: c.new.pols}, req, ModeAWS)
	if err == nil && n.Decision == Allowed {
		o, err := ev.Evaluate(&Input{Identity: c.old.pols}, req, ModeAWS)
		if err == nil && o.Decision != Allowed {
			return checkOutcome{verdict: NewAccess, req: req}
		}
	}
	return possibly
}

// satisfy fills ctx with values that make the statement's conditions hold,
// where a simple choice exists.
func satisfy(st *statement, ctx *Context) {
	for i := range st.conds {
		e := &st.conds[i]
		if e.op.Base == policy.OpNull {
			if len(e.values) > 0 && !e.values[0].null {
				ctx.Set(e.name, "x")
			}
			continue
		}
		if e.neg || e.op.IfExists || e.op.Qualifier == policy.QualifierForAllValues || len(e.values) == 0 {
			continue // true when the key is absent
		}
		if v, ok := satisfyingValue(e.pos, &e.values[0]); ok {
			ctx.Set(e.name, v)
		}
	}
}

// satisfyingValue returns a context value for which the positive operator
// op matches the policy value.
func satisfyingValue(op policy.BaseOperator, cv *condValue) (string, bool) {
	if cv.tmpl != nil || !cv.ok {
		return "", false
	}
	switch op {
	case policy.OpStringLike, policy.OpArnLike, policy.OpArnEquals:
		return strings.NewReplacer("*", "", "?", "x").Replace(cv.text), true
	case policy.OpNumericLessThan:
		return strconv.FormatFloat(cv.num-1, 'f', -1, 64), true
	case policy.OpNumericGreaterThan:
		return strconv.FormatFloat(cv.num+1, 'f', -1, 64), true
	case policy.OpDateLessThan:
		return cv.date.Add(-1e9).Format("2006-01-02T15:04:05Z07:00"), true
	case policy.OpDateGreaterThan:
		return cv.date.Add(1e9).Format("2006-01-02T15:04:05Z07:00"), true
	case policy.OpIPAddress:
		return cv.prefix.Addr().String(), true
	case policy.OpBinaryEquals:
		return cv.text, true
	}
	return cv.text, true
}

// implies reports whether every request statement s applies to (for an
// action both match) is one statement t applies to as far as principal and
// conditions go: t names no principal or the same one, and each of t's
// conditions is implied by one of s's.
func implies(s, t *statement) bool {
	if t.prin != nil {
		if s.prin == nil || s.notPrin != t.notPrin || principalShape(s) != principalShape(t) {
			return false
		}
	}
	for i := range t.conds {
		ok := false
		for j := range s.conds {
			if entryImplies(&s.conds[j], &t.conds[i]) {
				ok = true
				break
			}
		}
		if !ok {
			return false
		}
	}
	return true
}

func principalShape(st *statement) string {
	p := st.src.Principal
	if st.notPrin {
		p = st.src.NotPrincipal
	}
	return fmt.Sprintf("%v|%v|%v|%v|%v", p.Wildcard, p.AWS.Strings(), p.Service.Strings(), p.Federated.Strings(), p.CanonicalUser.Strings())
}

// entryImplies reports whether condition entry a (true) implies entry b,
// for every request context. It answers false when unsure.
func entryImplies(a, b *condEntry) bool {
	if a.key != b.key {
		return false
	}
	if a.op == b.op && slices.Equal(condTexts(a), condTexts(b)) {
		return true
	}
	if a.op.Qualifier != b.op.Qualifier || a.neg != b.neg || a.hasVar || b.hasVar {
		return false
	}
	if a.pos != b.pos && !(isBound(a.pos) && isBound(b.pos)) {
		return false
	}
	// Absent key: a positive a is false (unless IfExists or ForAllValues),
	// a negated a is true; b must then be true too.
	aAbsentTrue := a.op.IfExists || a.neg || a.op.Qualifier == policy.QualifierForAllValues
	bAbsentTrue := b.op.IfExists || b.neg || b.op.Qualifier == policy.QualifierForAllValues
	if aAbsentTrue && !bAbsentTrue {
		return false
	}
	if a.neg {
		// a excludes its values, b excludes its own: b's exclusions must
		// be among a's.
		return valuesCovered(a.pos, b.values, a.values)
	}
	if isBound(a.pos) {
		return boundImplies(a, b)
	}
	return valuesCovered(a.pos, a.values, b.values)
}

// isBound reports whether op is a one-sided Numeric or Date comparison.
func isBound(op policy.BaseOperator) bool {
	switch op {
	case policy.OpNumericLessThan, policy.OpNumericLessThanEquals, policy.OpNumericGreaterThan, policy.OpNumericGreaterThanEquals,
		policy.OpDateLessThan, policy.OpDateLessThanEquals, policy.OpDateGreaterThan, policy.OpDateGreaterThanEquals:
		return true
	}
	return false
}

// valuesCovered reports whether each value of sub matches only context
// values that some value of super matches, under the positive operator op.
func valuesCovered(op policy.BaseOperator, sub, super []condValue) bool {
	for i := range sub {
		ok := false
		for j := range super {
			if valueCovered(op, &sub[i], &super[j]) {
				ok = true
				break
			}
		}
		if !ok {
			return false
		}
	}
	return true
}

func valueCovered(op policy.BaseOperator, a, b *condValue) bool {
	if !a.ok {
		return true // a never matches
	}
	if !b.ok {
		return false
	}
	switch op {
	case policy.OpStringEquals, policy.OpBinaryEquals:
		return a.text == b.text
	case policy.OpStringEqualsIgnoreCase, policy.OpBool:
		return strings.EqualFold(a.text, b.text)
	case policy.OpStringLike:
		return globIncluded(a.text, b.text)
	case policy.OpArnEquals, policy.OpArnLike:
		if !a.arnOK || !b.arnOK {
			return globIncluded(a.text, b.text)
		}
		for i := range a.arn {
			if !globIncluded(a.arn[i], b.arn[i]) {
				return false
			}
		}
		return true
	case policy.OpNumericEquals:
		return a.num == b.num
	case policy.OpDateEquals:
		return a.date.Equal(b.date)
	case policy.OpIPAddress:
		return prefixWithin(a.prefix, b.prefix)
	}
	return false
}

func prefixWithin(a, b netip.Prefix) bool {
	return a.Addr().BitLen() == b.Addr().BitLen() && b.Bits() <= a.Bits() && b.Contains(a.Addr())
}

// globIncluded reports whether every string pattern a matches, pattern b
// matches too.
func globIncluded(a, b string) bool {
	if a == b || b == "*" {
		return true
	}
	var g globSearch
	ga := g.addGroup([]string{a}, false)
	gb := g.addGroup([]string{b}, false)
	_, found, decided := g.find(func(s bitset) bool { return g.accepts(ga, s) && !g.accepts(gb, s) })
	return decided && !found
}

// boundImplies compares one-sided numeric or date bounds. The values of an
// entry are ORed, so an entry "x < v1 or x < v2" is "x < max".
func boundImplies(a, b *condEntry) bool {
	less := func(op policy.BaseOperator) bool {
		switch op {
		case policy.OpNumericLessThan, policy.OpNumericLessThanEquals, policy.OpDateLessThan, policy.OpDateLessThanEquals:
			return true
		}
		return false
	}
	strict := func(op policy.BaseOperator) bool {
		switch op {
		case policy.OpNumericLessThan, policy.OpNumericGreaterThan, policy.OpDateLessThan, policy.OpDateGreaterThan:
			return true
		}
		return false
	}
	isDate := func(op policy.BaseOperator) bool {
		return op >= policy.OpDateLessThan && op <= policy.OpDateGreaterThanEquals
	}
	if less(a.pos) != less(b.pos) || isDate(a.pos) != isDate(b.pos) {
		return false
	}
	num := func(v *condValue) float64 {
		if isDate(a.pos) {
			return float64(v.date.UnixNano())
		}
		return v.num
	}
	bound := func(e *condEntry) (float64, bool) {
		var best float64
		for i := range e.values {
			if !e.values[i].ok {
				return 0, false
			}
			x := num(&e.values[i])
			if i == 0 || (less(e.pos) && x > best) || (!less(e.pos) && x < best) {
				best = x
			}
		}
		return best, len(e.values) > 0
	}
	av, ok1 := bound(a)
	bv, ok2 := bound(b)
	if !ok1 || !ok2 {
		return false
	}
	if less(a.pos) {
		// a: x < av (or ≤); b: x < bv (or ≤).
		return av < bv || (av == bv && (strict(a.pos) || !strict(b.pos)))
	}
	return av > bv || (av == bv && (strict(a.pos) || !strict(b.pos)))
}

// UsageRow is one observed request: an action on a resource, with the
// context keys known for it.
type UsageRow struct {
	Action   string
	Resource string
	Context  Context
}

// UsageLoss is a usage row that OLD allows and NEW does not.
type UsageLoss struct {
	Row      UsageRow
	Old, New Decision
}

// StillAllowed checks, for each usage row, that NEW allows it whenever OLD
// does, evaluating both with unknown context for the keys a row lacks. It
// returns the rows that lose access: OLD allows (or allows under
// conditions) and NEW does not allow at least as much. principal is the
// caller the policies are attached to.
func StillAllowed(principal string, oldSet, newSet []*Policy, rows []UsageRow) ([]UsageLoss, error) {
	var ev Evaluator
	var lost []UsageLoss
	for _, row := range rows {
		req := &Request{Principal: principal, Action: row.Action, Resource: row.Resource, Context: row.Context}
		o, err := ev.Evaluate(&Input{Identity: oldSet}, req, ModeUnknown)
		if err != nil {
			return nil, fmt.Errorf("usage row %s on %s: %w", row.Action, row.Resource, err)
		}
		od := o.Decision
		if od != Allowed && od != Conditional {
			continue
		}
		n, err := ev.Evaluate(&Input{Identity: newSet}, req, ModeUnknown)
		if err != nil {
			return nil, fmt.Errorf("usage row %s on %s: %w", row.Action, row.Resource, err)
		}
		if rank(n.Decision) < rank(od) {
			lost = append(lost, UsageLoss{Row: row, Old: od, New: n.Decision})
		}
	}
	return lost, nil
}

// rank orders decisions by permissiveness.
func rank(d Decision) int {
	switch d {
	case Allowed:
		return 2
	case Conditional:
		return 1
	}
	return 0
}

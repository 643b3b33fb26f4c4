package query

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/aegis-iam/aegis/backend/audit"
	"github.com/aegis-iam/aegis/backend/audit/effective"
	"github.com/aegis-iam/aegis/backend/audit/external"
	"github.com/aegis-iam/aegis/backend/audit/graph"
	"github.com/aegis-iam/aegis/backend/eval"
	"github.com/aegis-iam/aegis/backend/iamdb"
	"github.com/aegis-iam/aegis/backend/policy"
)

// Answer is a query's answer. Every list is present, possibly empty.
type Answer struct {
	Query   string `json:"query"`
	Kind    Kind   `json:"kind"`
	Account string `json:"account"`
	// Action is the queried action or pattern (who can); Principal the
	// queried principal's ARN (what can).
	Action    string `json:"action,omitempty"`
	Principal string `json:"principal,omitempty"`
	// Resource is the queried resource, "*" when the query names none.
	Resource string `json:"resource"`
	// ResourcePolicies name the resource-based policies the decisions
	// used: the resource's policy or, for sts actions on a role, its
	// trust policy.
	ResourcePolicies []string `json:"resourcePolicies"`
	Matches          []Match  `json:"matches"`
	// Problems are facts the engine could not use (a policy that does not
	// parse, a request it could not evaluate): no access is claimed
	// through them.
	Problems []string `json:"problems"`
}

// The ways a match gets its access.
const (
	ViaPolicies   = "policies"        // its own effective policies allow it
	ViaAdmin      = "admin"           // it can grant itself the permission
	ViaEscalation = "escalation"      // it can become a principal that may (Path)
	ViaResource   = "resource-policy" // an outside principal the resource's policy names
)

// Match is one principal that may act, and how.
type Match struct {
	// Principal is a user's or role's ARN, or for ViaResource the
	// principal as the resource policy names it.
	Principal string `json:"principal"`
	Type      string `json:"type"` // user, role or external
	Via       string `json:"via"`
	// Actions are the allowed actions, sorted ("*" for an admin's
	// anything its limits leave); Conditional those of them allowed only
	// if unknown conditions (MFA, source IP, tags) hold.
	Actions     []string `json:"actions"`
	Conditional []string `json:"conditional"`
	// Path is the escalation from the queried (what can) or matched (who
	// can) principal to the one whose permissions are used.
	Path []Hop `json:"path,omitempty"`
}

// Hop is one escalation edge.
type Hop struct {
	From        string `json:"from"`
	To          string `json:"to"`
	Via         string `json:"via"`
	Conditional bool   `json:"conditional,omitempty"`
}

// Engine answers queries about one account. Build it once per snapshot:
// it computes every principal's effective permissions and the escalation
// graph. It is not safe for concurrent use.
type Engine struct {
	db       *iamdb.DB
	s        *audit.Snapshot
	acct     *effective.Account
	graph    *graph.Graph
	external []external.Access
	byARN    map[string]*effective.Principal
	problems []string
	compiled map[string]*eval.Policy // resource and trust policies by ARN
}

// New prepares the engine for snapshot s.
func New(db *iamdb.DB, s *audit.Snapshot) *Engine {
	e := &Engine{db: db, s: s, acct: effective.Compute(db, s), byARN: map[string]*effective.Principal{}, compiled: map[string]*eval.Policy{}}
	e.graph = graph.Build(e.acct)
	rcps := e.acct.RCPs
	if o := s.Organization; o != nil && o.ManagementAccount == s.Account {
		rcps = nil // RCPs do not apply to the management account's resources
	}
	var extProblems []string
	e.external, extProblems = external.Find(db, s, rcps)
	e.problems = slices.Concat(e.acct.Problems, e.graph.Problems, extProblems)
	for _, p := range e.acct.Principals {
		e.byARN[p.ARN] = p
	}
	return e
}

// Ask parses and answers a query. A problem with the query is an *Error.
func (e *Engine) Ask(text string) (*Answer, error) {
	q, err := Parse(text)
	if err != nil {
		return nil, err
	}
	return e.Answer(q)
}

// Answer answers a parsed query. A problem with the query (an unknown
// action or principal, a resource that is not an ARN) is an *Error.
func (e *Engine) Answer(q *Query) (*Answer, error) {
	a := &Answer{Query: q.Text, Kind: q.Kind, Account: e.s.Account, Resource: "*", ResourcePolicies: []string{}, Matches: []Match{}, Problems: slices.Clone(e.problems)}
	if a.Problems == nil {
		a.Problems = []string{}
	}
	if q.Resource != "" && q.Resource != "*" {
		if _, err := policy.ParseARN(q.Resource); err != nil {
			return nil, &Error{Col: q.ResourceCol, Msg: fmt.Sprintf("%q is not an ARN: want arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE or *", q.Resource)}
		}
		a.Resource = q.Resource
	}
	var err error
	switch q.Kind {
	case WhoCan:
		err = e.whoCan(q, a)
	case WhatCan:
		err = e.whatCan(q, a)
	}
	if err != nil {
		return nil, err
	}
	sort.Strings(a.ResourcePolicies)
	a.ResourcePolicies = slices.Compact(a.ResourcePolicies)
	return a, nil
}

// actions expands the queried action pattern, keeping those that can act
// on the resource.
func (e *Engine) actions(q *Query, resource string) ([]*iamdb.Action, error) {
	all := e.db.Expand(q.Action)
	if len(all) == 0 {
		return nil, &Error{Col: q.ActionCol, Msg: fmt.Sprintf("%q matches no action of the IAM database%s", q.Action, e.suggest(q.Action))}
	}
	if resource == "*" {
		return all, nil
	}
	var out []*iamdb.Action
	for _, a := range all {
		if len(e.db.ResourceTypesFor(a, resource)) > 0 {
			out = append(out, a)
		}
	}
	if len(out) == 0 {
		return nil, &Error{Col: q.ResourceCol, Msg: fmt.Sprintf("%s names no resource %s can act on", q.Resource, q.Action)}
	}
	return out, nil
}

// suggest returns " (did you mean X?)" for a misspelt action.
func (e *Engine) suggest(action string) string {
	prefix, name, ok := strings.Cut(action, ":")
	svc, found := e.db.Service(prefix)
	if !ok || !found || strings.ContainsAny(name, "*?") {
		return ""
	}
	best, dist := "", 4
	for _, a := range svc.Actions {
		if d := iamdb.EditDistance(strings.ToLower(a.Name), strings.ToLower(name)); d < dist {
			best, dist = a.FullName(), d
		}
	}
	if best == "" {
		return ""
	}
	return " (did you mean " + best + "?)"
}

// resourcePolicy returns the policy the resource's side decides with for
// an action: a role's trust policy for sts actions on it, else the
// resource-based policy of the resource or, for an S3 object, of its
// bucket; nil when the snapshot has none.
func (e *Engine) resourcePolicy(a *Answer, action *iamdb.Action, resource string) *eval.Policy {
	if strings.EqualFold(action.Service.Prefix, "sts") {
		if p := e.byARN[resource]; p != nil && p.Role != nil {
			return e.compile(a, resource, p.Role.Trust, policy.KindTrust)
		}
		return nil
	}
	for _, rp := range e.s.ResourcePolicies {
		if rp.ARN == resource || strings.HasPrefix(rp.ARN, "arn:aws:s3:::") && strings.HasPrefix(resource, rp.ARN+"/") {
			return e.compile(a, rp.ARN, rp.Document, policy.KindResource)
		}
	}
	return nil
}

func (e *Engine) compile(a *Answer, arn string, doc []byte, kind policy.Kind) *eval.Policy {
	if !slices.Contains(a.ResourcePolicies, arn) {
		a.ResourcePolicies = append(a.ResourcePolicies, arn)
	}
	if p, ok := e.compiled[arn]; ok {
		return p
	}
	var cp *eval.Policy
	d, err := policy.Parse(arn, doc, kind)
	if err == nil {
		cp, err = eval.Compile(arn, d)
	}
	if err != nil {
		a.Problems = append(a.Problems, arn+": "+err.Error())
	}
	e.compiled[arn] = cp
	return cp
}

// ability is what one principal may do of the queried actions.
type ability struct {
	via                  string
	actions, conditional []string
}

func (ab *ability) add(action string, d eval.Decision) {
	ab.actions = append(ab.actions, action)
	if d == eval.Conditional {
		ab.conditional = append(ab.conditional, action)
	}
}

// can decides which of actions p may do on resource, by its policies or,
// failing those, as an admin.
func (e *Engine) can(a *Answer, p *effective.Principal, actions []*iamdb.Action, resource string) *ability {
	direct, admin := &ability{via: ViaPolicies}, &ability{via: ViaAdmin}
	_, isAdmin := e.graph.Admins[p.ARN]
	for _, act := range actions {
		req := &eval.Request{Principal: p.ARN, Action: act.FullName(), Resource: resource}
		rp := e.resourcePolicy(a, act, resource)
		d, err := e.acct.Decide(p, req, rp)
		if err != nil {
			a.Problems = append(a.Problems, fmt.Sprintf("%s: %s on %s: %v", p.ARN, act.FullName(), resource, err))
			continue
		}
		if d == eval.Allowed || d == eval.Conditional {
			direct.add(act.FullName(), d)
			continue
		}
		if !isAdmin {
			continue
		}
		req = &eval.Request{Principal: p.ARN, Action: act.FullName(), Resource: resource}
		if d, err := e.acct.DecideAsAdmin(p, req, rp); err == nil && (d == eval.Allowed || d == eval.Conditional) {
			admin.add(act.FullName(), d)
		}
	}
	switch {
	case len(direct.actions) > 0:
		if len(admin.actions) > 0 {
			direct.actions = append(direct.actions, admin.actions...)
			direct.conditional = append(direct.conditional, admin.conditional...)
			direct.via = ViaPolicies + "+" + ViaAdmin
		}
		return direct
	case len(admin.actions) > 0:
		return admin
	}
	return nil
}

func match(p *effective.Principal, ab *ability) Match {
	m := Match{Principal: p.ARN, Type: p.Kind, Via: ab.via, Actions: slices.Sorted(slices.Values(ab.actions)), Conditional: slices.Sorted(slices.Values(ab.conditional))}
	if m.Conditional == nil {
		m.Conditional = []string{}
	}
	return m
}

func (e *Engine) whoCan(q *Query, a *Answer) error {
	a.Action = q.Action
	actions, err := e.actions(q, a.Resource)
	if err != nil {
		return err
	}
	able := map[string]*ability{}
	for _, p := range e.acct.Principals {
		if ab := e.can(a, p, actions, a.Resource); ab != nil {
			able[p.ARN] = ab
			a.Matches = append(a.Matches, match(p, ab))
		}
	}
	// PMapper's "can act through another": the shortest way to any
	// principal that may.
	for _, p := range e.acct.Principals {
		if able[p.ARN] != nil {
			continue
		}
		path := e.shortest(p.ARN, func(arn string) bool { return able[arn] != nil })
		if path == nil {
			continue
		}
		m := match(p, able[path[len(path)-1].To])
		m.Via, m.Path = ViaEscalation, path
		a.Matches = append(a.Matches, m)
	}
	names := map[string]bool{}
	for _, act := range actions {
		names[strings.ToLower(act.FullName())] = true
	}
	for _, x := range e.external {
		if a.Resource != x.Resource && !strings.HasPrefix(a.Resource, x.Resource+"/") {
			continue
		}
		m := Match{Principal: x.Principal, Type: "external", Via: ViaResource, Actions: []string{}, Conditional: []string{}}
		for _, act := range x.Actions {
			if names[strings.ToLower(act)] {
				m.Actions = append(m.Actions, act)
				if x.Conditional {
					m.Conditional = append(m.Conditional, act)
				}
			}
		}
		if len(m.Actions) > 0 {
			a.Matches = append(a.Matches, m)
		}
	}
	sortMatches(a.Matches)
	return nil
}

func sortMatches(ms []Match) {
	order := map[string]int{ViaPolicies: 0, ViaPolicies + "+" + ViaAdmin: 0, ViaAdmin: 1, ViaEscalation: 2, ViaResource: 3}
	sort.SliceStable(ms, func(i, j int) bool {
		if order[ms[i].Via] != order[ms[j].Via] {
			return order[ms[i].Via] < order[ms[j].Via]
		}
		return ms[i].Principal < ms[j].Principal
	})
}

// shortest returns the shortest escalation path from arn to a principal
// for which goal holds (breadth first over the sorted edges), nil when
// there is none.
func (e *Engine) shortest(from string, goal func(string) bool) []Hop {
	prev := map[string]graph.Edge{}
	seen := map[string]bool{from: true}
	queue := []string{from}
	for len(queue) > 0 {
		cur := queue[0]
		queue = queue[1:]
		if cur != from && goal(cur) {
			var hops []Hop
			for at := cur; at != from; at = prev[at].From {
				ed := prev[at]
				hops = append([]Hop{{From: ed.From, To: ed.To, Via: ed.Via, Conditional: ed.Conditional}}, hops...)
			}
			return hops
		}
		for _, ed := range e.edgesFrom(cur) {
			if !seen[ed.To] {
				seen[ed.To] = true
				prev[ed.To] = ed
				queue = append(queue, ed.To)
			}
		}
	}
	return nil
}

// edgesFrom returns the escalation edges leaving arn (the graph's edges
// are sorted by source).
func (e *Engine) edgesFrom(arn string) []graph.Edge {
	i := sort.Search(len(e.graph.Edges), func(i int) bool { return e.graph.Edges[i].From >= arn })
	j := i
	for j < len(e.graph.Edges) && e.graph.Edges[j].From == arn {
		j++
	}
	return e.graph.Edges[i:j]
}

// principal resolves a what-can query's principal: an ARN, or the name of
// exactly one user or role.
func (e *Engine) principal(q *Query) (*effective.Principal, error) {
	if p := e.byARN[q.Principal]; p != nil {
		return p, nil
	}
	var found []*effective.Principal
	best, dist := "", 4
	for _, p := range e.acct.Principals {
		if p.Name == q.Principal {
			found = append(found, p)
		}
		if d := iamdb.EditDistance(strings.ToLower(p.Name), strings.ToLower(q.Principal)); d < dist {
			best, dist = p.Name, d
		}
	}
	switch len(found) {
	case 1:
		return found[0], nil
	case 0:
		hint := ""
		if best != "" {
			hint = " (did you mean " + best + "?)"
		}
		return nil, &Error{Col: q.PrincipalCol, Msg: fmt.Sprintf("account %s has no user or role %q%s", e.s.Account, q.Principal, hint)}
	}
	return nil, &Error{Col: q.PrincipalCol, Msg: fmt.Sprintf("%q names both %s and %s: give the ARN", q.Principal, found[0].ARN, found[1].ARN)}
}

func (e *Engine) whatCan(q *Query, a *Answer) error {
	p, err := e.principal(q)
	if err != nil {
		return err
	}
	a.Principal = p.ARN
	// what names what each principal reached may do: on the resource, its
	// decided actions; without one, its live grants.
	what := func(r *effective.Principal) *ability {
		if a.Resource == "*" && q.Resource == "" {
			return e.grants(r)
		}
		var actions []*iamdb.Action
		for _, act := range e.db.Actions() {
			if a.Resource == "*" || len(e.db.ResourceTypesFor(act, a.Resource)) > 0 {
				actions = append(actions, act)
			}
		}
		return e.can(a, r, actions, a.Resource)
	}
	if ab := what(p); ab != nil {
		a.Matches = append(a.Matches, match(p, ab))
	}
	// Every principal p can become, by the shortest path.
	for _, r := range e.acct.Principals {
		if r == p {
			continue
		}
		path := e.shortest(p.ARN, func(arn string) bool { return arn == r.ARN })
		if path == nil {
			continue
		}
		ab := what(r)
		if ab == nil {
			continue
		}
		m := match(r, ab)
		m.Via, m.Path = ViaEscalation, path
		a.Matches = append(a.Matches, m)
	}
	sortMatches(a.Matches)
	return nil
}

// grants is what r's live grants allow, or "*" for an admin, whose
// grants it can extend at will.
func (e *Engine) grants(r *effective.Principal) *ability {
	if _, admin := e.graph.Admins[r.ARN]; admin {
		return &ability{via: ViaAdmin, actions: []string{"*"}}
	}
	ab := &ability{via: ViaPolicies}
	for i := range r.Grants {
		g := &r.Grants[i]
		if g.Dead() {
			continue
		}
		ab.actions = append(ab.actions, g.Action.FullName())
		if g.Conditional {
			ab.conditional = append(ab.conditional, g.Action.FullName())
		}
	}
	if len(ab.actions) == 0 {
		return nil
	}
	return ab
}

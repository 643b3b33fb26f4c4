// Package effective computes what each user and role of an audit snapshot
// can do: its identity policies (inline, managed, and its groups'), limited
// by its permissions boundary and by the SCPs and RCPs on the account's path
// in the organization, evaluated with backend/eval
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html).
//
// A grant is an action an identity policy allows on some resource. A grant
// that the boundary or an SCP/RCP blocks on every resource it is granted on
// is a dead grant: reported, but not a risk and not "unused".
package effective

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/aegis-iam/aegis/backend/audit"
	"github.com/aegis-iam/aegis/backend/audit/internal/parallel"
	"github.com/aegis-iam/aegis/backend/eval"
	"github.com/aegis-iam/aegis/backend/iamdb"
	"github.com/aegis-iam/aegis/backend/policy"
)

// Account holds the effective permissions of a snapshot's users and roles.
type Account struct {
	// Principals are the users and roles, sorted by ARN.
	Principals []*Principal
	// SCPs and RCPs are the organization's policies per level, root first
	// (nil outside an organization or when they could not be read).
	SCPs, RCPs [][]*eval.Policy
	// Problems are facts that could not be used (an SCP that does not
	// parse); where they apply, no grant is called dead.
	Problems []string

	account  string
	expand   *expander
	delegate *eval.Policy
	allowAll []*eval.Policy
	ev       eval.Evaluator
}

// Decide evaluates req as principal p makes it, in ModeUnknown: p's
// identity policies, boundary and the organization's policies, with
// resource as the resource-based policy (nil: one that leaves the decision
// to IAM, as the default key policy does). An Account is not safe for
// concurrent Decide calls.
func (a *Account) Decide(p *Principal, req *eval.Request, resource *eval.Policy) (eval.Decision, error) {
	return a.decide(&a.ev, p.full, req, resource)
}

// DecideWith is Decide with the caller's evaluator: goroutines that each
// have their own may decide at once.
func (a *Account) DecideWith(ev *eval.Evaluator, p *Principal, req *eval.Request, resource *eval.Policy) (eval.Decision, error) {
	return a.decide(ev, p.full, req, resource)
}

func (a *Account) decide(ev *eval.Evaluator, in eval.Input, req *eval.Request, resource *eval.Policy) (eval.Decision, error) {
	in.Resource = a.delegate
	if resource != nil {
		in.Resource = resource
	}
	if req.ResourceAccount == "" {
		req.ResourceAccount = a.account
	}
	res, err := ev.Evaluate(&in, req, eval.ModeUnknown)
	if err != nil {
		return eval.ImplicitDeny, err
	}
	return res.Decision, nil
}

// DecideAsAdmin evaluates req as Decide does, but as if p had granted
// itself every action (what an admin can do): only p's boundary, the
// organization's policies and the resource policy still limit it.
func (a *Account) DecideAsAdmin(p *Principal, req *eval.Request, resource *eval.Policy) (eval.Decision, error) {
	in := p.full
	in.Identity = a.allowAll
	return a.decide(&a.ev, in, req, resource)
}

// Kinds of principal.
const (
	KindUser = "user"
	KindRole = "role"
)

// Principal is one user or role with its policies and grants.
type Principal struct {
	ARN, Name, ID string
	Kind          string // KindUser or KindRole
	User          *audit.User
	Role          *audit.Role
	// Identity are the identity policies in force: inline, attached
	// managed, and each group's.
	Identity []*Policy
	// Boundary is the permissions boundary, nil when none is set.
	Boundary *Policy
	// Organization says whether the account's SCPs and RCPs apply (not to
	// service-linked roles nor in the management account).
	Organization bool
	// Grants are the actions the identity policies allow on some
	// resource, sorted by action.
	Grants []Grant
	// Incomplete says why the principal's policies are not all known (a
	// managed policy missing from the snapshot, a document that does not
	// parse): its grants are then a lower bound.
	Incomplete []string

	full   eval.Input // identity, boundary, SCPs and RCPs
	expand *expander
}

// Policy is an identity policy or boundary of a principal.
type Policy struct {
	// Name identifies the policy in reports: "inline:NAME" or the managed
	// policy's ARN, prefixed "group/G " when it comes through group G.
	Name string
	// ManagedARN is the managed policy's ARN; empty for inline policies.
	ManagedARN string
	// Group is the group the policy comes through; empty when direct.
	Group    string
	Compiled *eval.Policy
}

// Grant is one action an identity policy allows.
type Grant struct {
	Action *iamdb.Action
	// Resources are the resource patterns the identity policies allow it
	// on ("*" for actions without resource types).
	Resources []string
	// Conditional: allowed only if unknown conditions hold.
	Conditional bool
	// BlockedBy is the layer that denies the grant on every resource it is
	// granted on (eval.LayerBoundary, LayerSCP, LayerRCP); LayerNone for a
	// live grant.
	BlockedBy eval.Layer
	// Sources name the identity policies that allow it.
	Sources []string
}

// Dead reports whether the grant can never be used.
func (g *Grant) Dead() bool { return g.BlockedBy != eval.LayerNone }

// Compute evaluates every user's and role's permissions in s.
func Compute(db *iamdb.DB, s *audit.Snapshot) *Account {
	c := &computer{db: db, s: s, managed: map[string]*eval.Policy{}, bad: map[string]string{},
		acct: &Account{expand: &expander{db: db, cache: map[*policy.Statement][]*iamdb.Action{}}}}
	c.order = make(map[*iamdb.Action]int, len(db.Actions()))
	for i, a := range db.Actions() {
		c.order[a] = i
	}
	for i := range s.Policies {
		c.policies = append(c.policies, &s.Policies[i])
	}
	c.organization()
	delegate, err := compile("account delegation", []byte(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::`+s.Account+`:root"},"Action":"*","Resource":"*"}]}`), policy.KindResource)
	if err != nil {
		c.acct.Problems = append(c.acct.Problems, fmt.Sprintf("account %q: %v", s.Account, err))
	}
	c.delegate = delegate
	c.acct.account, c.acct.delegate = s.Account, delegate
	if all, err := compile("every action", []byte(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`), policy.KindIdentity); err == nil {
		c.acct.allowAll = []*eval.Policy{all}
	}
	groups := map[string]*audit.Group{}
	for i := range s.Groups {
		groups[s.Groups[i].Name] = &s.Groups[i]
	}
	for i := range s.Users {
		u := &s.Users[i]
		p := &Principal{ARN: u.ARN, Name: u.Name, ID: u.ID, Kind: KindUser, User: u, Organization: c.scpsApply(false), expand: c.acct.expand}
		c.identity(p, &u.Entity, "")
		for _, g := range u.Groups {
			if grp := groups[g]; grp != nil {
				c.identity(p, &grp.Entity, g)
			} else {
				p.Incomplete = append(p.Incomplete, fmt.Sprintf("group %q is not in the snapshot", g))
			}
		}
		c.boundary(p, u.Boundary)
		c.acct.Principals = append(c.acct.Principals, p)
	}
	for i := range s.Roles {
		r := &s.Roles[i]
		p := &Principal{ARN: r.ARN, Name: r.Name, ID: r.ID, Kind: KindRole, Role: r, Organization: c.scpsApply(r.ServiceLinked()), expand: c.acct.expand}
		c.identity(p, &r.Entity, "")
		c.boundary(p, r.Boundary)
		c.acct.Principals = append(c.acct.Principals, p)
	}
	sort.Slice(c.acct.Principals, func(i, j int) bool { return c.acct.Principals[i].ARN < c.acct.Principals[j].ARN })
	// Principals are independent: evaluate them on every core, each worker
	// with its own evaluator.
	parallel.Each(len(c.acct.Principals), func() func(int) {
		var ev eval.Evaluator
		return func(i int) { c.grants(&ev, c.acct.Principals[i]) }
	})
	return c.acct
}

type computer struct {
	db       *iamdb.DB
	s        *audit.Snapshot
	acct     *Account
	policies []*audit.ManagedPolicy
	managed  map[string]*eval.Policy // ARN → compiled default version
	bad      map[string]string       // ARN → why it cannot be used
	order    map[*iamdb.Action]int   // action → its index in db.Actions()
	// delegate is a resource policy that leaves the decision to IAM (the
	// default KMS key policy): key and trust policies are the resource's
	// side, which external-access analysis judges; here only the
	// principal's own policies and their limits are asked.
	delegate *eval.Policy
}

// compile parses and compiles one document.
func compile(name string, doc []byte, kind policy.Kind) (*eval.Policy, error) {
	d, err := policy.Parse(name, doc, kind)
	if err != nil {
		return nil, err
	}
	return eval.Compile(name, d)
}

// organization compiles the SCP and RCP levels.
func (c *computer) organization() {
	o := c.s.Organization
	if o == nil {
		return
	}
	levels := func(typ string, kind policy.Kind) [][]*eval.Policy {
		var out [][]*eval.Policy
		for _, level := range o.Levels(typ) {
			var ps []*eval.Policy
			for _, op := range level {
				p, err := compile(typ+" "+op.Name, op.Document, kind)
				if err != nil {
					c.acct.Problems = append(c.acct.Problems, fmt.Sprintf("%s %s (%s) is not used: %v", typ, op.Name, op.ID, err))
					return nil
				}
				ps = append(ps, p)
			}
			out = append(out, ps)
		}
		return out
	}
	c.acct.SCPs = levels(audit.SCP, policy.KindSCP)
	if hasType(o, audit.RCP) {
		c.acct.RCPs = levels(audit.RCP, policy.KindRCP)
	}
}

// hasType reports whether the organization uses policies of a type: RCPs
// apply only once enabled, and then RCPFullAWSAccess is everywhere.
func hasType(o *audit.Organization, typ string) bool {
	for _, p := range o.Policies {
		if p.Type == typ {
			return true
		}
	}
	return false
}

// scpsApply reports whether the organization's policies apply to a
// principal of the snapshot's account.
func (c *computer) scpsApply(serviceLinked bool) bool {
	o := c.s.Organization
	return o != nil && !serviceLinked && o.ManagementAccount != c.s.Account && c.acct.SCPs != nil
}

// managedPolicy returns the compiled default version of a managed policy.
func (c *computer) managedPolicy(arn string) (*eval.Policy, string) {
	if p, ok := c.managed[arn]; ok {
		return p, ""
	}
	if why, ok := c.bad[arn]; ok {
		return nil, why
	}
	for _, mp := range c.policies {
		if mp.ARN != arn {
			continue
		}
		v := mp.Default()
		if v == nil {
			c.bad[arn] = fmt.Sprintf("managed policy %s has no default version in the snapshot", arn)
			return nil, c.bad[arn]
		}
		p, err := compile(arn, v.Document, policy.KindIdentity)
		if err != nil {
			c.bad[arn] = fmt.Sprintf("managed policy %s: %v", arn, err)
			return nil, c.bad[arn]
		}
		c.managed[arn] = p
		return p, ""
	}
	c.bad[arn] = fmt.Sprintf("managed policy %s is not in the snapshot", arn)
	return nil, c.bad[arn]
}

// identity adds an entity's inline and attached policies to p.
func (c *computer) identity(p *Principal, e *audit.Entity, group string) {
	prefix := ""
	if group != "" {
		prefix = "group/" + group + " "
	}
	for _, ip := range e.Inline {
		name := prefix + "inline:" + ip.Name
		cp, err := compile(name, ip.Document, policy.KindIdentity)
		if err != nil {
			p.Incomplete = append(p.Incomplete, fmt.Sprintf("%s: %v", name, err))
			continue
		}
		p.Identity = append(p.Identity, &Policy{Name: name, Group: group, Compiled: cp})
	}
	for _, arn := range e.Attached {
		cp, why := c.managedPolicy(arn)
		if cp == nil {
			p.Incomplete = append(p.Incomplete, why)
			continue
		}
		p.Identity = append(p.Identity, &Policy{Name: prefix + arn, ManagedARN: arn, Group: group, Compiled: cp})
	}
}

// boundary sets p's permissions boundary.
func (c *computer) boundary(p *Principal, arn string) {
	if arn == "" {
		return
	}
	cp, why := c.managedPolicy(arn)
	if cp == nil {
		p.Incomplete = append(p.Incomplete, "permissions boundary: "+why)
		return
	}
	p.Boundary = &Policy{Name: arn, ManagedARN: arn, Compiled: cp}
}

// candidates collects, per action, the resource patterns to try: those of
// the identity Allow statements that grant it, and of the boundary's and
// SCPs' Allow statements, so that a grant on "*" limited by a boundary on
// one bucket is tried on that bucket.
type candidates struct {
	res     map[*iamdb.Action][]string
	sources map[*iamdb.Action][]string
}

func (c *computer) statementActions(st *policy.Statement) []*iamdb.Action {
	return c.acct.expand.actions(st)
}

// expander expands statements' Action and NotAction against the IAM
// database once: managed policies' statements are shared by every
// principal they are attached to (AdministratorAccess's "*" is 20,000
// actions). It is safe for concurrent use.
type expander struct {
	db    *iamdb.DB
	mu    sync.Mutex
	cache map[*policy.Statement][]*iamdb.Action
}

func (e *expander) actions(st *policy.Statement) []*iamdb.Action {
	e.mu.Lock()
	out, ok := e.cache[st]
	e.mu.Unlock()
	if ok {
		return out
	}
	switch {
	case st.NotAction != nil:
		out = e.db.ExpandNot(st.NotAction.Strings())
	case st.Action != nil:
		out = e.db.ExpandAll(st.Action.Strings())
	}
	e.mu.Lock()
	e.cache[st] = out
	e.mu.Unlock()
	return out
}

// StatementActions returns the actions a statement of p's policies (or
// of any policy) names in its Action or NotAction, expanded against the
// IAM database; the slice is shared: do not modify it.
func (p *Principal) StatementActions(st *policy.Statement) []*iamdb.Action {
	return p.expand.actions(st)
}

// Action returns the IAM database's action of that name.
func (a *Account) Action(name string) (*iamdb.Action, bool) { return a.expand.db.Action(name) }

// resources returns the literal resources a statement's Resource patterns
// are tried as, with ${aws:username} resolved for users.
func resources(st *policy.Statement, p *Principal) []string {
	if st.Resource == nil {
		return []string{"*"}
	}
	out := st.Resource.Strings()
	if p.Kind == KindUser {
		for i, r := range out {
			out[i] = strings.ReplaceAll(r, "${aws:username}", p.Name)
		}
	}
	return out
}

// grants evaluates every action p's identity policies allow.
func (c *computer) grants(ev *eval.Evaluator, p *Principal) {
	cand := candidates{res: map[*iamdb.Action][]string{}, sources: map[*iamdb.Action][]string{}}
	for _, pol := range p.Identity {
		for _, st := range pol.Compiled.Doc.Statements {
			if st.Effect != policy.EffectAllow {
				continue
			}
			// The first statement's lists are shared by its actions
			// (clipped: appendNew copies before adding).
			res := slices.Clip(resources(st, p))
			src := []string{pol.Name}
			for _, a := range c.statementActions(st) {
				cand.res[a] = appendNew(cand.res[a], res...)
				cand.sources[a] = appendNew(cand.sources[a], src...)
			}
		}
	}
	limits := []*eval.Policy{}
	if p.Boundary != nil {
		limits = append(limits, p.Boundary.Compiled)
	}
	in := eval.Input{Identity: compiled(p.Identity), Resource: c.delegate}
	full := in
	if p.Boundary != nil {
		full.Boundary = p.Boundary.Compiled
	}
	if p.Organization {
		full.SCPs, full.RCPs = c.acct.SCPs, c.acct.RCPs
		for _, level := range c.acct.SCPs {
			limits = append(limits, level...)
		}
	}
	p.full = full
	p.full.Resource = nil
	for _, lp := range limits {
		for _, st := range lp.Doc.Statements {
			if st.Effect != policy.EffectAllow || st.Resource == nil {
				continue
			}
			for _, a := range c.statementActions(st) {
				if _, ok := cand.res[a]; ok {
					cand.res[a] = appendNew(cand.res[a], resources(st, p)...)
				}
			}
		}
	}
	// The candidates in the database's order: only they, not every action.
	order := make([]int, 0, len(cand.res))
	for a := range cand.res {
		order = append(order, c.order[a])
	}
	slices.Sort(order)
	actions := c.db.Actions()
	p.Grants = make([]Grant, 0, len(cand.res))
	for _, i := range order {
		a := actions[i]
		res := cand.res[a]
		if a.WildcardOnly() {
			res = []string{"*"}
		}
		g, ok, err := c.grant(ev, p, a, res, &in, &full)
		if err != nil {
			p.Incomplete = append(p.Incomplete, err.Error())
			continue
		}
		if ok {
			g.Sources = cand.sources[a]
			p.Grants = append(p.Grants, g)
		}
	}
}

// grant evaluates one action on each candidate resource: ok is false when the
// identity policies allow it nowhere (a Deny wins), live when the full
// evaluation allows it somewhere, dead otherwise.
func (c *computer) grant(ev *eval.Evaluator, p *Principal, a *iamdb.Action, res []string, in, full *eval.Input) (Grant, bool, error) {
	g := Grant{Action: a, BlockedBy: eval.LayerNone}
	granted, live, conditionalOnly := false, false, true
	var blocked eval.Layer
	name := a.FullName()
	// g.Resources shares res until a resource is not granted (the usual
	// case grants all: no copy per grant).
	missed := false
	for i, r := range res {
		req := &eval.Request{Principal: p.ARN, Action: name, Resource: r, ResourceAccount: c.s.Account}
		id, err := ev.Evaluate(in, req, eval.ModeUnknown)
		if err != nil {
			return g, false, fmt.Errorf("%s on %s: %w", name, r, err)
		}
		if id.Decision != eval.Allowed && id.Decision != eval.Conditional {
			if !missed {
				g.Resources, missed = slices.Clone(res[:i]), true
			}
			continue
		}
		granted = true
		if missed {
			g.Resources = append(g.Resources, r)
		}
		res, err := ev.Evaluate(full, req, eval.ModeUnknown)
		if err != nil {
			return g, false, fmt.Errorf("%s on %s: %w", name, r, err)
		}
		switch res.Decision {
		case eval.Allowed:
			live, conditionalOnly = true, false
		case eval.Conditional:
			live = true
		default:
			if blocked == eval.LayerNone {
				blocked = res.DecidedBy
			}
		}
	}
	if !granted {
		return g, false, nil
	}
	if !missed {
		g.Resources = slices.Clip(res)
	}
	if !live {
		g.BlockedBy = blocked
	}
	g.Conditional = live && conditionalOnly
	return g, true, nil
}

func compiled(ps []*Policy) []*eval.Policy {
	out := make([]*eval.Policy, len(ps))
	for i, p := range ps {
		out[i] = p.Compiled
	}
	return out
}

func appendNew(list []string, vs ...string) []string {
	if list == nil && len(vs) <= 1 {
		return vs // shared with the caller, who clips it
	}
	for _, v := range vs {
		found := false
		for _, x := range list {
			if x == v {
				found = true
				break
			}
		}
		if !found {
			list = append(list, v)
		}
	}
	return list
}

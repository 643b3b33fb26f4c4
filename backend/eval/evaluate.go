package eval

import (
	"slices"
	"sort"
)

// Input is the compiled set of policies that apply to one request.
type Input struct {
	// Identity holds the caller's identity-based policies: a user's inline
	// and managed policies and those of every group; a role's inline and
	// managed policies.
	Identity []*Policy
	// Resource is the resource-based policy (bucket policy, key policy,
	// role trust policy...), nil when the resource has none.
	Resource *Policy
	// Boundary is the caller's permissions boundary, nil when none is set.
	Boundary *Policy
	// Session is the session policy of a role or federated-user session.
	Session *Policy
	// SCPs are the caller's account's service control policies, one list
	// per level from the root down to the account. Leave empty for an
	// account outside an organization or the management account.
	SCPs [][]*Policy
	// RCPs are the resource account's resource control policies, one list
	// per level from the root down to the account (RCPFullAWSAccess
	// included where attached). Leave empty when RCPs do not apply.
	RCPs [][]*Policy
}

// Evaluator evaluates requests, reusing its buffers between calls. It is
// not safe for concurrent use; use one per goroutine. The compiled policies
// it reads are shared freely.
type Evaluator struct {
	prep    prepared
	callers callerCache
	caseIn  Input   // scratch for Case.Run
	caseReq Request // scratch for Case.Run
	ctx     Context
	res     Result
	buf     []pchar
	absent  []string
	pending []ConditionRef
	seen    map[string]bool
}

// Evaluate answers whether in allows req. It is Evaluator.Evaluate with a
// fresh evaluator, so the result is the caller's to keep.
func Evaluate(in *Input, req *Request, mode Mode) (*Result, error) {
	var ev Evaluator
	return ev.Evaluate(in, req, mode)
}

// Evaluate answers whether in allows req, following AWS's evaluation flow.
// The result is valid until the next call on ev. An error means the
// request itself is malformed (an unparsable principal or action).
func (ev *Evaluator) Evaluate(in *Input, req *Request, mode Mode) (*Result, error) {
	p := &ev.prep
	if err := prepare(req, mode, p, &ev.ctx, &ev.callers); err != nil {
		return nil, err
	}
	ev.res = Result{Matched: ev.res.Matched[:0], MissingContext: ev.res.MissingContext[:0], Conditions: ev.res.Conditions[:0]}
	ev.absent = ev.absent[:0]
	p.hasBoundary = in.Boundary != nil
	ev.decide(in, p)
	ev.finishMissing()
	return &ev.res, nil
}

// outcome is what one layer says about a request.
type outcome struct {
	allow, deny tri
	// For resource-based policies: the Allow split by how the principal
	// matched (see principalMatch).
	direct, role, account tri
}

func (ev *Evaluator) layer(l Layer, level int, pols []*Policy, p *prepared) outcome {
	var o outcome
	for _, pol := range pols {
		if pol == nil {
			continue
		}
		for i := range pol.statements {
			st := &pol.statements[i]
			r, pm := ev.statement(st, l, p, pol.Name)
			if r == triFalse {
				continue
			}
			ev.res.Matched = append(ev.res.Matched, Match{Layer: l, Level: level, Policy: pol.Name,
				Statement: st.index, Sid: st.sid, Effect: st.effect, Conditional: r == triUnknown})
			if !st.allow {
				o.deny = or(o.deny, r)
				continue
			}
			o.allow = or(o.allow, r)
			switch pm {
			case pmDirect:
				o.direct = or(o.direct, r)
			case pmRole:
				o.role = or(o.role, r)
			case pmAccount:
				o.account = or(o.account, r)
			}
		}
	}
	return o
}

// statement evaluates one statement against the request.
func (ev *Evaluator) statement(st *statement, l Layer, p *prepared, polName string) (tri, principalMatch) {
	pm := pmDirect
	if l == LayerResource || l == LayerRCP {
		switch {
		case st.prin == nil && l == LayerResource:
			return triFalse, pmNone // a resource-based statement must name a principal
		case st.prin == nil:
		case st.notPrin:
			// A Deny with NotPrincipal always applies to a caller with a
			// permissions boundary, whatever the element lists
			// (access_policies_boundaries.html).
			if !(p.hasBoundary && !st.allow) && st.prin.exempts(&p.caller) {
				return triFalse, pmNone
			}
		default:
			if pm = st.prin.match(&p.caller); pm == pmNone {
				return triFalse, pmNone
			}
		}
	}
	if st.actions.none || st.actions.match(p.action, p.service) == st.notAct {
		return triFalse, pmNone
	}
	absentStart, pendingStart := len(ev.absent), len(ev.pending)
	others := true // every part not involving an absent key is true
	rt := triTrue
	if !st.anyRes {
		rt = triFalse
		resAbsent := false
		for i := range st.res {
			r, a := ev.resource(&st.res[i], p)
			if a {
				resAbsent = true
				ev.absent = append(ev.absent, st.res[i].tmpl.names...)
				if r == triUnknown {
					ev.pending = append(ev.pending, ConditionRef{Operator: "Resource", Key: st.res[i].tmpl.names[0], Values: []string{st.res[i].raw}})
				}
			}
			rt = or(rt, r)
		}
		if st.notRes {
			rt = rt.not()
		}
		if rt == triFalse && !resAbsent {
			ev.absent, ev.pending = ev.absent[:absentStart], ev.pending[:pendingStart]
			return triFalse, pmNone
		}
	}
	ct := triTrue
	for i := range st.conds {
		e := &st.conds[i]
		r, a := e.eval(p, &ev.buf)
		switch {
		case a:
			ev.absent = e.absentKeys(p.ctx, ev.absent)
			if r == triUnknown {
				ev.pending = append(ev.pending, ConditionRef{Operator: e.op.String(), Key: e.name, Values: condTexts(e)})
			}
		case r == triFalse:
			others = false
		}
		ct = and(ct, r)
	}
	res := and(rt, ct)
	if !others || p.mode != ModeAWS {
		ev.absent = ev.absent[:absentStart]
	}
	if res != triUnknown {
		ev.pending = ev.pending[:pendingStart]
	} else {
		for i := pendingStart; i < len(ev.pending); i++ {
			c := &ev.pending[i]
			c.Layer, c.Policy, c.Statement, c.Effect = l, polName, st.index, st.effect
		}
	}
	return res, pm
}

func condTexts(e *condEntry) []string {
	out := make([]string, len(e.values))
	for i, v := range e.values {
		out[i] = v.text
	}
	return out
}

// resource matches one Resource pattern; the bool reports a variable whose
// key is absent or unknown.
func (ev *Evaluator) resource(m *resMatcher, p *prepared) (tri, bool) {
	if m.tmpl == nil {
		return triOf(m.match(p.resource)), false
	}
	pat, r := m.tmpl.resolve(p.ctx, p.mode, ev.buf)
	ev.buf = pat
	switch r {
	case unknownVar:
		return triUnknown, true
	case unresolved:
		return triFalse, true
	}
	return triOf(matchARNPattern(pat, p.resource)), false
}

// levels evaluates SCP or RCP levels: every level must allow.
func (ev *Evaluator) levels(l Layer, lv [][]*Policy, p *prepared) (ok, deny tri) {
	ok = triTrue
	for i, pols := range lv {
		o := ev.layer(l, i, pols, p)
		ok = and(ok, o.allow)
		deny = or(deny, o.deny)
	}
	return ok, deny
}

// decide runs AWS's evaluation flow (reference_policies_evaluation-logic.html,
// "How AWS enforcement code logic evaluates requests") in three-valued logic.
func (ev *Evaluator) decide(in *Input, p *prepared) {
	c := &p.caller
	rcpOK, rcpDeny := triTrue, triFalse
	if len(in.RCPs) > 0 && !c.serviceLinked() {
		rcpOK, rcpDeny = ev.levels(LayerRCP, in.RCPs, p)
	}
	scpOK, scpDeny := triTrue, triFalse
	if len(in.SCPs) > 0 && c.hasIdentity() && !c.serviceLinked() {
		scpOK, scpDeny = ev.levels(LayerSCP, in.SCPs, p)
	}
	var res outcome
	if in.Resource != nil {
		res = ev.layer(LayerResource, 0, []*Policy{in.Resource}, p)
	}
	var id, bnd, sess outcome
	idAllow, bndOK, sessOK := triFalse, triTrue, triTrue
	if c.hasIdentity() {
		if c.kind == PrincipalRoot {
			idAllow = triTrue // the root user holds every permission in its own account
		} else {
			id = ev.layer(LayerIdentity, 0, in.Identity, p)
			idAllow = id.allow
		}
		if in.Boundary != nil && c.kind != PrincipalRoot {
			bnd = ev.layer(LayerBoundary, 0, []*Policy{in.Boundary}, p)
			bndOK = bnd.allow
		}
		switch {
		case in.Session != nil:
			sess = ev.layer(LayerSession, 0, []*Policy{in.Session}, p)
			sessOK = sess.allow
		case c.kind == PrincipalFederatedUser:
			sessOK = triFalse // GetFederationToken sessions get nothing without a session policy
		}
	}

	// Step 1: an explicit deny anywhere decides.
	denyLayers := [...]struct {
		l Layer
		t tri
	}{{LayerRCP, rcpDeny}, {LayerSCP, scpDeny}, {LayerResource, res.deny}, {LayerIdentity, id.deny},
		{LayerBoundary, bnd.deny}, {LayerSession, sess.deny}}
	deny := triFalse
	for _, d := range denyLayers {
		deny = or(deny, d.t)
	}

	// The grant: which Allows make the request allowed, by principal kind
	// and account. decidedBy follows the first missing piece.
	var grant tri
	grantBy, missing := LayerIdentity, LayerIdentity
	limits := and(bndOK, sessOK)
	limitLayer := func() Layer {
		if bndOK == triFalse {
			return LayerBoundary
		}
		return LayerSession
	}
	resAny := or(res.direct, or(res.role, res.account))
	switch {
	case !c.hasIdentity():
		// Services, identity providers and anonymous callers have no
		// identity policies: only a resource-based policy can grant.
		grant, grantBy, missing = resAny, LayerResource, LayerResource
	case p.crossAcct:
		grant = and(resAny, and(idAllow, limits))
		switch {
		case resAny == triFalse:
			missing = LayerResource
		case idAllow == triFalse:
			missing = LayerIdentity
		default:
			missing = limitLayer()
		}
	case p.trustPolicy || p.keyPolicy:
		// A role trust policy or a KMS key policy must allow the request
		// even in the same account; naming the account delegates to IAM.
		viaIAM := and(or(res.role, and(res.account, idAllow)), limits)
		grant = or(res.direct, viaIAM)
		switch {
		case res.direct == triTrue:
			grantBy = LayerResource
		case resAny == triFalse:
			missing = LayerResource
		case or(res.role, idAllow) == triFalse:
			missing = LayerIdentity
		default:
			missing = limitLayer()
		}
	default:
		// Same account: a grant to the exact user or session needs no
		// identity policy and is not limited by the boundary or session
		// policy; a grant to the role counts as an identity allow; a grant
		// to the account delegates to IAM and adds nothing.
		grant = or(res.direct, and(or(res.role, idAllow), limits))
		switch {
		case res.direct == triTrue:
			grantBy = LayerResource
		case or(res.role, idAllow) == triFalse:
			missing = LayerIdentity
		default:
			missing = limitLayer()
		}
	}
	allowed := and(deny.not(), and(rcpOK, and(scpOK, grant)))

	r := &ev.res
	switch {
	case deny == triTrue:
		r.Decision = ExplicitDeny
		for _, d := range denyLayers {
			if d.t == triTrue {
				r.DecidedBy = d.l
				break
			}
		}
	case allowed == triTrue:
		r.Decision, r.DecidedBy = Allowed, grantBy
		if c.hasIdentity() && c.kind != PrincipalRoot && grantBy == LayerIdentity && idAllow != triTrue {
			r.DecidedBy = LayerResource // a role grant in the resource policy stood in for identity
		}
	case allowed == triFalse:
		r.Decision = ImplicitDeny
		switch {
		case rcpOK == triFalse:
			r.DecidedBy = LayerRCP
		case scpOK == triFalse:
			r.DecidedBy = LayerSCP
		default:
			r.DecidedBy = missing
		}
	default:
		r.Decision, r.DecidedBy = Conditional, grantBy
		r.Conditions = append(r.Conditions, ev.pending...)
	}
	ev.pending = ev.pending[:0]
}

// finishMissing sorts and de-duplicates the missing keys.
func (ev *Evaluator) finishMissing() {
	if len(ev.absent) == 0 {
		return
	}
	if ev.seen == nil {
		ev.seen = make(map[string]bool)
	}
	clear(ev.seen)
	for _, k := range ev.absent {
		lk := lowerString(k)
		if !ev.seen[lk] {
			ev.seen[lk] = true
			ev.res.MissingContext = append(ev.res.MissingContext, k)
		}
	}
	sort.Strings(ev.res.MissingContext)
}

func lowerString(s string) string {
	for i := 0; i < len(s); i++ {
		if 'A' <= s[i] && s[i] <= 'Z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				b[j] = lower(b[j])
			}
			return string(b)
		}
	}
	return s
}

// Clone returns a copy of r that does not share buffers with an Evaluator.
func (r *Result) Clone() *Result {
	c := *r
	c.Matched = slices.Clone(r.Matched)
	c.MissingContext = slices.Clone(r.MissingContext)
	c.Conditions = slices.Clone(r.Conditions)
	return &c
}

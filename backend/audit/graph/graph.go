// Package graph builds the privilege-escalation graph of one account, as
// PMapper does (https://github.com/nccgroup/PMapper): nodes are users and
// roles, an edge says a principal can become or act as another (assume it,
// create its credentials, rewrite its trust, pass it to a service that
// runs code), admins are principals that can give themselves any
// permission, and a path leads from a non-admin to an admin hop by hop.
// Every edge and admin test is a request decided by backend/eval with the
// source's identity policies, boundary, SCPs and RCPs, and for role
// assumption the target's trust policy. The edges follow the catalogue of
// ../shared/research/checks/privesc.md (sections A-C).
package graph

import (
	"slices"
	"sort"
	"strings"

	"github.com/aegis-iam/aegis/backend/audit/effective"
	"github.com/aegis-iam/aegis/backend/audit/internal/parallel"
	"github.com/aegis-iam/aegis/backend/eval"
	"github.com/aegis-iam/aegis/backend/iamdb"
	"github.com/aegis-iam/aegis/backend/policy"
)

// Edge is one way from a principal to another.
type Edge struct {
	From, To string // ARNs
	// Via names the permissions used: "sts:AssumeRole",
	// "iam:PassRole+ec2:RunInstances", …
	Via string
	// Conditional: the engine allows it only if unknown conditions hold
	// (MFA, source IP, tags).
	Conditional bool
}

// Graph is an account's principals, admins and edges.
type Graph struct {
	// Admins are the ARNs of the principals that can grant themselves
	// anything, with the permission that makes them so.
	Admins map[string]string
	// Edges are sorted by From, To, Via.
	Edges []Edge
	// Problems are requests the engine could not evaluate.
	Problems []string
}

// Path is a way from a non-admin principal to an admin.
type Path struct {
	From, To string
	Hops     []Edge
}

// passTargets are the services that run code with a passed role, the
// actions that start it (all required), and whether the role needs an
// instance profile (privesc.md, section C).
var passTargets = []struct {
	service     string
	actions     []string
	needProfile bool
}{
	{"ec2.amazonaws.com", []string{"ec2:RunInstances"}, true},
	{"lambda.amazonaws.com", []string{"lambda:CreateFunction", "lambda:InvokeFunction"}, false},
	{"cloudformation.amazonaws.com", []string{"cloudformation:CreateStack"}, false},
	{"codebuild.amazonaws.com", []string{"codebuild:CreateProject", "codebuild:StartBuild"}, false},
	{"ecs-tasks.amazonaws.com", []string{"ecs:RegisterTaskDefinition", "ecs:RunTask"}, false},
	{"glue.amazonaws.com", []string{"glue:CreateDevEndpoint"}, false},
	{"sagemaker.amazonaws.com", []string{"sagemaker:CreateNotebookInstance", "sagemaker:CreatePresignedNotebookInstanceUrl"}, false},
	{"states.amazonaws.com", []string{"states:CreateStateMachine", "states:StartExecution"}, false},
}

// Build evaluates every admin test and edge of acct.
func Build(acct *effective.Account) *Graph {
	b := &builder{acct: acct, g: &Graph{Admins: map[string]string{}}, trust: map[string]*eval.Policy{}}
	for _, p := range acct.Principals {
		if p.Role == nil {
			continue
		}
		d, err := policy.Parse(p.ARN+" trust", p.Role.Trust, policy.KindTrust)
		if err != nil {
			b.g.Problems = append(b.g.Problems, p.ARN+": trust policy: "+err.Error())
			continue
		}
		cp, err := eval.Compile(p.ARN+" trust", d)
		if err != nil {
			b.g.Problems = append(b.g.Problems, p.ARN+": trust policy: "+err.Error())
			continue
		}
		b.trust[p.ARN] = cp
	}
	// The admin tests, then each source's edges, are independent: decide
	// them on every core, each worker with its own evaluator, and gather
	// the results in the principals' order.
	ps := acct.Principals
	why := make([]string, len(ps))
	problems := make([][]string, len(ps))
	parallel.Each(len(ps), func() func(int) {
		w := &worker{builder: b}
		return func(i int) {
			w.problems = nil
			why[i] = w.admin(ps[i])
			problems[i] = w.problems
		}
	})
	for i, p := range ps {
		if why[i] != "" {
			b.g.Admins[p.ARN] = why[i]
		}
		b.g.Problems = append(b.g.Problems, problems[i]...)
	}
	edges := make([][]Edge, len(ps))
	parallel.Each(len(ps), func() func(int) {
		w := &worker{builder: b}
		return func(i int) {
			src := ps[i]
			if _, admin := b.g.Admins[src.ARN]; admin {
				return // an admin reaches everyone; its edges add nothing
			}
			w.edges, w.problems = nil, nil
			for _, dst := range ps {
				if src != dst {
					w.edgesTo(src, dst)
				}
			}
			edges[i], problems[i] = w.edges, w.problems
		}
	})
	for i := range ps {
		b.g.Edges = append(b.g.Edges, edges[i]...)
		b.g.Problems = append(b.g.Problems, problems[i]...)
	}
	sort.Slice(b.g.Edges, func(i, j int) bool {
		x, y := b.g.Edges[i], b.g.Edges[j]
		if x.From != y.From {
			return x.From < y.From
		}
		if x.To != y.To {
			return x.To < y.To
		}
		return x.Via < y.Via
	})
	return b.g
}

// builder is what Build's workers share, read-only while they run.
type builder struct {
	acct  *effective.Account
	g     *Graph
	trust map[string]*eval.Policy // role ARN → compiled trust policy
}

// worker decides admin tests and edges with an evaluator of its own,
// collecting what it finds.
type worker struct {
	*builder
	ev       eval.Evaluator
	edges    []Edge
	problems []string
	// live are the actions of liveOf's live grants; held caches, by
	// action name, whether liveOf holds it.
	liveOf *effective.Principal
	live   map[*iamdb.Action]bool
	held   map[string]bool
}

// holds reports whether p has a live grant of every action: a cheap test
// before asking the engine about a particular target.
func (w *worker) holds(p *effective.Principal, actions ...string) bool {
	if w.liveOf != p {
		w.liveOf, w.live, w.held = p, make(map[*iamdb.Action]bool, len(p.Grants)), map[string]bool{}
		for i := range p.Grants {
			if g := &p.Grants[i]; !g.Dead() {
				w.live[g.Action] = true
			}
		}
	}
	for _, name := range actions {
		ok, known := w.held[name]
		if !known {
			a, found := w.acct.Action(name)
			ok = found && w.live[a]
			w.held[name] = ok
		}
		if !ok {
			return false
		}
	}
	return true
}

// can decides whether p may do action on resource; ok is false when the
// engine denies, conditional when it allows under unknown conditions.
func (w *worker) can(p *effective.Principal, action, resource string, resPolicy *eval.Policy, ctx ...string) (ok, conditional bool) {
	req := &eval.Request{Principal: p.ARN, Action: action, Resource: resource}
	for i := 0; i+1 < len(ctx); i += 2 {
		req.Context.Set(ctx[i], ctx[i+1])
	}
	d, err := w.acct.DecideWith(&w.ev, p, req, resPolicy)
	if err != nil {
		w.problems = append(w.problems, p.ARN+": "+action+" on "+resource+": "+err.Error())
		return false, false
	}
	return d == eval.Allowed || d == eval.Conditional, d == eval.Conditional
}

// admin returns the permission that makes p an admin, "" when none does
// (PMapper's update_admin_status).
func (w *worker) admin(p *effective.Principal) string {
	self := []string{"iam:PutRolePolicy", "iam:AttachRolePolicy"}
	if p.Kind == effective.KindUser {
		self = []string{"iam:PutUserPolicy", "iam:AttachUserPolicy"}
	}
	for _, a := range self {
		if ok, _ := w.can(p, a, p.ARN, nil); ok {
			return a + " on itself"
		}
	}
	for _, ip := range p.Identity {
		if ip.ManagedARN == "" || strings.Contains(ip.ManagedARN, ":iam::aws:") {
			continue
		}
		if ok, _ := w.can(p, "iam:CreatePolicyVersion", ip.ManagedARN, nil); ok {
			return "iam:CreatePolicyVersion on its policy " + ip.ManagedARN
		}
	}
	if p.User != nil {
		account := accountOf(p.ARN)
		for _, g := range p.User.Groups {
			arn := "arn:aws:iam::" + account + ":group/" + g
			for _, a := range []string{"iam:PutGroupPolicy", "iam:AttachGroupPolicy"} {
				if ok, _ := w.can(p, a, arn, nil); ok {
					return a + " on its group " + g
				}
			}
		}
	}
	probe := "arn:aws:iam::" + accountOf(p.ARN) + ":role/aegis-escalation-probe"
	if ok, _ := w.can(p, "iam:CreateRole", probe, nil); ok {
		for _, a := range []string{"iam:AttachRolePolicy", "iam:PutRolePolicy"} {
			if ok, _ := w.can(p, a, probe, nil); ok {
				return "iam:CreateRole and " + a
			}
		}
	}
	return ""
}

func accountOf(arn string) string {
	a, err := policy.ParseARN(arn)
	if err != nil {
		return ""
	}
	return a.Account
}

func (w *worker) add(src, dst *effective.Principal, via string, conditional bool) {
	w.edges = append(w.edges, Edge{From: src.ARN, To: dst.ARN, Via: via, Conditional: conditional})
}

// edgesTo adds every edge from src to dst.
func (w *worker) edgesTo(src, dst *effective.Principal) {
	if dst.User != nil {
		for _, a := range []string{"iam:CreateAccessKey", "iam:CreateLoginProfile", "iam:UpdateLoginProfile"} {
			if !w.holds(src, a) {
				continue
			}
			if ok, cond := w.can(src, a, dst.ARN, nil); ok {
				w.add(src, dst, a, cond)
			}
		}
		return
	}
	if dst.Role == nil || dst.Role.ServiceLinked() {
		return // only its service can use a service-linked role
	}
	t := w.trust[dst.ARN]
	// A trust policy naming the source itself needs no identity permission.
	if t != nil && trustsAWS(t.Doc) && (w.holds(src, "sts:AssumeRole") || names(t.Doc, src.ARN)) {
		if ok, cond := w.can(src, "sts:AssumeRole", dst.ARN, t); ok {
			w.add(src, dst, "sts:AssumeRole", cond)
		}
	}
	if w.holds(src, "iam:UpdateAssumeRolePolicy") {
		if ok, cond := w.can(src, "iam:UpdateAssumeRolePolicy", dst.ARN, nil); ok {
			w.add(src, dst, "iam:UpdateAssumeRolePolicy", cond)
		}
	}
	if t == nil || !w.holds(src, "iam:PassRole") {
		return
	}
	for _, pt := range passTargets {
		if !trustsService(t.Doc, pt.service) || pt.needProfile && len(dst.Role.InstanceProfiles) == 0 || !w.holds(src, pt.actions...) {
			continue
		}
		ok, cond := w.can(src, "iam:PassRole", dst.ARN, nil, "iam:PassedToService", pt.service)
		if !ok {
			continue
		}
		w.add(src, dst, "iam:PassRole+"+strings.Join(pt.actions, "+"), cond)
	}
}

// trustsAWS reports whether a trust policy allows some AWS principal (an
// account, user or role, or anyone): only then can a principal assume it.
func trustsAWS(d *policy.Document) bool {
	for _, st := range d.Statements {
		if st.Effect == policy.EffectAllow && st.Principal != nil && (st.Principal.Wildcard || st.Principal.AWS.Len() > 0) {
			return true
		}
	}
	return false
}

// names reports whether a trust policy names arn as an AWS principal.
func names(d *policy.Document, arn string) bool {
	for _, st := range d.Statements {
		if st.Principal != nil && slices.Contains(st.Principal.AWS.Strings(), arn) {
			return true
		}
	}
	return false
}

// trustsService reports whether a trust policy lets service assume the role.
func trustsService(d *policy.Document, service string) bool {
	for _, st := range d.Statements {
		if st.Effect != policy.EffectAllow || st.Principal == nil {
			continue
		}
		for _, s := range st.Principal.Service.Strings() {
			if strings.EqualFold(s, service) {
				return true
			}
		}
	}
	return false
}

// Paths returns, for each non-admin principal that can reach an admin, the
// shortest path to one (breadth first, edges in sorted order), sorted by
// source.
func (g *Graph) Paths() []Path {
	out := map[string][]Edge{}
	for _, e := range g.Edges {
		out[e.From] = append(out[e.From], e)
	}
	var sources []string
	for from := range out {
		if _, admin := g.Admins[from]; !admin {
			sources = append(sources, from)
		}
	}
	sort.Strings(sources)
	var paths []Path
	for _, from := range sources {
		prev := map[string]Edge{}
		seen := map[string]bool{from: true}
		queue := []string{from}
		for len(queue) > 0 {
			cur := queue[0]
			queue = queue[1:]
			if _, admin := g.Admins[cur]; admin && cur != from {
				var hops []Edge
				for at := cur; at != from; at = prev[at].From {
					hops = append([]Edge{prev[at]}, hops...)
				}
				paths = append(paths, Path{From: from, To: cur, Hops: hops})
				break
			}
			for _, e := range out[cur] {
				if !seen[e.To] {
					seen[e.To] = true
					prev[e.To] = e
					queue = append(queue, e.To)
				}
			}
		}
	}
	return paths
}

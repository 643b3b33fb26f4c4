package rules

import (
	"fmt"
	"sort"
	"strings"

	"github.com/aegis-iam/aegis/backend/check"
	"github.com/aegis-iam/aegis/backend/eval"
	"github.com/aegis-iam/aegis/backend/policy"
)

// AEG-PRIV-014 looks at the account as a graph, as PMapper does
// (https://github.com/nccgroup/PMapper): the nodes are the users and roles
// of an authorization-details answer with their policies, an edge says a
// principal can act as another — assume it, mint its credentials, rewrite
// its trust, or pass it to a service that runs code — and an administrator
// can give itself anything. A non-administrator with a chain of edges to an
// administrator escalates, however harmless each of its own policies looks
// alone. Every edge and administrator test is a request the evaluator
// decides with the principal's policies, its permissions boundary and, for
// role assumption, the target's trust policy (privesc.md, sections A-C).

// graphPassTargets are the services that run code with a role passed to
// them and the calls (all needed) that start it (privesc.md, section C).
var graphPassTargets = []struct {
	service string
	actions []string
}{
	{"ec2.amazonaws.com", []string{"ec2:RunInstances"}},
	{"lambda.amazonaws.com", []string{"lambda:CreateFunction", "lambda:InvokeFunction"}},
	{"cloudformation.amazonaws.com", []string{"cloudformation:CreateStack"}},
	{"codebuild.amazonaws.com", []string{"codebuild:CreateProject", "codebuild:StartBuild"}},
	{"ecs-tasks.amazonaws.com", []string{"ecs:RegisterTaskDefinition", "ecs:RunTask"}},
	{"glue.amazonaws.com", []string{"glue:CreateDevEndpoint"}},
	{"sagemaker.amazonaws.com", []string{"sagemaker:CreateNotebookInstance", "sagemaker:CreatePresignedNotebookInstanceUrl"}},
	{"states.amazonaws.com", []string{"states:CreateStateMachine", "states:StartExecution"}},
}

// graphNode is a user or role whose permissions the evaluator can decide.
type graphNode struct {
	typ   string // "user" or "role"
	p     *check.Principal
	in    eval.Input
	trust *eval.Policy // a role's trust policy; nil for users
	// rewritten is the trust policy the node would write into a role whose
	// trust it may update: one that names it.
	rewritten *eval.Policy
	admin     string // why it is an administrator, or ""
	// allows are the Allow statements of the node's identity policies,
	// for names; named caches its answers.
	allows []engineStatement
	named  map[string]bool
}

// names reports whether an Allow statement of n's identity policies
// applies to action: without one, n's policies alone cannot allow it, and
// the evaluator need not be asked (the graph asks every pair of
// principals).
func (n *graphNode) names(action string) bool {
	ok, seen := n.named[action]
	if seen {
		return ok
	}
	lower := strings.ToLower(action)
	for i := range n.allows {
		if ok = n.allows[i].matches(lower); ok {
			break
		}
	}
	n.named[action] = ok
	return ok
}

// graphEdge is one way from a node to another.
type graphEdge struct {
	to          *graphNode
	via         string // the permissions used: "sts:AssumeRole", "iam:PassRole+lambda:CreateFunction+…"
	conditional bool   // allowed only if conditions hold
}

// accountGraph is the escalation graph of an account.
type accountGraph struct {
	nodes []*graphNode
	edges map[*graphNode][]graphEdge
	ev    eval.Evaluator
}

// buildGraph makes a node of every user and role whose policies are all
// known (service-linked roles aside: AWS owns them) and evaluates the
// administrator tests and the edges.
func buildGraph(auth *check.Authorization) *accountGraph {
	g := &accountGraph{edges: map[*graphNode][]graphEdge{}}
	groups := map[string]*check.Principal{}
	for i := range auth.Groups {
		groups[auth.Groups[i].Name] = &auth.Groups[i]
	}
	for _, tp := range principalsOf(auth) {
		if tp.typ == "group" || tp.p.ServiceLinked() {
			continue
		}
		n := &graphNode{typ: tp.typ, p: tp.p, named: map[string]bool{}}
		if !g.permissions(auth, groups, n) {
			continue
		}
		n.rewritten, _ = eval.Compile(tp.p.ARN+" as trusted", &policy.Document{Version: policy.Value{Text: "2012-10-17"}, Statements: []*policy.Statement{{
			Effect: policy.EffectAllow, Principal: &policy.Principal{AWS: &policy.List{Values: []policy.Value{{Text: tp.p.ARN}}}},
			Action: &policy.List{Values: []policy.Value{{Text: "sts:AssumeRole"}}}}}})
		if tp.typ == "role" {
			doc := tp.p.TrustPolicy()
			if doc == nil {
				continue
			}
			pol, err := eval.Compile(tp.p.ARN+" trust", doc)
			if err != nil {
				continue
			}
			n.trust = pol
		}
		g.nodes = append(g.nodes, n)
	}
	sort.SliceStable(g.nodes, func(i, j int) bool { return g.nodes[i].p.ARN < g.nodes[j].p.ARN })
	for _, n := range g.nodes {
		n.admin = g.adminReason(n)
	}
	for _, from := range g.nodes {
		for _, to := range g.nodes {
			if from != to {
				if e, ok := g.edge(from, to); ok {
					g.edges[from] = append(g.edges[from], e)
				}
			}
		}
	}
	return g
}

// permissions compiles n's identity policies (a user's include its
// groups') and boundary; false when one of them is not known, so what n may
// do cannot be decided.
func (g *accountGraph) permissions(auth *check.Authorization, groups map[string]*check.Principal, n *graphNode) bool {
	holders := []*check.Principal{n.p}
	for _, name := range n.p.Groups {
		grp, ok := groups[name]
		if !ok {
			return false
		}
		holders = append(holders, grp)
	}
	for _, h := range holders {
		docs := h.InlineDocuments()
		if len(docs) < len(h.InlinePolicies) {
			return false
		}
		for _, arn := range h.AttachedPolicies {
			doc := auth.ManagedPolicy(arn)
			if doc == nil {
				return false
			}
			docs = append(docs, doc)
		}
		for i, doc := range docs {
			pol, err := eval.Compile(fmt.Sprintf("%s policy %d", h.ARN, i), doc)
			if err != nil {
				return false
			}
			n.in.Identity = append(n.in.Identity, pol)
			for _, st := range doc.Statements {
				if st.Effect == policy.EffectAllow {
					n.allows = append(n.allows, newEngineStatement(st))
				}
			}
		}
	}
	if n.p.Boundary != "" {
		doc := auth.ManagedPolicy(n.p.Boundary)
		if doc == nil {
			return false
		}
		pol, err := eval.Compile(n.p.Boundary, doc)
		if err != nil {
			return false
		}
		n.in.Boundary = pol
	}
	return true
}

// ask decides one request of n's; conditional is set when it is allowed
// only if conditions hold.
func (g *accountGraph) ask(n *graphNode, in *eval.Input, action, resource string) (allowed, conditional bool) {
	if in.Resource == nil && !n.names(action) {
		return false, false // only an identity policy can allow it, and none names it
	}
	r, err := g.ev.Evaluate(in, &eval.Request{Principal: n.p.ARN, Action: action, Resource: resource}, eval.ModeUnknown)
	if err != nil {
		return false, false
	}
	return r.Decision == eval.Allowed || r.Decision == eval.Conditional, r.Decision == eval.Conditional
}

// askAll decides every action of a step on resource: allowed when all
// are, conditional when any is.
func (g *accountGraph) askAll(n *graphNode, in *eval.Input, resource string, actions ...string) (allowed, conditional bool) {
	for _, a := range actions {
		ok, cond := g.ask(n, in, a, resource)
		if !ok {
			return false, false
		}
		conditional = conditional || cond
	}
	return true, conditional
}

// adminReason says why n can give itself anything: it is allowed every
// action on every resource, or it can write its own permissions; "" when
// neither holds unconditionally.
func (g *accountGraph) adminReason(n *graphNode) string {
	if ok, cond := g.askAll(n, &n.in, "*", append([]string{anyAction}, adminProbes...)...); ok && !cond {
		return "every action on every resource"
	}
	self := map[string][]string{
		"user": {"iam:PutUserPolicy", "iam:AttachUserPolicy"},
		"role": {"iam:PutRolePolicy", "iam:AttachRolePolicy"},
	}[n.typ]
	for _, a := range self {
		if ok, cond := g.ask(n, &n.in, a, n.p.ARN); ok && !cond {
			return a + " on itself"
		}
	}
	return ""
}

// edge decides whether from can act as to, and how.
func (g *accountGraph) edge(from, to *graphNode) (graphEdge, bool) {
	if to.typ == "user" {
		for _, a := range []string{"iam:CreateAccessKey", "iam:CreateLoginProfile", "iam:UpdateLoginProfile"} {
			if ok, cond := g.ask(from, &from.in, a, to.p.ARN); ok {
				return graphEdge{to, a, cond}, true
			}
		}
		return graphEdge{}, false
	}
	// Assuming the role: the caller's policies and the role's trust policy
	// decide together.
	assume := from.in
	assume.Resource = to.trust
	if ok, cond := g.ask(from, &assume, "sts:AssumeRole", to.p.ARN); ok {
		return graphEdge{to, "sts:AssumeRole", cond}, true
	}
	// Rewriting the trust policy to name the caller, then assuming the
	// role under the new one.
	if ok, cond := g.ask(from, &from.in, "iam:UpdateAssumeRolePolicy", to.p.ARN); ok && from.rewritten != nil {
		assume.Resource = from.rewritten
		if ok, cond2 := g.ask(from, &assume, "sts:AssumeRole", to.p.ARN); ok {
			return graphEdge{to, "iam:UpdateAssumeRolePolicy+sts:AssumeRole", cond || cond2}, true
		}
	}
	// Passing the role to a service that runs the caller's code with it.
	pass, passCond := g.ask(from, &from.in, "iam:PassRole", to.p.ARN)
	if !pass {
		return graphEdge{}, false
	}
	for _, t := range graphPassTargets {
		if !g.trustsService(to, t.service) {
			continue
		}
		if ok, cond := g.askAll(from, &from.in, "*", t.actions...); ok {
			return graphEdge{to, "iam:PassRole+" + strings.Join(t.actions, "+"), passCond || cond}, true
		}
	}
	return graphEdge{}, false
}

// trustsService reports whether the role's trust policy lets service
// assume it.
func (g *accountGraph) trustsService(role *graphNode, service string) bool {
	r, err := g.ev.Evaluate(&eval.Input{Resource: role.trust}, &eval.Request{Principal: service, Action: "sts:AssumeRole", Resource: role.p.ARN}, eval.ModeUnknown)
	return err == nil && r.Decision == eval.Allowed
}

// hop is one edge of a path, with the node it leaves.
type hop struct {
	from *graphNode
	graphEdge
}

// pathToAdmin returns the shortest chain of edges from a node to an
// administrator (fewest hops; ties go to the lower ARNs), or nil.
func (g *accountGraph) pathToAdmin(start *graphNode) []hop {
	prev := map[*graphNode]hop{}
	seen := map[*graphNode]bool{start: true}
	queue := []*graphNode{start}
	for len(queue) > 0 {
		n := queue[0]
		queue = queue[1:]
		if n.admin != "" && n != start {
			var path []hop
			for at := n; at != start; at = prev[at].from {
				path = append([]hop{prev[at]}, path...)
			}
			return path
		}
		for _, e := range g.edges[n] {
			if !seen[e.to] {
				seen[e.to] = true
				prev[e.to] = hop{n, e}
				queue = append(queue, e.to)
			}
		}
	}
	return nil
}

// name is how a message names a node: "user/alice", "role/deploy".
func (n *graphNode) name() string { return n.typ + "/" + n.p.Name }

// runEscalationGraph reports every non-administrator user or role with a
// path to an administrator, at the principal, with the path.
func runEscalationGraph(p *check.Pass) {
	auth := p.Account.Authorization
	g := buildGraph(auth)
	for _, n := range g.nodes {
		if n.admin != "" {
			continue
		}
		path := g.pathToAdmin(n)
		if path == nil {
			continue
		}
		steps := make([]string, len(path))
		conditional := false
		for i, h := range path {
			steps[i] = fmt.Sprintf("%s (%s)", h.to.name(), h.via)
			conditional = conditional || h.conditional
		}
		admin := path[len(path)-1].to
		msg := fmt.Sprintf("%s is not an administrator but reaches %s, which has %s, in %d %s: %s → %s",
			n.name(), admin.name(), admin.admin, len(path), map[bool]string{true: "step", false: "steps"}[len(path) == 1], n.name(), strings.Join(steps, " → "))
		if conditional {
			msg += " (some steps need conditions to hold)"
		}
		first := path[0]
		fix := fmt.Sprintf("Break the first step: remove %s on %s from %s's policies", strings.ReplaceAll(first.via, "+", ", "), first.to.p.ARN, n.name())
		if first.via == "sts:AssumeRole" {
			fix += fmt.Sprintf(", or take %s out of %s's trust policy", n.p.ARN, first.to.name())
		}
		fix += fmt.Sprintf("; and make sure %s really needs %s.", admin.name(), admin.admin)
		p.Report(nil, n.p.Pos, n.typ+":"+n.p.Name, msg, fix, check.Exposure{Conditioned: conditional})
	}
}

// privescGraphRules is AEG-PRIV-014.
func privescGraphRules() []*check.Rule {
	const acct = "123456789012"
	arn := func(s string) string { return "arn:aws:iam::" + acct + ":" + s }
	allow := func(action, resource string) string {
		return `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"` + action + `","Resource":"` + resource + `"}]}`
	}
	trustOf := func(principal string) string {
		return `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"` + principal + `"},"Action":"sts:AssumeRole"}]}`
	}
	adminRole := check.Principal{Name: "ops-admin", ARN: arn("role/ops-admin"), TrustText: trustOf(arn("role/deploy")), AttachedPolicies: []string{"arn:aws:iam::aws:policy/AdministratorAccess"}}
	deploy := check.Principal{Name: "deploy", ARN: arn("role/deploy"), TrustText: trustOf(arn("user/ci")), InlinePolicies: []string{"assume-ops"}, InlineText: []string{allow("sts:AssumeRole", arn("role/ops-*"))}}
	ci := check.Principal{Name: "ci", ARN: arn("user/ci"), InlinePolicies: []string{"assume-deploy"}, InlineText: []string{allow("sts:AssumeRole", arn("role/deploy"))}}
	managed := map[string]string{"arn:aws:iam::aws:policy/AdministratorAccess": allow("*", "*")}
	account := func(roles ...check.Principal) check.Account {
		return check.Account{ID: acct, AsOf: exampleAsOf, Authorization: &check.Authorization{Users: []check.Principal{ci}, Roles: roles, ManagedText: managed}}
	}
	lockedAdmin := adminRole
	lockedAdmin.TrustText = trustOf(arn("role/break-glass"))
	return []*check.Rule{{
		ID: "AEG-PRIV-014", Category: check.CategoryPrivilegeEscalation, Severity: check.SeverityHigh,
		Title:       "Principal reaches an administrator through other principals",
		Description: "Across the account's users and roles (from get-account-authorization-details, with their policies), a principal that is not an administrator can act as another — assume it, create its access keys or console password, rewrite its trust policy, or pass it to a service that runs code (EC2, Lambda, CloudFormation, CodeBuild, ECS, Glue, SageMaker, Step Functions) — and a chain of such steps ends at an administrator (every action on every resource, or able to write its own permissions). Each step is decided by the evaluator with the principal's policies, its permissions boundary and, for role assumption, the target's trust policy. Principals whose policies are not all in the answer are left out, and SCPs are not applied (audits apply them).",
		Remediation: "Break the first step of the chain: narrow the permission (sts:AssumeRole, iam:CreateAccessKey, iam:PassRole…) to the principals the job needs, or tighten the next principal's trust policy.",
		References:  []string{"https://github.com/nccgroup/PMapper", "PMapper IAM Principal(s) Can Escalate Privileges", "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_passrole.html"},
		Controls:    ctrls("nist AC-6", "soc2 CC6.3"),
		Kinds:       accountKinds(),
		Needs:       func(in *check.Input) bool { return hasAuthorization(in) && in.Account.Authorization.PoliciesKnown() },
		Bad:         []check.Example{accountExample("user → role → administrator role", account(deploy, adminRole))},
		Good:        []check.Example{accountExample("the administrator role trusts only break-glass", account(deploy, lockedAdmin))},
		Run:         runEscalationGraph,
	}}
}

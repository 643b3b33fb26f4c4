package rules

import (
	"fmt"
	"strings"

	"github.com/aegis-iam/aegis/backend/check"
	"github.com/aegis-iam/aegis/backend/eval"
	"github.com/aegis-iam/aegis/backend/policy"
)

// escalationPath is one privilege-escalation path of the research catalogue
// (privesc.md): the actions it needs and why they escalate.
type escalationPath struct {
	ID     string // AEG-PE-NNN
	Source string // pathfinding.cloud ID or the tool's method name
	Rule   string // the AEG-PRIV rule that reports it
	// Requires lists the permissions the path needs: every group, and of
	// each group any one action.
	Requires [][]string
	// PassedTo is the service principal a passed role goes to, for paths
	// that need iam:PassRole ("" otherwise).
	PassedTo    string
	Notes       string // resource and condition prerequisites
	Explanation string
	Sources     string // anchor tools and their identifiers
}

// Representative resources the privilege-escalation rules ask about.
const (
	anyRoleName = "aegis-probe-any-role"
	anyRole     = "arn:aws:iam::" + probeAccount + ":role/" + anyRoleName
	probeBucket = "arn:aws:s3:::aegis-probe-bucket"
)

// isSelf reports whether resource names the probe's own IAM user (or its
// virtual MFA device), which ${aws:username}-scoped statements resolve to.
func isSelf(resource string) bool {
	return strings.HasSuffix(resource, ":user/"+probeUserName) || strings.HasSuffix(resource, ":mfa/"+probeUserName)
}

func notSelf(resource string) bool { return !isSelf(resource) }

// search is allowed restricted to grants on resources accept admits.
func (e *engine) search(action string, accept func(string) bool) *grant {
	if g := e.allowed(action); g == nil || accept(g.resource) {
		return g
	}
	return e.bestSample(action, accept, nil)
}

// pathGrants returns one grant per requirement of path, or nil when the
// policy does not grant all of them. Principal-access paths (AEG-PRIV-002)
// only count grants on users other than the caller itself.
func (e *engine) pathGrants(path *escalationPath) []*grant {
	accept := func(string) bool { return true }
	if path.Rule == "AEG-PRIV-002" {
		accept = notSelf
	}
	var out []*grant // allocated once the first group is granted: most paths fail there
	for _, group := range path.Requires {
		var best *grant
		for _, a := range group {
			if g := e.search(a, accept); g != nil && (best == nil || best.conditioned() && !g.conditioned()) {
				best = g
			}
		}
		if best != nil && path.PassedTo != "" && best.action == "iam:PassRole" {
			best = e.passRoleTo(best, path.PassedTo)
		}
		if best == nil {
			return nil
		}
		if out == nil {
			out = make([]*grant, 0, len(path.Requires))
		}
		out = append(out, best)
	}
	return out
}

// passRoleTo refines a conditional iam:PassRole grant for a path: the
// service call the path makes sets iam:PassedToService to service, so the
// engine asks again with that value known. A PassRole limited to other
// services drops out; one limited to this service becomes unconditional.
func (e *engine) passRoleTo(g *grant, service string) *grant {
	if !hasConditionKey(g.conditions, "iam:PassedToService") {
		return g
	}
	// Many paths pass a role to the same service: ask once.
	key := passKey{g.action, g.scope, g.resource, service}
	if r, ok := e.passMemo[key]; ok {
		return r
	}
	var ctx eval.Context
	ctx.Set("iam:PassedToService", service)
	r := e.askContext(g.action, sample{g.scope, g.resource}, ctx)
	if e.passMemo == nil {
		e.passMemo = map[passKey]*grant{}
	}
	e.passMemo[key] = r
	return r
}

// passKey is a passRoleTo question: a grant and the service.
type passKey struct{ action, scope, resource, service string }

// combinedExposure is the exposure of a path: on all resources only if
// every permission is, conditioned if any is.
func combinedExposure(gs []*grant) check.Exposure {
	exp := check.Exposure{AllResources: true}
	for _, g := range gs {
		exp.AllResources = exp.AllResources && g.all
		exp.Conditioned = exp.Conditioned || g.conditioned()
	}
	return exp
}

// pathMessage explains a path found: which permissions, where, and why
// they escalate.
func pathMessage(path *escalationPath, gs []*grant) string {
	parts := make([]string, len(gs))
	for i, g := range gs {
		parts[i] = g.action + " " + g.where()
	}
	return fmt.Sprintf("privilege-escalation path %s (%s): the policy allows %s. %s Prerequisites: %s.",
		path.ID, path.Source, strings.Join(parts, "; "), path.Explanation, strings.TrimSuffix(path.Notes, "."))
}

// pathRule builds a rule reporting every catalogue path assigned to it.
// remedy writes the finding's remediation; keep, when set, drops paths whose
// grants are already safe (e.g. conditioned on the right key).
type pathRule struct {
	paths  map[string][]escalationPath // the catalogue's paths by rule; run takes those of its rule
	remedy func(path *escalationPath, gs []*grant) string
	keep   func(gs []*grant) bool
}

// pathsByRule groups the catalogue's paths by the rule that reports them,
// in catalogue order.
func pathsByRule(paths []escalationPath) map[string][]escalationPath {
	out := map[string][]escalationPath{}
	for _, path := range paths {
		out[path.Rule] = append(out[path.Rule], path)
	}
	return out
}

func (pr pathRule) run(p *check.Pass) {
	e := newEngine(p)
	if e == nil {
		return
	}
	paths := pr.paths[p.Rule().ID]
	for i := range paths {
		path := &paths[i]
		gs := e.pathGrants(path)
		if gs == nil || (pr.keep != nil && !pr.keep(gs)) {
			continue
		}
		at := gs[len(gs)-1] // the path's distinguishing action (after iam:PassRole)
		pos, elem := actionPos(at.stmt, at.action)
		p.Report(at.stmt, pos, elem, pathMessage(path, gs), pr.remedy(path, gs), combinedExposure(gs))
	}
}

// scopeRemedy is the remediation of most paths: remove or scope the
// actions, never "*".
func scopeRemedy(advice string) func(*escalationPath, []*grant) string {
	return func(_ *escalationPath, gs []*grant) string {
		return fmt.Sprintf("Remove %s from this policy, or scope %s to explicit resource ARNs instead of \"*\": %s",
			strings.Join(actionNames(gs), " and "), plural(len(gs)), advice)
	}
}

func plural(n int) string {
	if n == 1 {
		return "it"
	}
	return "them"
}

func privescRules() []*check.Rule {
	paths := pathsByRule(escalationPaths())
	refs := func(extra ...string) []string {
		return append([]string{
			"https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#grant-least-privilege",
			"https://pathfinding.cloud",
			"https://rhinosecuritylabs.com/aws/aws-privilege-escalation-methods-mitigation/",
		}, extra...)
	}
	passRoleDoc := "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_passrole.html"
	return []*check.Rule{
		{
			ID: "AEG-PRIV-001", Category: check.CategoryPrivilegeEscalation, Severity: check.SeverityHigh,
			Title:       "Policy can rewrite its holder's own permissions",
			Description: "The policy allows an action that changes what a principal may do — a new default policy version, an inline or attached policy on a user, group or role, or membership in a more privileged group — on resources that include the holder's own principal or its policies, so the holder can make itself administrator (privesc.md §A).",
			Remediation: "Remove the IAM write action, or scope it to explicit ARNs of resources that are not attached to the holder, and restrict attachable policies with an iam:PolicyARN condition.",
			References:  refs("https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_manage-versioning.html", "Cloudsplaining PrivilegeEscalation", "Parliament PRIVILEGE_ESCALATION", "Prowler iam_policy_allows_privilege_escalation", "Checkov CKV_AWS_286"),
			Controls:    ctrls("soc2 CC3.3", "nist AC-6 AC-6(10) AC-5", "pci 7.2.2 7.2.3"),
			Kinds:       identityKinds(),
			Bad: []check.Example{
				{Kind: policy.KindIdentity, Note: "iam:* on * grants CreatePolicyVersion", Policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:*","Resource":"*"}]}`},
				{Kind: policy.KindIdentity, Note: "inline policy on the caller's own user", Policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:PutUserPolicy","Resource":"arn:aws:iam::*:user/${aws:username}"}]}`},
			},
			Good: []check.Example{
				{Kind: policy.KindIdentity, Note: "a Deny removes the escalation actions", Policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:*","Resource":"*"},{"Effect":"Deny","Action":["iam:CreatePolicyVersion","iam:SetDefaultPolicyVersion","iam:Put*","iam:Attach*","iam:AddUserToGroup","codestar:*","sts:AssumeRole"],"Resource":"*"}]}`},
				{Kind: policy.KindIdentity, Note: "read-only IAM", Policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:Get*","iam:List*"],"Resource":"*"}]}`},
			},
			Run: pathRule{paths: paths, remedy: scopeRemedy(`never on policies, users, groups or roles that the holder uses; for Attach*Policy add {"Condition":{"ArnEquals":{"iam:PolicyARN":["arn:aws:iam::ACCOUNT:policy/APPROVED"]}}}.`)}.run,
		},
		{
			ID: "AEG-PRIV-002", Category: check.CategoryPrivilegeEscalation, Severity: check.SeverityHigh,
			Title:       "Policy can mint credentials for other IAM users",
			Description: "Creating access keys or console passwords for users other than the caller lets the holder sign in as those users and use their permissions (privesc.md §B).",
			Remediation: `Scope credential management to the caller's own user: "Resource": "arn:aws:iam::ACCOUNT:user/${aws:username}".`,
			References:  refs("https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_examples_iam_credentials_console.html", "aws-iam-permissions-guardrails IAM-IAM-1"),
			Controls:    ctrls("nist AC-2 IA-5", "pci 8.2.4 8.3.1"),
			Kinds:       identityKinds(),
			Bad: []check.Example{
				{Kind: policy.KindIdentity, Policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:CreateAccessKey","iam:CreateLoginProfile"],"Resource":"arn:aws:iam::123456789012:user/*"}]}`},
			},
			Good: []check.Example{
				{Kind: policy.KindIdentity, Note: "self-service only", Policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:CreateAccessKey","iam:UpdateLoginProfile"],"Resource":"arn:aws:iam::*:user/${aws:username}"}]}`},
			},
			Run: pathRule{paths: paths, remedy: func(_ *escalationPath, gs []*grant) string {
				return fmt.Sprintf(`Scope %s to the caller's own user: "Resource": "arn:aws:iam::ACCOUNT:user/${aws:username}"; administrators who must manage other users' credentials should get it through a separate, MFA-conditioned role.`, strings.Join(actionNames(gs), " and "))
			}}.run,
		},
		{
			ID: "AEG-PRIV-003", Category: check.CategoryPrivilegeEscalation, Severity: check.SeverityHigh,
			Title:       "Policy can rewrite role trust policies",
			Description: "iam:UpdateAssumeRolePolicy lets the holder make any role in scope trust it, then assume that role and its permissions (privesc.md §B).",
			Remediation: "Remove iam:UpdateAssumeRolePolicy, or scope it to explicit ARNs of roles no more privileged than the holder.",
			References:  refs("https://docs.aws.amazon.com/IAM/latest/APIReference/API_UpdateAssumeRolePolicy.html"),
			Controls:    ctrls("nist AC-6 AC-2"),
			Kinds:       identityKinds(),
			Bad: []check.Example{
				{Kind: policy.KindIdentity, Policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:UpdateAssumeRolePolicy","Resource":"*"}]}`},
			},
			Good: []check.Example{
				{Kind: policy.KindIdentity, Policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:GetRole","Resource":"*"}]}`},
			},
			Run: pathRule{paths: paths, remedy: scopeRemedy("list only roles that are not more privileged than this principal, e.g. arn:aws:iam::ACCOUNT:role/sandbox/*.")}.run,
		},
		{
			ID: "AEG-PRIV-004", Category: check.CategoryPrivilegeEscalation, Severity: check.SeverityHigh,
			Title:       "iam:PassRole allowed on every role or without iam:PassedToService",
			Description: "iam:PassRole on all roles (Resource \"*\", NotResource, Action \"*\" or NotAction) lets the holder hand any role, including administrator roles, to a service it controls. Without an iam:PassedToService condition a scoped PassRole still works with every service.",
			Remediation: `Scope iam:PassRole to explicit role ARNs and add {"Condition":{"StringEquals":{"iam:PassedToService":"SERVICE.amazonaws.com"}}}.`,
			References:  []string{passRoleDoc, "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_iam-condition-keys.html#ck_PassedToService", "Access Analyzer PASS_ROLE_WITH_STAR_IN_RESOURCE", "Trivy AWS-0342"},
			Controls:    ctrls("nist AC-6", "pci 7.2.5"),
			Kinds:       identityKinds(),
			Bad: []check.Example{
				{Kind: policy.KindIdentity, Policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:PassRole","Resource":"*"}]}`},
				{Kind: policy.KindIdentity, Note: "NotAction grants PassRole", Policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","NotAction":"s3:*","Resource":"*"}]}`},
			},
			Good: []check.Example{
				{Kind: policy.KindIdentity, Policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:PassRole","Resource":"arn:aws:iam::123456789012:role/app-lambda","Condition":{"StringEquals":{"iam:PassedToService":"lambda.amazonaws.com"}}}]}`},
			},
			Run: runPassRole,
		},
		{
			ID: "AEG-PRIV-005", Category: check.CategoryPrivilegeEscalation, Severity: check.SeverityHigh,
			Title:       "iam:PassRole with an action that runs code under the passed role",
			Description: "The policy can pass a role to a new compute or orchestration resource (EC2, Lambda, Glue, CloudFormation, CodeBuild, ECS, SageMaker, …) and run its own code there, gaining the passed role's permissions (privesc.md §C).",
			Remediation: `Scope iam:PassRole to the explicit role ARNs the workload needs and add an iam:PassedToService condition.`,
			References:  refs(passRoleDoc),
			Controls:    ctrls("nist AC-6", "pci 7.2.5"),
			Kinds:       identityKinds(),
			Bad: []check.Example{
				{Kind: policy.KindIdentity, Policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:PassRole","lambda:CreateFunction","lambda:InvokeFunction"],"Resource":"*"}]}`},
			},
			Good: []check.Example{
				{Kind: policy.KindIdentity, Note: "no PassRole", Policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["lambda:CreateFunction","lambda:InvokeFunction"],"Resource":"*"}]}`},
				{Kind: policy.KindIdentity, Note: "PassRole denied", Policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:*","ec2:*"],"Resource":"*"},{"Effect":"Deny","Action":"iam:PassRole","Resource":"*"},{"Effect":"Deny","Action":["iam:Create*","iam:Put*","iam:Attach*","iam:Update*","iam:Add*","iam:Delete*","iam:Detach*","iam:Set*"],"Resource":"*"}]}`},
			},
			Run: pathRule{paths: paths, remedy: func(path *escalationPath, gs []*grant) string {
				return fmt.Sprintf(`Scope iam:PassRole to the explicit role ARNs this workload passes (never "*"; iam:PassedToService alone does not stop passing an administrator role to the same service) and limit it with {"Condition":{"StringEquals":{"iam:PassedToService":"%s"}}}; drop %s if the principal does not need to create or run such resources.`,
					path.PassedTo, strings.Join(actionNames(gs[1:]), ", "))
			}}.run,
		},
		{
			ID: "AEG-PRIV-006", Category: check.CategoryPrivilegeEscalation, Severity: check.SeverityHigh,
			Title:       "Policy can hijack a resource that already runs with a role",
			Description: "Changing the code, configuration or commands of an existing function, stack, build project, instance, notebook or container lets the holder run code under the role already attached to it, without iam:PassRole (privesc.md §D).",
			Remediation: "Scope the actions to resources this principal owns (explicit ARNs or an aws:ResourceTag condition), never \"*\".",
			References:  refs("https://docs.aws.amazon.com/lambda/latest/dg/lambda-intro-execution-role.html"),
			Controls:    ctrls("nist AC-6 CM-5"),
			Kinds:       identityKinds(),
			Bad: []check.Example{
				{Kind: policy.KindIdentity, Policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"lambda:UpdateFunctionCode","Resource":"*"}]}`},
				{Kind: policy.KindIdentity, Note: "ssm:Send* expands to SendCommand", Policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ssm:Send*","Resource":"*"}]}`},
			},
			Good: []check.Example{
				{Kind: policy.KindIdentity, Policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["lambda:GetFunction","lambda:ListFunctions"],"Resource":"*"}]}`},
			},
			Run: pathRule{paths: paths, remedy: scopeRemedy(`list the resources this principal owns, or add {"Condition":{"StringEquals":{"aws:ResourceTag/owner":"${aws:PrincipalTag/team}"}}}; a resource running with a privileged role must not be modifiable by less privileged principals.`)}.run,
		},
		{
			ID: "AEG-PRIV-007", Category: check.CategoryPrivilegeEscalation, Severity: check.SeverityHigh,
			Title:       "Policy can remove permission guardrails",
			Description: "Deleting or replacing a permissions boundary, or detaching/deleting the policies that carry Deny guardrails, re-enables the permissions the guardrails blocked (privesc.md §A, iam-022…026).",
			Remediation: "Remove the boundary and guardrail management actions, or deny them on every principal that carries a boundary.",
			References:  refs("https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html", "aws-iam-permissions-guardrails IAM-IAM-4"),
			Controls:    ctrls("nist AC-6 AC-5", "cis 2.1.2"),
			Kinds:       identityKinds(),
			Bad: []check.Example{
				{Kind: policy.KindIdentity, Policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:Delete*","Resource":"*"}]}`},
			},
			Good: []check.Example{
				{Kind: policy.KindIdentity, Policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:DeleteAccessKey","Resource":"arn:aws:iam::*:user/${aws:username}"}]}`},
			},
			Run: pathRule{paths: paths, remedy: func(_ *escalationPath, gs []*grant) string {
				return fmt.Sprintf(`Remove %s, or add {"Effect":"Deny","Action":[%s],"Resource":"*"} so no principal can lift its own guardrails.`, strings.Join(actionNames(gs), " and "), quoteJoin(actionNames(gs)))
			}}.run,
		},
		{
			ID: "AEG-PRIV-008", Category: check.CategoryPrivilegeEscalation, Severity: check.SeverityHigh,
			Title:       "Role creation with policy attachment and no mandatory permissions boundary",
			Description: "A principal that can create a role and attach or write its policies can create an administrator role for itself, unless iam:CreateRole requires an approved permissions boundary through the iam:PermissionsBoundary condition (privesc.md AEG-PE-009).",
			Remediation: `Add {"Condition":{"StringEquals":{"iam:PermissionsBoundary":"arn:aws:iam::ACCOUNT:policy/APPROVED-BOUNDARY"}}} to iam:CreateRole and the role-policy actions.`,
			References:  refs("https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_iam-condition-keys.html#ck_PermissionsBoundary", "aws-iam-permissions-guardrails IAM-IAM-5"),
			Controls:    ctrls("nist AC-6 AC-2"),
			Kinds:       identityKinds(),
			Bad: []check.Example{
				{Kind: policy.KindIdentity, Policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:CreateRole","iam:AttachRolePolicy"],"Resource":"*"}]}`},
			},
			Good: []check.Example{
				{Kind: policy.KindIdentity, Policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:CreateRole","iam:AttachRolePolicy"],"Resource":"*","Condition":{"StringEquals":{"iam:PermissionsBoundary":"arn:aws:iam::123456789012:policy/dev-boundary"}}}]}`},
			},
			Run: pathRule{paths: paths,
				keep: func(gs []*grant) bool { return !hasConditionKey(gs[0].conditions, "iam:PermissionsBoundary") },
				remedy: func(_ *escalationPath, gs []*grant) string {
					return fmt.Sprintf(`Require an approved boundary on %s: add {"Condition":{"StringEquals":{"iam:PermissionsBoundary":"arn:aws:iam::ACCOUNT:policy/APPROVED-BOUNDARY"}}} to the statement granting them, and deny iam:DeleteRolePermissionsBoundary.`, strings.Join(actionNames(gs), " and "))
				},
			}.run,
		},
		{
			ID: "AEG-PRIV-009", Category: check.CategoryPrivilegeEscalation, Severity: check.SeverityHigh,
			Title:       "sts:AssumeRole allowed on any role",
			Description: "A customer policy that lets its holder assume roles it does not name (Resource \"*\", role/*, sts:*) gives it every role whose trust policy trusts the holder's account (privesc.md sts-001).",
			Remediation: `Scope sts:AssumeRole to the role ARNs the principal needs: "Resource": ["arn:aws:iam::ACCOUNT:role/NAME"].`,
			References:  refs("https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_permissions-to-switch.html", "Prowler iam_no_custom_policy_permissive_role_assumption"),
			Controls:    ctrls("nist AC-6", "pci 7.2.2"),
			Kinds:       identityKinds(),
			Bad: []check.Example{
				{Kind: policy.KindIdentity, Policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"arn:aws:iam::123456789012:role/*"}]}`},
				{Kind: policy.KindIdentity, Policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:*","Resource":"*"}]}`},
			},
			Good: []check.Example{
				{Kind: policy.KindIdentity, Policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"arn:aws:iam::123456789012:role/deploy"}]}`},
			},
			Run: runAssumeAnyRole,
		},
		{
			ID: "AEG-PRIV-010", Category: check.CategoryPrivilegeEscalation, Severity: check.SeverityCritical,
			Title:       "Full IAM control",
			Description: "The policy allows every IAM action (iam:*, as IAMFullAccess does) or every iam:Put* action on all resources: several escalation primitives at once, equivalent to administrator access.",
			Remediation: "Replace iam:* with the specific IAM actions the principal needs, scoped to explicit ARNs.",
			References:  refs("https://docs.aws.amazon.com/aws-managed-policy/latest/reference/IAMFullAccess.html", "Checkov CKV2_AWS_40", "Checkov CKV2_AWS_56", "Prowler OverPermissiveIAM"),
			Controls:    ctrls("nist AC-6 AC-6(10)", "pci 7.2.2"),
			Kinds:       identityKinds(),
			Bad: []check.Example{
				{Kind: policy.KindIdentity, Note: "IAMFullAccess", Policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:*","organizations:DescribeAccount","organizations:DescribeOrganization","organizations:DescribeOrganizationalUnit","organizations:DescribePolicy","organizations:ListChildren","organizations:ListParents","organizations:ListPoliciesForTarget","organizations:ListRoots","organizations:ListPolicies","organizations:ListTargetsForPolicy"],"Resource":"*"}]}`},
				{Kind: policy.KindIdentity, Note: "AdministratorAccess", Policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`},
			},
			Good: []check.Example{
				{Kind: policy.KindIdentity, Policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:*","Resource":"*"},{"Effect":"Deny","Action":"iam:Put*","Resource":"*"}]}`},
			},
			Run: runFullIAM,
		},
		{
			ID: "AEG-PRIV-011", Category: check.CategoryPrivilegeEscalation, Severity: check.SeverityHigh,
			Title:       "Policy can change IAM Identity Center permission sets",
			Description: "Attaching policies to permission sets, writing their inline policies, or creating and assigning new ones grants the holder (through its Identity Center user) any permissions in the accounts the set is assigned to.",
			Remediation: "Scope the sso: administration actions to explicit permission-set ARNs, or keep them in the management account's identity administrators only.",
			References:  refs("https://docs.aws.amazon.com/singlesignon/latest/userguide/iam-auth-access-using-id-policies.html"),
			Controls:    ctrls("nist AC-2 AC-6"),
			Kinds:       identityKinds(),
			Bad: []check.Example{
				{Kind: policy.KindIdentity, Policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sso:*","Resource":"*"}]}`},
			},
			Good: []check.Example{
				{Kind: policy.KindIdentity, Policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["sso:List*","sso:Describe*"],"Resource":"*"}]}`},
			},
			Run: pathRule{paths: paths, remedy: scopeRemedy(`name the permission sets this principal administers (arn:aws:sso:::permissionSet/ssoins-INSTANCE/ps-ID), never sets assigned to itself.`)}.run,
		},
		{
			ID: "AEG-PRIV-012", Category: check.CategoryPrivilegeEscalation, Severity: check.SeverityMedium,
			Title:       "Policy can grant itself bucket access through the bucket policy",
			Description: "The policy may change a bucket's policy, ACL or lifecycle without being allowed to read its objects: it can rewrite the resource policy to give itself (or everyone) the object access it was denied.",
			Remediation: "Remove bucket-policy and ACL management, or scope it to buckets the principal already administers.",
			References:  []string{"https://docs.aws.amazon.com/AmazonS3/latest/userguide/example-bucket-policies.html", "Parliament RESOURCE_POLICY_PRIVILEGE_ESCALATION"},
			Controls:    ctrls("nist AC-6"),
			Kinds:       identityKinds(),
			Bad: []check.Example{
				{Kind: policy.KindIdentity, Policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:PutBucketPolicy","Resource":"arn:aws:s3:::data-bucket"}]}`},
			},
			Good: []check.Example{
				{Kind: policy.KindIdentity, Note: "already holds the object access", Policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:PutBucketPolicy","s3:GetObject"],"Resource":["arn:aws:s3:::data-bucket","arn:aws:s3:::data-bucket/*"]}]}`},
			},
			Run: runResourcePolicySelfGrant,
		},
		{
			ID: "AEG-PRIV-013", Category: check.CategoryPrivilegeEscalation, Severity: check.SeverityHigh,
			Title:       "Unsafe SSM permissions: shell on every managed instance",
			Description: "All ssmmessages channel actions together with ssm:SendCommand or ssm:StartSession on every instance let the holder (typically an instance role) run commands on other instances and take their instance-profile roles. (Whether an instance, Lambda or CloudFormation role is an administrator needs the account's attachments; audits check that part.)",
			Remediation: "Scope ssm:SendCommand/ssm:StartSession to explicit instance ARNs or an ssm:resourceTag condition.",
			References:  []string{"https://docs.aws.amazon.com/systems-manager/latest/userguide/getting-started-restrict-access-quickstart.html", "PMapper IAM Role(s) With Unsafe SSM Permissions"},
			Controls:    ctrls("nist AC-6 AC-6(10)"),
			Kinds:       identityKinds(),
			Bad: []check.Example{
				{Kind: policy.KindIdentity, Policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["ssmmessages:*","ssm:StartSession"],"Resource":"*"}]}`},
			},
			Good: []check.Example{
				{Kind: policy.KindIdentity, Note: "the SSM agent's own channel actions only", Policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["ssmmessages:*","ssm:UpdateInstanceInformation"],"Resource":"*"}]}`},
			},
			Run: runUnsafeSSM,
		},
	}
}

// runPassRole reports iam:PassRole on every role (AA's
// PASS_ROLE_WITH_STAR_* family), and, at low severity, a scoped PassRole
// that no iam:PassedToService condition limits.
func runPassRole(p *check.Pass) {
	e := newEngine(p)
	if e == nil {
		return
	}
	g := e.allowed("iam:PassRole")
	if g == nil || hasConditionKey(g.conditions, "iam:PassedToService") {
		return
	}
	const cond = `{"Condition":{"StringEquals":{"iam:PassedToService":"SERVICE.amazonaws.com"}}}`
	if g.all {
		reportGrant(p, g, "iam:PassRole is allowed "+g.where()+": the holder can pass any role in the account, administrator roles included, to any service.",
			`Replace "*" with the explicit ARNs of the roles this principal passes (e.g. "arn:aws:iam::ACCOUNT:role/app-lambda") and add `+cond+".")
		return
	}
	reportGrantSeverity(p, check.SeverityLow, g, "iam:PassRole is allowed "+g.where()+" without an iam:PassedToService condition: the role can be passed to any service that accepts it.",
		"Add "+cond+" naming the one service the role is meant for.")
}

// runAssumeAnyRole asks whether sts:AssumeRole is allowed on a role the
// policy does not name: on "*", or on a role of an arbitrary name in an
// account whose roles a statement covers by pattern.
func runAssumeAnyRole(p *check.Pass) {
	e := newEngine(p)
	if e == nil {
		return
	}
	const action = "sts:AssumeRole"
	g := e.allowed(action)
	if g == nil {
		return
	}
	if !g.all {
		g = e.allowedOn(action, anyRole)
		stmts := e.statements()
		for i := range stmts {
			st := &stmts[i]
			if g != nil || !st.allow || !st.matches("sts:assumerole") {
				continue
			}
			for _, res := range st.samples {
				if at := strings.Index(res.resource, ":role/"); at >= 0 && g == nil {
					g = e.allowedOn(action, res.resource[:at]+":role/"+anyRoleName)
				}
			}
		}
	}
	if g == nil {
		return
	}
	if !g.all {
		g.scope = "roles of any name"
	}
	reportGrant(p, g, "sts:AssumeRole is allowed "+g.where()+" for roles the policy does not name: the holder can assume every role that trusts its account.",
		`Replace the wildcard with the role ARNs this principal must assume: "Resource": ["arn:aws:iam::ACCOUNT:role/NAME"].`)
}

// runFullIAM reports a policy that grants every IAM action, or every
// iam:Put* action, on all resources, deciding each action with the engine.
func runFullIAM(p *check.Pass) {
	e := newEngine(p)
	if e == nil || p.DB == nil {
		return
	}
	for _, pattern := range []string{"iam:*", "iam:Put*"} {
		g, n := e.allowsEvery(p.DB, pattern)
		if g == nil {
			continue
		}
		reportGrant(p, g, fmt.Sprintf("every %s action (%d actions) is allowed %s: the holder controls IAM and can make itself administrator.", pattern, n, g.where()),
			fmt.Sprintf("Replace %s with the specific IAM actions this principal needs (e.g. iam:GetRole, iam:ListRoles), scoped to explicit ARNs, and deny iam:CreatePolicyVersion, iam:Put*Policy, iam:Attach*Policy and iam:PassRole on \"*\".", pattern))
		return
	}
}

// runResourcePolicySelfGrant reports bucket-policy management on a bucket
// whose objects the policy does not let its holder read (Parliament's
// RESOURCE_POLICY_PRIVILEGE_ESCALATION, decided with the engine).
func runResourcePolicySelfGrant(p *check.Pass) {
	e := newEngine(p)
	if e == nil {
		return
	}
	for _, action := range []string{"s3:PutBucketPolicy", "s3:PutBucketAcl", "s3:PutLifecycleConfiguration"} {
		g := e.allowed(action)
		if g == nil {
			continue
		}
		bucket := g.resource
		if g.all || !strings.HasPrefix(bucket, "arn:") {
			bucket = probeBucket
		}
		if e.allowedOn("s3:GetObject", bucket+"/aegis-probe-object") != nil {
			continue
		}
		reportGrant(p, g, fmt.Sprintf("%s is allowed %s but s3:GetObject is not: the holder can rewrite the bucket's access rules to grant itself (or everyone) the object access this policy withholds.", action, g.where()),
			fmt.Sprintf("Remove %s, or scope it to the buckets this principal already administers in full (explicit ARNs such as arn:aws:s3:::BUCKET); protect other buckets with a bucket-policy Deny on s3:PutBucketPolicy for principals other than the owners.", action))
	}
}

// runUnsafeSSM reports PMapper's "unsafe SSM permissions": every
// ssmmessages channel action and SendCommand or StartSession on all
// instances.
func runUnsafeSSM(p *check.Pass) {
	e := newEngine(p)
	if e == nil {
		return
	}
	channels := e.allowedAll([]string{"ssmmessages:CreateControlChannel", "ssmmessages:CreateDataChannel", "ssmmessages:OpenControlChannel", "ssmmessages:OpenDataChannel"})
	if channels == nil {
		return
	}
	for _, action := range []string{"ssm:SendCommand", "ssm:StartSession"} {
		if g := e.allowed(action); g != nil && g.all {
			reportGrant(p, g, fmt.Sprintf("%s is allowed %s together with every ssmmessages channel action: the holder can open a shell on any managed instance and use its instance-profile role.", action, g.where()),
				fmt.Sprintf(`Scope %s to explicit instance ARNs or add {"Condition":{"StringEquals":{"ssm:resourceTag/team":"TEAM"}}}; an instance role needs only the ssmmessages and ssm:UpdateInstanceInformation actions of the SSM agent.`, action))
			return
		}
	}
}

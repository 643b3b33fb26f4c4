package rules

import (
	"fmt"
	"sort"
	"strings"

	"github.com/aegis-iam/aegis/backend/check"
	"github.com/aegis-iam/aegis/backend/eval"
	"github.com/aegis-iam/aegis/backend/policy"
)

// The rules of this file belong to the wildcard, trust, exposure and
// service groups but need account context a single policy does not carry —
// what is attached to whom, the organization's accounts, the account's S3
// and ECS and Bedrock settings — so they run on policy.KindAccount inputs.

// highPrivilegePolicies are the AWS managed policies whose attachment is a
// finding by itself, with what each gives.
var highPrivilegePolicies = []struct{ name, gives string }{
	{"AdministratorAccess", "every action on every resource"},
	{"IAMFullAccess", "full control of IAM, hence of every permission in the account"},
	{"AWSCloudShellFullAccess", "a shell with file upload and download under the holder's credentials"},
	{"AmazonBedrockFullAccess", "every Bedrock action, including model access, agents and guardrail changes"},
}

// broadReadPolicies are the AWS managed policies that read (or do) at
// least everything ReadOnlyAccess reads.
var broadReadPolicies = []string{"AdministratorAccess", "PowerUserAccess", "ReadOnlyAccess", "ViewOnlyAccess", "SecurityAudit"}

// typedPrincipal is a user, group or role with its ARN type.
type typedPrincipal struct {
	typ string // "user", "group" or "role"
	p   *check.Principal
}

// principalsOf lists the account's users, groups and roles.
func principalsOf(auth *check.Authorization) []typedPrincipal {
	var out []typedPrincipal
	for typ, ps := range map[string][]check.Principal{"user": auth.Users, "group": auth.Groups, "role": auth.Roles} {
		for i := range ps {
			out = append(out, typedPrincipal{typ, &ps[i]})
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].typ > out[j].typ }) // users, roles, groups: deterministic
	return out
}

// trustedAccounts returns the accounts an Allow statement of the role's
// trust policy names as AWS principals ("*" as the probe's foreign
// account), sorted.
func trustedAccounts(doc *policy.Document) []string {
	seen := map[string]bool{}
	for _, pv := range principals(doc, "AWS") {
		acct := pv.value.Text
		switch {
		case acct == "*":
			acct = foreignAccount
		case strings.HasPrefix(acct, "arn:"):
			parts := strings.SplitN(acct, ":", 6)
			if len(parts) < 6 {
				continue
			}
			acct = parts[4]
		}
		if accountID.MatchString(acct) {
			seen[acct] = true
		}
	}
	out := make([]string, 0, len(seen))
	for a := range seen {
		out = append(out, a)
	}
	sort.Strings(out)
	return out
}

// externalTrusts asks the evaluator, for each account a role's trust
// policy names outside the account and its organization, whether a
// principal of that account may assume the role; it returns the accounts
// admitted ("any account" for a wildcard principal).
func externalTrusts(acct *check.Account, role *check.Principal) []string {
	doc := role.TrustPolicy()
	if doc == nil || role.ServiceLinked() {
		return nil
	}
	inside := map[string]bool{acct.ID: true}
	for _, a := range acct.OrganizationAccounts {
		inside[a] = true
	}
	var candidates []string
	for _, a := range trustedAccounts(doc) {
		if !inside[a] {
			candidates = append(candidates, a)
		}
	}
	if len(candidates) == 0 {
		return nil
	}
	pol, err := eval.Compile(role.ARN, doc)
	if err != nil {
		return nil
	}
	list := func(s string) *policy.List { return &policy.List{Values: []policy.Value{{Text: s}}} }
	all, err := eval.Compile("aegis-caller-allows-all", &policy.Document{Version: policy.Value{Text: "2012-10-17"},
		Statements: []*policy.Statement{{Effect: policy.EffectAllow, Action: list("*"), Resource: list("*")}}})
	if err != nil {
		return nil
	}
	e := &resourceEngine{doc: doc, in: eval.Input{Resource: pol, Identity: []*eval.Policy{all}}}
	owner := orPlaceholder(acct.ID, probeAccount)
	var out []string
	for _, a := range candidates {
		if e.askOwned("arn:aws:iam::"+a+":role/aegis-probe-external", "sts:AssumeRole", role.ARN, owner, nil) == nil {
			continue
		}
		if a == foreignAccount {
			a = "any account"
		}
		out = append(out, a)
	}
	return out
}

func attachedRules() []*check.Rule {
	const (
		acctID   = "123456789012"
		partner  = "444455556666"
		roleBase = "arn:aws:iam::" + acctID + ":role/"
	)
	trust := func(principal string) string {
		return `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"` + principal + `"},"Action":"sts:AssumeRole"}]}`
	}
	withRoles := func(org []string, roles ...check.Principal) check.Account {
		return check.Account{ID: acctID, AsOf: exampleAsOf, OrganizationAccounts: org, Authorization: &check.Authorization{Roles: roles}}
	}
	vendorRole := check.Principal{Name: "vendor-audit", ARN: roleBase + "vendor-audit", TrustText: trust("arn:aws:iam::" + partner + ":root"),
		AttachedPolicies: []string{"arn:aws:iam::aws:policy/ReadOnlyAccess"}}
	orgRole := check.Principal{Name: "org-audit", ARN: roleBase + "org-audit", TrustText: trust("arn:aws:iam::210987654321:role/auditor"),
		AttachedPolicies: []string{"arn:aws:iam::aws:policy/ReadOnlyAccess"}}
	localRole := check.Principal{Name: "deploy", ARN: roleBase + "deploy", TrustText: trust("arn:aws:iam::" + acctID + ":role/ci"),
		AttachedPolicies: []string{"arn:aws:iam::aws:policy/ReadOnlyAccess"}}
	adminUser := check.Account{ID: acctID, AsOf: exampleAsOf, Authorization: &check.Authorization{
		Users: []check.Principal{{Name: "alice", ARN: "arn:aws:iam::" + acctID + ":user/alice", AttachedPolicies: []string{"arn:aws:iam::aws:policy/AdministratorAccess"}}}}}
	scopedUser := check.Account{ID: acctID, AsOf: exampleAsOf, Authorization: &check.Authorization{
		Users: []check.Principal{{Name: "alice", ARN: "arn:aws:iam::" + acctID + ":user/alice", AttachedPolicies: []string{"arn:aws:iam::" + acctID + ":policy/app-deployer"}}}}}
	tasks := func(exec string) check.Account {
		return check.Account{ID: acctID, TaskDefinitions: &[]check.TaskDefinition{{ARN: "arn:aws:ecs:eu-west-1:" + acctID + ":task-definition/web:7",
			TaskRoleARN: roleBase + "web-task", ExecutionRoleARN: roleBase + exec}}}
	}
	agents := func(second string) check.Account {
		return check.Account{ID: acctID, BedrockAgents: &[]check.BedrockAgent{
			{Name: "support-bot", ARN: "arn:aws:bedrock:eu-west-1:" + acctID + ":agent/AGENT1", RoleARN: roleBase + "AmazonBedrockExecutionRoleForAgents_support"},
			{Name: "billing-bot", ARN: "arn:aws:bedrock:eu-west-1:" + acctID + ":agent/AGENT2", RoleARN: roleBase + second}}}
	}
	pab := func(b check.PublicAccessBlock) check.Account {
		return check.Account{ID: acctID, PublicAccessBlock: &b}
	}
	ex := func(note string, a check.Account) []check.Example { return []check.Example{accountExample(note, a)} }
	return []*check.Rule{
		{
			ID: "AEG-WILD-012", Category: check.CategoryWildcard, Severity: check.SeverityHigh,
			Title:       "High-privilege AWS managed policy attached",
			Description: "AdministratorAccess, IAMFullAccess, AWSCloudShellFullAccess or AmazonBedrockFullAccess is attached to a user, group or role: AWS-managed full-access policies grant far more than any one job needs.",
			Remediation: "Detach the managed policy and attach a policy written for the principal's job (aegis generate can draft one from its CloudTrail use).",
			References:  []string{"https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_job-functions.html", "Checkov CKV_AWS_274", "Prowler iam_user_administrator_access_policy", cisAWS + " 2.20"},
			Controls:    ctrls("cis 2.20", "pci 7.2.1 7.2.2 7.2.5 7.3.1 7.3.2 7.3.3 8.2.7 8.2.8 8.3.4"),
			Kinds:       accountKinds(),
			Needs:       hasAuthorization,
			Bad:         ex("", adminUser),
			Good:        ex("", scopedUser),
			Run:         runHighPrivilegeAttachments,
		},
		{
			ID: "AEG-TRUST-004", Category: check.CategoryTrust, Severity: check.SeverityMedium,
			Title:       "Role trusts an account outside the organization",
			Description: "The role's trust policy admits principals of an account that is neither this account nor one of its organization's (or allow-listed) accounts.",
			Remediation: "Confirm the outside account is a known partner and add it to the allow-list, or remove it from the trust policy.",
			References:  []string{"https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_common-scenarios_third-party.html", "Cloudsplaining AssumableByCrossAccountPrincipal", "aws-iam-permissions-guardrails IAM-STS-3"},
			Controls:    ctrls("nist AC-3 AC-21 CA-3"),
			Kinds:       accountKinds(),
			Needs:       func(in *check.Input) bool { return hasAuthorization(in) && in.Account.OrganizationAccounts != nil },
			Bad:         ex("", withRoles([]string{acctID, "210987654321"}, vendorRole)),
			Good:        ex("the trusted account is in the organization", withRoles([]string{acctID, "210987654321"}, orgRole)),
			Run: func(p *check.Pass) {
				auth := authorization(p)
				for i := range auth.Roles {
					r := &auth.Roles[i]
					for _, t := range externalTrusts(p.Account, r) {
						p.Report(nil, r.Pos, "role:"+r.Name, fmt.Sprintf("role %s can be assumed from %s, which is outside the organization.", r.Name, t),
							fmt.Sprintf(`If %s is a known partner, add it to the organization allow-list; otherwise remove it from %s's trust policy, or add {"Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-ORGID"}}} to the statement that admits it.`, t, r.Name), check.Exposure{})
					}
				}
			},
		},
		{
			ID: "AEG-TRUST-006", Category: check.CategoryTrust, Severity: check.SeverityHigh,
			Title:       "Role with read-all access assumable from another account",
			Description: "A role with ReadOnlyAccess (or a broader AWS managed policy: ViewOnlyAccess, SecurityAudit, PowerUserAccess, AdministratorAccess) can be assumed from another account: that account can read the configuration — and with ReadOnlyAccess the data — of every service.",
			Remediation: "Give the external account a role scoped to what it must see, or require sts:ExternalId and narrow the policy.",
			References:  []string{"https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_common-scenarios_third-party.html", "Prowler iam_role_cross_account_readonlyaccess_policy"},
			Controls:    ctrls("nist AC-6 AC-21"),
			Kinds:       accountKinds(),
			Needs:       func(in *check.Input) bool { return hasAuthorization(in) && in.Account.ID != "" },
			Bad:         ex("", withRoles(nil, vendorRole)),
			Good:        ex("trusted from the same account", withRoles(nil, localRole)),
			Run: func(p *check.Pass) {
				auth := authorization(p)
				for i := range auth.Roles {
					r := &auth.Roles[i]
					var broad []string
					for _, name := range broadReadPolicies {
						if r.Attaches(name) {
							broad = append(broad, name)
						}
					}
					if len(broad) == 0 {
						continue
					}
					for _, t := range externalTrusts(p.Account, r) {
						p.Report(nil, r.Pos, "role:"+r.Name, fmt.Sprintf("role %s has %s and can be assumed from %s.", r.Name, strings.Join(broad, ", "), t),
							fmt.Sprintf("Detach %s from %s and attach a policy limited to what %s must read; if the access is intended, add {\"Condition\":{\"StringEquals\":{\"sts:ExternalId\":\"UNIQUE-ID\"}}} to the trust statement.", strings.Join(broad, ", "), r.Name, t), check.Exposure{AllResources: true})
					}
				}
			},
		},
		{
			ID: "AEG-EXP-010", Category: check.CategoryResourceExposure, Severity: check.SeverityHigh,
			Title:       "S3 Block Public Access not enforced for the account",
			Description: "Without all four account-level Block Public Access settings, one bucket policy or ACL is enough to make data public.",
			Remediation: "Turn on all four S3 Block Public Access settings at the account level.",
			References:  []string{"https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html", "Security Hub S3.1", cisAWS + " 3.1.4"},
			Controls:    ctrls("cis 3.1.4", "pci 1.3.1 1.3.2 1.4.2", "hipaa 164.308(a)(1)(ii)(B) 164.308(a)(3)(i)", "nist AC-21 SC-7"),
			Kinds:       accountKinds(),
			Needs:       func(in *check.Input) bool { return in.Account != nil && in.Account.PublicAccessBlock != nil },
			Bad:         ex("", pab(check.PublicAccessBlock{Exists: true, BlockPublicAcls: true, IgnorePublicAcls: true})),
			Good:        ex("", pab(check.PublicAccessBlock{Exists: true, BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true})),
			Run: func(p *check.Pass) {
				b := p.Account.PublicAccessBlock
				var off []string
				for _, s := range []struct {
					on   bool
					name string
				}{{b.BlockPublicAcls, "BlockPublicAcls"}, {b.IgnorePublicAcls, "IgnorePublicAcls"}, {b.BlockPublicPolicy, "BlockPublicPolicy"}, {b.RestrictPublicBuckets, "RestrictPublicBuckets"}} {
					if !b.Exists || !s.on {
						off = append(off, s.name)
					}
				}
				if len(off) == 0 {
					return
				}
				msg := "account-level S3 Block Public Access leaves " + strings.Join(off, ", ") + " off."
				if !b.Exists {
					msg = "the account has no S3 Block Public Access configuration."
				}
				p.Report(nil, policy.Pos{}, "publicAccessBlock", msg,
					fmt.Sprintf("aws s3control put-public-access-block --account-id %s --public-access-block-configuration BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true", orPlaceholder(p.Account.ID, "ACCOUNT")), check.Exposure{AllResources: true})
			},
		},
		{
			ID: "AEG-SVC-008", Category: check.CategoryServiceSpecific, Severity: check.SeverityLow,
			Title:       "ECS task role is also the task execution role",
			Description: "The ECS agent's execution role (image pulls, logs, secrets fetched at start) is also given to the containers' code as the task role, so the application can read every secret and image the agent can.",
			Remediation: "Use separate roles: an execution role with the ECS agent's permissions and a task role with the application's.",
			References:  []string{"https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_execution_IAM_role.html", "Checkov CKV_AWS_249"},
			Controls:    ctrls("nist AC-6"),
			Kinds:       accountKinds(),
			Needs:       func(in *check.Input) bool { return in.Account != nil && in.Account.TaskDefinitions != nil },
			Bad:         ex("", tasks("web-task")),
			Good:        ex("", tasks("ecsTaskExecutionRole")),
			Run: func(p *check.Pass) {
				for _, td := range *p.Account.TaskDefinitions {
					if td.TaskRoleARN != "" && td.TaskRoleARN == td.ExecutionRoleARN {
						p.Report(nil, policy.Pos{}, "taskDefinition:"+td.ARN, fmt.Sprintf("task definition %s uses %s as both task role and execution role.", td.ARN, td.TaskRoleARN),
							fmt.Sprintf("Register a new revision of %s with executionRoleArn set to a role holding only AmazonECSTaskExecutionRolePolicy (and the secrets it must fetch), and keep %s as taskRoleArn with the application's permissions only.", td.ARN, td.TaskRoleARN), check.Exposure{})
					}
				}
			},
		},
		{
			ID: "AEG-SVC-009", Category: check.CategoryServiceSpecific, Severity: check.SeverityHigh,
			Title:       "Bedrock agent execution role shared between agents",
			Description: "Several Bedrock agents run under one service role, so a prompt injection against any of them acts with the union of what all of them need.",
			Remediation: "Give each agent its own execution role scoped to its models, knowledge bases and action groups.",
			References:  []string{"https://docs.aws.amazon.com/bedrock/latest/userguide/agents-permissions.html", "Prowler bedrock_agent_role_not_shared_across_agents"},
			Controls:    ctrls("nist AC-6"),
			Kinds:       accountKinds(),
			Needs:       func(in *check.Input) bool { return in.Account != nil && in.Account.BedrockAgents != nil },
			Bad:         ex("", agents("AmazonBedrockExecutionRoleForAgents_support")),
			Good:        ex("", agents("AmazonBedrockExecutionRoleForAgents_billing")),
			Run: func(p *check.Pass) {
				byRole := map[string][]string{}
				var roles []string
				for _, a := range *p.Account.BedrockAgents {
					if a.RoleARN == "" {
						continue
					}
					if byRole[a.RoleARN] == nil {
						roles = append(roles, a.RoleARN)
					}
					byRole[a.RoleARN] = append(byRole[a.RoleARN], a.Name)
				}
				for _, r := range roles {
					if names := byRole[r]; len(names) > 1 {
						p.Report(nil, policy.Pos{}, "bedrockAgentRole:"+r, fmt.Sprintf("agents %s share the execution role %s.", strings.Join(names, ", "), r),
							fmt.Sprintf("Create one role per agent (e.g. AmazonBedrockExecutionRoleForAgents_%s), each allowing bedrock:InvokeModel on that agent's model only, and update the agents (aws bedrock-agent update-agent --agent-resource-role-arn ...) so %s is no longer shared.", names[1], r), check.Exposure{})
					}
				}
			},
		},
	}
}

// orPlaceholder returns s, or placeholder when s is empty.
func orPlaceholder(s, placeholder string) string {
	if s == "" {
		return placeholder
	}
	return s
}

// runHighPrivilegeAttachments reports users, groups and roles that attach
// a high-privilege AWS managed policy.
func runHighPrivilegeAttachments(p *check.Pass) {
	for _, pr := range principalsOf(authorization(p)) {
		for _, hp := range highPrivilegePolicies {
			if !pr.p.Attaches(hp.name) || pr.p.ServiceLinked() {
				continue
			}
			detach := map[string]string{"user": "detach-user-policy --user-name", "group": "detach-group-policy --group-name", "role": "detach-role-policy --role-name"}[pr.typ]
			p.Report(nil, pr.p.Pos, pr.typ+":"+pr.p.Name, fmt.Sprintf("%s %s has %s attached: %s.", pr.typ, pr.p.Name, hp.name, hp.gives),
				fmt.Sprintf("Attach a policy written for %s's job (aegis generate can draft one from its CloudTrail use), then aws iam %s %s --policy-arn arn:aws:iam::aws:policy/%s.", pr.p.Name, detach, pr.p.Name, hp.name), check.Exposure{AllResources: true})
		}
	}
}

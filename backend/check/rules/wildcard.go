package rules

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/aegis-iam/aegis/backend/check"
	"github.com/aegis-iam/aegis/backend/iamdb"
	"github.com/aegis-iam/aegis/backend/policy"
)

// Wildcard and scope rules (catalogue group 2): what a policy grants on
// every action or every resource, decided with the evaluator so Deny
// statements, NotAction and NotResource count as AWS counts them.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#grant-least-privilege

const refLeastPrivilege = "https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#grant-least-privilege"

// probeName is an action name no service defines. "svc:" + probeName stands
// for every action of svc, including those AWS adds later: only a pattern
// that covers the whole service (svc:*, *, NotAction) matches it.
const probeName = "AegisProbeUnlistedAction"

// probeAction is the stand-in for every action of the service prefix svc.
func probeAction(svc string) string { return svc + ":" + probeName }

// anyAction stands for every action of every service.
var anyAction = probeAction("aegisprobe")

// adminProbes are actions an administrator grant must include besides
// anyAction: a Deny or NotAction that removes one of them leaves a broad
// grant (AEG-WILD-002 or -009), not full administrator access.
var adminProbes = []string{"iam:CreateUser", "iam:PutRolePolicy", "iam:AttachRolePolicy", "iam:PassRole", "sts:AssumeRole",
	"organizations:LeaveOrganization", "ec2:RunInstances", "s3:GetObject", "kms:Decrypt", "cloudtrail:StopLogging"}

// adminKey memoizes the administrator grant of an input.
type adminKey struct{}

// adminGrant returns the unconditional grant of every action on every
// resource, or nil when the policy does not give one.
func adminGrant(p *check.Pass) *grant {
	e := newEngine(p) // outside the build: Memo does not nest
	g, _ := p.Memo(adminKey{}, func() any {
		if e == nil {
			return (*grant)(nil)
		}
		g := e.onAll(anyAction)
		if g == nil || g.conditioned() {
			return (*grant)(nil)
		}
		for _, a := range adminProbes {
			if pg := e.onAll(a); pg == nil || pg.conditioned() {
				return (*grant)(nil)
			}
		}
		return g
	}).(*grant)
	return g
}

// serviceWide returns the service whose every action the Action value v
// covers ("s3:*", "S3:*"), or "" — also for values with a wildcard in the
// service prefix, which other rules report.
func serviceWide(v string) string {
	if !hasWildcard(v) {
		// A literal covers the service only if it names the probe action
		// itself; most values are literals, so skip lower-casing them.
		if _, name, ok := strings.Cut(v, ":"); !ok || !equalLowerASCII(name, probeNameLower) {
			return ""
		}
	}
	lower := strings.ToLower(v)
	svc, name, ok := strings.Cut(lower, ":")
	if !ok || hasWildcard(svc) || !policy.Glob(name, probeNameLower) {
		return ""
	}
	return svc
}

// probeNameLower is probeName lower-cased, as serviceWide matches it.
var probeNameLower = strings.ToLower(probeName)

// highImpactServices are the services whose wildcard is reported as high
// (AEG-WILD-004): identity, credentials, keys, audit trail, organization,
// and S3 data.
var highImpactServices = map[string]bool{"iam": true, "sts": true, "kms": true, "cloudtrail": true, "organizations": true, "s3": true}

// readOnlyPatterns suggests the read-only subset of a service: "svc:Verb*"
// patterns for the leading verbs (Get, List, Describe...) whose every action
// is at the List or Read access level.
func readOnlyPatterns(db *iamdb.DB, svc string) string {
	s, ok := db.Service(svc)
	if !ok {
		return ""
	}
	readOnly := map[string]bool{}
	var verbs []string
	for _, a := range s.Actions {
		verb := leadingVerb(a.Name)
		ro := a.Access.Primary() == iamdb.AccessList || a.Access.Primary() == iamdb.AccessRead
		if prev, seen := readOnly[verb]; seen {
			readOnly[verb] = prev && ro
			continue
		}
		readOnly[verb] = ro
		verbs = append(verbs, verb)
	}
	var out []string
	for _, v := range verbs {
		if readOnly[v] && len(out) < 6 {
			out = append(out, fmt.Sprintf("%q", s.Prefix+":"+v+"*"))
		}
	}
	if len(out) == 0 {
		return "none: every verb includes a write"
	}
	return strings.Join(out, ", ")
}

// leadingVerb is the first word of an action name: "Get" of "GetObject".
func leadingVerb(name string) string {
	for i := 1; i < len(name); i++ {
		if name[i] >= 'A' && name[i] <= 'Z' {
			return name[:i]
		}
	}
	return name
}

// serviceGrant is a service-wide Action value the engine confirms is
// granted.
type serviceGrant struct {
	svc string
	g   *grant
}

// serviceGrantsKey memoizes an input's serviceGrants (AEG-WILD-003 and
// -004 both ask).
type serviceGrantsKey struct{}

// serviceGrants returns, once per service, the service-wide wildcards of
// Allow statements that the policy as a whole grants.
func serviceGrants(p *check.Pass) []serviceGrant {
	e := newEngine(p) // outside the build: Memo does not nest
	if e == nil {
		return nil
	}
	sgs, _ := p.Memo(serviceGrantsKey{}, func() any { return findServiceGrants(p, e) }).([]serviceGrant)
	return sgs
}

func findServiceGrants(p *check.Pass, e *engine) []serviceGrant {
	seen := map[string]bool{}
	var out []serviceGrant
	for _, st := range p.Doc.Statements {
		if st.Effect != policy.EffectAllow || st.Action == nil {
			continue
		}
		for _, v := range st.Action.Values {
			svc := serviceWide(v.Text)
			if svc == "" || seen[svc] {
				continue
			}
			seen[svc] = true
			if g := e.allowed(probeAction(svc)); g != nil {
				out = append(out, serviceGrant{svc, g})
			}
		}
	}
	return out
}

// effectivelyStar matches resource parts that name every resource of a
// type: "*", "*/*", "table/*", "log-group:*". Group 1 is the type keyword
// with its separator.
var effectivelyStar = regexp.MustCompile(`^([A-Za-z][A-Za-z0-9-]*[:/])?\*(/\*)*$`)

// coversAllOfType reports whether a Resource ARN pattern names every
// resource of its type in every region and account. A keyword before the
// wildcard ("table/") must be a resource-type keyword of the service's ARN
// formats, so "arn:aws:s3:::bucket/*" (one bucket's objects) is not one.
func coversAllOfType(db *iamdb.DB, s string) bool {
	a, err := policy.ParseARN(s)
	if err != nil {
		return false
	}
	anyField := func(f string) bool { return f == "" || f == "*" }
	m := effectivelyStar.FindStringSubmatch(a.Resource)
	if m == nil || !anyField(a.Region) || !anyField(a.Account) {
		return false
	}
	if m[1] == "" {
		return true
	}
	svc, ok := db.Service(a.Service)
	if !ok {
		return false
	}
	for _, rt := range svc.ResourceTypes {
		for _, f := range rt.ARNFormats {
			if strings.Contains(f, ":"+m[1]) {
				return true
			}
		}
	}
	return false
}

// restrictable returns the actions of a statement that support
// resource-level permissions and that the policy grants on every resource
// through it, with the grant of the first. Without Deny statements nothing
// can take back what an Allow with Resource "*" grants, so the evaluator is
// asked about the first action only.
func restrictable(p *check.Pass, f *facts, keep func(*iamdb.Action) bool) ([]*iamdb.Action, *grant) {
	e := newEngine(p)
	if e == nil || p.DB == nil {
		return nil, nil
	}
	var acts []*iamdb.Action
	var first *grant
	exact := hasDeny(p.Doc) || !isStar(f.st.Resource)
	for _, a := range f.actions() {
		if a.WildcardOnly() || keep != nil && !keep(a) {
			continue
		}
		if exact || first == nil {
			g := e.onAll(a.FullName())
			if g == nil || g.stmt != f.st {
				continue
			}
			if first == nil {
				first = g
			}
		}
		acts = append(acts, a)
	}
	return acts, first
}

// fullNames returns the actions' full names.
func fullNames(acts []*iamdb.Action) []string {
	out := make([]string, len(acts))
	for i, a := range acts {
		out[i] = a.FullName()
	}
	return out
}

// scopedByActionKey reports whether st scopes action a the way AWS
// documents for it when a request need not name a resource: every resource
// type of a is optional (a call such as cloudwatch:PutMetricData without a
// dataset names none, so only "*" matches it), and st tests one of a's own
// action-level condition keys (cloudwatch:namespace) with a positive
// operator that holds only when the key is present.
func scopedByActionKey(a *iamdb.Action, st *policy.Statement) bool {
	if len(st.Condition) == 0 {
		return false
	}
	for _, r := range a.Resources {
		if r.Required {
			return false
		}
	}
	for _, b := range st.Condition {
		op, err := policy.ParseOperator(b.Operator.Text)
		if err != nil || op.IfExists || op.Base.IsNegated() || op.Base == policy.OpNull {
			continue
		}
		for _, e := range b.Entries {
			for _, k := range a.ConditionKeys {
				if strings.EqualFold(k, e.Key.Text) {
					return true
				}
			}
		}
	}
	return false
}

// hasDeny reports whether the document has a Deny statement.
func hasDeny(doc *policy.Document) bool {
	for _, st := range doc.Statements {
		if st.Effect == policy.EffectDeny {
			return true
		}
	}
	return false
}

// arnExamples lists the ARN formats of the resource types of the named
// actions.
func arnExamples(db *iamdb.DB, names []string) string {
	var acts []*iamdb.Action
	for _, n := range names {
		if a, ok := db.Action(n); ok {
			acts = append(acts, a)
		}
	}
	return actionARNExamples(acts)
}

// actionARNExamples lists up to three ARN formats of the resource types of
// acts.
func actionARNExamples(acts []*iamdb.Action) string {
	seen := map[string]bool{}
	types := map[*iamdb.ResourceType]bool{} // the many actions of a service share a few types
	var out []string
	for _, a := range acts {
		for _, r := range a.Resources {
			if types[r.Type] {
				continue
			}
			types[r.Type] = true
			if len(r.Type.ARNFormats) == 0 || seen[r.Type.ARNFormats[0]] {
				continue
			}
			seen[r.Type.ARNFormats[0]] = true
			out = append(out, fmt.Sprintf("%q", strings.ReplaceAll(r.Type.ARNFormats[0], "${Partition}", "aws")))
			if len(out) == 3 {
				return strings.Join(out, ", ")
			}
		}
	}
	return strings.Join(out, ", ")
}

// broadStatement reports whether an Allow statement's Action names every
// action ("*" or "*:*"); those are AEG-WILD-001/002's.
func broadStatement(st *policy.Statement) bool {
	if st.Action == nil {
		return false
	}
	for _, v := range st.Action.Values {
		if v.Text == "*" || v.Text == "*:*" {
			return true
		}
	}
	return false
}

func wildcardRules() []*check.Rule {
	ident := policy.KindIdentity
	scoped := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject","s3:PutObject"],"Resource":"arn:aws:s3:::example-uploads/*"}]}`
	return []*check.Rule{
		{
			ID: "AEG-WILD-001", Category: check.CategoryWildcard, Severity: check.SeverityCritical,
			Title:       "Full administrator access",
			Description: `The policy allows every action on every resource without conditions ("Action": "*", "Resource": "*", or an equivalent NotAction/NotResource form), after its Deny statements: whoever holds it controls the account.`,
			Remediation: "Replace the statement with the actions and resources the principal needs; keep administrator access to break-glass roles that require MFA",
			References:  []string{refLeastPrivilege, "https://docs.aws.amazon.com/securityhub/latest/userguide/iam-controls.html#iam-1", "Checkov CKV_AWS_1, CKV_AWS_62", "Prowler iam_inline_policy_no_administrative_privileges"},
			Controls:    ctrls("cis 2.14", "pci 7.2.1 7.2.2 7.3.1", "hipaa 164.308(a)(3)(i) 164.308(a)(4)(i) 164.308(a)(4)(ii)(B) 164.308(a)(4)(ii)(C) 164.312(a)(1)", "nist AC-2 AC-2(1) AC-3 AC-3(7) AC-3(15) AC-5 AC-6 AC-6(2) AC-6(3) AC-6(10)", "soc2 CC1.3 CC6.3", "gdpr Art.25"),
			Kinds:       identityKinds(),
			Bad: []check.Example{
				{Kind: ident, Policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`},
				{Kind: ident, Note: "NotAction naming a retired service", Policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","NotAction":"deeplens:*","Resource":"*"}]}`},
			},
			Good: []check.Example{
				{Kind: ident, Policy: scoped},
				{Kind: ident, Note: "MFA required", Policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}}]}`},
				{Kind: ident, Note: "IAM denied", Policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","Action":"iam:*","Resource":"*"}]}`},
			},
			Run: func(p *check.Pass) {
				if g := adminGrant(p); g != nil {
					reportGrant(p, g, "every action is allowed on every resource without conditions: this is administrator access",
						`Replace this statement with the actions the principal calls and the ARNs it touches, e.g. {"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": "arn:aws:s3:::BUCKET/*"}; if administrator access is intended, add {"Bool": {"aws:MultiFactorAuthPresent": "true"}}.`)
				}
			},
		},
		{
			ID: "AEG-WILD-002", Category: check.CategoryWildcard, Severity: check.SeverityHigh,
			Title:       `Allow of "Action": "*"`,
			Description: `The statement allows every action of every service, including those AWS adds later, on its resources or under its conditions.`,
			Remediation: "List the actions the principal calls",
			References:  []string{refLeastPrivilege, "Checkov CKV_AWS_49, CKV_AWS_63"},
			Controls:    ctrls("nist AC-6", "pci 7.2.2", "soc2 CC6.3"),
			Kinds:       identityKinds(),
			Bad: []check.Example{
				{Kind: ident, Policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"arn:aws:s3:::example-uploads/*"}]}`},
				{Kind: ident, Note: "conditional", Policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEquals":{"aws:RequestedRegion":"eu-west-1"}}}]}`},
			},
			Good: []check.Example{{Kind: ident, Policy: scoped}, {Kind: ident, Note: "a Deny, not an Allow", Policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"},{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}`}},
			Run: func(p *check.Pass) {
				e := newEngine(p)
				if e == nil {
					return
				}
				admin := adminGrant(p)
				for _, st := range p.Doc.Statements {
					if st.Effect != policy.EffectAllow || !broadStatement(st) || admin != nil && admin.stmt == st {
						continue
					}
					g := e.allowed(anyAction)
					if g == nil || g.stmt != st {
						continue
					}
					reportGrant(p, g, fmt.Sprintf("every action of every service is allowed %s", g.where()),
						`Replace "*" with the actions the principal calls, e.g. ["s3:GetObject", "s3:PutObject"].`)
				}
			},
		},
		{
			ID: "AEG-WILD-003", Category: check.CategoryWildcard, Severity: check.SeverityMedium,
			Title:       "Service-wide action wildcard",
			Description: `"service:*" in an unconditional Allow grants every action of the service — its writes and permission changes and the actions AWS adds later — when most principals need a few.`,
			Remediation: "List the service's actions the principal calls",
			References:  []string{refLeastPrivilege, "https://docs.aws.amazon.com/securityhub/latest/userguide/iam-controls.html#iam-21", "Cloudsplaining ServiceWildcard"},
			Controls:    ctrls("nist AC-2 AC-2(1) AC-3 AC-3(7) AC-3(15) AC-5 AC-6 AC-6(2) AC-6(3) AC-6(10)", "pci 7.2.2"),
			Kinds:       identityKinds(),
			Bad:         []check.Example{{Kind: ident, Policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"dynamodb:*","Resource":"arn:aws:dynamodb:eu-west-1:123456789012:table/orders"}]}`}},
			Good: []check.Example{
				{Kind: ident, Policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["dynamodb:GetItem","dynamodb:Query"],"Resource":"arn:aws:dynamodb:eu-west-1:123456789012:table/orders"}]}`},
				{Kind: ident, Note: "denied again", Policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"dynamodb:*","Resource":"*"},{"Effect":"Deny","Action":"dynamodb:*","Resource":"*"}]}`},
			},
			Run: func(p *check.Pass) {
				for _, sg := range serviceGrants(p) {
					if highImpactServices[sg.svc] || sg.g.conditioned() {
						continue
					}
					reportGrant(p, sg.g, fmt.Sprintf("every %s action is allowed %s, including writes and actions AWS adds later", sg.svc, sg.g.where()),
						fmt.Sprintf("Replace %q with the actions the principal calls; the read-only subset is %s.", sg.svc+":*", readOnlyPatterns(p.DB, sg.svc)))
				}
			},
		},
		{
			ID: "AEG-WILD-004", Category: check.CategoryWildcard, Severity: check.SeverityHigh,
			Title:       "Wildcard over a high-impact service",
			Description: "iam:*, sts:*, kms:*, cloudtrail:*, organizations:* and s3:* (and iam:Put*) grant control over identities, credentials, keys, the audit trail, the organization or all stored data; each leads to privilege escalation, data loss or blind spots.",
			Remediation: "List the actions of the service the principal calls",
			References:  []string{refLeastPrivilege, "Prowler iam_policy_no_full_access_to_kms, iam_policy_no_full_access_to_cloudtrail", "Checkov CKV2_AWS_40", "Trivy AWS-0345"},
			Controls:    ctrls("nist AC-6 AC-6(10)", "pci 3.6.1 3.7.1 7.2.1 7.2.2 7.2.5 7.3.1 7.3.2 7.3.3", "soc2 CC3.3"),
			Kinds:       identityKinds(),
			Bad: []check.Example{
				{Kind: ident, Policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"kms:*","Resource":"*"}]}`},
				{Kind: ident, Note: "iam:Put*", Policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:Put*","Resource":"*"}]}`},
			},
			Good: []check.Example{{Kind: ident, Policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["kms:Decrypt","kms:GenerateDataKey"],"Resource":"arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"}]}`}},
			Run: func(p *check.Pass) {
				for _, sg := range serviceGrants(p) {
					if highImpactServices[sg.svc] {
						reportGrant(p, sg.g, fmt.Sprintf("every %s action is allowed %s", sg.svc, sg.g.where()),
							fmt.Sprintf("Replace %q with the %s actions the principal calls; the read-only subset is %s.", sg.svc+":*", sg.svc, readOnlyPatterns(p.DB, sg.svc)))
					}
				}
				e := newEngine(p)
				if e == nil {
					return
				}
				probe := "iam:Put" + probeName
				if g := e.allowed(probe); g != nil && g.stmt != nil && !broadStatement(g.stmt) && serviceWideIn(g.stmt, "iam") == "" {
					reportGrant(p, g, fmt.Sprintf("every iam:Put* action (inline policies on users, groups and roles; boundaries) is allowed %s", g.where()),
						`Remove "iam:Put*"; if the principal manages one role's inline policy, allow "iam:PutRolePolicy" on that role's ARN only.`)
				}
			},
		},
		{
			ID: "AEG-WILD-005", Category: check.CategoryWildcard, Severity: check.SeverityMedium,
			Title:       "Over-broad partial wildcard",
			Description: `A wildcard in the service prefix ("*:Get*", "s3*:*") spans every service, and a wildcard in front of the action name ("iam:*Policy*", "ec2:*") sweeps in write and permission-management actions the author probably did not mean.`,
			Remediation: "Spell out the service prefix and the action names",
			References:  []string{refAAChecks, "Access Analyzer WILDCARD_IN_SERVICE_NAME, WILDCARD_USAGE_TOO_PERMISSIVE", "Trivy AWS-0346"},
			Controls:    ctrls("nist AC-6"),
			Kinds:       identityKinds(),
			Bad: []check.Example{
				{Kind: ident, Note: "wildcard in the service", Policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*:Describe*","Resource":"*"}]}`},
				{Kind: ident, Note: "verb wildcard", Policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:*Policy*","Resource":"*"}]}`},
			},
			Good: []check.Example{{Kind: ident, Policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["ec2:Describe*","iam:GetPolicy*"],"Resource":"*"}]}`}},
			Run:  runPartialWildcards,
		},
		{
			ID: "AEG-WILD-006", Category: check.CategoryWildcard, Severity: check.SeverityMedium,
			Title:       `"Resource": "*" for actions that support resource-level permissions`,
			Description: `The actions can be scoped to specific resources, yet the statement grants them on every resource of every account it can reach. Read-only actions are reported as low.`,
			Remediation: "Replace \"*\" with the ARNs the actions need",
			References:  []string{refLeastPrivilege, refActions, "Parliament RESOURCE_STAR", "Checkov CKV_AWS_355, CKV_AWS_356"},
			Controls:    ctrls("nist AC-6", "pci 7.2.2"),
			Kinds:       identityKinds(),
			Bad:         []check.Example{{Kind: ident, Policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["sqs:SendMessage","sqs:DeleteMessage"],"Resource":"*"}]}`}},
			Good: []check.Example{
				{Kind: ident, Policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["sqs:SendMessage","sqs:DeleteMessage"],"Resource":"arn:aws:sqs:eu-west-1:123456789012:orders"}]}`},
				{Kind: ident, Note: "wildcard-only action", Policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sqs:ListQueues","Resource":"*"}]}`},
				{Kind: ident, Note: "optional resource type, scoped by the action's own condition key", Policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"cloudwatch:PutMetricData","Resource":"*","Condition":{"StringEquals":{"cloudwatch:namespace":"Orders"}}}]}`},
			},
			Run: func(p *check.Pass) {
				for _, f := range statementFacts(p) {
					if f.st.Effect != policy.EffectAllow || !isStar(f.st.Resource) || broadStatement(f.st) || f.st.NotAction != nil {
						continue
					}
					acts, g := restrictable(p, f, func(a *iamdb.Action) bool { return !scopedByActionKey(a, f.st) })
					if g == nil {
						continue
					}
					sev := check.SeverityLow
					for _, a := range acts {
						if a.Access.Primary() != iamdb.AccessRead && a.Access.Primary() != iamdb.AccessList {
							sev = p.Rule().Severity
							break
						}
					}
					names := fullNames(acts)
					reportGrantSeverity(p, sev, g, fmt.Sprintf("%d %s support resource-level permissions but are allowed on \"*\": %s", len(names), actionsWord(len(names)), summarize(names, 5)),
						fmt.Sprintf(`Replace "Resource": "*" with the ARNs these actions need, of the forms %s.`, actionARNExamples(acts)))
				}
			},
		},
		{
			ID: "AEG-WILD-007", Category: check.CategoryWildcard, Severity: check.SeverityLow,
			Title:       "Resource pattern that is effectively \"*\"",
			Description: `An ARN pattern such as "arn:aws:s3:::*/*" or "arn:aws:dynamodb:*:*:table/*" names every resource of its type in every account and region: it reads as scoped but is not.`,
			Remediation: "Name the specific resources, or at least the account and a name prefix",
			References:  []string{refARNs, "Parliament RESOURCE_EFFECTIVELY_STAR"},
			Controls:    ctrls("nist AC-6"),
			Kinds:       identityKinds(),
			Bad:         []check.Example{{Kind: ident, Policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["dynamodb:PutItem","dynamodb:DeleteItem"],"Resource":"arn:aws:dynamodb:*:*:table/*"}]}`}},
			Good:        []check.Example{{Kind: ident, Policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["dynamodb:PutItem","dynamodb:DeleteItem"],"Resource":"arn:aws:dynamodb:eu-west-1:123456789012:table/orders"}]}`}},
			Run: func(p *check.Pass) {
				if p.Doc == nil || p.DB == nil {
					return
				}
				for _, st := range p.Doc.Statements {
					if st.Effect != policy.EffectAllow || st.Resource == nil || isStar(st.Resource) || len(st.Condition) > 0 {
						continue
					}
					for _, v := range st.Resource.Values {
						if coversAllOfType(p.DB, v.Text) {
							p.Report(st, v.Pos, "Resource", fmt.Sprintf("%q names every resource of its type in every account and region", v.Text),
								fmt.Sprintf("Replace %q with the resources' ARNs, with the account ID and region filled in.", v.Text), check.Exposure{AllResources: true})
						}
					}
				}
			},
		},
		{
			ID: "AEG-WILD-008", Category: check.CategoryInfrastructureModification, Severity: check.SeverityMedium,
			Title:       "Unconstrained write or tagging actions",
			Description: "Write and tagging actions allowed on every resource without conditions let the principal create, change and delete infrastructure across the account; tag changes can also defeat tag-based access control.",
			Remediation: "Scope write actions to the resources the principal manages, or condition them",
			References:  []string{"https://cloudsplaining.readthedocs.io/en/latest/glossary/infrastructure-modification/", "Checkov CKV_AWS_111, CKV_AWS_290"},
			Controls:    ctrls("nist AC-6 CM-5", "soc2 CC8.1"),
			Kinds:       identityKinds(),
			Bad:         []check.Example{{Kind: ident, Policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["ec2:TerminateInstances","ec2:CreateTags"],"Resource":"*"}]}`}},
			Good: []check.Example{
				{Kind: ident, Policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["ec2:TerminateInstances","ec2:CreateTags"],"Resource":"arn:aws:ec2:eu-west-1:123456789012:instance/*","Condition":{"StringEquals":{"aws:ResourceTag/team":"web"}}}]}`},
				{Kind: ident, Note: "read only", Policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ec2:DescribeInstances","Resource":"*"}]}`},
			},
			Run: func(p *check.Pass) {
				write := func(a *iamdb.Action) bool {
					return a.Access.Has(iamdb.AccessWrite) || a.Access.Has(iamdb.AccessTagging)
				}
				for _, f := range statementFacts(p) {
					if f.st.Effect != policy.EffectAllow || len(f.st.Condition) > 0 || broadStatement(f.st) || f.st.NotAction != nil || !isStar(f.st.Resource) && f.st.NotResource == nil {
						continue
					}
					acts, g := restrictable(p, f, write)
					if g == nil || g.conditioned() {
						continue
					}
					names := fullNames(acts)
					reportGrant(p, g, fmt.Sprintf("%d write or tagging %s allowed on every resource: %s", len(names), actionsWord(len(names)), summarize(names, 5)),
						fmt.Sprintf(`Scope %s to the resources the principal manages (%s), or add a condition such as {"StringEquals": {"aws:ResourceTag/owner": "${aws:PrincipalTag/team}"}}.`, summarize(names, 3), actionARNExamples(acts)))
				}
			},
		},
		{
			ID: "AEG-WILD-009", Category: check.CategoryWildcard, Severity: check.SeverityHigh,
			Title:       "Allow with NotAction",
			Description: "An Allow with NotAction grants every action except those listed — across every service, including those AWS launches later. On Resource \"*\" it is close to administrator access; on narrower resources it is medium.",
			Remediation: "List the allowed actions in Action instead",
			References:  []string{"https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notaction.html", "Access Analyzer PASS_ROLE_WITH_STAR_IN_RESOURCE_AND_NOT_ACTION"},
			Controls:    ctrls("nist AC-6"),
			Kinds:       identityKinds(),
			Bad:         []check.Example{{Kind: ident, Policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","NotAction":["iam:*","organizations:*"],"Resource":"*"}]}`}},
			Good:        []check.Example{{Kind: ident, Note: "NotAction in a Deny", Policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"},{"Effect":"Deny","NotAction":["iam:ChangePassword","sts:GetSessionToken"],"Resource":"*","Condition":{"BoolIfExists":{"aws:MultiFactorAuthPresent":"false"}}}]}`}},
			Run: func(p *check.Pass) {
				e := newEngine(p)
				admin := adminGrant(p)
				if e == nil {
					return
				}
				for _, st := range p.Doc.Statements {
					if st.Effect != policy.EffectAllow || st.NotAction == nil || st.NotResource != nil || admin != nil && admin.stmt == st {
						continue
					}
					g := e.allowed(anyAction)
					if g == nil || g.stmt != st {
						continue
					}
					sev := check.SeverityMedium
					if g.all {
						sev = p.Rule().Severity
					}
					reportGrantSeverity(p, sev, g, fmt.Sprintf("every action except %s is allowed %s, including actions of services AWS adds later", quoteJoin(st.NotAction.Strings()), g.where()),
						`Replace "NotAction" with "Action" listing the services' actions the principal calls, e.g. "Action": ["s3:GetObject", "ec2:Describe*"].`)
				}
			},
		},
		{
			ID: "AEG-WILD-010", Category: check.CategoryWildcard, Severity: check.SeverityMedium,
			Title:       "Allow with NotResource",
			Description: "An Allow with NotResource grants the actions on every resource except those listed — in every account and region, and on resources created later.",
			Remediation: "List the allowed resources in Resource instead",
			References:  []string{"https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notresource.html", "Parliament NOTRESOURCE_WITH_ALLOW"},
			Controls:    ctrls("nist AC-6"),
			Kinds:       identityKinds(),
			Bad:         []check.Example{{Kind: ident, Policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:PutObject","NotResource":"arn:aws:s3:::example-audit-logs/*"}]}`}},
			Good:        []check.Example{{Kind: ident, Policy: scoped}},
			Run: func(p *check.Pass) {
				if p.Doc == nil {
					return
				}
				for _, st := range p.Doc.Statements {
					if st.Effect != policy.EffectAllow || st.NotResource == nil || st.NotAction != nil {
						continue
					}
					p.Report(st, st.NotResource.Pos, "NotResource", fmt.Sprintf("the statement's actions are allowed on every resource except %s", quoteJoin(st.NotResource.Strings())),
						`Replace "NotResource" with "Resource" listing the ARNs the principal needs, e.g. "Resource": "arn:aws:s3:::BUCKET/*".`,
						check.Exposure{AllResources: true, Conditioned: len(st.Condition) > 0})
				}
			},
		},
		{
			ID: "AEG-WILD-011", Category: check.CategoryWildcard, Severity: check.SeverityCritical,
			Title:       "Allow with both NotAction and NotResource",
			Description: "The statement allows every action but a few on every resource but a few: near-administrator access that reads like a restriction.",
			Remediation: "Rewrite the statement with Action and Resource",
			References:  []string{"https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notaction.html", "Access Analyzer PASS_ROLE_WITH_NOT_ACTION_AND_NOT_RESOURCE"},
			Controls:    ctrls("nist AC-6 AC-6(10)"),
			Kinds:       identityKinds(),
			Bad:         []check.Example{{Kind: ident, Policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","NotAction":"iam:*","NotResource":"arn:aws:s3:::example-audit-logs/*"}]}`}},
			Good:        []check.Example{{Kind: ident, Policy: scoped}},
			Run: func(p *check.Pass) {
				if p.Doc == nil {
					return
				}
				for _, st := range p.Doc.Statements {
					if st.Effect != policy.EffectAllow || st.NotResource == nil || st.NotAction == nil {
						continue
					}
					p.Report(st, st.NotAction.Pos, "NotAction", fmt.Sprintf("every action except %s is allowed on every resource except %s", quoteJoin(st.NotAction.Strings()), quoteJoin(st.NotResource.Strings())),
						`Replace the statement with one using "Action" and "Resource" that list what the principal needs.`,
						check.Exposure{AllResources: true, Conditioned: len(st.Condition) > 0})
				}
			},
		},
	}
}

// serviceWideIn returns the service of the first service-wide value of
// st's Action element that is svc, or "".
func serviceWideIn(st *policy.Statement, svc string) string {
	if st.Action == nil {
		return ""
	}
	for _, v := range st.Action.Values {
		if serviceWide(v.Text) == svc {
			return svc
		}
	}
	return ""
}

func runPartialWildcards(p *check.Pass) {
	if p.DB == nil {
		return
	}
	for _, f := range statementFacts(p) {
		st := f.st
		if st.Effect != policy.EffectAllow || st.Action == nil {
			continue
		}
		for _, v := range st.Action.Values {
			if v.Text == "*" || v.Text == "*:*" {
				continue
			}
			svc, name, ok := strings.Cut(v.Text, ":")
			if !ok {
				continue
			}
			if hasWildcard(svc) {
				as := p.DB.Expand(v.Text)
				p.Report(st, v.Pos, "Action", fmt.Sprintf("%q has a wildcard in the service prefix: it matches %d actions across %d services", v.Text, len(as), countServices(as)),
					fmt.Sprintf("Name the services: replace %q with e.g. %q.", v.Text, "ec2:"+name), check.Exposure{AllResources: isStar(st.Resource), Conditioned: len(st.Condition) > 0})
				continue
			}
			if name == "*" || !strings.HasPrefix(name, "*") && !strings.HasPrefix(name, "?") {
				continue
			}
			var risky []string
			for _, a := range p.DB.Expand(v.Text) {
				if a.Access.Has(iamdb.AccessWrite) || a.Access.Has(iamdb.AccessPermissionsManagement) {
					risky = append(risky, a.FullName())
				}
			}
			if len(risky) > 0 {
				p.Report(st, v.Pos, "Action", fmt.Sprintf("%q starts with a wildcard and sweeps in %d write or permissions-management %s: %s", v.Text, len(risky), actionsWord(len(risky)), summarize(risky, 5)),
					fmt.Sprintf("Replace %q with the actions meant, e.g. %s.", v.Text, quoteJoin(firstN(risky, 3))), check.Exposure{AllResources: isStar(st.Resource), Conditioned: len(st.Condition) > 0})
			}
		}
	}
}

func countServices(as []*iamdb.Action) int {
	seen := map[*iamdb.Service]bool{}
	for _, a := range as {
		seen[a.Service] = true
	}
	return len(seen)
}

func firstN(ss []string, n int) []string {
	if len(ss) > n {
		return ss[:n]
	}
	return ss
}

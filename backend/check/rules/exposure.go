package rules

import (
	"fmt"
	"strings"

	"github.com/aegis-iam/aegis/backend/check"
	"github.com/aegis-iam/aegis/backend/iamdb"
	"github.com/aegis-iam/aegis/backend/policy"
)

// restrictiveKeys are the condition keys that keep an any-principal grant
// from being public (Prowler's is_condition_block_restrictive list, plus the
// network keys): they tie the caller to an organisation, account, principal,
// source resource or network.
func restrictiveKeys() []string {
	return append(identityNarrowingKeys(), "aws:SourceOwner", "aws:SourceVpc", "aws:SourceVpce", "aws:SourceIp", "aws:VpcSourceIp",
		"aws:CalledVia", "aws:CalledViaFirst", "aws:CalledViaLast", "aws:PrincipalServiceName", "aws:ResourceOrgID",
		"aws:ResourceOrgPaths", "aws:ResourceAccount", "kms:CallerAccount", "kms:ViaService")
}

// resourceSample is the resource a resource-policy statement is asked about.
func resourceSample(st *policy.Statement) string {
	if st.Resource == nil || st.Resource.Len() == 0 {
		return "*"
	}
	return sampleResource(st.Resource.Values[0].Text)
}

// publicActions asks the evaluator which of the statement's actions that
// pass keep are granted to an anonymous caller or to a principal of an
// unrelated account by st itself, with no restrictive condition.
func publicActions(e *resourceEngine, db *iamdb.DB, st *policy.Statement, keep func(*iamdb.Action) bool) []string {
	if st.Effect != policy.EffectAllow || st.Principal == nil {
		return nil
	}
	res := resourceSample(st)
	var out []string
	for _, a := range statementActions(db, st) {
		if !keep(a) {
			continue
		}
		for _, caller := range []string{"*", foreignRole} {
			ans := e.ask(caller, a.FullName(), res, st)
			if ans != nil && !hasConditionKey(ans.conditions, restrictiveKeys()...) {
				out = append(out, a.FullName())
				break
			}
		}
	}
	return out
}

// principalPos locates a statement's Principal element.
func principalPos(st *policy.Statement) policy.Pos {
	if st.Principal != nil {
		return wildcardPrincipalPos(st)
	}
	return st.Pos
}

func isWrite(a *iamdb.Action) bool {
	return a.Access.Has(iamdb.AccessWrite) || a.Access.Has(iamdb.AccessPermissionsManagement)
}

func exposureRules() []*check.Rule {
	resKinds := []policy.Kind{policy.KindResource}
	const (
		publicRead  = `{"Version":"2012-10-17","Statement":[{"Sid":"PublicRead","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::www-example/*"}]}`
		publicWrite = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":["s3:PutObject","s3:DeleteObject"],"Resource":"arn:aws:s3:::uploads/*"}]}`
		orgRead     = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":["s3:GetObject","s3:PutObject"],"Resource":"arn:aws:s3:::shared/*","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-a1b2c3d4e5"}}}]}`
		acctRead    = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:role/reader"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::shared/*"}]}`
	)
	permissionsManagement := newActionIndex(func(a *iamdb.Action) bool { return a.Access.Has(iamdb.AccessPermissionsManagement) })
	s3Doc := "https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html#access-control-block-public-access-policy-status"
	return []*check.Rule{
		{
			ID: "AEG-EXP-001", Category: check.CategoryDataExfiltration, Severity: check.SeverityMedium,
			Title:       "Unconstrained read access to high-value data",
			Description: "The policy allows reading objects, parameters or secrets, or copying database snapshots, on every resource: whoever holds it can read any such data in the account.",
			Remediation: "Scope the read actions to the buckets, parameter paths, secrets or databases the principal needs.",
			References:  []string{"https://cloudsplaining.readthedocs.io/en/latest/glossary/data-exfiltration/", "Checkov CKV_AWS_288", "aws-iam-permissions-guardrails IAM-SECRETSMANAGER-2"},
			Controls:    ctrls("nist AC-6 AC-3", "pci 7.2.6", "hipaa 164.312(a)(1)", "gdpr Art.32"),
			Kinds:       identityKinds(),
			Bad: []check.Example{
				{Kind: policy.KindIdentity, Policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject","secretsmanager:GetSecretValue"],"Resource":"*"}]}`},
				{Kind: policy.KindIdentity, Note: "ssm:GetParameter* expands", Policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ssm:GetParameter*","Resource":"*"}]}`},
			},
			Good: []check.Example{
				{Kind: policy.KindIdentity, Policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::reports-bucket/*"}]}`},
			},
			Run: func(p *check.Pass) {
				e := newEngine(p)
				if e == nil {
					return
				}
				gs := e.broadGrants([]string{"s3:GetObject", "ssm:GetParameter", "ssm:GetParameters", "ssm:GetParametersByPath", "secretsmanager:GetSecretValue", "rds:CopyDBSnapshot", "rds:CreateDBSnapshot"}, nil)
				reportGroups(p, gs, func(names []string, g *grant) (string, string) {
					return fmt.Sprintf("%s allowed %s: the holder can read every object, parameter, secret or snapshot in the account.", strings.Join(names, ", "), g.where()),
						fmt.Sprintf(`Replace "Resource": "*" for %s with the ARNs the principal reads, e.g. "arn:aws:s3:::BUCKET/PREFIX/*", "arn:aws:ssm:REGION:ACCOUNT:parameter/APP/*", "arn:aws:secretsmanager:REGION:ACCOUNT:secret:APP/*".`, strings.Join(names, ", "))
				})
			},
		},
		{
			ID: "AEG-EXP-002", Category: check.CategoryResourceExposure, Severity: check.SeverityHigh,
			Title:       "Unconstrained permissions-management actions",
			Description: "The policy allows actions of AWS's \"Permissions management\" access level (resource policies, ACLs, grants, shares, trust policies) on every resource: the holder can expose any such resource to other accounts or to the public.",
			Remediation: "Scope permissions-management actions to the resources the principal administers, or remove them.",
			References:  []string{"https://cloudsplaining.readthedocs.io/en/latest/glossary/resource-exposure/", "https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_understand-policy-summary-access-level-summaries.html", "Parliament PERMISSIONS_MANAGEMENT_ACTIONS", "Checkov CKV_AWS_289"},
			Controls:    ctrls("nist AC-6 AC-21", "pci 7.2.2"),
			Kinds:       identityKinds(),
			Bad: []check.Example{
				{Kind: policy.KindIdentity, Policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:PutBucketPolicy","kms:CreateGrant"],"Resource":"*"}]}`},
			},
			Good: []check.Example{
				{Kind: policy.KindIdentity, Policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:PutBucketPolicy","Resource":"arn:aws:s3:::team-bucket"}]}`},
				{Kind: policy.KindIdentity, Note: "denied", Policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"},{"Effect":"Deny","Action":["s3:PutBucketPolicy","s3:PutBucketAcl","s3:PutObjectAcl","s3:PutObjectVersionAcl","s3:DeleteBucketPolicy","s3:PutAccessPointPolicy","s3:PutAccessPointPolicyForObjectLambda","s3:PutBucketOwnershipControls","s3:PutBucketPublicAccessBlock","s3:PutAccountPublicAccessBlock","s3:PutAccessPointPublicAccessBlock","s3:PutMultiRegionAccessPointPolicy","s3:BypassGovernanceRetention","s3:DeleteAccessPointPolicy","s3:DeleteAccessPointPolicyForObjectLambda","s3:ObjectOwnerOverrideToBucketOwner","s3:PutAccessGrantsResourcePolicy","s3:DeleteAccessGrantsResourcePolicy","s3:*Policy*","s3:*Acl*","s3:*Grant*","s3:*PublicAccess*","s3:*Ownership*","s3:*Tag*"],"Resource":"*"}]}`},
			},
			Run: func(p *check.Pass) {
				e := newEngine(p)
				if e == nil || p.DB == nil {
					return
				}
				gs := e.grantedActions(p.DB, permissionsManagement)
				reportGroups(p, gs, func(names []string, g *grant) (string, string) {
					return fmt.Sprintf("%d permissions-management actions allowed %s (%s): the holder can rewrite who may access those resources.", len(names), g.where(), summarize(names, 8)),
						fmt.Sprintf(`Remove %s, or scope them to the ARNs of resources this principal administers instead of "*".`, summarize(names, 20))
				})
			},
		},
		{
			ID: "AEG-EXP-003", Category: check.CategoryResourceExposure, Severity: check.SeverityCritical,
			Title:       "Resource policy grants read access to everyone",
			Description: "A resource-based policy allows any principal — anonymous callers and every AWS account — to read or list, with no condition that restricts the caller's organisation, account, source or network: the bucket, queue, topic, key, function, secret or repository is public. (Public write, delete and permission changes are AEG-EXP-004.)",
			Remediation: `Name the principals, or add {"Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-ORGID"}}}.`,
			References:  []string{s3Doc, "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html#principal-anonymous", "Checkov CKV_AWS_70", "Prowler s3_bucket_public_access", "Security Hub S3.2"},
			Controls:    ctrls("cis 2.21", "pci 1.3.1 1.3.2 1.4.2", "hipaa 164.308(a)(1)(ii)(B) 164.308(a)(3)(i) 164.312(a)(1)", "nist AC-3 AC-3(7) AC-4 AC-4(21) AC-6 AC-21 SC-7 SC-7(3) SC-7(4) SC-7(9) SC-7(11) SC-7(16) SC-7(20) SC-7(21)", "soc2 CC6.1"),
			Kinds:       resKinds,
			Bad:         []check.Example{{Kind: policy.KindResource, Policy: publicRead}},
			Good:        []check.Example{{Kind: policy.KindResource, Policy: orgRead}, {Kind: policy.KindResource, Policy: acctRead}},
			Run: func(p *check.Pass) {
				reportPublic(p, func(a *iamdb.Action) bool { return !isWrite(a) }, "grants %s to anyone, anonymous callers included: %s.")
			},
		},
		{
			ID: "AEG-EXP-004", Category: check.CategoryResourceExposure, Severity: check.SeverityCritical,
			Title:       "Resource policy grants write or delete access to everyone",
			Description: "A resource-based policy lets any principal write, delete or change permissions (s3:PutObject, s3:DeleteObject, sqs:SendMessage, sns:Publish, lambda:InvokeFunction …) with no restrictive condition.",
			Remediation: "Remove public write access; name the writers or restrict them with aws:PrincipalOrgID or aws:SourceArn.",
			References:  []string{s3Doc, "Prowler s3_bucket_policy_public_write_access", "Security Hub S3.3", "Checkov CKV_AWS_72"},
			Controls:    ctrls("cis 2.21", "hipaa 164.308(a)(1)(ii)(B) 164.308(a)(3)(i) 164.312(a)(1)", "nist AC-3 AC-4 AC-6 SC-7"),
			Kinds:       resKinds,
			Bad:         []check.Example{{Kind: policy.KindResource, Policy: publicWrite}},
			Good:        []check.Example{{Kind: policy.KindResource, Policy: publicRead}, {Kind: policy.KindResource, Policy: orgRead}},
			Run: func(p *check.Pass) {
				reportPublic(p, isWrite, "lets anyone, anonymous callers included, write, delete or change permissions: %s (%s).")
			},
		},
		{
			ID: "AEG-EXP-005", Category: check.CategoryResourceExposure, Severity: check.SeverityHigh,
			Title:       "Allow with NotPrincipal",
			Description: "An Allow statement with NotPrincipal grants access to every principal except those listed — anonymous callers and every other account included.",
			Remediation: "Use Principal to name who is allowed; keep NotPrincipal for Deny statements only.",
			References:  []string{"https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notprincipal.html", "Access Analyzer ALLOW_WITH_NOT_PRINCIPAL", "Parliament NOTPRINCIPAL_WITH_ALLOW"},
			Controls:    ctrls("cis 2.21", "nist AC-3"),
			Kinds:       []policy.Kind{policy.KindResource, policy.KindAny, policy.KindVPCEndpoint},
			Bad:         []check.Example{{Kind: policy.KindResource, Policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","NotPrincipal":{"AWS":"arn:aws:iam::123456789012:user/mallory"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]}`}},
			Good:        []check.Example{{Kind: policy.KindResource, Policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","NotPrincipal":{"AWS":"arn:aws:iam::123456789012:role/admin"},"Action":"s3:DeleteBucket","Resource":"arn:aws:s3:::b"}]}`}},
			Run: func(p *check.Pass) {
				for _, st := range p.Doc.Statements {
					if st.Effect == policy.EffectAllow && st.NotPrincipal != nil {
						p.Report(st, st.NotPrincipal.Pos, "NotPrincipal", "Allow with NotPrincipal grants the statement's actions to every principal not listed, anonymous callers included.",
							`Replace "NotPrincipal" with "Principal" listing the principals that need access, e.g. {"AWS": ["arn:aws:iam::ACCOUNT:role/NAME"]}.`, check.Exposure{AllResources: true})
					}
				}
			},
		},
		{
			ID: "AEG-EXP-006", Category: check.CategoryResourceExposure, Severity: check.SeverityMedium,
			Title:       "Resource policy grants another AWS account",
			Description: "A resource-based policy on a resource whose ARN names its owner account grants principals of a different account, with no aws:PrincipalOrgID/aws:PrincipalOrgPaths condition keeping them inside the organisation. (Whether that account belongs to the organisation needs the account list; audits check that part.)",
			Remediation: `Confirm the account is trusted, and add {"Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-ORGID"}}}.`,
			References:  []string{"https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies-cross-account-resource-access.html", "Prowler s3_bucket_cross_account_access", "Security Hub S3.6"},
			Controls:    ctrls("pci 7.2.1 7.2.2 7.2.5 7.2.6 7.3.1 7.3.2 7.3.3 10.6.3", "nist CA-9(1) CM-2"),
			Kinds:       resKinds,
			Bad:         []check.Example{{Kind: policy.KindResource, Policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:role/reader"},"Action":"sqs:ReceiveMessage","Resource":"arn:aws:sqs:eu-west-1:123456789012:orders"}]}`}},
			Good: []check.Example{
				{Kind: policy.KindResource, Policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:role/reader"},"Action":"sqs:ReceiveMessage","Resource":"arn:aws:sqs:eu-west-1:123456789012:orders"}]}`},
				{Kind: policy.KindResource, Note: "organisation boundary", Policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:role/reader"},"Action":"sqs:ReceiveMessage","Resource":"arn:aws:sqs:eu-west-1:123456789012:orders","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-a1b2c3d4e5"}}}]}`},
			},
			Run: runCrossAccountGrant,
		},
		{
			ID: "AEG-EXP-007", Category: check.CategoryDataExfiltration, Severity: check.SeverityHigh,
			Title:       "Policy reaches an organisation-defined sensitive resource",
			Description: "The configuration declares sensitive resources (sensitiveResources in .aegis.yaml: actions on ARN patterns — a production data bucket, the audit trail, a signing key), and the policy allows one of those actions on one of them. The decision is the evaluator's containment check, so wildcards, NotAction, NotResource and Deny statements count as AWS evaluates them. Without declared resources the check does not run.",
			Remediation: "Narrow the statement's Action or Resource so the sensitive resource is out of reach, or add a Deny statement for it.",
			References:  []string{"https://github.com/duo-labs/parliament#custom-config-file", "Parliament SENSITIVE_ACCESS", "https://docs.aws.amazon.com/access-analyzer/latest/APIReference/API_CheckAccessNotGranted.html"},
			Controls:    ctrls("nist AC-3 AC-6"),
			Kinds:       identityKinds(),
			Needs:       func(in *check.Input) bool { return len(in.Sensitive) > 0 },
			Bad: []check.Example{
				{Kind: policy.KindIdentity, Sensitive: exampleSensitive, Note: sensitiveNote + "; a wildcard reaches it", Policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:Get*","Resource":"arn:aws:s3:::example-prod-*/*"}]}`},
				{Kind: policy.KindIdentity, Sensitive: exampleSensitive, Note: sensitiveNote + "; NotResource excluding another bucket", Policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","NotResource":"arn:aws:s3:::example-public/*"}]}`},
			},
			Good: []check.Example{
				{Kind: policy.KindIdentity, Sensitive: exampleSensitive, Note: sensitiveNote + "; another bucket", Policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::example-dev-data/*"}]}`},
				{Kind: policy.KindIdentity, Sensitive: exampleSensitive, Note: sensitiveNote + "; denied again", Policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"},{"Effect":"Deny","Action":"s3:GetObject*","Resource":"arn:aws:s3:::example-prod-data/*"}]}`},
			},
			Run: runSensitiveAccess,
		},
		{
			ID: "AEG-EXP-008", Category: check.CategoryDataExfiltration, Severity: check.SeverityMedium,
			Title:       "KMS decryption allowed on all keys",
			Description: "kms:Decrypt or kms:ReEncryptFrom on every key, with no kms:ViaService condition, lets the holder decrypt any data encrypted under any key whose key policy delegates to IAM.",
			Remediation: `Scope the KMS actions to key ARNs, or add {"Condition":{"StringEquals":{"kms:ViaService":"s3.REGION.amazonaws.com"}}}.`,
			References:  []string{"https://docs.aws.amazon.com/kms/latest/developerguide/iam-policies-best-practices.html", "Security Hub KMS.1", "Security Hub KMS.2", "aws-iam-permissions-guardrails IAM-KMS-6"},
			Controls:    ctrls("nist AC-2 AC-2(1) AC-3 AC-3(7) AC-3(15) AC-5 AC-6 AC-6(3)", "pci 3.6.1 3.7.1", "hipaa 164.312(a)(2)(iv)"),
			Kinds:       identityKinds(),
			Bad:         []check.Example{{Kind: policy.KindIdentity, Policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["kms:Decrypt","kms:GenerateDataKey"],"Resource":"*"}]}`}},
			Good: []check.Example{
				{Kind: policy.KindIdentity, Policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"kms:Decrypt","Resource":"*","Condition":{"StringEquals":{"kms:ViaService":"s3.eu-west-1.amazonaws.com"}}}]}`},
				{Kind: policy.KindIdentity, Policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"kms:Decrypt","Resource":"arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"}]}`},
			},
			Run: func(p *check.Pass) {
				e := newEngine(p)
				if e == nil {
					return
				}
				for _, a := range []string{"kms:Decrypt", "kms:ReEncryptFrom"} {
					g := e.onAll(a)
					if g == nil || hasConditionKey(g.conditions, "kms:ViaService", "kms:EncryptionContext:*", "kms:EncryptionContextKeys", "aws:ResourceTag/*") {
						continue
					}
					reportGrant(p, g, fmt.Sprintf("%s is allowed %s without kms:ViaService: the holder can decrypt data under every key that delegates to IAM.", a, g.where()),
						fmt.Sprintf(`Scope %s to the key ARNs the principal uses ("arn:aws:kms:REGION:ACCOUNT:key/KEY-ID"), or add {"Condition":{"StringEquals":{"kms:ViaService":"SERVICE.REGION.amazonaws.com"}}}.`, a))
				}
			},
		},
		{
			ID: "AEG-EXP-009", Category: check.CategoryResourceExposure, Severity: check.SeverityHigh,
			Title:       "VPC endpoint policy admits any account",
			Description: "A VPC endpoint policy that allows every principal without aws:PrincipalOrgID/aws:PrincipalAccount or aws:ResourceOrgID/aws:ResourceAccount lets code in the VPC reach other accounts' resources with other accounts' credentials: a data-perimeter gap for exfiltration.",
			Remediation: `Add {"Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-ORGID","aws:ResourceOrgID":"o-ORGID"}}}.`,
			References:  []string{"https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-endpoints-access.html", "https://docs.aws.amazon.com/whitepapers/latest/building-a-data-perimeter-on-aws/perimeter-implementation.html", "Prowler vpc_endpoint_connections_trust_boundaries", "aws-iam-permissions-guardrails IAM-S3-1"},
			Controls:    ctrls("nist SC-7 AC-4", "cis 6.8"),
			Kinds:       []policy.Kind{policy.KindVPCEndpoint},
			Bad:         []check.Example{{Kind: policy.KindVPCEndpoint, Note: "the default full-access endpoint policy", Policy: `{"Version":"2008-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]}`}},
			Good:        []check.Example{{Kind: policy.KindVPCEndpoint, Policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-a1b2c3d4e5","aws:ResourceOrgID":"o-a1b2c3d4e5"}}}]}`}},
			Run: func(p *check.Pass) {
				e := newResourceEngine(p)
				if e == nil {
					return
				}
				for _, st := range p.Doc.Statements {
					if st.Effect != policy.EffectAllow || st.Principal == nil {
						continue
					}
					action := "s3:GetObject"
					if vals := st.Action.Strings(); len(vals) > 0 && !hasWildcard(vals[0]) {
						action = vals[0]
					}
					ans := e.ask(foreignRole, action, resourceSample(st), st)
					if ans == nil || hasConditionKey(ans.conditions, restrictiveKeys()...) {
						continue
					}
					p.Report(st, principalPos(st), "Principal", "the endpoint admits principals of any account (and their requests to any account's resources): no aws:PrincipalOrgID/aws:PrincipalAccount or aws:ResourceOrgID/aws:ResourceAccount condition.",
						`Add {"Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-ORGID","aws:ResourceOrgID":"o-ORGID"}}} to this statement (or list the allowed accounts with aws:PrincipalAccount / aws:ResourceAccount).`, check.Exposure{AllResources: true})
				}
			},
		},
		{
			ID: "AEG-EXP-011", Category: check.CategoryResourceExposure, Severity: check.SeverityLow,
			Title:       "Bucket policy locks every principal out of policy management",
			Description: "A Deny of s3:PutBucketPolicy (or s3:*, *) to every principal with no exemption leaves only the account root user able to change or delete the bucket policy.",
			Remediation: "Exempt the administrator role from the Deny with an aws:PrincipalArn condition.",
			References:  []string{"https://repost.aws/knowledge-center/s3-accidentally-denied-access", "Checkov CKV_AWS_93"},
			Kinds:       resKinds,
			Bad:         []check.Example{{Kind: policy.KindResource, Policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::locked","arn:aws:s3:::locked/*"]}]}`}},
			Good:        []check.Example{{Kind: policy.KindResource, Policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::locked","arn:aws:s3:::locked/*"],"Condition":{"ArnNotEquals":{"aws:PrincipalArn":"arn:aws:iam::123456789012:role/admin"}}}]}`}},
			Run: func(p *check.Pass) {
				e := newResourceEngine(p)
				if e == nil {
					return
				}
				for _, st := range p.Doc.Statements {
					if st.Effect != policy.EffectDeny || st.Principal == nil || len(st.Condition) > 0 {
						continue
					}
					if d := e.denies(sameAccountAdmin, "s3:PutBucketPolicy", resourceSample(st)); d == st {
						p.Report(st, principalPos(st), "Principal", "this Deny stops every principal, administrators included, from changing the bucket policy; only the account root user can undo it.",
							`Add {"Condition":{"ArnNotEquals":{"aws:PrincipalArn":"arn:aws:iam::ACCOUNT:role/ADMIN-ROLE"}}} to the Deny, or remove s3:PutBucketPolicy from its actions.`, check.Exposure{})
					}
				}
			},
		},
	}
}

// reportPublic reports, per statement, the actions passing keep that the
// resource policy grants publicly; format takes the statement's Sid-less
// summary of actions.
func reportPublic(p *check.Pass, keep func(*iamdb.Action) bool, format string) {
	e := newResourceEngine(p)
	if e == nil {
		return
	}
	for _, st := range p.Doc.Statements {
		names := publicActions(e, p.DB, st, keep)
		if len(names) == 0 {
			continue
		}
		msg := fmt.Sprintf(format, fmt.Sprintf("%d %s", len(names), actionsWord(len(names))), summarize(names, 6))
		p.Report(st, principalPos(st), "Principal", "the policy "+msg,
			fmt.Sprintf(`Replace the wildcard principal with the principals that need %s, e.g. {"AWS": "arn:aws:iam::ACCOUNT:role/NAME"}, or add {"Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-ORGID"}}} (for AWS services, aws:SourceArn and aws:SourceAccount).`, summarize(names, 6)),
			check.Exposure{AllResources: true})
	}
}

// ownerAccount returns the account every Resource ARN of st names, or ""
// when they name none (S3) or several.
func ownerAccount(st *policy.Statement) string {
	owner := ""
	for _, r := range st.Resource.Strings() {
		parts := strings.Split(r, ":")
		if len(parts) < 6 || !accountID.MatchString(parts[4]) || owner != "" && owner != parts[4] {
			return ""
		}
		owner = parts[4]
	}
	return owner
}

// principalAccount returns the account of an AWS principal value (an account
// ID or an IAM/STS ARN), or "".
func principalAccount(v string) string {
	if accountID.MatchString(v) {
		return v
	}
	if parts := strings.Split(v, ":"); len(parts) >= 6 && accountID.MatchString(parts[4]) {
		return parts[4]
	}
	return ""
}

// runCrossAccountGrant reports principals of accounts other than the
// resource's owner that the evaluator lets in.
func runCrossAccountGrant(p *check.Pass) {
	e := newResourceEngine(p)
	if e == nil {
		return
	}
	for _, pv := range principals(p.Doc, "AWS") {
		owner, acct := ownerAccount(pv.stmt), principalAccount(pv.value.Text)
		if owner == "" || acct == "" || acct == owner || hasAnyKey(conditionKeys(pv.stmt), "aws:principalorgid", "aws:principalorgpaths") {
			continue
		}
		action := "*"
		if vals := pv.stmt.Action.Strings(); len(vals) > 0 {
			action = sampleResource(vals[0])
		}
		caller := pv.value.Text // a named user or role asks as itself, an account as one of its roles
		if accountPrincipal.MatchString(caller) {
			caller = "arn:aws:iam::" + acct + ":role/aegis-probe-external"
		}
		if e.askOwned(caller, action, resourceSample(pv.stmt), owner, pv.stmt) == nil {
			continue
		}
		p.Report(pv.stmt, pv.value.Pos, "Principal.AWS", fmt.Sprintf("the policy grants %s, in account %s, access to a resource of account %s.", pv.value.Text, acct, owner),
			fmt.Sprintf(`If account %s is not part of your organisation, remove it; otherwise add {"Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-ORGID"}}} to this statement.`, acct), check.Exposure{})
	}
}

// exampleSensitive is the sensitive resource AEG-EXP-007's examples run
// with: a production bucket's objects; sensitiveNote says so in the
// examples' notes.
var exampleSensitive = []*check.SensitiveResource{
	check.MustSensitiveResource("prod-data", []string{"s3:GetObject", "s3:GetObjectVersion"}, []string{"arn:aws:s3:::example-prod-data/*"}),
}

const sensitiveNote = "sensitive resource prod-data declared as s3:GetObject, s3:GetObjectVersion on arn:aws:s3:::example-prod-data/*"

// runSensitiveAccess reports each declared sensitive resource the policy
// reaches, at the statement that grants it, with the request that proves
// it (AEG-EXP-007).
func runSensitiveAccess(p *check.Pass) {
	for _, s := range p.Sensitive {
		b := p.Reaches(s)
		switch {
		case b == nil:
		case len(b.Possible) > 0:
			p.Report(nil, p.Doc.Pos, "", fmt.Sprintf("the policy may reach sensitive resource %s: %s", s, strings.Join(b.Possible, "; ")),
				fmt.Sprintf("Make the policy's reach decidable (name the actions and resources it needs), or add %s.", s.DenyStatement()), check.Exposure{})
		default:
			p.Report(b.Statement, b.Pos(), "Action", fmt.Sprintf("%s: sensitive resource %s", b.Describe(), s.Name),
				fmt.Sprintf("Remove %s on %s from this statement (narrow its Action or Resource), or add %s.", b.Action, b.Resource, s.DenyStatement()),
				b.Exposure())
		}
	}
}

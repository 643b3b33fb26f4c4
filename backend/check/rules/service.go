package rules

import (
	"fmt"
	"strings"

	"github.com/aegis-iam/aegis/backend/check"
	"github.com/aegis-iam/aegis/backend/policy"
)

// broadRule is the shape shared by the service rules that flag a list of
// actions allowed on all resources: which actions, which conditions make a
// grant acceptable, and how to word the finding.
type broadRule struct {
	actions []string
	anyRes  bool     // flag grants on any resource, not only "*"
	safe    []string // condition keys that make a grant acceptable
	what    string   // what the actions let the holder do
	fix     string   // remediation; %s is the action list
}

func (b broadRule) run(p *check.Pass) {
	e := newEngine(p)
	if e == nil {
		return
	}
	var gs []*grant
	for _, a := range b.actions {
		g := e.onAll(a)
		if b.anyRes {
			g = e.allowed(a)
		}
		if g == nil || hasConditionKey(g.conditions, b.safe...) {
			continue
		}
		gs = append(gs, g)
	}
	reportGroups(p, gs, func(names []string, g *grant) (string, string) {
		return fmt.Sprintf("%s allowed %s: %s.", strings.Join(names, ", "), g.where(), b.what), fmt.Sprintf(b.fix, strings.Join(names, ", "))
	})
}

// isKeyPolicy reports whether a resource policy is a KMS key policy: one of
// its statements names a kms: action.
func isKeyPolicy(doc *policy.Document) bool {
	for _, st := range doc.Statements {
		for _, a := range append(st.Action.Strings(), st.NotAction.Strings()...) {
			if strings.HasPrefix(strings.ToLower(a), "kms:") {
				return true
			}
		}
	}
	return false
}

func serviceRules() []*check.Rule {
	kmsBP := "https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html"
	const keyPolicy = `{"Version":"2012-10-17","Id":"key-default-1","Statement":[` +
		`{"Sid":"Enable IAM User Permissions","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"kms:*","Resource":"*"},` +
		`{"Sid":"Allow use of the key","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:role/app"},"Action":["kms:Encrypt","kms:Decrypt","kms:GenerateDataKey*"],"Resource":"*"}]}`
	return []*check.Rule{
		{
			ID: "AEG-SVC-001", Category: check.CategoryServiceSpecific, Severity: check.SeverityMedium,
			Title:       "KMS key policy hygiene: unmanageable key or mixed administration and use",
			Description: "A key policy must let the account (or key administrators) manage the key, or the key becomes unmanageable; and kms:* — administration and use together — should go to the account root only, not to application principals. In identity policies, kms:* on every key gives both at once.",
			Remediation: "Keep the default account-root statement for key administration and grant application roles only the cryptographic actions they use.",
			References:  []string{kmsBP, "https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html#key-policy-default-allow-administrators", "aws-iam-permissions-guardrails IAM-KMS-1", "Prowler iam_policy_no_full_access_to_kms"},
			Controls:    ctrls("pci 3.6.1 3.7.1", "nist AC-5 SC-12"),
			Kinds:       []policy.Kind{policy.KindResource, policy.KindIdentity, policy.KindAny},
			Bad: []check.Example{
				{Kind: policy.KindResource, Note: "no statement can change the key policy", Policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:role/app"},"Action":["kms:Encrypt","kms:Decrypt"],"Resource":"*"}]}`},
				{Kind: policy.KindResource, Note: "kms:* to an application role", Policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"kms:*","Resource":"*"},{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:role/app"},"Action":"kms:*","Resource":"*"}]}`},
				{Kind: policy.KindIdentity, Policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"kms:*","Resource":"*"}]}`},
			},
			Good: []check.Example{{Kind: policy.KindResource, Policy: keyPolicy}},
			Run:  runKeyPolicyHygiene,
		},
		{
			ID: "AEG-SVC-002", Category: check.CategoryServiceSpecific, Severity: check.SeverityHigh,
			Title:       "Destructive KMS actions allowed on all keys",
			Description: "Scheduling key deletion, disabling keys or their rotation, deleting imported key material or replacing key policies on every key can make encrypted data permanently unreadable.",
			Remediation: "Scope destructive KMS actions to the keys the principal administers and require MFA.",
			References:  []string{"https://docs.aws.amazon.com/kms/latest/developerguide/deleting-keys.html", "Security Hub KMS.3", "aws-iam-permissions-guardrails IAM-KMS-2"},
			Controls:    ctrls("nist SC-12 SC-12(2)", "pci 3.7.4"),
			Kinds:       identityKinds(),
			Bad:         []check.Example{{Kind: policy.KindIdentity, Policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["kms:ScheduleKeyDeletion","kms:DisableKey"],"Resource":"*"}]}`}},
			Good:        []check.Example{{Kind: policy.KindIdentity, Policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"kms:ScheduleKeyDeletion","Resource":"arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}}]}`}},
			Run: broadRule{
				actions: []string{"kms:ScheduleKeyDeletion", "kms:DisableKey", "kms:DeleteImportedKeyMaterial", "kms:PutKeyPolicy", "kms:DisableKeyRotation"},
				what:    "the holder can destroy or lock away every KMS key, and with it the data encrypted under them",
				fix:     `Scope %s to the key ARNs this principal administers ("arn:aws:kms:REGION:ACCOUNT:key/KEY-ID") and add {"Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}}.`,
			}.run,
		},
		{
			ID: "AEG-SVC-003", Category: check.CategoryServiceSpecific, Severity: check.SeverityMedium,
			Title:       "KMS use not scoped to the calling AWS service",
			Description: "Encryption, data-key generation and grants on every key without kms:ViaService (or kms:GrantIsForAWSResource for grants) can be used directly rather than only through the AWS service that needs them.",
			Remediation: `Add {"Condition":{"StringEquals":{"kms:ViaService":"SERVICE.REGION.amazonaws.com"}}}.`,
			References:  []string{"https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-via-service", "aws-iam-permissions-guardrails IAM-KMS-6"},
			Controls:    ctrls("nist SC-12 AC-6"),
			Kinds:       identityKinds(),
			Bad:         []check.Example{{Kind: policy.KindIdentity, Policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["kms:GenerateDataKey","kms:CreateGrant"],"Resource":"*"}]}`}},
			Good:        []check.Example{{Kind: policy.KindIdentity, Policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["kms:GenerateDataKey","kms:Encrypt"],"Resource":"*","Condition":{"StringEquals":{"kms:ViaService":"s3.eu-west-1.amazonaws.com"}}}]}`}},
			Run: broadRule{
				actions: []string{"kms:Encrypt", "kms:GenerateDataKey", "kms:GenerateDataKeyWithoutPlaintext", "kms:ReEncryptTo", "kms:CreateGrant"},
				safe:    []string{"kms:ViaService", "kms:GrantIsForAWSResource"},
				what:    "the holder can use every key directly, not only through the AWS service that needs it",
				fix:     `Add {"Condition":{"StringEquals":{"kms:ViaService":"SERVICE.REGION.amazonaws.com"}}} to the statement granting %s (for kms:CreateGrant, {"Bool":{"kms:GrantIsForAWSResource":"true"}}), or scope it to key ARNs.`,
			}.run,
		},
		{
			ID: "AEG-SVC-004", Category: check.CategoryServiceSpecific, Severity: check.SeverityHigh,
			Title:       "Logging and detection can be tampered with",
			Description: "Stopping or deleting CloudTrail trails, changing their selectors, deleting GuardDuty detectors, stopping AWS Config recorders, disabling Security Hub or deleting log groups lets the holder blind the account's monitoring before acting.",
			Remediation: "Reserve logging and detection administration to a security role; deny it to workloads with an SCP or a Deny statement.",
			References:  []string{"https://docs.aws.amazon.com/awscloudtrail/latest/userguide/security_iam_id-based-policy-examples.html", "aws-iam-permissions-guardrails IAM-CLOUDTRAIL-1", "aws-iam-permissions-guardrails IAM-GUARDDUTY-1", "Prowler iam_policy_no_full_access_to_cloudtrail"},
			Controls:    ctrls("soc2 CC3.3", "cis 2.1.2", "nist AU-9 AU-6", "pci 10.3.2 10.7.1", "hipaa 164.312(b)"),
			Kinds:       identityKinds(),
			Bad:         []check.Example{{Kind: policy.KindIdentity, Policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"cloudtrail:*","Resource":"*"}]}`}},
			Good:        []check.Example{{Kind: policy.KindIdentity, Policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["cloudtrail:LookupEvents","cloudtrail:DescribeTrails","logs:GetLogEvents"],"Resource":"*"}]}`}},
			Run: broadRule{
				actions: []string{"cloudtrail:StopLogging", "cloudtrail:DeleteTrail", "cloudtrail:UpdateTrail", "cloudtrail:PutEventSelectors", "cloudtrail:PutInsightSelectors",
					"guardduty:DeleteDetector", "guardduty:UpdateDetector", "guardduty:DisassociateFromAdministratorAccount",
					"config:StopConfigurationRecorder", "config:DeleteConfigurationRecorder", "config:DeleteDeliveryChannel",
					"securityhub:DisableSecurityHub", "securityhub:BatchDisableStandards", "logs:DeleteLogGroup"},
				anyRes: true,
				what:   "the holder can stop or erase the account's audit trail and threat detection",
				fix:    `Remove %s, or add {"Effect":"Deny","Action":[...],"Resource":"*"} for every principal but the security administrators (better still, an SCP).`,
			}.run,
		},
		{
			ID: "AEG-SVC-005", Category: check.CategoryServiceSpecific, Severity: check.SeverityMedium,
			Title:       "AWS Marketplace subscriptions allowed on every product",
			Description: "aws-marketplace:Subscribe on all resources lets the holder subscribe the account to any paid Marketplace product.",
			Remediation: `Restrict subscriptions with {"Condition":{"ForAllValues:StringEquals":{"aws-marketplace:ProductId":["APPROVED-PRODUCT-ID"]}}}.`,
			References:  []string{"https://docs.aws.amazon.com/marketplace/latest/buyerguide/buyer-iam-users-groups-policies.html", "Prowler iam_policy_no_wildcard_marketplace_subscribe"},
			Controls:    ctrls("hipaa 164.308(a)(4)(ii)(B)", "soc2 CC6.3", "nist AC-6"),
			Kinds:       identityKinds(),
			Bad:         []check.Example{{Kind: policy.KindIdentity, Policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"aws-marketplace:*","Resource":"*"}]}`}},
			Good:        []check.Example{{Kind: policy.KindIdentity, Policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"aws-marketplace:Subscribe","Resource":"*","Condition":{"ForAllValues:StringEquals":{"aws-marketplace:ProductId":["prod-abc123example"]}}}]}`}},
			Run: broadRule{
				actions: []string{"aws-marketplace:Subscribe"},
				safe:    []string{"aws-marketplace:ProductId"},
				what:    "the holder can subscribe the account to any paid Marketplace product",
				fix:     `Add {"Condition":{"ForAllValues:StringEquals":{"aws-marketplace:ProductId":["APPROVED-PRODUCT-ID"]}}} to the statement granting %s.`,
			}.run,
		},
		{
			ID: "AEG-SVC-006", Category: check.CategoryServiceSpecific, Severity: check.SeverityLow,
			Title:       "iam:CreateServiceLinkedRole for every service",
			Description: "iam:CreateServiceLinkedRole on every resource without an iam:AWSServiceName condition lets the holder create the service-linked role of any service, enabling services the account does not use.",
			Remediation: `Add {"Condition":{"StringEquals":{"iam:AWSServiceName":"SERVICE.amazonaws.com"}}}.`,
			References:  []string{"https://docs.aws.amazon.com/IAM/latest/UserGuide/using-service-linked-roles.html#service-linked-role-permissions", "Access Analyzer CREATE_SLR_WITH_STAR_IN_RESOURCE"},
			Controls:    ctrls("nist AC-6"),
			Kinds:       identityKinds(),
			Bad:         []check.Example{{Kind: policy.KindIdentity, Policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:CreateServiceLinkedRole","Resource":"*"}]}`}},
			Good:        []check.Example{{Kind: policy.KindIdentity, Policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:CreateServiceLinkedRole","Resource":"*","Condition":{"StringEquals":{"iam:AWSServiceName":"autoscaling.amazonaws.com"}}}]}`}},
			Run: broadRule{
				actions: []string{"iam:CreateServiceLinkedRole"},
				safe:    []string{"iam:AWSServiceName"},
				what:    "the holder can create the service-linked role of any AWS service",
				fix:     `Add {"Condition":{"StringEquals":{"iam:AWSServiceName":"SERVICE.amazonaws.com"}}} to the statement granting %s, or scope it to "arn:aws:iam::*:role/aws-service-role/SERVICE.amazonaws.com/*".`,
			}.run,
		},
		{
			ID: "AEG-SVC-007", Category: check.CategoryServiceSpecific, Severity: check.SeverityHigh,
			Title:       "Secrets management and secret reading held together",
			Description: "A principal that can both change secrets (values, rotation, resource policies) and read every secret defeats separation of duties: it can plant or exfiltrate credentials and hide it. (Whether each secret carries a restrictive resource policy needs the account's secrets; audits check that part.)",
			Remediation: "Split secret administration and secret consumption into different roles.",
			References:  []string{"https://docs.aws.amazon.com/secretsmanager/latest/userguide/auth-and-access_examples.html", "aws-iam-permissions-guardrails IAM-SECRETSMANAGER-1", "Prowler secretsmanager_has_restrictive_resource_policy"},
			Controls:    ctrls("nist AC-5 AC-6", "pci 8.6.3"),
			Kinds:       identityKinds(),
			Bad:         []check.Example{{Kind: policy.KindIdentity, Policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"secretsmanager:*","Resource":"*"}]}`}},
			Good:        []check.Example{{Kind: policy.KindIdentity, Policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"secretsmanager:GetSecretValue","Resource":"arn:aws:secretsmanager:eu-west-1:123456789012:secret:app/*"}]}`}},
			Run:         runSecretsDuties,
		},
		{
			ID: "AEG-SVC-010", Category: check.CategoryServiceSpecific, Severity: check.SeverityMedium,
			Title:       "Billing and account settings modifiable",
			Description: "Changing billing, payment methods, account settings or budgets belongs to billing administrators only.",
			Remediation: "Grant billing modification to a dedicated billing role only.",
			References:  []string{"https://docs.aws.amazon.com/awsaccountbilling/latest/aboutv2/billing-permissions-ref.html", "aws-iam-permissions-guardrails IAM-BILLING-1", "aws-iam-permissions-guardrails IAM-BUDGETS-1"},
			Controls:    ctrls("nist AC-6 AC-5"),
			Kinds:       identityKinds(),
			Bad:         []check.Example{{Kind: policy.KindIdentity, Policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["aws-portal:Modify*","budgets:ModifyBudget"],"Resource":"*"}]}`}},
			Good:        []check.Example{{Kind: policy.KindIdentity, Policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["aws-portal:ViewBilling","budgets:ViewBudget"],"Resource":"*"}]}`}},
			Run: broadRule{
				actions: []string{"aws-portal:ModifyBilling", "aws-portal:ModifyAccount", "aws-portal:ModifyPaymentMethods", "budgets:ModifyBudget"},
				anyRes:  true,
				what:    "the holder can change billing, payment methods, account settings or budgets",
				fix:     "Remove %s from this policy and grant it through a dedicated billing-administrator role.",
			}.run,
		},
	}
}

// runKeyPolicyHygiene checks a key policy for an administration statement
// and for kms:* granted to principals other than an account root; in an
// identity policy it reports kms:* on every key.
func runKeyPolicyHygiene(p *check.Pass) {
	if p.Kind != policy.KindResource {
		e := newEngine(p)
		if e == nil {
			return
		}
		if g, n := e.allowsEvery(p.DB, "kms:*"); g != nil {
			reportGrant(p, g, fmt.Sprintf("every KMS action (%d) is allowed %s: the holder both administers and uses every key that delegates to IAM.", n, g.where()),
				`Split key administration (kms:Create*, kms:Put*, kms:ScheduleKeyDeletion...) and key use (kms:Encrypt, kms:Decrypt, kms:GenerateDataKey*) into separate roles, each scoped to key ARNs.`)
		}
		return
	}
	if !isKeyPolicy(p.Doc) {
		return
	}
	managed := false
	for _, pv := range principals(p.Doc, "AWS") {
		es := newEngineStatement(pv.stmt)
		if !es.matches("kms:putkeypolicy") {
			continue
		}
		managed = true
		if es.matches("kms:decrypt") && es.matches("kms:schedulekeydeletion") && !strings.HasSuffix(pv.value.Text, ":root") && !accountPrincipal.MatchString(pv.value.Text) {
			p.Report(pv.stmt, pv.value.Pos, "Principal.AWS", fmt.Sprintf("%s both administers and uses the key (kms:*): no separation between key administrators and key users.", pv.value.Text),
				fmt.Sprintf(`Grant %s only the actions it uses: ["kms:Encrypt","kms:Decrypt","kms:ReEncrypt*","kms:GenerateDataKey*","kms:DescribeKey"] for users, or the administration actions (kms:Create*, kms:Describe*, kms:Enable*, kms:List*, kms:Put*, kms:Update*, kms:Revoke*, kms:Disable*, kms:Get*, kms:Delete*, kms:TagResource, kms:UntagResource, kms:ScheduleKeyDeletion, kms:CancelKeyDeletion) for administrators.`, pv.value.Text), check.Exposure{})
		}
	}
	if !managed {
		p.Report(nil, p.Doc.Pos, "Statement", "no statement lets an AWS principal change this key policy (kms:PutKeyPolicy): the key becomes unmanageable and only AWS Support can recover it.",
			`Add {"Sid":"Enable IAM User Permissions","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::ACCOUNT:root"},"Action":"kms:*","Resource":"*"}.`, check.Exposure{})
	}
}

// runSecretsDuties reports a policy that both reads every secret and
// manages secrets.
func runSecretsDuties(p *check.Pass) {
	e := newEngine(p)
	if e == nil {
		return
	}
	read := e.onAll("secretsmanager:GetSecretValue")
	if read == nil {
		return
	}
	mgmt := e.broadGrants([]string{"secretsmanager:PutSecretValue", "secretsmanager:UpdateSecret", "secretsmanager:PutResourcePolicy", "secretsmanager:DeleteResourcePolicy", "secretsmanager:RotateSecret"}, nil)
	if len(mgmt) == 0 {
		return
	}
	names := actionNames(mgmt)
	reportGrant(p, read, fmt.Sprintf("secretsmanager:GetSecretValue and %s are all allowed on every secret: one principal both administers and reads the secrets.", strings.Join(names, ", ")),
		fmt.Sprintf("Move %s to a secrets-administrator role, and scope secretsmanager:GetSecretValue to the secrets this principal consumes (arn:aws:secretsmanager:REGION:ACCOUNT:secret:APP/*).", strings.Join(names, ", ")))
}

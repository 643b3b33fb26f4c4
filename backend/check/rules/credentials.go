package rules

import (
	"fmt"
	"strings"

	"github.com/aegis-iam/aegis/backend/check"
	"github.com/aegis-iam/aegis/backend/policy"
)

// reportGroups reports grants once per granting statement; describe
// returns the message and remediation for one statement's action names and
// its first grant.
func reportGroups(p *check.Pass, gs []*grant, describe func(names []string, g *grant) (string, string)) {
	for _, group := range byStatement(gs) {
		msg, fix := describe(actionNames(group), group[0])
		reportGrant(p, group[0], msg, fix)
	}
}

// credentialActions are actions whose response carries credentials
// (Cloudsplaining's ACTIONS_THAT_RETURN_CREDENTIALS, less
// ecr:GetAuthorizationToken, whose token only opens registries that ECR
// permissions already govern, as Checkov decided).
func credentialActions() []string {
	return []string{
		"chime:CreateApiKey", "codeartifact:GetAuthorizationToken", "codepipeline:PollForJobs",
		"cognito-identity:GetCredentialsForIdentity", "cognito-identity:GetOpenIdToken", "cognito-identity:GetOpenIdTokenForDeveloperIdentity",
		"connect:GetFederationToken", "ec2:GetPasswordData", "ecr-public:GetAuthorizationToken", "gamelift:RequestUploadCredentials",
		"iam:CreateAccessKey", "iam:CreateLoginProfile", "iam:CreateServiceSpecificCredential", "iam:ResetServiceSpecificCredential", "iam:UpdateAccessKey",
		"lightsail:CreateBucketAccessKey", "lightsail:DownloadDefaultKeyPair", "lightsail:GetInstanceAccessDetails", "lightsail:GetKeyPair",
		"lightsail:GetRelationalDatabaseMasterUserPassword", "mediapackage:RotateChannelCredentials", "mediapackage:RotateIngestEndpointCredentials",
		"rds-db:connect", "redshift:GetClusterCredentials", "redshift:GetClusterCredentialsWithIAM", "redshift-serverless:GetCredentials",
		"sts:AssumeRole", "sts:AssumeRoleWithSAML", "sts:AssumeRoleWithWebIdentity", "sts:GetFederationToken", "sts:GetSessionToken",
	}
}

// longLivedCredentialActions manage a user's long-lived credentials.
func longLivedCredentialActions() []string {
	return []string{
		"iam:CreateAccessKey", "iam:DeleteAccessKey", "iam:UpdateAccessKey",
		"iam:CreateLoginProfile", "iam:UpdateLoginProfile", "iam:DeleteLoginProfile",
		"iam:CreateServiceSpecificCredential", "iam:ResetServiceSpecificCredential", "iam:UpdateServiceSpecificCredential", "iam:DeleteServiceSpecificCredential",
		"iam:UploadSSHPublicKey", "iam:UpdateSSHPublicKey", "iam:DeleteSSHPublicKey",
		"iam:UploadSigningCertificate", "iam:UpdateSigningCertificate", "iam:DeleteSigningCertificate",
	}
}

// othersGrants returns the grants of actions on resources other than the
// caller's own user.
func (e *engine) othersGrants(actions []string) []*grant {
	var out []*grant
	for _, a := range actions {
		if g := e.search(a, notSelf); g != nil {
			out = append(out, g)
		}
	}
	return out
}

func credentialRules() []*check.Rule {
	selfService := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:CreateAccessKey","iam:DeleteAccessKey","iam:UpdateAccessKey","iam:UploadSSHPublicKey","iam:CreateVirtualMFADevice","iam:EnableMFADevice","iam:ResyncMFADevice","iam:DeactivateMFADevice","iam:DeleteVirtualMFADevice"],"Resource":["arn:aws:iam::*:user/${aws:username}","arn:aws:iam::*:mfa/${aws:username}"]}]}`
	return []*check.Rule{
		{
			ID: "AEG-CRED-001", Category: check.CategoryCredentialsExposure, Severity: check.SeverityHigh,
			Title:       "Unconstrained actions that return credentials",
			Description: "The policy allows, on every resource, actions whose response carries credentials — role sessions, access keys, passwords, database tokens, key pairs — so the holder can obtain the identities behind them.",
			Remediation: "Scope credential-returning actions to the roles, users, clusters or instances the principal needs.",
			References:  []string{"https://cloudsplaining.readthedocs.io/en/latest/glossary/credentials-exposure/", "Parliament CREDENTIALS_EXPOSURE", "Checkov CKV_AWS_287"},
			Controls:    ctrls("nist IA-5 AC-6", "pci 8.3.2 8.6.3"),
			Kinds:       identityKinds(),
			Bad: []check.Example{
				{Kind: policy.KindIdentity, Policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["redshift:GetClusterCredentials","ec2:GetPasswordData"],"Resource":"*"}]}`},
			},
			Good: []check.Example{
				{Kind: policy.KindIdentity, Policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"redshift:GetClusterCredentials","Resource":"arn:aws:redshift:eu-west-1:123456789012:dbuser:analytics/reporter"}]}`},
				{Kind: policy.KindIdentity, Note: "registry token excluded", Policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ecr:GetAuthorizationToken","Resource":"*"}]}`},
			},
			Run: func(p *check.Pass) {
				e := newEngine(p)
				if e == nil {
					return
				}
				reportGroups(p, e.broadGrants(credentialActions(), nil), func(names []string, g *grant) (string, string) {
					return fmt.Sprintf("%s allowed %s: each call returns credentials for any matching role, user or database.", strings.Join(names, ", "), g.where()),
						fmt.Sprintf(`Replace "Resource": "*" for %s with the ARNs of the roles, users or databases the principal must reach, e.g. "arn:aws:iam::ACCOUNT:role/NAME".`, strings.Join(names, ", "))
				})
			},
		},
		{
			ID: "AEG-CRED-002", Category: check.CategoryCredentialsExposure, Severity: check.SeverityHigh,
			Title:       "Long-lived credential management not limited to the caller",
			Description: "Access keys, console passwords, service-specific credentials, SSH keys and signing certificates can be managed on users other than the caller (user/* rather than user/${aws:username}).",
			Remediation: `Scope credential management to "arn:aws:iam::ACCOUNT:user/${aws:username}".`,
			References:  []string{"https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_examples_iam_credentials_console.html", "aws-iam-permissions-guardrails IAM-IAM-1", "aws-iam-permissions-guardrails IAM-IAM-11"},
			Controls:    ctrls("nist IA-5 AC-2", "pci 8.2.4 8.6.2"),
			Kinds:       identityKinds(),
			Bad: []check.Example{
				{Kind: policy.KindIdentity, Policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:*AccessKey*","iam:*SSHPublicKey"],"Resource":"arn:aws:iam::123456789012:user/*"}]}`},
			},
			Good: []check.Example{{Kind: policy.KindIdentity, Policy: selfService}},
			Run: func(p *check.Pass) {
				e := newEngine(p)
				if e == nil {
					return
				}
				reportGroups(p, e.othersGrants(longLivedCredentialActions()), func(names []string, g *grant) (string, string) {
					return fmt.Sprintf("%s allowed %s, which covers users other than the caller.", strings.Join(names, ", "), g.where()),
						fmt.Sprintf(`Scope %s to the caller's own user: "Resource": "arn:aws:iam::ACCOUNT:user/${aws:username}".`, strings.Join(names, ", "))
				})
			},
		},
		{
			ID: "AEG-CRED-003", Category: check.CategoryCredentialsExposure, Severity: check.SeverityMedium,
			Title:       "MFA device management on other users",
			Description: "Deactivating, deleting, enabling or resynchronising MFA devices of other users lets the holder strip or replace their second factor.",
			Remediation: `Scope MFA management to "arn:aws:iam::ACCOUNT:user/${aws:username}" and "arn:aws:iam::ACCOUNT:mfa/${aws:username}".`,
			References:  []string{"https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_examples_iam_mfa-selfmanage.html", "aws-iam-permissions-guardrails IAM-IAM-1"},
			Controls:    ctrls("nist IA-2(1) IA-5", "pci 8.4.2"),
			Kinds:       identityKinds(),
			Bad: []check.Example{
				{Kind: policy.KindIdentity, Policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:DeactivateMFADevice","iam:DeleteVirtualMFADevice"],"Resource":"*"}]}`},
			},
			Good: []check.Example{{Kind: policy.KindIdentity, Policy: selfService}},
			Run: func(p *check.Pass) {
				e := newEngine(p)
				if e == nil {
					return
				}
				reportGroups(p, e.othersGrants([]string{"iam:DeactivateMFADevice", "iam:DeleteVirtualMFADevice", "iam:EnableMFADevice", "iam:ResyncMFADevice"}), func(names []string, g *grant) (string, string) {
					return fmt.Sprintf("%s allowed %s, which covers other users' MFA devices.", strings.Join(names, ", "), g.where()),
						fmt.Sprintf(`Scope %s to "arn:aws:iam::ACCOUNT:user/${aws:username}" and "arn:aws:iam::ACCOUNT:mfa/${aws:username}".`, strings.Join(names, ", "))
				})
			},
		},
		{
			ID: "AEG-CRED-004", Category: check.CategoryCredentialsExposure, Severity: check.SeverityMedium,
			Title:       "Session tags or source identity settable without restriction",
			Description: "sts:TagSession without an aws:TagKeys/aws:RequestTag condition, or sts:SetSourceIdentity without an sts:SourceIdentity condition, lets the caller choose the session tags ABAC decisions rely on, or spoof the source identity that audits trace.",
			Remediation: `Add {"Condition":{"ForAllValues:StringEquals":{"aws:TagKeys":["project"]}}} to sts:TagSession and {"Condition":{"StringLike":{"sts:SourceIdentity":"${aws:username}"}}} to sts:SetSourceIdentity.`,
			References:  []string{"https://docs.aws.amazon.com/IAM/latest/UserGuide/id_session-tags.html#id_session-tags_permissions-required", "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_temp_control-access_monitor.html", "aws-iam-permissions-guardrails IAM-STS-6"},
			Controls:    ctrls("nist AC-16 AU-10"),
			Kinds:       []policy.Kind{policy.KindIdentity, policy.KindAny, policy.KindTrust},
			Bad: []check.Example{
				{Kind: policy.KindIdentity, Policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["sts:AssumeRole","sts:TagSession"],"Resource":"arn:aws:iam::123456789012:role/app-*"}]}`},
				{Kind: policy.KindTrust, Policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:role/ci"},"Action":["sts:AssumeRole","sts:SetSourceIdentity"]}]}`},
			},
			Good: []check.Example{
				{Kind: policy.KindIdentity, Policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:TagSession","Resource":"arn:aws:iam::123456789012:role/app","Condition":{"ForAllValues:StringEquals":{"aws:TagKeys":["project"]}}}]}`},
				{Kind: policy.KindTrust, Note: "the service sets the tags", Policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"rolesanywhere.amazonaws.com"},"Action":["sts:AssumeRole","sts:SetSourceIdentity","sts:TagSession"],"Condition":{"ArnEquals":{"aws:SourceArn":"arn:aws:rolesanywhere:eu-west-1:123456789012:trust-anchor/0a1b2c3d"}}}]}`},
			},
			Run: runSessionAttributes,
		},
		{
			ID: "AEG-CRED-005", Category: check.CategoryCredentialsExposure, Severity: check.SeverityLow,
			Title:       "Account-wide IAM reconnaissance allowed",
			Description: "iam:GetAccountAuthorizationDetails returns every user, group, role and policy of the account in one call: a full map for an attacker planning escalation.",
			Remediation: "Grant iam:GetAccountAuthorizationDetails only to audit and security tooling roles.",
			References:  []string{"https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetAccountAuthorizationDetails.html", "aws-iam-permissions-guardrails IAM-IAM-7"},
			Controls:    ctrls("nist AC-6"),
			Kinds:       identityKinds(),
			Bad:         []check.Example{{Kind: policy.KindIdentity, Policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:Get*","iam:List*"],"Resource":"*"}]}`}},
			Good:        []check.Example{{Kind: policy.KindIdentity, Policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:GetRole","iam:ListRoles"],"Resource":"*"}]}`}},
			Run: func(p *check.Pass) {
				e := newEngine(p)
				if e == nil {
					return
				}
				if g := e.allowed("iam:GetAccountAuthorizationDetails"); g != nil {
					reportGrant(p, g, "iam:GetAccountAuthorizationDetails is allowed "+g.where()+": the holder can download every IAM principal and policy of the account.",
						"Remove iam:GetAccountAuthorizationDetails (list the specific iam:Get*/iam:List* actions needed instead of iam:Get*), unless this is an audit role.")
				}
			},
		},
	}
}

// runSessionAttributes checks sts:TagSession and sts:SetSourceIdentity: in
// identity policies with the engine, in trust policies on the statements
// that trust AWS principals (a service principal or an identity provider's
// assertion sets these attributes, not the caller).
func runSessionAttributes(p *check.Pass) {
	type attr struct{ action, key, fix string }
	attrs := []attr{
		{"sts:TagSession", "aws:TagKeys", `{"Condition":{"ForAllValues:StringEquals":{"aws:TagKeys":["ALLOWED-TAG-KEY"]}}}`},
		{"sts:SetSourceIdentity", "sts:SourceIdentity", `{"Condition":{"StringLike":{"sts:SourceIdentity":"${aws:username}"}}}`},
	}
	if p.Kind != policy.KindTrust {
		e := newEngine(p)
		if e == nil {
			return
		}
		for _, a := range attrs {
			g := e.allowed(a.action)
			if g == nil || hasConditionKey(g.conditions, a.key, "aws:RequestTag/*") {
				continue
			}
			reportGrant(p, g, fmt.Sprintf("%s is allowed %s with no %s condition: the caller picks the values freely.", a.action, g.where(), a.key),
				fmt.Sprintf("Add %s to the statement granting %s.", a.fix, a.action))
		}
		return
	}
	for _, st := range p.Doc.Statements {
		if st.Effect != policy.EffectAllow || st.Principal == nil || (st.Principal.AWS == nil && !st.Principal.Wildcard) {
			continue
		}
		es, keys := newEngineStatement(st), conditionKeys(st)
		for _, a := range attrs {
			if !es.matches(strings.ToLower(a.action)) || keys[strings.ToLower(a.key)] || hasAnyKey(keys, "aws:requesttag/") {
				continue
			}
			pos, elem := actionPos(st, a.action)
			p.Report(st, pos, elem, fmt.Sprintf("the trust policy allows %s with no %s condition: the caller picks the values freely.", a.action, a.key),
				fmt.Sprintf("Add %s to this statement.", a.fix), check.Exposure{})
		}
	}
}

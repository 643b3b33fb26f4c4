package rules

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/aegis-iam/aegis/backend/check"
	"github.com/aegis-iam/aegis/backend/policy"
)

// trustTarget is the role whose trust policy the trust rules evaluate.
const trustTarget = "arn:aws:iam::" + probeAccount + ":role/aegis-probe-target"

const githubOIDC = "token.actions.githubusercontent.com"

// accountPrincipal matches a whole-account principal: a bare account ID or
// the account's root ARN.
var accountPrincipal = regexp.MustCompile(`^(?:[0-9]{12}|arn:aws[a-z-]*:iam::[0-9]{12}:root)$`)

// accountID matches a 12-digit AWS account ID.
var accountID = regexp.MustCompile(`^[0-9]{12}$`)

// Deploy-time placeholders (check.Input.Placeholders: "${AWS::AccountId}",
// "${GithubOidc}", "${var.org}") stand for values unknown until deploy. The
// trust rules judge the literal structure around a placeholder and treat
// its content as unknown: a value that is nothing but placeholders is not
// judged at all, and a placeholder never reads as "*" or as another
// account.

// standIn returns v with each placeholder replaced by stand, so a rule can
// judge the structure of the literal rest of v.
func standIn(p *check.Pass, v, stand string) string {
	for _, ph := range p.Placeholders {
		v = strings.ReplaceAll(v, ph, stand)
	}
	return v
}

// unknownValue reports whether v is made of placeholders only.
func unknownValue(p *check.Pass, v string) bool {
	return p.HasPlaceholder(v) && strings.TrimSpace(standIn(p, v, "")) == ""
}

// ownAccountRef reports whether a placeholder stands for the deploying
// account's ID (CloudFormation's AWS::AccountId, Terraform's
// aws_caller_identity data source).
func ownAccountRef(v string) bool {
	return v == "${AWS::AccountId}" || strings.HasPrefix(v, "${data.aws_caller_identity.") && strings.HasSuffix(v, ".account_id}")
}

// wholeAccount reports whether an AWS principal value names a whole
// account — a 12-digit ID or an account root ARN, whose account may be a
// placeholder — and returns the account as written.
func wholeAccount(p *check.Pass, v string) (string, bool) {
	if unknownValue(p, v) {
		return v, ownAccountRef(v) // a bare placeholder is an account only if it says so
	}
	// A placeholder stands for a value of the shape its ARN field needs:
	// a partition, an account ID.
	parts := strings.Split(standIn(p, v, "\x00"), ":")
	for i, stand := range map[int]string{1: "aws", 4: "000000000000"} {
		if i < len(parts) {
			parts[i] = strings.ReplaceAll(parts[i], "\x00", stand)
		}
	}
	shape := strings.ReplaceAll(strings.Join(parts, ":"), "\x00", "x")
	if !accountPrincipal.MatchString(shape) {
		return "", false
	}
	if i := strings.Index(v, ":iam::"); i >= 0 {
		return strings.TrimSuffix(v[i+len(":iam::"):], ":root"), true
	}
	return v, true
}

// oidcClaims are the token claims a trust condition tests as
// "PROVIDER:CLAIM".
var oidcClaims = map[string]bool{"aud": true, "sub": true, "azp": true, "amr": true, "oaud": true}

// federatedHost returns the OIDC provider host of a federated principal
// (see oidcHost). For a principal that is a placeholder ("${GithubOidc}")
// the host is read from the statement's claim conditions
// ("token.actions.githubusercontent.com:sub") when they name exactly one
// provider, and is "" otherwise.
func federatedHost(p *check.Pass, pv principalValue) string {
	if !unknownValue(p, pv.value.Text) {
		return oidcHost(pv.value.Text)
	}
	host := ""
	for k := range conditionKeys(pv.stmt) {
		i := strings.LastIndexByte(k, ':')
		if i <= 0 || !oidcClaims[k[i+1:]] || !strings.Contains(k[:i], ".") {
			continue
		}
		if host != "" && host != k[:i] {
			return ""
		}
		host = k[:i]
	}
	return host
}

// principalValue is one value of an Allow statement's Principal element.
type principalValue struct {
	stmt  *policy.Statement
	value policy.Value
}

// principals returns the values of one principal type ("AWS", "Service",
// "Federated") of every Allow statement. A bare "Principal": "*" counts as
// the AWS value "*".
func principals(doc *policy.Document, typ string) []principalValue {
	var out []principalValue
	for _, st := range doc.Statements {
		pr := st.Principal
		if st.Effect != policy.EffectAllow || pr == nil {
			continue
		}
		var list *policy.List
		switch typ {
		case "AWS":
			list = pr.AWS
			if pr.Wildcard {
				out = append(out, principalValue{st, policy.Value{Text: "*", Pos: pr.Pos}})
			}
		case "Service":
			list = pr.Service
		case "Federated":
			list = pr.Federated
		}
		if list != nil {
			for _, v := range list.Values {
				out = append(out, principalValue{st, v})
			}
		}
	}
	return out
}

// wildcardPrincipalPos locates the any-principal value of st.
func wildcardPrincipalPos(st *policy.Statement) policy.Pos {
	if st.Principal == nil {
		return st.Pos
	}
	if st.Principal.Wildcard {
		return st.Principal.Pos
	}
	for _, v := range st.Principal.AWS.Values {
		if v.Text == "*" {
			return v.Pos
		}
	}
	return st.Principal.Pos
}

// oidcHost returns the provider host of a federated principal: the part
// after "oidc-provider/" of an IAM OIDC provider ARN, or a built-in web
// identity provider's name; "" for SAML and malformed principals.
func oidcHost(federated string) string {
	if i := strings.Index(federated, ":oidc-provider/"); i >= 0 && strings.HasPrefix(federated, "arn:") {
		return federated[i+len(":oidc-provider/"):]
	}
	switch strings.ToLower(federated) {
	case "accounts.google.com", "graph.facebook.com", "www.amazon.com", "cognito-identity.amazonaws.com":
		return strings.ToLower(federated)
	}
	return ""
}

func isSAMLProvider(federated string) bool {
	return strings.HasPrefix(federated, "arn:") && strings.Contains(federated, ":saml-provider/")
}

// identityNarrowingKeys are condition keys that restrict which callers an
// any-principal grant admits.
func identityNarrowingKeys() []string {
	return append([]string{"aws:PrincipalOrgID", "aws:PrincipalOrgPaths", "aws:PrincipalArn", "aws:PrincipalAccount",
		"sts:ExternalId", "aws:userid", "aws:username"}, sourceKeys()...)
}

// sourceKeys are the confused-deputy keys of a service-principal grant.
func sourceKeys() []string {
	return []string{"aws:SourceArn", "aws:SourceAccount", "aws:SourceOrgID", "aws:SourceOrgPaths"}
}

func trustRules() []*check.Rule {
	trustDoc := "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_terms-and-concepts.html#term_trust-policy"
	kinds := []policy.Kind{policy.KindTrust}
	const (
		svcTrust   = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"aws:SourceAccount":"123456789012"}}}]}`
		roleTrust  = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:role/deployer"},"Action":"sts:AssumeRole"}]}`
		rootTrust  = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:root"},"Action":"sts:AssumeRole"}]}`
		ghGood     = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"token.actions.githubusercontent.com:aud":"sts.amazonaws.com","token.actions.githubusercontent.com:sub":"repo:octo-org/octo-repo:environment:prod"}}}]}`
		eksGood    = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE:sub":"system:serviceaccount:app:api","oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE:aud":"sts.amazonaws.com"}}}]}`
		cognitoOK  = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"cognito-identity.amazonaws.com"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"cognito-identity.amazonaws.com:aud":"eu-west-1:12345678-1234-1234-1234-123456789012"},"ForAnyValue:StringLike":{"cognito-identity.amazonaws.com:amr":"authenticated"}}}]}`
		anyTrust   = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole"}]}`
		orgTrust   = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-a1b2c3d4e5"}}}]}`
		samlTrust  = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::123456789012:saml-provider/okta"},"Action":"sts:AssumeRoleWithSAML","Condition":{"StringEquals":{"SAML:aud":"https://signin.aws.amazon.com/saml"}}}]}`
		raTrust    = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"rolesanywhere.amazonaws.com"},"Action":["sts:AssumeRole","sts:SetSourceIdentity","sts:TagSession"],"Condition":{"ArnEquals":{"aws:SourceArn":"arn:aws:rolesanywhere:eu-west-1:123456789012:trust-anchor/0a1b2c3d"}}}]}`
		extIDTrust = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:root"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"sts:ExternalId":"7d9b1f0e-vendor"}}}]}`
	)
	refs := func(extra ...string) []string { return append([]string{trustDoc}, extra...) }
	return []*check.Rule{
		{
			ID: "AEG-TRUST-001", Category: check.CategoryTrust, Severity: check.SeverityCritical,
			Title:       "Role can be assumed by any AWS principal",
			Description: "The trust policy admits every AWS principal of every account ({\"AWS\":\"*\"}) with no condition that narrows who may assume the role.",
			Remediation: `Name the trusted principals, e.g. "Principal": {"AWS": "arn:aws:iam::ACCOUNT:role/NAME"}, or add {"Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-ORGID"}}}.`,
			References:  refs("Cloudsplaining AssumableByAnyPrincipal", "Checkov CKV_AWS_60", "aws-iam-permissions-guardrails IAM-STS-2"),
			Controls:    ctrls("cis 2.21", "nist AC-3 AC-17", "pci 7.3.3"),
			Kinds:       kinds,
			Bad:         []check.Example{{Kind: policy.KindTrust, Policy: anyTrust}},
			Good:        []check.Example{{Kind: policy.KindTrust, Policy: orgTrust}, {Kind: policy.KindTrust, Policy: roleTrust}},
			Run:         func(p *check.Pass) { runAnyPrincipalTrust(p, false) },
		},
		{
			ID: "AEG-TRUST-002", Category: check.CategoryTrust, Severity: check.SeverityMedium,
			Title:       "Any-principal trust protected only by conditions that do not identify the caller",
			Description: "The trust policy admits every AWS principal if some conditions hold, but none of them (aws:PrincipalOrgID, aws:PrincipalArn, aws:PrincipalAccount, sts:ExternalId, …) restricts who the caller is.",
			Remediation: `Add an identity-narrowing condition, e.g. {"StringEquals":{"aws:PrincipalOrgID":"o-ORGID"}}, or name the principals.`,
			References:  refs("Cloudsplaining AssumableByAnyPrincipalWithConditions", "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalorgid"),
			Controls:    ctrls("nist AC-3"),
			Kinds:       kinds,
			Bad:         []check.Example{{Kind: policy.KindTrust, Policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}}]}`}},
			Good:        []check.Example{{Kind: policy.KindTrust, Policy: orgTrust}},
			Run:         func(p *check.Pass) { runAnyPrincipalTrust(p, true) },
		},
		{
			ID: "AEG-TRUST-003", Category: check.CategoryTrust, Severity: check.SeverityMedium,
			Title:       "Role trusts a whole account",
			Description: "Trusting an account (its root ARN or bare ID) lets every principal of that account that holds sts:AssumeRole use the role, rather than the one role or user that needs it.",
			Remediation: `Trust the specific role: "Principal": {"AWS": "arn:aws:iam::ACCOUNT:role/NAME"}, or add an aws:PrincipalArn condition.`,
			References:  refs("Checkov CKV_AWS_61", "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html#principal-accounts"),
			Controls:    ctrls("nist AC-6 AC-3"),
			Kinds:       kinds,
			Bad:         []check.Example{{Kind: policy.KindTrust, Policy: rootTrust}},
			Good: []check.Example{{Kind: policy.KindTrust, Policy: roleTrust},
				{Kind: policy.KindTrust, Note: "aws:PrincipalArn narrows the account", Policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"444455556666"},"Action":"sts:AssumeRole","Condition":{"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::444455556666:role/ci-*"}}}]}`}},
			Run: func(p *check.Pass) {
				for _, pv := range principals(p.Doc, "AWS") {
					acct, ok := wholeAccount(p, pv.value.Text)
					if !ok || hasAnyKey(conditionKeys(pv.stmt), "aws:principalarn", "aws:userid", "aws:username", "aws:principaltag/") {
						continue
					}
					p.Report(pv.stmt, pv.value.Pos, "Principal.AWS", fmt.Sprintf("the role trusts every principal of account %s that is allowed sts:AssumeRole.", acct),
						fmt.Sprintf(`Replace %q with the ARN of the role or user that needs access, e.g. "arn:aws:iam::%s:role/NAME", or add {"Condition":{"ArnEquals":{"aws:PrincipalArn":"arn:aws:iam::%s:role/NAME"}}}.`, pv.value.Text, acct, acct), check.Exposure{})
				}
			},
		},
		{
			ID: "AEG-TRUST-005", Category: check.CategoryTrust, Severity: check.SeverityHigh,
			Title:       "Account trust without sts:ExternalId or MFA",
			Description: "A role that trusts another (third-party) account should require an sts:ExternalId agreed with that party, or MFA, so the third party cannot be tricked into using the role for someone else (confused deputy).",
			Remediation: `Add {"Condition":{"StringEquals":{"sts:ExternalId":"UNIQUE-ID"}}} (or {"Bool":{"aws:MultiFactorAuthPresent":"true"}} for people).`,
			References:  refs("https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for-user_externalid.html", "KICS cross_account_iam_assume_role_policy_without_external_id_or_mfa", "aws-iam-permissions-guardrails IAM-STS-1"),
			Controls:    ctrls("nist AC-3 IA-9", "soc2 CC9.2"),
			Kinds:       kinds,
			Bad:         []check.Example{{Kind: policy.KindTrust, Policy: rootTrust}},
			Good:        []check.Example{{Kind: policy.KindTrust, Policy: extIDTrust}},
			Run: func(p *check.Pass) {
				// Only literal accounts: a placeholder account is the
				// deploying account or unknown, never known to be a third party.
				for _, pv := range principals(p.Doc, "AWS") {
					if !accountPrincipal.MatchString(pv.value.Text) || hasAnyKey(conditionKeys(pv.stmt), "sts:externalid", "aws:multifactorauthpresent", "aws:multifactorauthage") {
						continue
					}
					p.Report(pv.stmt, pv.value.Pos, "Principal.AWS", fmt.Sprintf("the role trusts account principal %s without an sts:ExternalId or MFA condition.", pv.value.Text),
						`If this is a third party's account, add {"Condition":{"StringEquals":{"sts:ExternalId":"UNIQUE-ID-SHARED-WITH-THE-THIRD-PARTY"}}} to this statement; for human users add {"Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}}.`, check.Exposure{})
				}
			},
		},
		{
			ID: "AEG-TRUST-007", Category: check.CategoryTrust, Severity: check.SeverityHigh,
			Title:       "Service-principal trust without aws:SourceArn or aws:SourceAccount",
			Description: "A role that trusts an AWS service without aws:SourceArn/aws:SourceAccount can be used by that service on behalf of any customer's resource (the cross-service confused deputy problem). Service-linked roles are exempt: their trust policy cannot be edited.",
			Remediation: `Add {"Condition":{"StringEquals":{"aws:SourceAccount":"ACCOUNT"},"ArnLike":{"aws:SourceArn":"arn:aws:SERVICE:REGION:ACCOUNT:RESOURCE"}}}.`,
			References:  refs("https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html", "Prowler iam_role_cross_service_confused_deputy_prevention"),
			Controls:    ctrls("nist AC-3 AC-4"),
			Kinds:       kinds,
			Bad:         []check.Example{{Kind: policy.KindTrust, Policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}`}},
			Good:        []check.Example{{Kind: policy.KindTrust, Policy: svcTrust}},
			Run:         runServiceTrust,
		},
		{
			ID: "AEG-TRUST-008", Category: check.CategoryTrust, Severity: check.SeverityHigh,
			Title:       "OIDC-federated trust without audience and subject conditions",
			Description: "A role trusting an OIDC identity provider must test the provider's aud and sub claims (<provider>:aud, <provider>:sub); otherwise any token the provider issues — for any client or user — can assume the role.",
			Remediation: `Add {"Condition":{"StringEquals":{"PROVIDER:aud":"CLIENT-ID","PROVIDER:sub":"SUBJECT"}}}.`,
			References:  refs("https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for-idp_oidc.html", "Access Analyzer MISSING_CONDITION_KEY_FOR_OIDC_PRINCIPAL"),
			Controls:    ctrls("nist IA-8 IA-2"),
			Kinds:       kinds,
			Bad:         []check.Example{{Kind: policy.KindTrust, Policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE"},"Action":"sts:AssumeRoleWithWebIdentity"}]}`}},
			Good:        []check.Example{{Kind: policy.KindTrust, Policy: eksGood}},
			Run:         runOIDCTrust,
		},
		{
			ID: "AEG-TRUST-009", Category: check.CategoryTrust, Severity: check.SeverityCritical,
			Title:       "GitHub Actions OIDC trust not pinned to a repository",
			Description: "A role trusting token.actions.githubusercontent.com without a token.actions.githubusercontent.com:sub condition naming the repository (repo:ORG/REPO:…) can be assumed by a workflow of any GitHub repository in the world.",
			Remediation: `Add {"Condition":{"StringEquals":{"token.actions.githubusercontent.com:aud":"sts.amazonaws.com","token.actions.githubusercontent.com:sub":"repo:ORG/REPO:environment:ENV"}}}.`,
			References:  refs("https://docs.github.com/en/actions/deployment/security-hardening-your-deployments/configuring-openid-connect-in-amazon-web-services", "Access Analyzer MISSING_GITHUB_REPO_CONDITION_KEY", "Checkov CKV_AWS_358"),
			Controls:    ctrls("nist IA-8 AC-3", "soc2 CC6.1"),
			Kinds:       kinds,
			Bad: []check.Example{
				{Kind: policy.KindTrust, Note: "audience only", Policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"token.actions.githubusercontent.com:aud":"sts.amazonaws.com"}}}]}`},
				{Kind: policy.KindTrust, Note: "any repository", Policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringLike":{"token.actions.githubusercontent.com:sub":"repo:*"}}}]}`},
			},
			Good: []check.Example{{Kind: policy.KindTrust, Policy: ghGood}},
			Run:  runGitHubTrust,
		},
		{
			ID: "AEG-TRUST-010", Category: check.CategoryTrust, Severity: check.SeverityHigh,
			Title:       "NotPrincipal in a role trust policy",
			Description: "IAM rejects NotPrincipal in role trust policies; the intent (\"everyone except\") would admit anonymous and foreign principals anyway.",
			Remediation: "Replace NotPrincipal with a Principal element naming the trusted principals.",
			References:  refs("https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notprincipal.html", "Access Analyzer ROLE_TRUST_POLICY_SYNTAX_ERROR_NOTPRINCIPAL"),
			Controls:    ctrls("nist AC-3"),
			// The parser rejects NotPrincipal in a document parsed as a trust
			// policy; this rule catches it in documents of unknown kind whose
			// statements grant role assumption.
			Kinds: []policy.Kind{policy.KindTrust, policy.KindAny},
			Bad:   []check.Example{{Kind: policy.KindAny, Policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","NotPrincipal":{"AWS":"arn:aws:iam::123456789012:user/mallory"},"Action":"sts:AssumeRole"}]}`}},
			Good: []check.Example{{Kind: policy.KindTrust, Policy: roleTrust},
				{Kind: policy.KindAny, Note: "a bucket policy's NotPrincipal is another rule's business", Policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","NotPrincipal":{"AWS":"arn:aws:iam::123456789012:role/admin"},"Action":"s3:*","Resource":"arn:aws:s3:::b/*"}]}`}},
			Run: func(p *check.Pass) {
				for _, st := range p.Doc.Statements {
					if st.NotPrincipal != nil && newEngineStatement(st).matches("sts:assumerole") {
						p.Report(st, st.NotPrincipal.Pos, "NotPrincipal", "a role trust policy cannot use NotPrincipal; IAM rejects the policy.",
							`Replace "NotPrincipal" with "Principal" listing the principals that may assume the role, e.g. {"AWS": "arn:aws:iam::ACCOUNT:role/NAME"}.`, check.Exposure{})
					}
				}
			},
		},
		{
			ID: "AEG-TRUST-011", Category: check.CategoryTrust, Severity: check.SeverityMedium,
			Title:       "Trust policy action does not fit its principal",
			Description: "A SAML provider needs sts:AssumeRoleWithSAML and an OIDC provider sts:AssumeRoleWithWebIdentity; a federated principal must be a provider ARN or a known web identity provider; a trust policy has no Resource; IAM Roles Anywhere needs sts:AssumeRole, sts:SetSourceIdentity and sts:TagSession.",
			Remediation: "Use the action that matches the principal type, and remove Resource from the trust policy.",
			References:  refs("https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html", "https://docs.aws.amazon.com/rolesanywhere/latest/userguide/trust-model.html"),
			Kinds:       kinds,
			Bad: []check.Example{
				{Kind: policy.KindTrust, Policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::123456789012:saml-provider/okta"},"Action":"sts:AssumeRoleWithWebIdentity"}]}`},
				{Kind: policy.KindTrust, Note: "Roles Anywhere without TagSession", Policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"rolesanywhere.amazonaws.com"},"Action":["sts:AssumeRole","sts:SetSourceIdentity"]}]}`},
			},
			Good: []check.Example{{Kind: policy.KindTrust, Policy: samlTrust}, {Kind: policy.KindTrust, Policy: raTrust}},
			Run:  runTrustMismatch,
		},
		{
			ID: "AEG-TRUST-012", Category: check.CategoryTrust, Severity: check.SeverityMedium,
			Title:       "Cognito identity-pool trust without audience, or open to guests",
			Description: "A role trusting cognito-identity.amazonaws.com must pin the identity pool with cognito-identity.amazonaws.com:aud; an amr condition admitting \"unauthenticated\" hands the role to anonymous guests.",
			Remediation: `Add {"Condition":{"StringEquals":{"cognito-identity.amazonaws.com:aud":"REGION:POOL-ID"},"ForAnyValue:StringLike":{"cognito-identity.amazonaws.com:amr":"authenticated"}}}.`,
			References:  refs("https://docs.aws.amazon.com/cognito/latest/developerguide/role-trust-and-permissions.html", "Checkov CKV_AWS_366"),
			Controls:    ctrls("nist IA-8 AC-14"),
			Kinds:       kinds,
			Bad: []check.Example{
				{Kind: policy.KindTrust, Policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"cognito-identity.amazonaws.com"},"Action":"sts:AssumeRoleWithWebIdentity"}]}`},
				{Kind: policy.KindTrust, Note: "guest identities", Policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"cognito-identity.amazonaws.com"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"cognito-identity.amazonaws.com:aud":"eu-west-1:12345678-1234-1234-1234-123456789012"},"ForAnyValue:StringLike":{"cognito-identity.amazonaws.com:amr":"unauthenticated"}}}]}`},
			},
			Good: []check.Example{{Kind: policy.KindTrust, Policy: cognitoOK}},
			Run:  runCognitoTrust,
		},
		{
			ID: "AEG-TRUST-013", Category: check.CategoryTrust, Severity: check.SeverityInfo,
			Title:       "Role assumable by a compute service",
			Description: "Code running on EC2, ECS tasks, EKS or Lambda receives this role's credentials; any broad permission on the role is reachable by whoever controls that code.",
			Remediation: "Keep the role's permissions to what the workload needs; review it with the other findings on the role.",
			References:  refs("Cloudsplaining AssumableByComputeService"),
			Kinds:       kinds,
			Bad:         []check.Example{{Kind: policy.KindTrust, Policy: svcTrust}},
			Good:        []check.Example{{Kind: policy.KindTrust, Policy: roleTrust}},
			Run: func(p *check.Pass) {
				for _, pv := range principals(p.Doc, "Service") {
					switch strings.ToLower(pv.value.Text) {
					case "ec2.amazonaws.com", "ecs-tasks.amazonaws.com", "eks.amazonaws.com", "lambda.amazonaws.com":
						p.Report(pv.stmt, pv.value.Pos, "Principal.Service", fmt.Sprintf("code running on %s receives this role's credentials.", pv.value.Text),
							"Grant the role only the permissions the workload uses; broad permissions here are exposed to the workload's code.", check.Exposure{})
					}
				}
			},
		},
	}
}

// runAnyPrincipalTrust asks the evaluator whether a principal of a foreign
// account may assume the role. conditioned selects AEG-TRUST-002 (admitted
// if conditions that do not identify the caller hold) over AEG-TRUST-001
// (admitted outright).
func runAnyPrincipalTrust(p *check.Pass, conditioned bool) {
	e := newResourceEngine(p)
	if e == nil {
		return
	}
	a := e.ask(foreignRole, "sts:AssumeRole", trustTarget, nil)
	if a == nil || (len(a.conditions) > 0) != conditioned {
		return
	}
	pos := wildcardPrincipalPos(a.stmt)
	if !conditioned {
		p.Report(a.stmt, pos, "Principal", "any AWS principal of any account can assume this role: no condition limits the caller.",
			`Replace {"AWS": "*"} with the principals that need the role, e.g. {"AWS": "arn:aws:iam::ACCOUNT:role/NAME"}, or add {"Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-ORGID"}}}.`, check.Exposure{AllResources: true})
		return
	}
	if hasConditionKey(a.conditions, identityNarrowingKeys()...) {
		return
	}
	p.Report(a.stmt, pos, "Principal", "any AWS principal can assume this role if "+describeConditions(a.conditions)+"; none of these conditions identifies the caller.",
		`Add {"StringEquals":{"aws:PrincipalOrgID":"o-ORGID"}} (or aws:PrincipalArn / sts:ExternalId) to the statement's Condition.`, check.Exposure{AllResources: true, Conditioned: true})
}

// runServiceTrust asks the evaluator, for each trusted service, whether the
// service may assume the role without aws:SourceArn/aws:SourceAccount.
func runServiceTrust(p *check.Pass) {
	e := newResourceEngine(p)
	if e == nil {
		return
	}
	for _, pv := range principals(p.Doc, "Service") {
		svc := strings.ToLower(pv.value.Text)
		a := e.ask(svc, "sts:AssumeRole", trustTarget, pv.stmt)
		if a == nil || hasConditionKey(a.conditions, sourceKeys()...) {
			continue
		}
		p.Report(pv.stmt, pv.value.Pos, "Principal.Service", fmt.Sprintf("%s can assume this role for any account's resources: no aws:SourceArn or aws:SourceAccount condition.", pv.value.Text),
			fmt.Sprintf(`Add {"Condition":{"StringEquals":{"aws:SourceAccount":"ACCOUNT"},"ArnLike":{"aws:SourceArn":"arn:aws:%s:REGION:ACCOUNT:RESOURCE"}}} so %s uses the role only for your resources.`, strings.TrimSuffix(svc, ".amazonaws.com"), pv.value.Text), check.Exposure{})
	}
}

// runOIDCTrust reports OIDC principals whose statement tests neither the
// provider's aud nor its sub claim (GitHub and Cognito have their own rules).
func runOIDCTrust(p *check.Pass) {
	for _, pv := range principals(p.Doc, "Federated") {
		host := federatedHost(p, pv)
		if host == "" && unknownValue(p, pv.value.Text) && newEngineStatement(pv.stmt).matches("sts:assumerolewithwebidentity") && !hasClaimCondition(pv.stmt) {
			p.Report(pv.stmt, pv.value.Pos, "Principal.Federated", fmt.Sprintf("the role trusts the web identity provider %s (known at deploy time) without a condition on any token claim: any token it issues can assume the role.", pv.value.Text),
				`Add {"Condition":{"StringEquals":{"PROVIDER-HOST:aud":"CLIENT-ID","PROVIDER-HOST:sub":"SUBJECT"}}} to this statement, with the provider's host (its URL without https://).`, check.Exposure{})
			continue
		}
		if host == "" || host == githubOIDC || host == "cognito-identity.amazonaws.com" {
			continue
		}
		keys := conditionKeys(pv.stmt)
		var missing []string
		for _, claim := range []string{"aud", "sub"} {
			if !keys[strings.ToLower(host+":"+claim)] && !(claim == "aud" && keys[strings.ToLower(host+":azp")]) {
				missing = append(missing, host+":"+claim)
			}
		}
		if len(missing) == 0 {
			continue
		}
		p.Report(pv.stmt, pv.value.Pos, "Principal.Federated", fmt.Sprintf("the role trusts OIDC provider %s without a condition on %s: any token it issues can assume the role.", host, strings.Join(missing, " or ")),
			fmt.Sprintf(`Add {"Condition":{"StringEquals":{"%s:aud":"CLIENT-ID","%s:sub":"SUBJECT"}}} to this statement.`, host, host), check.Exposure{})
	}
}

// hasClaimCondition reports whether st tests a token claim of some
// provider ("HOST:aud", "HOST:sub", ...).
func hasClaimCondition(st *policy.Statement) bool {
	for k := range conditionKeys(st) {
		if i := strings.LastIndexByte(k, ':'); i > 0 && oidcClaims[k[i+1:]] {
			return true
		}
	}
	return false
}

// runGitHubTrust checks the sub claim of GitHub Actions trusts.
func runGitHubTrust(p *check.Pass) {
	const fix = `Add {"Condition":{"StringEquals":{"token.actions.githubusercontent.com:sub":"repo:ORG/REPO:environment:ENV"}}} (or "repo:ORG/REPO:ref:refs/heads/main").`
	for _, pv := range principals(p.Doc, "Federated") {
		if federatedHost(p, pv) != githubOIDC {
			continue
		}
		subs := conditionValues(pv.stmt, githubOIDC+":sub")
		if len(subs) == 0 {
			p.Report(pv.stmt, pv.value.Pos, "Principal.Federated", "the role trusts GitHub Actions without a token.actions.githubusercontent.com:sub condition: a workflow in any GitHub repository can assume it.", fix, check.Exposure{AllResources: true})
			continue
		}
		for _, v := range subs {
			if unknownValue(p, v.Text) {
				continue
			}
			// A placeholder stands for a literal name ("repo:${Org}/app").
			sub := standIn(p, v.Text, "x")
			repo, _, _ := strings.Cut(strings.TrimPrefix(sub, "repo:"), ":")
			org, name, _ := strings.Cut(repo, "/")
			shownRepo, _, _ := strings.Cut(strings.TrimPrefix(v.Text, "repo:"), ":") // as written, placeholders included
			shownOrg, _, _ := strings.Cut(shownRepo, "/")
			elem := "Condition." + githubOIDC + ":sub"
			switch {
			case !strings.HasPrefix(sub, "repo:") || hasWildcard(org) || org == "":
				p.Report(pv.stmt, v.Pos, elem, fmt.Sprintf("sub %q does not pin a GitHub organisation and repository: workflows of other owners match it.", v.Text), fix, check.Exposure{AllResources: true})
			case hasWildcard(name) || name == "":
				p.ReportSeverity(check.SeverityMedium, pv.stmt, v.Pos, elem, fmt.Sprintf("sub %q admits every repository of %s.", v.Text, shownOrg), fix, check.Exposure{})
			case !strings.Contains(strings.TrimPrefix(sub, "repo:"+repo), ":") || strings.HasSuffix(sub, ":*"):
				p.ReportSeverity(check.SeverityLow, pv.stmt, v.Pos, elem, fmt.Sprintf("sub %q admits every branch, tag and environment of %s.", v.Text, shownRepo), fix, check.Exposure{})
			}
		}
	}
}

// runTrustMismatch reports trust statements whose action does not fit the
// principal type, Resource elements, and incomplete Roles Anywhere trusts.
func runTrustMismatch(p *check.Pass) {
	for _, st := range p.Doc.Statements {
		if st.Resource != nil || st.NotResource != nil {
			pos := st.Resource.Pos
			if st.Resource == nil {
				pos = st.NotResource.Pos
			}
			p.Report(st, pos, "Resource", "a role trust policy has no Resource element; IAM rejects the policy.", "Delete the Resource element: the trust policy applies to the role it is attached to.", check.Exposure{})
		}
	}
	for _, pv := range principals(p.Doc, "Federated") {
		if unknownValue(p, pv.value.Text) {
			continue // a provider reference ("${GithubOidc}"): its type is unknown
		}
		es := newEngineStatement(pv.stmt)
		pos := pv.value.Pos
		switch {
		case isSAMLProvider(pv.value.Text):
			if !es.matches("sts:assumerolewithsaml") {
				p.Report(pv.stmt, pos, "Principal.Federated", fmt.Sprintf("SAML provider %s can only be used with sts:AssumeRoleWithSAML, which the statement does not allow.", pv.value.Text),
					`Use "Action": "sts:AssumeRoleWithSAML" (plus "sts:TagSession" if the IdP passes session tags).`, check.Exposure{})
			}
		case oidcHost(pv.value.Text) != "":
			if !es.matches("sts:assumerolewithwebidentity") {
				p.Report(pv.stmt, pos, "Principal.Federated", fmt.Sprintf("OIDC provider %s can only be used with sts:AssumeRoleWithWebIdentity, which the statement does not allow.", pv.value.Text),
					`Use "Action": "sts:AssumeRoleWithWebIdentity".`, check.Exposure{})
			}
		default:
			p.Report(pv.stmt, pos, "Principal.Federated", fmt.Sprintf("federated principal %q is neither a SAML or OIDC provider ARN nor a known web identity provider.", pv.value.Text),
				`Use "arn:aws:iam::ACCOUNT:saml-provider/NAME", "arn:aws:iam::ACCOUNT:oidc-provider/HOST", or cognito-identity.amazonaws.com, accounts.google.com, graph.facebook.com, www.amazon.com.`, check.Exposure{})
		}
	}
	for _, pv := range principals(p.Doc, "Service") {
		if !strings.EqualFold(pv.value.Text, "rolesanywhere.amazonaws.com") {
			continue
		}
		es := newEngineStatement(pv.stmt)
		var missing []string
		for _, a := range []string{"sts:AssumeRole", "sts:SetSourceIdentity", "sts:TagSession"} {
			if !es.matches(strings.ToLower(a)) {
				missing = append(missing, a)
			}
		}
		if len(missing) > 0 {
			p.Report(pv.stmt, pv.value.Pos, "Principal.Service", fmt.Sprintf("IAM Roles Anywhere needs sts:AssumeRole, sts:SetSourceIdentity and sts:TagSession; the statement lacks %s.", strings.Join(missing, ", ")),
				fmt.Sprintf(`Use "Action": ["sts:AssumeRole", "sts:SetSourceIdentity", "sts:TagSession"] (missing: %s).`, quoteJoin(missing)), check.Exposure{})
		}
	}
}

// runCognitoTrust checks identity-pool trusts for an aud condition and for
// guest (unauthenticated) access.
func runCognitoTrust(p *check.Pass) {
	const host = "cognito-identity.amazonaws.com"
	for _, pv := range principals(p.Doc, "Federated") {
		if !strings.EqualFold(pv.value.Text, host) {
			continue
		}
		if len(conditionValues(pv.stmt, host+":aud")) == 0 {
			p.Report(pv.stmt, pv.value.Pos, "Principal.Federated", "the role trusts Cognito identities of any identity pool: no cognito-identity.amazonaws.com:aud condition.",
				`Add {"Condition":{"StringEquals":{"cognito-identity.amazonaws.com:aud":"REGION:POOL-ID"}}}.`, check.Exposure{AllResources: true})
		}
		for _, v := range conditionValues(pv.stmt, host+":amr") {
			if strings.EqualFold(v.Text, "unauthenticated") {
				p.Report(pv.stmt, v.Pos, "Condition."+host+":amr", "the role is handed to unauthenticated (guest) identities of the pool.",
					`Use "authenticated" as the amr value, or keep the guest role's permissions minimal and disable guest access on the pool.`, check.Exposure{})
			}
		}
	}
}

package rules

import (
	"fmt"
	"strings"
	"testing"

	"github.com/aegis-iam/aegis/backend/check"
	"github.com/aegis-iam/aegis/backend/policy"
)

// ruleCase is one policy and what one rule must report on it: the number of
// findings and, for the first, its severity.
type ruleCase struct {
	name   string
	kind   policy.Kind
	rule   string
	policy string
	want   int
	sev    check.Severity
}

func runRuleCases(t *testing.T, tests []ruleCase) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := findings(t, tt.kind, tt.policy, tt.rule)
			if len(got) != tt.want {
				t.Fatalf("%s: %d findings, want %d: %+v", tt.rule, len(got), tt.want, got)
			}
			if tt.want > 0 && got[0].Severity != tt.sev {
				t.Errorf("%s: severity %s, want %s (%s)", tt.rule, got[0].Severity, tt.sev, got[0].Message)
			}
		})
	}
}

func TestTrustRules(t *testing.T) {
	const gh = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringLike":{"token.actions.githubusercontent.com:sub":%q}}}]}`
	runRuleCases(t, []ruleCase{
		{"principal ARN pattern that admits every role", policy.KindTrust, "AEG-TRUST-001",
			`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole","Condition":{"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::*:role/*"}}}]}`, 1, check.SeverityCritical},
		{"principal ARN pinned to one account", policy.KindTrust, "AEG-TRUST-001",
			`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole","Condition":{"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::123456789012:role/*"}}}]}`, 0, 0},
		{"any principal denied by a later Deny", policy.KindTrust, "AEG-TRUST-001",
			`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole"},{"Effect":"Deny","Principal":{"AWS":"*"},"Action":"sts:AssumeRole","Condition":{"StringNotEquals":{"aws:PrincipalOrgID":"o-a1b2c3d4e5"}}}]}`, 0, 0},
		{"org deny makes it conditional on an identity key", policy.KindTrust, "AEG-TRUST-002",
			`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole"},{"Effect":"Deny","Principal":{"AWS":"*"},"Action":"sts:AssumeRole","Condition":{"StringNotEquals":{"aws:PrincipalOrgID":"o-a1b2c3d4e5"}}}]}`, 0, 0},
		{"service trust with source account", policy.KindTrust, "AEG-TRUST-007",
			`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":["lambda.amazonaws.com","events.amazonaws.com"]},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"aws:SourceAccount":"123456789012"}}}]}`, 0, 0},
		{"two services, none scoped", policy.KindTrust, "AEG-TRUST-007",
			`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":["lambda.amazonaws.com","events.amazonaws.com"]},"Action":"sts:AssumeRole"}]}`, 2, check.SeverityHigh},
		{"GitHub any repository", policy.KindTrust, "AEG-TRUST-009", fmt.Sprintf(gh, "*"), 1, check.SeverityCritical},
		{"GitHub any owner", policy.KindTrust, "AEG-TRUST-009", fmt.Sprintf(gh, "repo:*/infra:*"), 1, check.SeverityCritical},
		{"GitHub whole organisation", policy.KindTrust, "AEG-TRUST-009", fmt.Sprintf(gh, "repo:octo-org/*"), 1, check.SeverityMedium},
		{"GitHub any branch", policy.KindTrust, "AEG-TRUST-009", fmt.Sprintf(gh, "repo:octo-org/infra:*"), 1, check.SeverityLow},
		{"GitHub pinned environment", policy.KindTrust, "AEG-TRUST-009", fmt.Sprintf(gh, "repo:octo-org/infra:environment:prod"), 0, 0},
		{"OIDC with aud only", policy.KindTrust, "AEG-TRUST-008",
			`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"accounts.google.com"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"accounts.google.com:aud":"1234.apps.googleusercontent.com"}}}]}`, 1, check.SeverityHigh},
		{"malformed federated principal", policy.KindTrust, "AEG-TRUST-011",
			`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"okta.example.com"},"Action":"sts:AssumeRoleWithWebIdentity"}]}`, 1, check.SeverityMedium},
		{"whole account and no external ID", policy.KindTrust, "AEG-TRUST-005",
			`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":["444455556666","arn:aws:iam::777788889999:root"]},"Action":"sts:AssumeRole"}]}`, 2, check.SeverityHigh},
	})
}

func TestExposureRules(t *testing.T) {
	runRuleCases(t, []ruleCase{
		{"public read behind a source-IP deny", policy.KindResource, "AEG-EXP-003",
			`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"},{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::b/*","Condition":{"NotIpAddress":{"aws:SourceIp":"203.0.113.0/24"}}}]}`, 0, 0},
		{"secure transport does not restrict who", policy.KindResource, "AEG-EXP-004",
			`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sqs:SendMessage","Resource":"arn:aws:sqs:eu-west-1:123456789012:q","Condition":{"Bool":{"aws:SecureTransport":"true"}}}]}`, 1, check.SeverityCritical},
		{"service principal with source ARN", policy.KindResource, "AEG-EXP-003",
			`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sqs:SendMessage","Resource":"arn:aws:sqs:eu-west-1:123456789012:q","Condition":{"ArnEquals":{"aws:SourceArn":"arn:aws:sns:eu-west-1:123456789012:t"}}}]}`, 0, 0},
		{"public read is not public write", policy.KindResource, "AEG-EXP-004",
			`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":["s3:GetObject","s3:ListBucket"],"Resource":["arn:aws:s3:::b","arn:aws:s3:::b/*"]}]}`, 0, 0},
		{"permissions management on * through a wildcard", policy.KindIdentity, "AEG-EXP-002",
			`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sqs:*","Resource":"*"}]}`, 1, check.SeverityHigh},
		{"NotAction reaches data reads", policy.KindIdentity, "AEG-EXP-001",
			`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","NotAction":"iam:*","Resource":"*"}]}`, 1, check.SeverityMedium},
	})
}

func TestCredentialAndServiceRules(t *testing.T) {
	runRuleCases(t, []ruleCase{
		{"credential management on a named other user", policy.KindIdentity, "AEG-CRED-002",
			`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:CreateAccessKey","Resource":"arn:aws:iam::123456789012:user/ci-bot"}]}`, 1, check.SeverityHigh},
		{"self-service only", policy.KindIdentity, "AEG-CRED-002",
			`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:*AccessKey*","Resource":"arn:aws:iam::*:user/${aws:username}"}]}`, 0, 0},
		{"AssumeRole on * returns credentials", policy.KindIdentity, "AEG-CRED-001",
			`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*"}]}`, 1, check.SeverityHigh},
		{"tag keys restricted", policy.KindIdentity, "AEG-CRED-004",
			`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:TagSession","Resource":"*","Condition":{"ForAllValues:StringEquals":{"aws:TagKeys":["project"]}}}]}`, 0, 0},
		{"CloudTrail stop on one trail still counts", policy.KindIdentity, "AEG-SVC-004",
			`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"cloudtrail:StopLogging","Resource":"arn:aws:cloudtrail:eu-west-1:123456789012:trail/org"}]}`, 1, check.SeverityHigh},
		{"CloudTrail tampering denied", policy.KindIdentity, "AEG-SVC-004",
			`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","Action":["cloudtrail:Stop*","cloudtrail:Delete*","cloudtrail:Update*","cloudtrail:Put*","guardduty:*","config:*","securityhub:*","logs:Delete*"],"Resource":"*"}]}`, 0, 0},
		{"default key policy", policy.KindResource, "AEG-SVC-001",
			`{"Version":"2012-10-17","Statement":[{"Sid":"Enable IAM User Permissions","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"kms:*","Resource":"*"}]}`, 0, 0},
	})
}

// TestUnknownKindWithPrincipals checks that a document of unknown kind that
// names principals is not evaluated as an identity policy.
func TestUnknownKindWithPrincipals(t *testing.T) {
	bucket := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:role/admin"},"Action":"iam:*","Resource":"*"}]}`
	if got := findings(t, policy.KindAny, bucket, "AEG-PRIV-"); len(got) != 0 {
		t.Errorf("identity rules ran on a policy naming principals: %+v", got)
	}
	identity := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:*","Resource":"*"}]}`
	if got := findings(t, policy.KindAny, identity, "AEG-PRIV-010"); len(got) != 1 {
		t.Errorf("AEG-PRIV-010 on an identity-like policy of unknown kind: %d findings, want 1", len(got))
	}
}

// TestTrustPlaceholders checks that the trust rules read deploy-time
// placeholders as unknown values: never as "*" or another account, and a
// value made only of placeholders is not judged.
func TestTrustPlaceholders(t *testing.T) {
	trust := func(principal, cond string) string {
		return `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":` + principal + `,"Action":"sts:AssumeRole"` + cond + `}]}`
	}
	const ghRef = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"${GithubOidc}"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"token.actions.githubusercontent.com:aud":"sts.amazonaws.com"},"StringLike":{"token.actions.githubusercontent.com:sub":%q}}}]}`
	tests := []struct {
		name, rule, policy string
		placeholders       []string
		want               int
	}{
		{"own account root is not any principal", "AEG-TRUST-001", trust(`{"AWS":"arn:aws:iam::${AWS::AccountId}:root"}`, ""), []string{"${AWS::AccountId}"}, 0},
		{"a parameter is not any principal", "AEG-TRUST-001", trust(`{"AWS":"${TrustedPrincipal}"}`, ""), []string{"${TrustedPrincipal}"}, 0},
		{"own account root is not a third party", "AEG-TRUST-005", trust(`{"AWS":"arn:aws:iam::${AWS::AccountId}:root"}`, ""), []string{"${AWS::AccountId}"}, 0},
		{"Terraform caller account is not a third party", "AEG-TRUST-005", trust(`{"AWS":"${data.aws_caller_identity.current.account_id}"}`, ""), []string{"${data.aws_caller_identity.current.account_id}"}, 0},
		{"own account root is still a whole account", "AEG-TRUST-003", trust(`{"AWS":"arn:${AWS::Partition}:iam::${AWS::AccountId}:root"}`, ""), []string{"${AWS::Partition}", "${AWS::AccountId}"}, 1},
		{"bare AWS::AccountId is a whole account", "AEG-TRUST-003", trust(`{"AWS":"${AWS::AccountId}"}`, ""), []string{"${AWS::AccountId}"}, 1},
		{"a parameter may be a role ARN", "AEG-TRUST-003", trust(`{"AWS":"${TrustedPrincipal}"}`, ""), []string{"${TrustedPrincipal}"}, 0},
		{"a role ARN in the own account", "AEG-TRUST-003", trust(`{"AWS":"arn:aws:iam::${AWS::AccountId}:role/deployer"}`, ""), []string{"${AWS::AccountId}"}, 0},
		{"a provider reference is not malformed", "AEG-TRUST-011", fmt.Sprintf(ghRef, "repo:octo-org/infra:ref:refs/heads/main"), []string{"${GithubOidc}"}, 0},
		{"a provider reference with GitHub claims is GitHub", "AEG-TRUST-009", fmt.Sprintf(ghRef, "repo:octo-org/*"), []string{"${GithubOidc}"}, 1},
		{"a placeholder organisation pins the repository", "AEG-TRUST-009", fmt.Sprintf(ghRef, "repo:${GitHubOrg}/${RepositoryName}:environment:prod"), []string{"${GithubOidc}", "${GitHubOrg}", "${RepositoryName}"}, 0},
		{"a placeholder sub is unknown", "AEG-TRUST-009", fmt.Sprintf(ghRef, "${SubjectClaim}"), []string{"${GithubOidc}", "${SubjectClaim}"}, 0},
		{"a literal branch wildcard around placeholders", "AEG-TRUST-009", fmt.Sprintf(ghRef, "repo:${GitHubOrg}/app:*"), []string{"${GithubOidc}", "${GitHubOrg}"}, 1},
		{"an unknown provider without claim conditions", "AEG-TRUST-008",
			`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"${EksOidcProvider}"},"Action":"sts:AssumeRoleWithWebIdentity"}]}`, []string{"${EksOidcProvider}"}, 1},
		{"an unknown provider with claim conditions", "AEG-TRUST-008",
			`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"${EksOidcProvider}"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"${EksIssuer}:sub":"system:serviceaccount:app:api","${EksIssuer}:aud":"sts.amazonaws.com"}}}]}`, []string{"${EksOidcProvider}", "${EksIssuer}"}, 0},
		{"own account in a bucket policy is not cross-account", "AEG-EXP-006",
			`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::${AWS::AccountId}:root"},"Action":"sqs:SendMessage","Resource":"arn:aws:sqs:eu-west-1:123456789012:q"}]}`, []string{"${AWS::AccountId}"}, 0},
		{"own account in a bucket policy is not public", "AEG-EXP-003",
			`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::${AWS::AccountId}:root"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::${Bucket}/*"}]}`, []string{"${AWS::AccountId}", "${Bucket}"}, 0},
	}
	reg, d := registry(t), db(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			kind := policy.KindTrust
			if strings.HasPrefix(tt.rule, "AEG-EXP-") {
				kind = policy.KindResource
			}
			doc, err := policy.Parse("p.json", []byte(tt.policy), kind)
			if err != nil {
				t.Fatalf("parse: %v\n%s", err, tt.policy)
			}
			got := ofRule(reg.Run(&check.Input{File: "p.json", Kind: kind, Doc: doc, DB: d, Placeholders: tt.placeholders}, check.Options{}), tt.rule)
			if len(got) != tt.want {
				t.Errorf("%s on %s with placeholders %q: %d findings %+v, want %d", tt.rule, tt.policy, tt.placeholders, len(got), got, tt.want)
			}
		})
	}
}

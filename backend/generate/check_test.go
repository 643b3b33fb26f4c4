package generate

import (
	"strings"
	"testing"
)

func TestCheck(t *testing.T) {
	e := newTestEngine(t)
	lambda := Principal{Kind: PrincipalLambda, Name: "thumbnailer"}
	tests := []struct {
		name string
		in   Intent
		want []string // substrings, one per problem, in order
	}{
		{name: "valid", in: Intent{Principal: lambda, Account: "123456789012", Region: "eu-west-1", Resources: []Resource{
			{Service: "s3", Type: "bucket", Name: "uploads", Verbs: []Verb{VerbWrite}, KMSKey: "alias/uploads"},
			{Service: "dynamodb", Type: "table", Name: "users", Verbs: []Verb{VerbRead}, Except: []Verb{VerbDelete}},
		}}},
		{name: "missing values are questions, not problems", in: Intent{Resources: []Resource{{Service: "s3", Verbs: []Verb{VerbRead}}}}},
		{name: "ARN of the right type", in: Intent{Principal: lambda, Resources: []Resource{
			{Service: "sqs", ARN: "arn:aws:sqs:us-east-1:123456789012:jobs", Verbs: []Verb{VerbConsume}}}}},
		{name: "unknown principal kind", in: Intent{Principal: Principal{Kind: "robot"}}, want: []string{`principal kind "robot"`}},
		{name: "bad placement", in: Intent{Account: "12345", Region: "us-five-1", Partition: "aws-moon"},
			want: []string{"aws-moon is not an AWS partition", "us-five-1", `"12345" is not an AWS account ID`}},
		{name: "unknown service", in: Intent{Resources: []Resource{{Service: "iamx", Verbs: []Verb{VerbRead}}}},
			want: []string{`service "iamx" is not in the engine's catalogue`}},
		{name: "unknown resource type", in: Intent{Resources: []Resource{{Service: "s3", Type: "volume", Verbs: []Verb{VerbRead}}}},
			want: []string{`"volume" is not a resource type the engine knows for s3`}},
		{name: "unknown and inapplicable verbs", in: Intent{Resources: []Resource{{Service: "sqs", Name: "jobs", Verbs: []Verb{"obliterate", VerbAssume}, Except: []Verb{"nuke"}}}},
			want: []string{`verb "obliterate" is not one of`, `verb "assume" does not apply to a SQS queue`, `refused verb "nuke"`}},
		{name: "invalid names", in: Intent{Resources: []Resource{
			{Service: "s3", Name: "Bad_Bucket", Verbs: []Verb{VerbRead}, Prefix: "logs/*"},
			{Service: "sqs", ARN: "arn:aws:sns:us-east-1:123456789012:topic", Verbs: []Verb{VerbRead}},
			{Service: "s3", Name: "ok-bucket", Verbs: []Verb{VerbRead}, KMSKey: "not a key"},
		}}, want: []string{`"Bad_Bucket" is not a valid S3 bucket name`, `prefix "logs/*" must be exact`,
			`does not match the ARN format of a SQS queue`, `"not a key" is not a KMS key ID`}},
		{name: "trust fields", in: Intent{Principal: Principal{Kind: PrincipalGitHubActions, Repository: "no-slash", Ref: "main",
			TrustedAccount: "x", ExternalID: "a", OIDCIssuer: "https://issuer", Namespace: "Bad NS", Name: "has space"}},
			want: []string{`"has space" is not a valid resource name`, `"no-slash" is not a valid GitHub repository`, `"main" is not a valid GitHub OIDC subject suffix`,
				`EKS OIDC issuer`, `Kubernetes namespace`, `"x" is not an AWS account ID`, `"a" is not a valid external ID`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := e.Check(tt.in)
			if len(got) != len(tt.want) {
				t.Fatalf("Check(%+v)\n got %d problems: %q\nwant %d: %q", tt.in, len(got), got, len(tt.want), tt.want)
			}
			for i := range got {
				if !strings.Contains(got[i], tt.want[i]) {
					t.Errorf("problem %d\n got %q\nwant it to contain %q", i, got[i], tt.want[i])
				}
			}
		})
	}
}

// TestCheckAcceptsExtracted: every intent the engine reads from the test
// corpus passes Check unless running it asks about an invalid value, so a
// model that proposes the engine's own reading is never refused.
func TestCheckAcceptsExtracted(t *testing.T) {
	e := newTestEngine(t)
	for _, c := range loadCorpus(t) {
		res, err := e.Run(c.session())
		if err != nil {
			continue // the corpus test reports it
		}
		if problems := e.Check(res.Intent); len(problems) > 0 && res.Status == StatusComplete {
			t.Errorf("%s: the engine built %q but Check rejects its intent: %q", c.Name, c.Description, problems)
		}
	}
}

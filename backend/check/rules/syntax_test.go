package rules

import (
	"errors"
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/aegis-iam/aegis/backend/check"
	"github.com/aegis-iam/aegis/backend/iamdb"
	"github.com/aegis-iam/aegis/backend/policy"
)

// findingsOf validates src as kind and returns "RULE line:col element"
// for the findings of the rules whose ID starts with prefix.
func findingsOf(t *testing.T, kind policy.Kind, src, prefix string) []string {
	t.Helper()
	doc, err := policy.Parse("p.json", []byte(src), kind)
	var errs policy.ErrorList
	if err != nil && (!errors.As(err, &errs) || doc == nil) {
		t.Fatalf("parse: %v", err)
	}
	var out []string
	for _, f := range registry(t).Run(&check.Input{File: "p.json", Kind: kind, Doc: doc, DB: db(t), Errors: errs}, check.Options{}) {
		if len(f.RuleID) >= len(prefix) && f.RuleID[:len(prefix)] == prefix {
			out = append(out, f.RuleID+" "+policy.Pos{Line: f.Location.Line, Column: f.Location.Column}.String()+" "+f.Location.Element)
		}
	}
	return out
}

// TestParseErrorsBecomeFindings checks that each parser error code lands
// on its syntax rule, at the parser's position.
func TestParseErrorsBecomeFindings(t *testing.T) {
	tests := []struct {
		name string
		kind policy.Kind
		src  string
		want []string
	}{
		{"trailing comma", policy.KindIdentity, `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*",}}`,
			[]string{"AEG-SYN-001 1:94 "}},
		{"no statement", policy.KindIdentity, `{"Version":"2012-10-17"}`,
			[]string{"AEG-SYN-003 1:1 "}},
		{"missing effect", policy.KindIdentity, `{"Version":"2012-10-17","Statement":{"Action":"s3:GetObject","Resource":"*"}}`,
			[]string{"AEG-SYN-005 1:37 Statement"}},
		{"principal in SCP", policy.KindSCP, `{"Version":"2012-10-17","Statement":{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*"}}`,
			[]string{"AEG-SYN-022 1:54 Statement.Principal"}},
		{"resource in trust policy", policy.KindTrust, `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole","Resource":"*"}}`,
			[]string{"AEG-SYN-006 1:125 Statement.Resource"}},
		{"empty condition values", policy.KindIdentity, `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"StringEquals":{"aws:SourceVpc":[]}}}}`,
			[]string{"AEG-SYN-020 1:139 Statement.Condition.StringEquals.aws:SourceVpc"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, findingsOf(t, tt.kind, tt.src, "AEG-SYN-0")); diff != "" {
				t.Errorf("findings (-want +got):\n%s", diff)
			}
		})
	}
}

// TestDatabaseSyntax covers the syntax rules that reason with the IAM
// database, including the cases that must stay silent.
func TestDatabaseSyntax(t *testing.T) {
	const head = `{"Version":"2012-10-17","Statement":[`
	tests := []struct {
		name, src string
		want      []string
	}{
		{"wildcard matching nothing", head + `{"Effect":"Allow","Action":"s3:Fly*","Resource":"*"}]}`,
			[]string{"AEG-SYN-010 1:65 Action"}},
		{"NotAction typo", head + `{"Effect":"Allow","NotAction":"iam:CreateUsr","Resource":"*"}]}`,
			[]string{"AEG-SYN-010 1:68 NotAction"}},
		{"mixed-case action is fine", head + `{"Effect":"Allow","Action":"S3:getobject","Resource":"arn:aws:s3:::b/*"}]}`, nil},
		{"variables in resources", head + `{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::home/${aws:username}/*"}]}`, nil},
		{"service key with variable tag", head + `{"Effect":"Allow","Action":"ec2:StartInstances","Resource":"*","Condition":{"StringEquals":{"aws:ResourceTag/aws:cloudformation:stack-name":"web"}}}]}`, nil},
		{"ARN key with String operator is low", head + `{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*","Condition":{"StringLike":{"aws:PrincipalArn":"arn:aws:iam::123456789012:role/r*"}}}]}`,
			[]string{"AEG-SYN-016 1:123 Condition.StringLike.aws:PrincipalArn"}},
		{"wrong ARN service for action", head + `{"Effect":"Allow","Action":"sqs:SendMessage","Resource":"arn:aws:sns:eu-west-1:123456789012:topic"}]}`,
			[]string{"AEG-SYN-012 1:65 Action", "AEG-SYN-012 1:94 Resource"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, findingsOf(t, policy.KindIdentity, tt.src, "AEG-SYN-0")); diff != "" {
				t.Errorf("findings (-want +got):\n%s", diff)
			}
		})
	}
}

func TestVariableProblem(t *testing.T) {
	tests := map[string]string{
		"arn:aws:s3:::home/${aws:username}/*": "",
		"arn:aws:s3:::home/${aws:username/*":  "a variable lacks its closing '}'",
		"arn:aws:s3:::home/${}/*":             "the variable ${} is empty",
		"arn:aws:s3:::home/${aws: username}":  "the variable ${aws: username} contains a space",
		"${aws:username}-${aws:userid":        "a variable lacks its closing '}'",
		"${${aws:username}}":                  "a variable lacks its closing '}'",
		"no variable":                         "",
	}
	for in, want := range tests {
		if got := variableProblem(in); got != want {
			t.Errorf("variableProblem(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestARNProblem(t *testing.T) {
	tests := map[string]bool{ // ARN -> has a problem
		"arn:aws:s3:::bucket/*":                                false,
		"arn:aws:iam::aws:policy/AdministratorAccess":          false,
		"arn:${aws:Partition}:s3:::bucket":                     false,
		"arn:aws:sqs:*:123456789012:q":                         false,
		"arn:aws:sqs:eu-west-1:12345678901:q":                  true,
		"arn:aws-mars:s3:::bucket":                             true,
		"arn:aws:S3:::bucket":                                  true,
		"arn:aws:sqs:europe:123456789012:q":                    true,
		"bucket/*":                                             true,
		"arn:aws:lambda:us-gov-west-1:123456789012:function:f": false,
	}
	for in, want := range tests {
		if got := arnProblem(in) != ""; got != want {
			t.Errorf("arnProblem(%q) = %q, want problem %v", in, arnProblem(in), want)
		}
	}
}

// TestProviderClaimKeys checks that web identity provider claims
// ("token.actions.githubusercontent.com:sub") are not unknown keys, while a
// misspelt service key still is.
func TestProviderClaimKeys(t *testing.T) {
	trust := func(key string) string {
		return `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringLike":{"` + key + `":"repo:o/r:ref:refs/heads/main"}}}]}`
	}
	if got := findingsOf(t, policy.KindTrust, trust("token.actions.githubusercontent.com:sub"), "AEG-SYN-015"); len(got) != 0 {
		t.Errorf("GitHub sub claim reported as unknown: %q", got)
	}
	if got := findingsOf(t, policy.KindTrust, trust("sts:ExternalIdd"), "AEG-SYN-015"); len(got) != 1 {
		t.Errorf("misspelt sts:ExternalId: %q, want one AEG-SYN-015", got)
	}
}

func TestPolicySizeIgnoresWhitespace(t *testing.T) {
	compact := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`
	spaced := "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {\"Effect\": \"Allow\", \"Action\": \"s3:GetObject\", \"Resource\": \"*\"}\n  ]\n}"
	var sizes []int
	for _, src := range []string{compact, spaced} {
		doc, err := policy.Parse("p.json", []byte(src), policy.KindIdentity)
		if err != nil {
			t.Fatal(err)
		}
		sizes = append(sizes, policySize(doc))
	}
	if sizes[0] != sizes[1] {
		t.Errorf("sizes differ with whitespace: %v", sizes)
	}
}

// TestPlaceholdersAreNotMalformedARNs checks that deploy-time placeholders
// from CloudFormation and Terraform stand for "any value" in the ARN rules
// instead of being reported as malformed.
func TestPlaceholdersAreNotMalformedARNs(t *testing.T) {
	src := `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":["dynamodb:GetItem","s3:GetObject"],` +
		`"Resource":["${OrdersTable.Arn}","arn:${AWS::Partition}:s3:::${Bucket}/*"]}}`
	doc, err := policy.Parse("t.yaml", []byte(src), policy.KindIdentity)
	if err != nil {
		t.Fatal(err)
	}
	run := func(placeholders []string) []string {
		var out []string
		in := &check.Input{File: "t.yaml", Kind: policy.KindIdentity, Doc: doc, DB: db(t), Placeholders: placeholders}
		for _, f := range registry(t).Run(in, check.Options{}) {
			if f.RuleID == "AEG-SYN-011" || f.RuleID == "AEG-SYN-012" {
				out = append(out, f.RuleID+" "+f.Message)
			}
		}
		return out
	}
	if got := run([]string{"${OrdersTable.Arn}", "${AWS::Partition}", "${Bucket}"}); len(got) != 0 {
		t.Errorf("with placeholders known, ARN rules fired: %q", got)
	}
	if got := run(nil); len(got) == 0 {
		t.Error("without placeholders known, the unresolved ${OrdersTable.Arn} was not reported")
	}
}

// irsaTrust is the trust policy AWS documents for IAM roles for Kubernetes
// service accounts (IRSA): the cluster's OIDC provider URL prefixes the
// aud and sub claims.
// https://docs.aws.amazon.com/eks/latest/userguide/associate-service-account-role.html
const irsaTrust = `{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Principal": {
        "Federated": "arn:aws:iam::111122223333:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE"
      },
      "Action": "sts:AssumeRoleWithWebIdentity",
      "Condition": {
        "StringEquals": {
          "oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE:aud": "sts.amazonaws.com",
          "oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE:sub": "system:serviceaccount:default:my-service-account"
        }
      }
    }
  ]
}`

// TestWebIdentityKeys checks that OIDC provider claims ("PROVIDER-URL:sub")
// are valid condition keys, while a made-up claim or a misspelt built-in
// provider stays unknown.
func TestWebIdentityKeys(t *testing.T) {
	const head = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::111122223333:oidc-provider/token.example.com"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{`
	tests := []struct {
		name, kind string
		src        string
		want       []string
	}{
		{"EKS IRSA trust policy", "trust", irsaTrust, nil},
		{"custom provider", "trust", head + `"token.example.com:aud":"my-app","token.example.com:sub":"user-1"}}}]}`, nil},
		{"built-in providers", "trust", head + `"accounts.google.com:aud":"my-app","cognito-identity.amazonaws.com:sub":"eu-west-1:id"}}}]}`, nil},
		{"not a claim", "trust", head + `"token.example.com:color":"blue"}}}]}`,
			[]string{"AEG-SYN-009 1:212 Condition.StringEquals.token.example.com:color"}},
		{"no host", "trust", head + `"tokenprovider:sub":"user-1"}}}]}`,
			[]string{"AEG-SYN-009 1:212 Condition.StringEquals.tokenprovider:sub"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			kind, err := policy.ParseKind(tt.kind)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, findingsOf(t, kind, tt.src, "AEG-SYN-")); diff != "" {
				t.Errorf("findings of\n%s\n(-want +got):\n%s", tt.src, diff)
			}
		})
	}
}

// TestSizeBound checks that sizeBound, which lets AEG-SYN-019 skip printing
// a policy, never undercounts: on every managed policy, every example and
// documents full of characters that print as escapes.
func TestSizeBound(t *testing.T) {
	docs := []*policy.Document{}
	for _, in := range corpusInputs(t) {
		docs = append(docs, in.Doc)
	}
	for _, rule := range registry(t).Rules() {
		for _, ex := range append(append([]check.Example{}, rule.Good...), rule.Bad...) {
			if doc, _ := policy.Parse("example.json", []byte(ex.Policy), ex.Kind); doc != nil {
				docs = append(docs, doc)
			}
		}
	}
	for _, src := range []string{
		`{"Statement":{"Sid":"\u0001\u0002","Effect":"Deny","NotPrincipal":{"AWS":["\u0003"],"Service":"\"\\"},"NotAction":[],"NotResource":"\u2028","Condition":{"\u0004":{"\u0005":["\u0006",1,true]}}}}`,
		`{"Version":"2012-10-17","Id":"\u0007","Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]}`,
	} {
		doc, err := policy.Parse("escapes.json", []byte(src), policy.KindAny)
		if doc == nil {
			t.Fatalf("%s: %v", src, err)
		}
		docs = append(docs, doc)
	}
	for _, doc := range docs {
		if b, n := sizeBound(doc), policySize(doc); b < n {
			t.Errorf("sizeBound = %d < policySize = %d for\n%s", b, n, policy.Format(doc))
		}
	}
}

// TestTypeMatcherForgets checks that AEG-SYN-012's answers, kept across
// policies, are dropped for another database and at the bound.
func TestTypeMatcherForgets(t *testing.T) {
	d := db(t)
	m := &typeMatcher{}
	m.use(d)
	m.forARN("arn:aws:s3:::example-reports")
	if m.use(d); len(m.memo) != 1 {
		t.Fatalf("same database: %d ARNs remembered, want 1", len(m.memo))
	}
	if m.use(&iamdb.DB{}); len(m.memo) != 0 {
		t.Fatalf("another database: %d ARNs remembered, want 0", len(m.memo))
	}
	m.use(d)
	for i := range typeMatcherMax {
		m.forARN(fmt.Sprintf("arn:aws:s3:::bucket-%d", i))
	}
	if m.use(d); len(m.memo) != 0 {
		t.Fatalf("at the bound: %d ARNs remembered, want 0", len(m.memo))
	}
}

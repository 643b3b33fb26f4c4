package generate

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestExtract(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want Intent
	}{
		{"seed", "Lambda function that reads from DynamoDB table 'users' and writes to S3 bucket 'uploads'",
			Intent{Principal: Principal{Kind: PrincipalLambda}, Resources: []Resource{
				{Service: "dynamodb", Type: "table", Name: "users", Verbs: []Verb{VerbRead}},
				{Service: "s3", Type: "bucket", Name: "uploads", Verbs: []Verb{VerbWrite}}}}},
		{"negation", "ECS task with read and write access to S3 bucket 'media' but not delete",
			Intent{Principal: Principal{Kind: PrincipalECSTask}, Resources: []Resource{
				{Service: "s3", Type: "bucket", Name: "media", Verbs: []Verb{VerbRead, VerbWrite}, Except: []Verb{VerbDelete}}}}},
		{"shared verbs", "Lambda that reads S3 bucket 'a' and bucket 'b'",
			Intent{Principal: Principal{Kind: PrincipalLambda}, Resources: []Resource{
				{Service: "s3", Type: "bucket", Name: "a", Verbs: []Verb{VerbRead}},
				{Service: "s3", Type: "bucket", Name: "b", Verbs: []Verb{VerbRead}}}}},
		{"principal after for", "Read-only access to S3 bucket 'reports' for the IAM user",
			Intent{Principal: Principal{Kind: PrincipalUser}, Resources: []Resource{
				{Service: "s3", Type: "bucket", Name: "reports", Verbs: []Verb{VerbRead}}}}},
		{"account region", "Lambda in eu-west-1 account 1234-5678-9012 that publishes to SNS topic alerts",
			Intent{Principal: Principal{Kind: PrincipalLambda}, Account: "123456789012", Region: "eu-west-1", Resources: []Resource{
				{Service: "sns", Type: "topic", Name: "alerts", Verbs: []Verb{VerbPublish}}}}},
		{"github", "GitHub Actions in repo octo/app on branch release that pushes to ECR repository 'app'",
			Intent{Principal: Principal{Kind: PrincipalGitHubActions, Repository: "octo/app", Ref: "ref:refs/heads/release"}, Resources: []Resource{
				{Service: "ecr", Type: "repository", Name: "app", Verbs: []Verb{VerbWrite}}}}},
		{"sse-kms", "Lambda that reads S3 bucket 'docs' encrypted with KMS key 'alias/docs'",
			Intent{Principal: Principal{Kind: PrincipalLambda}, Resources: []Resource{
				{Service: "s3", Type: "bucket", Name: "docs", KMSKey: "alias/docs", Verbs: []Verb{VerbRead}}}}},
		{"s3 uri prefix", "ECS task that writes to s3://logs/app/",
			Intent{Principal: Principal{Kind: PrincipalECSTask}, Resources: []Resource{
				{Service: "s3", Type: "bucket", Name: "logs", Prefix: "app/", Verbs: []Verb{VerbWrite}}}}},
		{"pass role", "CodeBuild project that updates Lambda function 'w' and passes role 'w-exec'",
			Intent{Principal: Principal{Kind: PrincipalCodeBuild}, Resources: []Resource{
				{Service: "lambda", Type: "function", Name: "w", Verbs: []Verb{VerbUpdate}},
				{Service: "iam", Type: "role", Name: "w-exec", Verbs: []Verb{VerbPass}}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, _ := Extract(tt.in)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Extract(%q) mismatch (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}

// TestSessionJSON checks a session survives the store: answering after a
// JSON round trip gives the same result as answering in memory.
func TestSessionJSON(t *testing.T) {
	e := newTestEngine(t)
	s := &Session{Description: "Lambda that writes to DynamoDB table 'sessions'"}
	first, err := e.Run(s)
	if err != nil || first.Status != StatusNeedsInput || len(first.Questions) != 1 || first.Questions[0].ID != "resources.0.write" {
		t.Fatalf("first run: %+v, %v", first, err)
	}
	q := first.Questions[0]
	if q.Default == "" || len(q.Options) == 0 {
		t.Errorf("question %q has no suggested answers", q.ID)
	}
	data, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	var restored Session
	if err := json.Unmarshal(data, &restored); err != nil {
		t.Fatal(err)
	}
	restored.Answer(Answer{ID: q.ID, Value: "put,update"})
	res, err := e.Run(&restored)
	if err != nil || res.Status != StatusComplete {
		t.Fatalf("answered run: %+v, %v", res, err)
	}
	var actions []string
	for _, g := range res.Granted {
		if !g.Supporting {
			actions = append(actions, g.Action)
		}
	}
	if want := []string{"dynamodb:PutItem", "dynamodb:UpdateItem"}; !cmp.Equal(actions, want) {
		t.Errorf("granted %v, want %v", actions, want)
	}
}

func FuzzExtract(f *testing.F) {
	for _, c := range loadCorpus(f) {
		f.Add(c.Description)
	}
	f.Add("'unterminated")
	f.Add("arn: s3:// `` “” ‘x’ 1234-5678-9012 us-five-1")
	e := newTestEngine(f)
	f.Fuzz(func(t *testing.T, s string) {
		in, _ := Extract(s)
		if _, err := e.Run(&Session{Intent: &in}); err != nil {
			t.Fatalf("Run(Extract(%q)): %v", s, err)
		}
	})
}

// FuzzRunIntent feeds arbitrary intents, as an Advisor might propose them,
// to the engine: it must ask or build a proven policy, never fail or panic.
func FuzzRunIntent(f *testing.F) {
	for _, c := range loadCorpus(f) {
		in, _ := Extract(c.Description)
		data, err := json.Marshal(in)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(`{"principal":{"kind":"lambda"},"resources":[{"service":"s3","name":"b","prefix":"*","verbs":["admin"]}]}`))
	f.Add([]byte(`{"principal":{"kind":"github-actions","repository":"o/r","ref":"*"},"account":"123456789012","resources":[{"service":"sqs","arn":"arn:aws:sqs:us-east-1:123456789012:*","verbs":["read"]}]}`))
	e := newTestEngine(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		var in Intent
		if json.Unmarshal(data, &in) != nil {
			return
		}
		if _, err := e.Run(&Session{Intent: &in}); err != nil {
			t.Fatalf("Run(%s): %v", data, err)
		}
	})
}

// BenchmarkGenerate runs the whole corpus offline: extraction, building,
// validation with every rule and the evaluator's proof.
func BenchmarkGenerate(b *testing.B) {
	e := newTestEngine(b)
	cases := loadCorpus(b)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		c := cases[i%len(cases)]
		if _, err := e.Run(c.session()); err != nil {
			b.Fatal(err)
		}
	}
}

// TestSeedExample is the acceptance check: the seed description
// gives a complete pair with no question, and without the bucket's name the
// engine asks for it.
func TestSeedExample(t *testing.T) {
	e := newTestEngine(t)
	res, err := e.Run(&Session{Description: "Lambda function that reads from DynamoDB table 'users' and writes to S3 bucket 'uploads'"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != StatusComplete || len(res.Questions) != 0 || res.TrustPolicy == nil || res.PermissionsPolicy == nil {
		t.Fatalf("seed: status %s, questions %+v", res.Status, res.Questions)
	}
	res, err = e.Run(&Session{Description: "Lambda function that reads from DynamoDB table 'users' and writes to an S3 bucket"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != StatusNeedsInput || len(res.Questions) != 1 || res.Questions[0].ID != "resources.1.name" {
		t.Fatalf("missing bucket: status %s, questions %+v", res.Status, res.Questions)
	}
}

func TestSessionApply(t *testing.T) {
	s := &Session{Description: "x", Answers: []Answer{{ID: "region", Value: "eu-west-1"}}}
	s.Apply(&Proposal{Kind: ProposalAnswer, Answers: []Answer{{ID: "region", Value: "us-east-1"}, {ID: "account", Value: "123456789012"}}})
	if want := []Answer{{ID: "region", Value: "us-east-1"}, {ID: "account", Value: "123456789012"}}; !cmp.Equal(s.Answers, want) {
		t.Errorf("answers = %v, want %v", s.Answers, want)
	}
	s.Apply(&Proposal{Kind: ProposalExplain, Reply: "because"})
	if s.Intent != nil || len(s.Answers) != 2 {
		t.Errorf("explain changed the session: %+v", s)
	}
	in := &Intent{Principal: Principal{Kind: PrincipalLambda}, Resources: []Resource{{Service: "s3", Name: "b", Verbs: []Verb{VerbRead}}}}
	s.Apply(&Proposal{Kind: ProposalRefine, Intent: in})
	in.Resources[0].Verbs[0] = VerbAdmin // the session keeps its own copy
	if s.Intent == nil || s.Answers != nil || s.Intent.Resources[0].Verbs[0] != VerbRead {
		t.Errorf("refine: %+v", s)
	}
}

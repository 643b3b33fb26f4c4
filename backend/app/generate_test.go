package app

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/aegis-iam/aegis/backend/generate"
	"github.com/aegis-iam/aegis/backend/iamdb"
	"github.com/aegis-iam/aegis/backend/llm"
	"github.com/aegis-iam/aegis/backend/llm/llmtest"
	"github.com/aegis-iam/aegis/backend/store"
)

const (
	seedDescription = "Lambda function that reads from DynamoDB table 'users' and writes to S3 bucket 'uploads'"
	noBucket        = "Lambda function that reads objects from S3"
)

func newGenerateService(t *testing.T, provider ProviderFunc) (*GenerateService, *store.Store, *recordingEmitter) {
	t.Helper()
	st := tempStore(t)
	rec := &recordingEmitter{}
	return NewGenerateService(context.Background(), st, "test", iamdb.Embedded, rec, provider), st, rec
}

func sessions(t *testing.T, st *store.Store) []HistoryEntry {
	t.Helper()
	got, err := NewHistoryService(st).List("session", 0)
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func TestGenerateSeedIsComplete(t *testing.T) {
	s, st, _ := newGenerateService(t, nil)
	c, err := s.Start(GenerateStart{Description: seedDescription})
	if err != nil {
		t.Fatal(err)
	}
	if c.Status != generate.StatusComplete || len(c.Questions) != 0 {
		t.Fatalf("status %s, questions %+v; want complete with none", c.Status, c.Questions)
	}
	for _, want := range []string{"dynamodb:GetItem", "s3:PutObject", ":table/users", "uploads"} {
		if !strings.Contains(c.PermissionsPolicy, want) {
			t.Errorf("permissions policy lacks %q:\n%s", want, c.PermissionsPolicy)
		}
	}
	if !strings.Contains(c.TrustPolicy, "lambda.amazonaws.com") {
		t.Errorf("trust policy:\n%s", c.TrustPolicy)
	}
	if len(c.Explanations) == 0 || len(c.Explanations[0].Actions) == 0 {
		t.Errorf("no per-statement or per-action explanations: %+v", c.Explanations)
	}
	if c.Model != "" || len(c.Messages) != 2 || c.Messages[0].Role != "user" || c.Messages[1].Role != "assistant" {
		t.Errorf("messages %+v, model %q", c.Messages, c.Model)
	}
	h := sessions(t, st)
	if len(h) != 1 || h[0].ID != c.ID || h[0].Title != title(seedDescription) {
		t.Fatalf("history %+v, conversation %s", h, c.ID)
	}
	again, err := s.Resume(c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if again.PermissionsPolicy != c.PermissionsPolicy || len(again.Messages) != 2 {
		t.Errorf("resumed conversation differs: %+v", again)
	}
}

func TestGenerateQuestionsRoundTrip(t *testing.T) {
	s, st, _ := newGenerateService(t, nil)
	c, err := s.Start(GenerateStart{Description: noBucket})
	if err != nil {
		t.Fatal(err)
	}
	if c.Status != generate.StatusNeedsInput || len(c.Questions) == 0 || c.PermissionsPolicy != "" {
		t.Fatalf("got status %s, questions %+v", c.Status, c.Questions)
	}
	q := c.Questions[0]
	// A name question has no suggested answers: the engine never invents names.
	done, err := s.Answer(GenerateAnswers{ConversationID: c.ID, Answers: []generate.Answer{{ID: q.ID, Value: "reports"}}})
	if err != nil {
		t.Fatal(err)
	}
	if done.Status != generate.StatusComplete || !strings.Contains(done.PermissionsPolicy, "reports") {
		t.Fatalf("after answering %s: status %s, questions %+v", q.ID, done.Status, done.Questions)
	}
	if h := sessions(t, st); len(h) != 1 || h[0].ID != done.ID {
		t.Fatalf("history keeps %d entries (%+v); want the newest turn only", len(h), h)
	}
	if _, err := s.Resume(c.ID); err == nil {
		t.Error("the replaced turn still resumes")
	}
}

func TestGenerateOfflineFollowUp(t *testing.T) {
	s, _, _ := newGenerateService(t, nil)
	c, err := s.Start(GenerateStart{Description: noBucket})
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Questions) != 1 {
		t.Fatalf("the engine asks %d questions here; the one-question rule needs one", len(c.Questions))
	}
	done, err := s.Send(GenerateMessage{ConversationID: c.ID, Text: "reports"})
	if err != nil {
		t.Fatal(err)
	}
	if done.Status != generate.StatusComplete || !strings.Contains(done.PermissionsPolicy, "reports") {
		t.Fatalf("status %s, policy %s", done.Status, done.PermissionsPolicy)
	}
	next, err := s.Send(GenerateMessage{ConversationID: done.ID, Text: seedDescription})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(next.PermissionsPolicy, "table/users") {
		t.Errorf("a new request did not start over: %s", next.PermissionsPolicy)
	}
}

func TestGenerateChipAnswer(t *testing.T) {
	s, _, _ := newGenerateService(t, nil)
	c, err := s.Start(GenerateStart{Description: "Lambda function that writes to DynamoDB table 'orders'"})
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Questions) != 1 || len(c.Questions[0].Options) == 0 {
		t.Fatalf("want one question with options, got %+v", c.Questions)
	}
	q := c.Questions[0]
	done, err := s.Answer(GenerateAnswers{ConversationID: c.ID, Answers: []generate.Answer{{ID: q.ID, Value: q.Options[0]}}})
	if err != nil {
		t.Fatal(err)
	}
	if done.Status != generate.StatusComplete || !strings.Contains(done.PermissionsPolicy, "dynamodb:PutItem") {
		t.Fatalf("after %s=%s: status %s, policy %s", q.ID, q.Options[0], done.Status, done.PermissionsPolicy)
	}
}

func TestGenerateTemplate(t *testing.T) {
	s, _, _ := newGenerateService(t, nil)
	ts := s.Templates()
	if len(ts) < 20 {
		t.Fatalf("%d templates", len(ts))
	}
	c, err := s.Start(GenerateStart{TemplateID: ts[0].ID})
	if err != nil {
		t.Fatal(err)
	}
	if c.Status != generate.StatusComplete || c.Title != ts[0].Title {
		t.Errorf("template %s: status %s, questions %+v, title %q", ts[0].ID, c.Status, c.Questions, c.Title)
	}
	if _, err := s.Start(GenerateStart{TemplateID: ts[0].ID, Params: map[string]string{"no-such-param": "x"}}); err == nil {
		t.Error("an unknown parameter was accepted")
	}
	if _, err := s.Start(GenerateStart{TemplateID: "no-such-template"}); err == nil {
		t.Error("an unknown template was accepted")
	}
}

func TestGenerateExport(t *testing.T) {
	s, _, _ := newGenerateService(t, nil)
	c, err := s.Start(GenerateStart{Description: seedDescription})
	if err != nil {
		t.Fatal(err)
	}
	for format, want := range map[string]string{"json": `"permissionsPolicy"`, "terraform": "aws_iam_role", "cloudformation": "AWS::IAM::Role", "cdk": "iam.CfnRole"} {
		got, err := s.Export(c.ID, format)
		if err != nil {
			t.Fatalf("%s: %v", format, err)
		}
		if !strings.Contains(got.Text, want) || got.SuggestedName == "" {
			t.Errorf("%s export lacks %q or a file name:\n%s", format, want, got.Text)
		}
		if format == "cdk" {
			golden(t, filepath.Join("testdata", "generate", "seed.cdk.ts"), got.Text)
		}
	}
	if _, err := s.Export(c.ID, "yaml"); err == nil {
		t.Error("an unknown format was accepted")
	}
	q, err := s.Start(GenerateStart{Description: noBucket})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Export(q.ID, "json"); err == nil {
		t.Error("a conversation with open questions was exported")
	}
}

func TestCDKPlaceholdersAndVariables(t *testing.T) {
	res := &generate.Result{Status: generate.StatusComplete, TrustPolicy: []byte("null"),
		PermissionsPolicy: []byte(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b-${AWS::AccountId}/${aws:username}/*"}]}`)}
	got, err := CDK(res)
	if err != nil {
		t.Fatal(err)
	}
	want := "`arn:aws:s3:::b-${cdk.Aws.ACCOUNT_ID}/\\${aws:username}/*`"
	if !strings.Contains(string(got), want) || !strings.Contains(string(got), "CfnManagedPolicy") {
		t.Errorf("got\n%s\nwant %s in a managed policy", got, want)
	}
}

func golden(t *testing.T, path, got string) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update)", err)
	}
	if string(want) != got {
		t.Errorf("%s differs (go test -update rewrites it):\n%s", path, got)
	}
}

// bedrockAt returns a ProviderFunc for a scripted Bedrock server, used
// once the settings name a model (as BedrockProvider does).
func bedrockAt(srv *llmtest.Server) ProviderFunc {
	return func(_ context.Context, s Settings) (llm.Provider, error) {
		if s.BedrockModelID == "" {
			return nil, nil
		}
		cfg := aws.Config{Region: "us-east-1", Credentials: aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
			return aws.Credentials{AccessKeyID: "AKIAIOSFODNN7EXAMPLE", SecretAccessKey: "test-secret", Source: "test"}, nil
		})}
		return llm.NewBedrock(cfg, llm.BedrockOptions{ModelID: s.BedrockModelID, BaseEndpoint: srv.URL, MaxAttempts: 1}), nil
	}
}

func withModel(t *testing.T, st *store.Store) {
	t.Helper()
	v := DefaultSettings()
	v.BedrockModelID, v.BedrockRegion = "us.anthropic.claude-sonnet-4-6", "us-east-1"
	if _, err := NewSettingsService(st).Save(v); err != nil {
		t.Fatal(err)
	}
}

func TestGenerateWithModel(t *testing.T) {
	srv := llmtest.NewBedrock(t, llmtest.Text("A Lambda function reading users and writing uploads."))
	s, st, rec := newGenerateService(t, bedrockAt(srv))
	withModel(t, st)

	ask, err := s.Start(GenerateStart{Description: seedDescription})
	if err != nil {
		t.Fatal(err)
	}
	if ask.Status != StatusConsent || ask.Consent == nil || !strings.Contains(ask.Consent.Body, "users") {
		t.Fatalf("no consent step before the first call: %+v", ask)
	}
	if n := len(srv.Requests()); n != 0 {
		t.Fatalf("%d requests sent before consent", n)
	}
	if h := sessions(t, st); len(h) != 0 {
		t.Fatalf("saved before consent: %+v", h)
	}

	c, err := s.Start(GenerateStart{Description: seedDescription, Consent: true})
	if err != nil {
		t.Fatal(err)
	}
	if c.Status != generate.StatusComplete || !strings.Contains(c.PermissionsPolicy, "table/users") || c.Model == "" {
		t.Fatalf("status %s, model %q, policy %s, messages %+v", c.Status, c.Model, c.PermissionsPolicy, c.Messages)
	}
	var streamed strings.Builder
	for _, e := range rec.all() {
		if e.Name == EventGenerateText {
			streamed.WriteString(e.Payload.(GenerateText).Text)
		}
	}
	if !strings.Contains(streamed.String(), "reading users") {
		t.Errorf("streamed text %q", streamed.String())
	}
	if len(srv.Requests()) != 1 {
		t.Errorf("%d model calls, want 1", len(srv.Requests()))
	}
}

func TestGenerateFallsBackOnThrottling(t *testing.T) {
	srv := llmtest.NewBedrock(t, llmtest.Reply{Error: &llmtest.ErrorReply{Status: 429, Type: "ThrottlingException", Message: "Too many requests, please wait"}})
	s, st, _ := newGenerateService(t, bedrockAt(srv))
	withModel(t, st)
	c, err := s.Start(GenerateStart{Description: seedDescription, Consent: true})
	if err != nil {
		t.Fatal(err)
	}
	if c.Status != generate.StatusComplete || !strings.Contains(c.PermissionsPolicy, "table/users") {
		t.Fatalf("the offline engine did not answer: %+v", c)
	}
	var notice string
	for _, m := range c.Messages {
		if m.Role == "notice" {
			notice = m.Text
		}
	}
	if !strings.Contains(notice, "offline engine answered") || !strings.Contains(strings.ToLower(notice), "throttl") {
		t.Errorf("notice %q does not say the model was throttled and the offline engine answered", notice)
	}
	if c.Model != "" {
		t.Errorf("model %q credited for an offline answer", c.Model)
	}
}

func TestGenerateOfflineSkipsModel(t *testing.T) {
	srv := llmtest.NewBedrock(t)
	s, st, _ := newGenerateService(t, bedrockAt(srv))
	withModel(t, st)
	c, err := s.Start(GenerateStart{Description: seedDescription, Offline: true})
	if err != nil {
		t.Fatal(err)
	}
	if c.Status != generate.StatusComplete || len(srv.Requests()) != 0 {
		t.Fatalf("status %s, %d model calls", c.Status, len(srv.Requests()))
	}
}

func TestGenerateModelUnavailable(t *testing.T) {
	failing := func(context.Context, Settings) (llm.Provider, error) {
		return nil, errors.New(`no credentials in profile "dev"`)
	}
	s, st, _ := newGenerateService(t, failing)
	withModel(t, st)
	c, err := s.Start(GenerateStart{Description: seedDescription})
	if err != nil {
		t.Fatal(err)
	}
	if c.Status != generate.StatusComplete || c.Messages[1].Role != "notice" || !strings.Contains(c.Messages[1].Text, "no credentials") {
		t.Fatalf("status %s, messages %+v", c.Status, c.Messages)
	}
	if p, err := BedrockProvider(nil)(context.Background(), DefaultSettings()); p != nil || err != nil {
		t.Errorf("no model configured: got %v, %v; want no provider", p, err)
	}
}

func TestGenerateBadRequests(t *testing.T) {
	s, st, _ := newGenerateService(t, nil)
	if _, err := s.Start(GenerateStart{Description: "  "}); err == nil {
		t.Error("an empty description was accepted")
	}
	c, err := s.Start(GenerateStart{Description: seedDescription})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Send(GenerateMessage{ConversationID: c.ID, Text: " "}); err == nil {
		t.Error("an empty message was accepted")
	}
	if _, err := s.Resume("01NOSUCHENTRY0000000000000"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("resuming a missing entry: %v", err)
	}
	rec, err := store.NewHistory(st).Append(store.Record{Kind: store.KindValidation, Title: "policy.json", Payload: []byte("{}")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Resume(rec.ID); err == nil || !strings.Contains(err.Error(), "not a conversation") {
		t.Errorf("resuming a validation: %v", err)
	}
}

func TestGenerateFollowUpThroughModel(t *testing.T) {
	srv := llmtest.NewBedrock(t, llmtest.Text("The function writes the uploads it receives, so it needs s3:PutObject."))
	s, st, _ := newGenerateService(t, bedrockAt(srv))
	withModel(t, st)
	c, err := s.Start(GenerateStart{Description: seedDescription, Offline: true})
	if err != nil {
		t.Fatal(err)
	}
	ask, err := s.Send(GenerateMessage{ConversationID: c.ID, Text: "why is s3:PutObject needed?"})
	if err != nil {
		t.Fatal(err)
	}
	if ask.Status != StatusConsent || ask.Consent == nil || len(srv.Requests()) != 0 {
		t.Fatalf("no consent before the first model call: status %s, %d requests", ask.Status, len(srv.Requests()))
	}
	got, err := s.Send(GenerateMessage{ConversationID: c.ID, Text: "why is s3:PutObject needed?", Consent: true})
	if err != nil {
		t.Fatal(err)
	}
	if got.PermissionsPolicy != c.PermissionsPolicy {
		t.Errorf("a question changed the policy:\n%s", got.PermissionsPolicy)
	}
	var replied bool
	for _, m := range got.Messages {
		replied = replied || (m.Role == "assistant" && strings.Contains(m.Text, "needs s3:PutObject"))
	}
	if !replied || got.Model == "" {
		t.Errorf("the model's explanation is missing: model %q, messages %+v", got.Model, got.Messages)
	}
}

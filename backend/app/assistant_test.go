package app

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/aegis-iam/aegis/backend/audit"
	"github.com/aegis-iam/aegis/backend/audit/result"
	"github.com/aegis-iam/aegis/backend/iamdb"
	"github.com/aegis-iam/aegis/backend/llm"
	"github.com/aegis-iam/aegis/backend/llm/llmtest"
	"github.com/aegis-iam/aegis/backend/store"
)

const starPolicy = `{"Version":"2012-10-17","Statement":[{"Sid":"Everything","Effect":"Allow","Action":"*","Resource":"*"}]}`

func newAssistantService(t *testing.T, provider ProviderFunc) (*AssistantService, *store.Store) {
	t.Helper()
	st := tempStore(t)
	ctx := context.Background()
	return NewAssistantService(ctx, st, NewValidateService(st, "test", iamdb.Embedded), NewAuditService(ctx, st, iamdb.Embedded, &recordingEmitter{}), provider), st
}

func submit(answer string, cites ...string) llmtest.Reply {
	in, _ := json.Marshal(map[string]any{"answer": answer, "cites": cites})
	return llmtest.Reply{Blocks: []llm.Block{{ToolUse: &llm.ToolUse{ID: "t1", Name: "submit_answer", Input: in}}}, Stop: "tool_use"}
}

func TestAssistantWithoutModel(t *testing.T) {
	s, _ := newAssistantService(t, bedrockAt(llmtest.NewBedrock(t)))
	st, err := s.Status()
	if err != nil || st.Configured || !strings.Contains(st.Hint, "Bedrock model ID") || !strings.Contains(st.Hint, "OpenAI-compatible") {
		t.Errorf("Status: %+v %v", st, err)
	}
	r, err := s.Ask(AssistantQuestion{Validation: &ValidateRequest{Text: starPolicy}, Question: "Why is this critical?"})
	if err != nil || r.Status != AssistantUnconfigured || r.Notice != unconfiguredHint {
		t.Errorf("Ask: %+v %v", r, err)
	}
}

// TestAssistantConsent: nothing is sent before the person agrees to the
// exact request; the agreement covers one result, so another input asks
// again.
func TestAssistantConsent(t *testing.T) {
	srv := llmtest.NewBedrock(t, submit("Statement Everything allows every action on every resource (AEG-WILD-001).", "AEG-WILD-001"))
	s, st := newAssistantService(t, bedrockAt(srv))
	withModel(t, st)
	q := AssistantQuestion{Validation: &ValidateRequest{Text: starPolicy}, Question: "Why is this critical?"}

	r, err := s.Ask(q)
	if err != nil || r.Status != AssistantNeedsConsent || r.Consent == nil {
		t.Fatalf("first Ask: %+v %v", r, err)
	}
	if len(srv.Requests()) != 0 {
		t.Fatal("a request was sent before consent")
	}
	c := r.Consent
	if !strings.Contains(c.Preview.Body, "Why is this critical?") || !strings.Contains(c.Preview.URL, "/converse") || len(c.Tools) < 4 {
		t.Errorf("consent: %+v", c)
	}

	q.Consent = c.Digest
	r, err = s.Ask(q)
	if err != nil || r.Status != AssistantAnswered || len(r.Cites) != 1 || r.Cites[0].ID != "AEG-WILD-001" || r.Cites[0].Severity != "critical" {
		t.Fatalf("Ask with consent: %+v %v", r, err)
	}
	if got := string(srv.Requests()[0].Body); got != c.Preview.Body {
		t.Errorf("the request differs from the preview:\n got %.300s\nwant %.300s", got, c.Preview.Body)
	}

	q.Validation = &ValidateRequest{Text: strings.Replace(starPolicy, "Everything", "All", 1)}
	if r, err = s.Ask(q); err != nil || r.Status != AssistantNeedsConsent {
		t.Errorf("another input did not ask again: %+v %v", r, err)
	}
}

func TestAssistantAuditAndFailures(t *testing.T) {
	srv := llmtest.NewBedrock(t,
		llmtest.Reply{Error: &llmtest.ErrorReply{Status: 429, Type: "ThrottlingException", Message: "Too many requests"}},
		llmtest.Text("Grant iam:DoEverything to fix it."))
	s, st := newAssistantService(t, bedrockAt(srv))
	withModel(t, st)
	payload, _ := json.Marshal(AuditRun{Audit: &result.Audit{Account: "123456789012", Principals: []result.Principal{{ARN: "arn:aws:iam::123456789012:role/app",
		Type: "role", Name: "app", Activity: audit.Verdict{State: audit.StateUsed}, Permissions: result.Permissions{Unused: []string{"s3:DeleteObject"}}}}}})
	rec, err := store.NewHistory(st).Append(store.Record{Kind: store.KindAudit, Title: "123456789012", Payload: payload})
	if err != nil {
		t.Fatal(err)
	}
	q := AssistantQuestion{AuditID: rec.ID, Principal: "arn:aws:iam::123456789012:role/app", Question: "Is s3:DeleteObject used?"}
	r, err := s.Ask(q)
	if err != nil || r.Status != AssistantNeedsConsent || !strings.Contains(r.Consent.Preview.Body, "openPrincipal") {
		t.Fatalf("audit consent: %+v %v", r, err)
	}
	q.Consent = r.Consent.Digest
	if r, err = s.Ask(q); err != nil || r.Status != AssistantFailed || !strings.Contains(r.Notice, "throttl") {
		t.Errorf("throttled: %+v %v", r, err)
	}
	if r, err = s.Ask(q); err != nil || r.Status != AssistantFailed || !strings.Contains(r.Notice, "iam:DoEverything") || r.Answer != "" {
		t.Errorf("ungrounded answer shown: %+v %v", r, err)
	}
	if _, err := s.Ask(AssistantQuestion{Question: "?"}); err == nil {
		t.Error("a question about nothing was accepted")
	}
}

func TestModelSettings(t *testing.T) {
	svc := NewSettingsService(tempStore(t))
	base := DefaultSettings()
	for _, tt := range []struct {
		name   string
		edit   func(*Settings)
		fields []string
	}{
		{"openai needs a model", func(v *Settings) { v.ModelProvider = "openai" }, []string{"openaiModel"}},
		{"unknown provider", func(v *Settings) { v.ModelProvider = "palm" }, []string{"modelProvider"}},
		{"bad URL", func(v *Settings) {
			v.ModelProvider, v.OpenAIModel, v.OpenAIBaseURL = "openai", "llama3.1", "localhost:11434"
		}, []string{"openaiBaseUrl"}},
		{"credentials in URL", func(v *Settings) {
			v.ModelProvider, v.OpenAIModel, v.OpenAIBaseURL = "openai", "llama3.1", "https://me:key@llm.example.com/v1"
		}, []string{"openaiBaseUrl"}},
		{"valid", func(v *Settings) {
			v.ModelProvider, v.OpenAIModel, v.OpenAIBaseURL = "openai", " llama3.1 ", "http://gpu-box.lan:11434/v1"
		}, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			v := base
			tt.edit(&v)
			saved, err := svc.Save(v)
			var ve *ValidationError
			switch {
			case tt.fields == nil && err != nil:
				t.Fatalf("Save: %v", err)
			case tt.fields != nil && !errors.As(err, &ve):
				t.Fatalf("Save(%+v): got %v, want a ValidationError on %v", v, err, tt.fields)
			case tt.fields != nil:
				var got []string
				for _, f := range ve.Fields {
					got = append(got, f.Field)
				}
				if strings.Join(got, ",") != strings.Join(tt.fields, ",") {
					t.Errorf("invalid fields: got %v, want %v", got, tt.fields)
				}
			default:
				st := modelStatus(saved)
				if !st.Configured || st.Model != "llama3.1" || !strings.Contains(st.Warning, "unencrypted") {
					t.Errorf("status: %+v", st)
				}
				p, err := SettingsProvider(nil)(context.Background(), saved)
				if err != nil || p == nil || p.Model() != "llama3.1" || p.Name() != "OpenAI-compatible endpoint" {
					t.Errorf("SettingsProvider: %v %v", p, err)
				}
			}
		})
	}
	if p, err := SettingsProvider(nil)(context.Background(), base); p != nil || err != nil {
		t.Errorf("no model configured: got %v %v", p, err)
	}
}

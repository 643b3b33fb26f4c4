package assist

import (
	"context"
	"testing"

	"github.com/aegis-iam/aegis/backend/llm"
	"github.com/aegis-iam/aegis/backend/llm/llmtest"
)

// BenchmarkAsk measures one grounded answer of two turns (a tool call, then
// submit_answer with its checks) over the local OpenAI-compatible server:
// subject tools, redaction, the wire format and the answer checks, no model
// time.
func BenchmarkAsk(b *testing.B) {
	s := injectedSubject(b)
	var replies []llmtest.Reply
	for range b.N {
		replies = append(replies,
			toolTurn(use("t1", "get_findings", map[string]string{"severity": "critical"})),
			toolTurn(use("t2", "submit_answer", map[string]any{"answer": "The Admin statement allows iam:* on every resource (AEG-PRIV-010).", "cites": []string{"AEG-PRIV-010"}})))
	}
	srv := llmtest.NewOpenAI(b, replies...)
	a := &Assistant{Provider: llm.NewOpenAI(llm.OpenAIOptions{BaseURL: srv.URL + "/v1", Model: "llama3.1"}), Redactor: llm.NewRedactor()}
	b.ResetTimer()
	for range b.N {
		if _, err := a.Ask(context.Background(), s, nil, "Why is this critical?"); err != nil {
			b.Fatal(err)
		}
	}
}

// FuzzCheckAnswer: any model output is checked without a panic, and an
// accepted answer cites only facts of the result.
func FuzzCheckAnswer(f *testing.F) {
	s := injectedSubject(f)
	for _, seed := range []string{
		"The Admin statement allows iam:* on \"*\" (AEG-PRIV-010).",
		"arn:aws:s3:::uploads/* and s3:Get* and aws:SourceArn, at 10:30 on localhost:11434.",
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*"}]}`,
		"AEG-NOPE-001 arn:aws: arn:aws:iam::123456789012:role/x. iam:GrantEverything",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, text string) {
		cites, err := s.check(text, nil)
		if err != nil {
			return
		}
		for _, c := range cites {
			if _, ok := s.cite(c.ID); !ok {
				t.Errorf("check(%q) accepted %+v, which the result does not hold", text, c)
			}
		}
	})
}

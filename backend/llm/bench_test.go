package llm_test

import (
	"context"
	"strings"
	"testing"

	"github.com/aegis-iam/aegis/backend/generate"
	"github.com/aegis-iam/aegis/backend/llm"
	"github.com/aegis-iam/aegis/backend/llm/llmtest"
)

// BenchmarkAdvisorRoundTrip measures what Aegis adds to a model call: one
// tool turn and one submitted proposal over ConverseStream against a local
// server (SDK signing and event-stream decoding included, no model time).
func BenchmarkAdvisorRoundTrip(b *testing.B) {
	replies := make([]llmtest.Reply, 0, 2*b.N)
	for range b.N {
		replies = append(replies, toolTurn("t1", "lookup_actions", `{"service":"s3","actions":["GetObject"]}`),
			submit("t2", generate.Proposal{Kind: generate.ProposalNew, Intent: &lambdaS3}))
	}
	srv := llmtest.NewBedrock(b, replies...)
	a := &llm.Advisor{Provider: newBedrock(srv), Engine: fakeEngine(&lambdaS3), Redactor: llm.NewRedactor(), OnText: func(string) {}}
	req := generate.AdviceRequest{Message: "Lambda function that reads from S3 bucket uploads", Extracted: &lambdaS3}
	b.ResetTimer()
	for range b.N {
		if _, err := a.Propose(context.Background(), req); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRedact measures redaction of a 64 KiB policy-sized text.
func BenchmarkRedact(b *testing.B) {
	text := strings.Repeat(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::bucket-123/*","Principal":{"AWS":"arn:aws:iam::123456789012:root"}} `, 480)
	b.SetBytes(int64(len(text)))
	for range b.N {
		llm.NewRedactor().Redact(text)
	}
}

package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/aegis-iam/aegis/backend/generate"
	"github.com/aegis-iam/aegis/backend/llm"
	"github.com/aegis-iam/aegis/backend/llm/llmtest"
)

// TestGenerateWithAModel drives "aegis generate --llm openai" against a
// scripted OpenAI-compatible server: the model's proposal is applied and
// the engine builds the policies; a throttled model falls back to the
// deterministic engine with a clear message.
func TestGenerateWithAModel(t *testing.T) {
	isolateCache(t)
	const desc = "lambda: dynamodb users (read), s3 uploads (write)"
	proposal := generate.Proposal{Kind: generate.ProposalNew, Intent: &generate.Intent{
		Principal: generate.Principal{Kind: generate.PrincipalLambda},
		Resources: []generate.Resource{
			{Service: "dynamodb", Type: "table", Name: "users", Verbs: []generate.Verb{generate.VerbRead}},
			{Service: "s3", Type: "bucket", Name: "uploads", Verbs: []generate.Verb{generate.VerbWrite}},
		}}}
	input, _ := json.Marshal(proposal)
	srv := llmtest.NewOpenAI(t,
		llmtest.Reply{Blocks: []llm.Block{{ToolUse: &llm.ToolUse{ID: "c1", Name: "submit_proposal", Input: input}}}, Stop: "tool_use"},
		llmtest.Text("Done."))
	got := runCLI(t, []string{"generate", desc, "--llm", "openai", "--llm-model", "llama3.1", "--llm-url", srv.URL + "/v1", "--account", "123456789012", "--region", "eu-west-1"})
	if !strings.HasPrefix(got, "exit: 0") || !strings.Contains(got, `arn:aws:dynamodb:eu-west-1:123456789012:table/users`) || !strings.Contains(got, `arn:aws:s3:::uploads/*`) {
		t.Errorf("with the model's proposal: %s", got)
	}
	if len(srv.Requests()) == 0 || strings.Contains(string(srv.Requests()[0].Body), "123456789012") {
		t.Errorf("the account ID reached the model (redaction is on by default)")
	}

	throttled := llmtest.NewOpenAI(t, llmtest.Reply{Error: &llmtest.ErrorReply{Status: 429, Type: "rate_limit_exceeded", Message: "slow down"}})
	got = runCLI(t, []string{"generate", "Lambda function that reads from DynamoDB table 'users'", "--llm", "openai", "--llm-model", "llama3.1", "--llm-url", throttled.URL + "/v1"})
	if !strings.HasPrefix(got, "exit: 0") || !strings.Contains(got, "offline engine answered instead") {
		t.Errorf("a throttled model must fall back: %s", got)
	}

	if got := runCLI(t, []string{"generate", "x", "--llm", "openai"}); !strings.HasPrefix(got, "exit: 2") || !strings.Contains(got, "--llm-model") {
		t.Errorf("openai without a model: %s", got)
	}
}

// TestGenerateWithBedrock: --llm bedrock signs with the environment's
// credentials and reaches the Converse endpoint given by --llm-url; a
// throttled model falls back.
func TestGenerateWithBedrock(t *testing.T) {
	isolateCache(t)
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIAGENERATEEXAMPLE")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "generate-secret")
	t.Setenv("AWS_REGION", "eu-west-1")
	throttled := llmtest.Reply{Error: &llmtest.ErrorReply{Status: 400, Type: "ThrottlingException", Message: "Too many requests"}}
	srv := llmtest.NewBedrock(t, throttled, throttled, throttled) // the SDK retries a throttled call
	got := runCLI(t, []string{"generate", "Lambda function that reads from DynamoDB table 'users'", "--llm", "bedrock", "--llm-url", srv.URL})
	if !strings.HasPrefix(got, "exit: 0") || !strings.Contains(got, "offline engine answered instead") || strings.Contains(got, "generate-secret") {
		t.Errorf("throttled Bedrock: %s", got)
	}
	if len(srv.Requests()) == 0 || !strings.Contains(srv.Requests()[0].Header.Get("Authorization"), "AKIAGENERATEEXAMPLE/") {
		t.Errorf("the request was not signed with the environment's credentials")
	}
}

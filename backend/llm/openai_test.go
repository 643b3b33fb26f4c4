package llm_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/aegis-iam/aegis/backend/llm"
	"github.com/aegis-iam/aegis/backend/llm/llmtest"
)

func newOpenAI(srv *llmtest.Server) *llm.OpenAI {
	return llm.NewOpenAI(llm.OpenAIOptions{BaseURL: srv.URL + "/v1", Model: "llama3.1", APIKey: "sk-local"})
}

func TestOpenAIToolCalls(t *testing.T) {
	for _, stream := range []bool{false, true} {
		t.Run(map[bool]string{false: "json", true: "sse"}[stream], func(t *testing.T) {
			srv := llmtest.NewOpenAI(t,
				llmtest.Reply{Blocks: []llm.Block{{Text: "Checking."}, toolUse("call_a", "lookup_actions", `{"service":"s3"}`),
					toolUse("call_b", "lookup_actions", `{"service":"sqs"}`)}, Stop: "tool_use"},
				llmtest.Text("Done."))
			p := newOpenAI(srv)
			var streamed strings.Builder
			var onText func(string)
			if stream {
				onText = func(s string) { streamed.WriteString(s) }
			}
			req := llm.Request{System: "sys", Tools: []llm.ToolSpec{lookupSpec}, MaxTokens: 64,
				Messages: []llm.Message{{Role: llm.RoleUser, Content: []llm.Block{{Text: "hi"}}}}}
			resp, err := p.Complete(context.Background(), req, onText)
			if err != nil {
				t.Fatal(err)
			}
			want := llm.Message{Role: llm.RoleAssistant, Content: []llm.Block{{Text: "Checking."},
				toolUse("call_a", "lookup_actions", `{"service":"s3"}`), toolUse("call_b", "lookup_actions", `{"service":"sqs"}`)}}
			if diff := cmp.Diff(want, resp.Message, jsonEqual); diff != "" {
				t.Errorf("message (-want +got):\n%s", diff)
			}
			if resp.StopReason != llm.StopToolUse || resp.Usage.OutputTokens != 20 {
				t.Errorf("stop %q usage %+v", resp.StopReason, resp.Usage)
			}
			if stream && streamed.String() != "Checking." {
				t.Errorf("streamed %q", streamed.String())
			}
			req.Messages = append(req.Messages, resp.Message, llm.Message{Role: llm.RoleUser, Content: []llm.Block{
				{ToolResult: &llm.ToolResult{ToolUseID: "call_a", Content: json.RawMessage(`{"actions":[]}`)}},
				{ToolResult: &llm.ToolResult{ToolUseID: "call_b", Content: json.RawMessage(`"no such service"`), IsError: true}}}})
			if _, err := p.Complete(context.Background(), req, onText); err != nil {
				t.Fatal(err)
			}
			got := srv.Requests()
			if got[1].Header.Get("Authorization") != "Bearer sk-local" {
				t.Errorf("authorization header %q", got[1].Header.Get("Authorization"))
			}
			var body struct {
				Model    string            `json:"model"`
				Messages []json.RawMessage `json:"messages"`
				Tools    []json.RawMessage `json:"tools"`
				Stream   bool              `json:"stream"`
			}
			if err := json.Unmarshal(got[1].Body, &body); err != nil {
				t.Fatal(err)
			}
			wantMsgs := []string{
				`{"role":"system","content":"sys"}`,
				`{"role":"user","content":"hi"}`,
				`{"role":"assistant","content":"Checking.","tool_calls":[{"id":"call_a","type":"function","function":{"name":"lookup_actions","arguments":"{\"service\":\"s3\"}"}},{"id":"call_b","type":"function","function":{"name":"lookup_actions","arguments":"{\"service\":\"sqs\"}"}}]}`,
				`{"role":"tool","tool_call_id":"call_a","content":"{\"actions\":[]}"}`,
				`{"role":"tool","tool_call_id":"call_b","content":"ERROR: \"no such service\""}`,
			}
			var gotMsgs []string
			for _, m := range body.Messages {
				gotMsgs = append(gotMsgs, string(m))
			}
			if diff := cmp.Diff(wantMsgs, gotMsgs, jsonEqual); diff != "" {
				t.Errorf("messages (-want +got):\n%s", diff)
			}
			if body.Model != "llama3.1" || body.Stream != stream || len(body.Tools) != 1 {
				t.Errorf("model %q stream %v tools %d", body.Model, body.Stream, len(body.Tools))
			}
		})
	}
}

func TestOpenAIErrors(t *testing.T) {
	tests := []struct {
		name  string
		reply llmtest.Reply
		want  error
	}{
		{"rate limited", llmtest.Reply{Error: &llmtest.ErrorReply{Status: 429, Type: "rate_limit_exceeded", Message: "Rate limit reached"}}, llm.ErrThrottled},
		{"unauthorized", llmtest.Reply{Error: &llmtest.ErrorReply{Status: 401, Type: "invalid_request_error", Message: "Incorrect API key provided"}}, llm.ErrAccessDenied},
		{"model not pulled", llmtest.Reply{Error: &llmtest.ErrorReply{Status: 404, Type: "api_error", Message: `model "llama3.1" not found, try pulling it first`}}, llm.ErrModelNotFound},
		{"bad request", llmtest.Reply{Error: &llmtest.ErrorReply{Status: 400, Type: "invalid_request_error", Message: "messages is required"}}, llm.ErrBadRequest},
		{"server error", llmtest.Reply{Error: &llmtest.ErrorReply{Status: 500, Type: "api_error", Message: "boom"}}, llm.ErrUnavailable},
		{"stream error event", llmtest.Reply{Blocks: []llm.Block{{Text: "par"}}, StreamError: &llmtest.ErrorReply{Type: "rate_limit_exceeded", Message: "rate limit"}}, llm.ErrThrottled},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := llmtest.NewOpenAI(t, tt.reply)
			_, err := newOpenAI(srv).Complete(context.Background(), userRequest("hi"), func(string) {})
			if !errors.Is(err, tt.want) {
				t.Fatalf("error %v, want %v", err, tt.want)
			}
			var le *llm.Error
			if !errors.As(err, &le) || le.UserMessage() == "" || strings.Contains(err.Error(), "sk-local") {
				t.Errorf("error %v: no user message, or the API key leaked", err)
			}
		})
	}
}

func TestOpenAITimeoutAndUnreachable(t *testing.T) {
	p := llm.NewOpenAI(llm.OpenAIOptions{BaseURL: slowServer(t), Model: "m"})
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	if _, err := p.Complete(ctx, userRequest("hi"), nil); !errors.Is(err, llm.ErrTimeout) {
		t.Errorf("deadline: got %v, want ErrTimeout", err)
	}
	ln := listen(t)
	addr := ln.Addr().String()
	ln.Close()
	p = llm.NewOpenAI(llm.OpenAIOptions{BaseURL: "http://" + addr, Model: "m"})
	if _, err := p.Complete(context.Background(), userRequest("hi"), nil); !errors.Is(err, llm.ErrUnavailable) {
		t.Errorf("closed port: got %v, want ErrUnavailable", err)
	}
}

func TestOpenAIPayloadIsWhatIsSent(t *testing.T) {
	for _, stream := range []bool{false, true} {
		srv := llmtest.NewOpenAI(t, llmtest.Text("ok"))
		p := newOpenAI(srv)
		req := llm.Request{System: "sys", Tools: []llm.ToolSpec{lookupSpec}, Messages: userRequest("hello").Messages}
		preview, err := p.Payload(context.Background(), req, stream)
		if err != nil {
			t.Fatal(err)
		}
		var onText func(string)
		if stream {
			onText = func(string) {}
		}
		if _, err := p.Complete(context.Background(), req, onText); err != nil {
			t.Fatal(err)
		}
		if sent := srv.Requests()[0]; string(sent.Body) != string(preview.Body) || !strings.HasSuffix(preview.URL, sent.Path) {
			t.Errorf("stream=%v: preview %s %s, sent %s %s", stream, preview.URL, preview.Body, sent.Path, sent.Body)
		}
		if strings.Contains(string(preview.Body), "sk-local") {
			t.Errorf("preview carries the API key")
		}
	}
}

package llm_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/google/go-cmp/cmp"

	"github.com/aegis-iam/aegis/backend/awsapi/awsapitest"
	"github.com/aegis-iam/aegis/backend/llm"
	"github.com/aegis-iam/aegis/backend/llm/llmtest"
)

const testSecret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"

func testAWSConfig() aws.Config {
	return aws.Config{Region: "eu-west-1", Credentials: aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
		return aws.Credentials{AccessKeyID: "AKIAIOSFODNN7EXAMPLE", SecretAccessKey: testSecret, Source: "test"}, nil
	})}
}

func newBedrock(srv *llmtest.Server) *llm.Bedrock {
	return llm.NewBedrock(testAWSConfig(), llm.BedrockOptions{BaseEndpoint: srv.URL, MaxAttempts: 1})
}

var lookupSpec = llm.ToolSpec{Name: "lookup_actions", Description: "look up actions",
	InputSchema: json.RawMessage(`{"type":"object","properties":{"service":{"type":"string"}},"required":["service"]}`)}

func toolUse(id, name, input string) llm.Block {
	return llm.Block{ToolUse: &llm.ToolUse{ID: id, Name: name, Input: json.RawMessage(input)}}
}

// toolTurn is a reply that says a few words and calls one tool.
func toolTurn(id, name, input string) llmtest.Reply {
	return llmtest.Reply{Blocks: []llm.Block{{Text: "Let me check."}, toolUse(id, name, input)}, Stop: "tool_use"}
}

func TestBedrockConverseToolUse(t *testing.T) {
	for _, stream := range []bool{false, true} {
		t.Run(map[bool]string{false: "converse", true: "converse-stream"}[stream], func(t *testing.T) {
			srv := llmtest.NewBedrock(t, toolTurn("tooluse_1", "lookup_actions", `{"service":"s3"}`), llmtest.Text("s3 has GetObject."))
			p := newBedrock(srv)
			var streamed strings.Builder
			var onText func(string)
			if stream {
				onText = func(s string) { streamed.WriteString(s) }
			}
			req := llm.Request{System: "be brief", Tools: []llm.ToolSpec{lookupSpec}, MaxTokens: 512,
				Messages: []llm.Message{{Role: llm.RoleUser, Content: []llm.Block{{Text: "what can s3 do?"}}}}}
			resp, err := p.Complete(context.Background(), req, onText)
			if err != nil {
				t.Fatal(err)
			}
			want := llm.Message{Role: llm.RoleAssistant, Content: []llm.Block{{Text: "Let me check."}, toolUse("tooluse_1", "lookup_actions", `{"service":"s3"}`)}}
			if diff := cmp.Diff(want, resp.Message, jsonEqual); diff != "" {
				t.Errorf("message (-want +got):\n%s", diff)
			}
			if resp.StopReason != llm.StopToolUse || resp.Usage.InputTokens != 100 {
				t.Errorf("stop %q usage %+v, want tool_use and 100 input tokens", resp.StopReason, resp.Usage)
			}
			if stream && streamed.String() != "Let me check." {
				t.Errorf("streamed %q, want %q", streamed.String(), "Let me check.")
			}

			// The tool result goes back in a user turn.
			req.Messages = append(req.Messages, resp.Message, llm.Message{Role: llm.RoleUser, Content: []llm.Block{
				{ToolResult: &llm.ToolResult{ToolUseID: "tooluse_1", Content: json.RawMessage(`{"actions":["s3:GetObject"]}`)}}}})
			resp, err = p.Complete(context.Background(), req, onText)
			if err != nil {
				t.Fatal(err)
			}
			if got := resp.Message.Content[0].Text; got != "s3 has GetObject." || resp.StopReason != llm.StopEndTurn {
				t.Errorf("second turn: %q %q", got, resp.StopReason)
			}

			got := srv.Requests()
			path := "/model/" + strings.ReplaceAll(llm.DefaultBedrockModel, ":", "%3A") + "/converse"
			if stream {
				path += "-stream"
			}
			if got[0].Path != path {
				t.Errorf("path %s, want %s", got[0].Path, path)
			}
			if auth := got[0].Header.Get("Authorization"); !strings.Contains(auth, "Credential=AKIAIOSFODNN7EXAMPLE/") || !strings.Contains(auth, "/eu-west-1/bedrock/aws4_request") {
				t.Errorf("request not signed with the profile's credentials for eu-west-1: %q", auth)
			}
			var body struct {
				Messages []struct {
					Role    string            `json:"role"`
					Content []json.RawMessage `json:"content"`
				} `json:"messages"`
				System     []map[string]string `json:"system"`
				ToolConfig struct {
					Tools []struct {
						ToolSpec struct {
							Name        string `json:"name"`
							InputSchema struct {
								JSON map[string]any `json:"json"`
							} `json:"inputSchema"`
						} `json:"toolSpec"`
					} `json:"tools"`
				} `json:"toolConfig"`
				InferenceConfig struct {
					MaxTokens int `json:"maxTokens"`
				} `json:"inferenceConfig"`
			}
			if err := json.Unmarshal(got[1].Body, &body); err != nil {
				t.Fatalf("request body %s: %v", got[1].Body, err)
			}
			if len(body.Messages) != 3 || body.System[0]["text"] != "be brief" || body.ToolConfig.Tools[0].ToolSpec.Name != "lookup_actions" ||
				body.ToolConfig.Tools[0].ToolSpec.InputSchema.JSON["type"] != "object" || body.InferenceConfig.MaxTokens != 512 {
				t.Errorf("request body does not carry the conversation, system prompt, tools and limits: %s", got[1].Body)
			}
			if diff := cmp.Diff(`{"toolResult":{"content":[{"json":{"actions":["s3:GetObject"]}}],"status":"success","toolUseId":"tooluse_1"}}`,
				string(body.Messages[2].Content[0]), jsonEqual); diff != "" {
				t.Errorf("tool result turn (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(`{"toolUse":{"input":{"service":"s3"},"name":"lookup_actions","toolUseId":"tooluse_1"}}`,
				string(body.Messages[1].Content[1]), jsonEqual); diff != "" {
				t.Errorf("tool use turn (-want +got):\n%s", diff)
			}
		})
	}
}

// TestBedrockLostAnswer: a Converse answer lost in transit is asked for
// again by the SDK's retryer; the model is called once and its answer
// used.
func TestBedrockLostAnswer(t *testing.T) {
	srv := llmtest.NewBedrock(t, llmtest.Text("s3 has GetObject."))
	cfg := testAWSConfig()
	cfg.HTTPClient = awsapitest.NewLossyClient("converse")
	resp, err := llm.NewBedrock(cfg, llm.BedrockOptions{BaseEndpoint: srv.URL, MaxAttempts: 2}).Complete(context.Background(), userRequest("hi"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(resp.Message.Content) != 1 || resp.Message.Content[0].Text != "s3 has GetObject." || len(srv.Requests()) != 1 || srv.Left() != 0 {
		t.Errorf("answer %+v after %d model calls, %d replies left", resp.Message, len(srv.Requests()), srv.Left())
	}
}

func TestBedrockErrors(t *testing.T) {
	tests := []struct {
		name  string
		reply llmtest.Reply
		want  error
	}{
		{"throttled", llmtest.Reply{Error: &llmtest.ErrorReply{Status: 429, Type: "ThrottlingException", Message: "Too many requests, please wait before trying again."}}, llm.ErrThrottled},
		{"access denied", llmtest.Reply{Error: &llmtest.ErrorReply{Status: 403, Type: "AccessDeniedException", Message: "You don't have access to the model with the specified model ID."}}, llm.ErrAccessDenied},
		{"model not found", llmtest.Reply{Error: &llmtest.ErrorReply{Status: 404, Type: "ResourceNotFoundException", Message: "Model not found."}}, llm.ErrModelNotFound},
		{"invalid model id", llmtest.Reply{Error: &llmtest.ErrorReply{Status: 400, Type: "ValidationException", Message: "The provided model identifier is invalid."}}, llm.ErrModelNotFound},
		{"bad request", llmtest.Reply{Error: &llmtest.ErrorReply{Status: 400, Type: "ValidationException", Message: "messages: field required"}}, llm.ErrBadRequest},
		{"model timeout", llmtest.Reply{Error: &llmtest.ErrorReply{Status: 408, Type: "ModelTimeoutException", Message: "Model has timed out in processing the request."}}, llm.ErrTimeout},
		{"unavailable", llmtest.Reply{Error: &llmtest.ErrorReply{Status: 503, Type: "ServiceUnavailableException", Message: "Service unavailable."}}, llm.ErrUnavailable},
		{"stream throttled", llmtest.Reply{Blocks: []llm.Block{{Text: "partial"}}, StreamError: &llmtest.ErrorReply{Type: "ThrottlingException", Message: "Too many tokens"}}, llm.ErrThrottled},
		{"stream model error", llmtest.Reply{StreamError: &llmtest.ErrorReply{Type: "ModelStreamErrorException", Message: "stream broke"}}, llm.ErrBadResponse},
	}
	for _, tt := range tests {
		for _, stream := range []bool{false, true} {
			if tt.reply.StreamError != nil && !stream {
				continue
			}
			t.Run(tt.name+map[bool]string{false: "", true: "/stream"}[stream], func(t *testing.T) {
				srv := llmtest.NewBedrock(t, tt.reply)
				var onText func(string)
				if stream {
					onText = func(string) {}
				}
				_, err := newBedrock(srv).Complete(context.Background(), userRequest("hi"), onText)
				if !errors.Is(err, tt.want) {
					t.Fatalf("error %v, want %v", err, tt.want)
				}
				var le *llm.Error
				if !errors.As(err, &le) || le.UserMessage() == "" {
					t.Fatalf("error %T has no user message", err)
				}
				if strings.Contains(err.Error(), testSecret) || strings.Contains(le.UserMessage(), testSecret) {
					t.Errorf("error reveals the secret key: %v", err)
				}
			})
		}
	}
}

func userRequest(text string) llm.Request {
	return llm.Request{Messages: []llm.Message{{Role: llm.RoleUser, Content: []llm.Block{{Text: text}}}}}
}

// slowServer answers after the test has given up.
func slowServer(t *testing.T) string {
	done := make(chan struct{})
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-done:
		case <-r.Context().Done():
		}
	})}
	ln := listen(t)
	go srv.Serve(ln)
	t.Cleanup(func() { close(done); srv.Close() })
	return "http://" + ln.Addr().String()
}

func TestBedrockTimeoutAndCancel(t *testing.T) {
	url := slowServer(t)
	p := llm.NewBedrock(testAWSConfig(), llm.BedrockOptions{BaseEndpoint: url, MaxAttempts: 1})
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	_, err := p.Complete(ctx, userRequest("hi"), nil)
	if !errors.Is(err, llm.ErrTimeout) || !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("deadline: got %v, want ErrTimeout wrapping context.DeadlineExceeded", err)
	}
	ctx, cancel = context.WithCancel(context.Background())
	time.AfterFunc(50*time.Millisecond, cancel)
	_, err = p.Complete(ctx, userRequest("hi"), func(string) {})
	if !errors.Is(err, llm.ErrCanceled) || !errors.Is(err, context.Canceled) {
		t.Errorf("cancel: got %v, want ErrCanceled wrapping context.Canceled", err)
	}
}

// The preview is byte for byte what the first call sends, and never carries
// credentials.
func TestBedrockPayloadIsWhatIsSent(t *testing.T) {
	for _, stream := range []bool{false, true} {
		srv := llmtest.NewBedrock(t, llmtest.Text("ok"))
		p := newBedrock(srv)
		req := llm.Request{System: "sys", Tools: []llm.ToolSpec{lookupSpec}, MaxTokens: 100,
			Messages: []llm.Message{{Role: llm.RoleUser, Content: []llm.Block{{Text: "hello"}}}}}
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
		sent := srv.Requests()[0]
		if string(preview.Body) != string(sent.Body) {
			t.Errorf("stream=%v: preview\n%s\nsent\n%s", stream, preview.Body, sent.Body)
		}
		if !strings.HasSuffix(preview.URL, sent.Path) || preview.Method != sent.Method {
			t.Errorf("stream=%v: preview %s %s, sent %s %s", stream, preview.Method, preview.URL, sent.Method, sent.Path)
		}
		if strings.Contains(string(preview.Body), "AKIA") || strings.Contains(string(preview.Body), testSecret) {
			t.Errorf("preview carries credentials")
		}
	}
}

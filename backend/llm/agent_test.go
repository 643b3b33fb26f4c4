package llm_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/aegis-iam/aegis/backend/llm"
	"github.com/aegis-iam/aegis/backend/llm/llmtest"
)

// The agent on its own, with tools of the caller's: input that does not
// match a tool's schema is rejected and reported, a Final tool ends the run.
func TestAgentToolLoop(t *testing.T) {
	srv := llmtest.NewOpenAI(t,
		toolTurn("c1", "explain_check", `{"id":"IAM001","verbose":true}`),
		toolTurn("c2", "explain_check", `{"id":"IAM001"}`),
		llmtest.Reply{Blocks: []llm.Block{toolUse("c3", "answer", `{"text":"IAM001 flags a wildcard action."}`)}, Stop: "tool_use"},
	)
	var asked []string
	agent := &llm.Agent{Provider: newOpenAI(srv), System: "answer from the findings only", Tools: []llm.Tool{
		llm.NewTool("explain_check", "explain a check", `{"type":"object","properties":{"id":{"type":"string"}},"required":["id"]}`, false,
			func(_ context.Context, in struct {
				ID string `json:"id"`
			}) (any, error) {
				asked = append(asked, in.ID)
				return map[string]string{"title": "Wildcard action"}, nil
			}),
		llm.NewTool("answer", "give the answer", `{"type":"object","properties":{"text":{"type":"string"}},"required":["text"]}`, true,
			func(_ context.Context, in struct {
				Text string `json:"text"`
			}) (any, error) {
				return nil, nil
			}),
	}}
	res, err := agent.Run(context.Background(), []llm.Message{{Role: llm.RoleUser, Content: []llm.Block{{Text: "why is IAM001 critical?"}}}})
	if err != nil {
		t.Fatal(err)
	}
	if res.Turns != 3 || res.Final == nil || string(res.Final.Input) != `{"text":"IAM001 flags a wildcard action."}` {
		t.Fatalf("turns %d, final %+v", res.Turns, res.Final)
	}
	if diff := cmp.Diff([]string{"IAM001"}, asked); diff != "" {
		t.Errorf("tool calls (-want +got):\n%s", diff)
	}
	if len(res.Rejected) != 1 || res.Rejected[0].Tool != "explain_check" {
		t.Errorf("rejected %+v, want the call with an unknown field", res.Rejected)
	}
	var last []json.RawMessage
	_ = json.Unmarshal([]byte(tail(srv.Requests()[1].Body)), &last)
	if len(last) == 0 || !json.Valid(last[len(last)-1]) {
		t.Errorf("second request has no tool result: %s", tail(srv.Requests()[1].Body))
	}
}

package llmtest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"testing"
)

// NewOpenAI starts an OpenAI-compatible server answering POST
// /v1/chat/completions with the replies, in order: JSON, or server-sent
// events when the request asks to stream.
func NewOpenAI(t testing.TB, replies ...Reply) *Server {
	return newServer(t, replies, func(s *Server, w http.ResponseWriter, r *http.Request, body []byte, reply Reply) {
		if r.Method != http.MethodPost || r.URL.Path != "/v1/chat/completions" {
			s.t.Errorf("llmtest: not a chat completion: %s %s", r.Method, r.URL.Path)
			openAIError(w, ErrorReply{Status: 404, Type: "invalid_request_error", Message: "unknown path"})
			return
		}
		if reply.Error != nil {
			openAIError(w, *reply.Error)
			return
		}
		var req struct {
			Stream bool `json:"stream"`
		}
		_ = json.Unmarshal(body, &req)
		if req.Stream {
			openAIStream(w, reply)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		msg := map[string]any{"role": "assistant", "content": nil}
		if text := replyText(reply); text != "" {
			msg["content"] = text
		}
		if calls := toolCalls(reply); len(calls) > 0 {
			msg["tool_calls"] = calls
		}
		_ = json.NewEncoder(w).Encode(map[string]any{
			"id": "chatcmpl-1", "object": "chat.completion", "created": 1700000000, "model": "local",
			"choices": []any{map[string]any{"index": 0, "message": msg, "finish_reason": finishReason(reply.Stop)}},
			"usage":   map[string]int{"prompt_tokens": 100, "completion_tokens": 20, "total_tokens": 120},
		})
	})
}

// openAIError writes {"error": {"message", "type", "code"}} with the status.
func openAIError(w http.ResponseWriter, e ErrorReply) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(e.Status)
	_ = json.NewEncoder(w).Encode(map[string]any{"error": map[string]any{"message": e.Message, "type": e.Type, "code": nil}})
}

func finishReason(stop string) string {
	switch stop {
	case "tool_use":
		return "tool_calls"
	case "max_tokens":
		return "length"
	}
	return "stop"
}

func replyText(reply Reply) string {
	var s string
	for _, b := range reply.Blocks {
		s += b.Text
	}
	return s
}

func toolCalls(reply Reply) []any {
	var calls []any
	for _, b := range reply.Blocks {
		if b.ToolUse == nil {
			continue
		}
		c := map[string]any{"id": b.ToolUse.ID, "type": "function",
			"function": map[string]string{"name": b.ToolUse.Name, "arguments": string(b.ToolUse.Input)}}
		calls = append(calls, c)
	}
	return calls
}

// openAIStream writes chat.completion.chunk events: the role, text pieces,
// each tool call opened with its id and name and then its arguments in
// pieces, the finish reason, a usage chunk and [DONE].
func openAIStream(w http.ResponseWriter, reply Reply) {
	w.Header().Set("Content-Type", "text/event-stream")
	w.WriteHeader(http.StatusOK)
	send := func(v any) {
		b, _ := json.Marshal(v)
		fmt.Fprintf(w, "data: %s\n\n", b)
		if f, ok := w.(http.Flusher); ok {
			f.Flush()
		}
	}
	chunk := func(delta map[string]any, finish any) map[string]any {
		return map[string]any{"id": "chatcmpl-1", "object": "chat.completion.chunk", "created": 1700000000, "model": "local",
			"choices": []any{map[string]any{"index": 0, "delta": delta, "finish_reason": finish}}}
	}
	fmt.Fprint(w, ": keep-alive comment\n\n")
	send(chunk(map[string]any{"role": "assistant", "content": ""}, nil))
	for _, piece := range chunks(replyText(reply), 5) {
		send(chunk(map[string]any{"content": piece}, nil))
	}
	n := 0
	for _, b := range reply.Blocks {
		if b.ToolUse == nil {
			continue
		}
		send(chunk(map[string]any{"tool_calls": []any{map[string]any{"index": n, "id": b.ToolUse.ID, "type": "function",
			"function": map[string]string{"name": b.ToolUse.Name, "arguments": ""}}}}, nil))
		for _, piece := range chunks(string(b.ToolUse.Input), 7) {
			send(chunk(map[string]any{"tool_calls": []any{map[string]any{"index": n,
				"function": map[string]string{"arguments": piece}}}}, nil))
		}
		n++
	}
	if e := reply.StreamError; e != nil {
		send(map[string]any{"error": map[string]any{"message": e.Message, "type": e.Type}})
		return
	}
	send(chunk(map[string]any{}, finishReason(reply.Stop)))
	send(map[string]any{"id": "chatcmpl-1", "object": "chat.completion.chunk", "choices": []any{},
		"usage": map[string]int{"prompt_tokens": 100, "completion_tokens": 20, "total_tokens": 120}})
	fmt.Fprint(w, "data: [DONE]\n\n")
}

package llmtest

import (
	"encoding/json"
	"net/http"
	"regexp"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws/protocol/eventstream"
)

// converseRoute matches Converse and ConverseStream; the model ID is
// URL-escaped in the path (":" as %3A).
var converseRoute = regexp.MustCompile(`^/model/([^/]+)/(converse|converse-stream)$`)

// NewBedrock starts a Bedrock runtime server answering Converse and
// ConverseStream with the replies, in order.
func NewBedrock(t testing.TB, replies ...Reply) *Server {
	return newServer(t, replies, func(s *Server, w http.ResponseWriter, r *http.Request, _ []byte, reply Reply) {
		m := converseRoute.FindStringSubmatch(r.URL.EscapedPath())
		if r.Method != http.MethodPost || m == nil {
			s.t.Errorf("llmtest: not a Converse call: %s %s", r.Method, r.URL.Path)
			awsError(w, ErrorReply{Status: 404, Type: "UnknownOperationException", Message: "unknown operation"})
			return
		}
		if reply.Error != nil {
			awsError(w, *reply.Error)
			return
		}
		if m[2] == "converse" {
			converseJSON(w, reply)
			return
		}
		converseStream(s.t, w, reply)
	})
}

// awsError writes a restJson1 error: the type in X-Amzn-ErrorType (with the
// namespace suffix Bedrock sends) and {"message": ...} in the body.
func awsError(w http.ResponseWriter, e ErrorReply) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Amzn-ErrorType", e.Type+":http://internal.amazon.com/coral/com.amazon.bedrock/")
	w.Header().Set("X-Amzn-RequestId", "5d7e1b0e-0000-4000-8000-000000000001")
	w.WriteHeader(e.Status)
	_ = json.NewEncoder(w).Encode(map[string]string{"message": e.Message})
}

func contentJSON(reply Reply) []any {
	var content []any
	for _, b := range reply.Blocks {
		if b.ToolUse != nil {
			content = append(content, map[string]any{"toolUse": map[string]any{
				"toolUseId": b.ToolUse.ID, "name": b.ToolUse.Name, "input": json.RawMessage(b.ToolUse.Input)}})
			continue
		}
		content = append(content, map[string]any{"text": b.Text})
	}
	return content
}

func converseJSON(w http.ResponseWriter, reply Reply) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{
		"output":     map[string]any{"message": map[string]any{"role": "assistant", "content": contentJSON(reply)}},
		"stopReason": reply.Stop,
		"usage":      map[string]int{"inputTokens": 100, "outputTokens": 20, "totalTokens": 120},
		"metrics":    map[string]int{"latencyMs": 42},
	})
}

// converseStream writes the reply as ConverseStream events: messageStart,
// for each block contentBlockStart (tool uses), contentBlockDelta pieces and
// contentBlockStop, then messageStop and metadata, or an exception.
func converseStream(t testing.TB, w http.ResponseWriter, reply Reply) {
	w.Header().Set("Content-Type", "application/vnd.amazon.eventstream")
	w.WriteHeader(http.StatusOK)
	enc := eventstream.NewEncoder()
	send := func(msgType, typeHeader, name string, payload any) {
		body, err := json.Marshal(payload)
		if err != nil {
			t.Errorf("llmtest: %v", err)
			return
		}
		var h eventstream.Headers
		h.Set(":message-type", eventstream.StringValue(msgType))
		h.Set(typeHeader, eventstream.StringValue(name))
		h.Set(":content-type", eventstream.StringValue("application/json"))
		if err := enc.Encode(w, eventstream.Message{Headers: h, Payload: body}); err != nil {
			t.Errorf("llmtest: encode %s: %v", name, err)
		}
		if f, ok := w.(http.Flusher); ok {
			f.Flush()
		}
	}
	event := func(name string, payload any) { send("event", ":event-type", name, payload) }
	event("messageStart", map[string]string{"role": "assistant"})
	for i, b := range reply.Blocks {
		if b.ToolUse != nil {
			event("contentBlockStart", map[string]any{"contentBlockIndex": i,
				"start": map[string]any{"toolUse": map[string]string{"toolUseId": b.ToolUse.ID, "name": b.ToolUse.Name}}})
			for _, piece := range chunks(string(b.ToolUse.Input), 7) {
				event("contentBlockDelta", map[string]any{"contentBlockIndex": i,
					"delta": map[string]any{"toolUse": map[string]string{"input": piece}}})
			}
		} else {
			for _, piece := range chunks(b.Text, 5) {
				event("contentBlockDelta", map[string]any{"contentBlockIndex": i, "delta": map[string]string{"text": piece}})
			}
		}
		event("contentBlockStop", map[string]int{"contentBlockIndex": i})
	}
	if e := reply.StreamError; e != nil {
		send("exception", ":exception-type", lowerFirst(e.Type), map[string]string{"message": e.Message})
		return
	}
	event("messageStop", map[string]string{"stopReason": reply.Stop})
	event("metadata", map[string]any{"usage": map[string]int{"inputTokens": 100, "outputTokens": 20, "totalTokens": 120},
		"metrics": map[string]int{"latencyMs": 42}})
}

// lowerFirst turns an exception shape name into its stream member name
// (ThrottlingException → throttlingException).
func lowerFirst(s string) string {
	if s == "" || s[0] < 'A' || s[0] > 'Z' {
		return s
	}
	return string(s[0]+'a'-'A') + s[1:]
}

// Package llmtest runs local HTTP servers that speak the model wire formats
// the llm package uses, with scripted replies: Amazon Bedrock's Converse
// (restJson1, POST /model/{modelId}/converse) and ConverseStream
// (application/vnd.amazon.eventstream frames), and OpenAI chat completions
// (JSON and server-sent events). Errors are sent in each service's own
// format. Tests point the SDK's BaseEndpoint, or the OpenAI base URL, at
// Server.URL.
package llmtest

import (
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/aegis-iam/aegis/backend/llm"
)

// Reply is one scripted answer: the assistant's content (text and tool
// uses, in order) and its stop reason, or an error.
type Reply struct {
	Blocks []llm.Block
	// Stop is the stop reason in Bedrock's terms (end_turn, tool_use,
	// max_tokens); the OpenAI server maps it to a finish_reason.
	Stop string
	// Error, when set, is returned instead of a message.
	Error *ErrorReply
	// StreamError, when set, ends a streamed reply with an error event
	// after the content has been sent.
	StreamError *ErrorReply
}

// ErrorReply is a service error: the HTTP status, the error type
// (ThrottlingException, AccessDeniedException; rate_limit_exceeded) and
// its message.
type ErrorReply struct {
	Status  int
	Type    string
	Message string
}

// Text returns a Reply with one text block that ends the turn.
func Text(s string) Reply {
	return Reply{Blocks: []llm.Block{{Text: s}}, Stop: "end_turn"}
}

// Recorded is one request the server received.
type Recorded struct {
	Method string
	Path   string
	Header http.Header
	Body   []byte
}

// Server is a scripted model server.
type Server struct {
	*httptest.Server
	t       testing.TB
	mu      sync.Mutex
	replies []Reply
	got     []Recorded
	// answered holds the reply each SDK call (amz-sdk-invocation-id) got
	// when it was not an error: a retry of that call, after its response
	// was lost in transit, gets it again.
	answered map[string]Reply
}

func newServer(t testing.TB, replies []Reply, serve func(s *Server, w http.ResponseWriter, r *http.Request, body []byte, reply Reply)) *Server {
	s := &Server{t: t, replies: replies, answered: map[string]Reply{}}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		call := r.Header.Get("Amz-Sdk-Invocation-Id")
		s.mu.Lock()
		if reply, ok := s.answered[call]; ok && call != "" {
			s.mu.Unlock()
			serve(s, w, r, body, reply)
			return
		}
		s.got = append(s.got, Recorded{Method: r.Method, Path: r.URL.EscapedPath(), Header: r.Header.Clone(), Body: body})
		if len(s.replies) == 0 {
			s.mu.Unlock()
			t.Errorf("llmtest: unexpected request %s %s: no scripted reply left", r.Method, r.URL.Path)
			http.Error(w, `{"message":"no scripted reply"}`, http.StatusInternalServerError)
			return
		}
		reply := s.replies[0]
		s.replies = s.replies[1:]
		if reply.Error == nil && call != "" {
			s.answered[call] = reply
		}
		s.mu.Unlock()
		serve(s, w, r, body, reply)
	}))
	t.Cleanup(s.Close)
	return s
}

// Requests returns the requests received so far, one per scripted reply
// used: a call sent again after its answer was lost is not a new request.
func (s *Server) Requests() []Recorded {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Recorded(nil), s.got...)
}

// Left is the number of scripted replies not yet used.
func (s *Server) Left() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.replies)
}

// chunks splits s into pieces of at most n bytes, as a streaming server
// would.
func chunks(s string, n int) []string {
	var out []string
	for len(s) > n {
		out = append(out, s[:n])
		s = s[n:]
	}
	if s != "" {
		out = append(out, s)
	}
	return out
}

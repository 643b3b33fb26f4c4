package llm

import (
	"context"
	"encoding/json"
)

// Role is who wrote a message.
type Role string

// The two roles of a conversation. Tool results travel in user messages, as
// in the Converse API.
const (
	RoleUser      Role = "user"
	RoleAssistant Role = "assistant"
)

// StopReason says why the model stopped writing.
type StopReason string

// The stop reasons the agent acts on; a provider maps its own values to these
// and keeps anything else as is.
const (
	StopEndTurn   StopReason = "end_turn"
	StopToolUse   StopReason = "tool_use"
	StopMaxTokens StopReason = "max_tokens"
	StopFiltered  StopReason = "content_filtered"
)

// Message is one turn of a conversation.
type Message struct {
	Role    Role    `json:"role"`
	Content []Block `json:"content"`
}

// Block is one piece of a message: exactly one of Text, ToolUse and
// ToolResult is set.
type Block struct {
	Text       string      `json:"text,omitempty"`
	ToolUse    *ToolUse    `json:"toolUse,omitempty"`
	ToolResult *ToolResult `json:"toolResult,omitempty"`
}

// ToolUse is the model's request to call a tool.
type ToolUse struct {
	ID    string          `json:"id"`
	Name  string          `json:"name"`
	Input json.RawMessage `json:"input"`
}

// ToolResult answers the ToolUse with the same ID. Content is a JSON value;
// IsError tells the model the call failed and why (Content then holds the
// message), so that it can repair its call.
type ToolResult struct {
	ToolUseID string          `json:"toolUseId"`
	Content   json.RawMessage `json:"content"`
	IsError   bool            `json:"isError,omitempty"`
}

// ToolSpec describes a tool to the model: a name, what it does and the JSON
// Schema of its input.
type ToolSpec struct {
	Name        string          `json:"name"`
	Description string          `json:"description"`
	InputSchema json.RawMessage `json:"inputSchema"`
}

// Request is one call to a model.
type Request struct {
	System    string
	Messages  []Message
	Tools     []ToolSpec
	MaxTokens int
}

// Usage counts tokens as the provider reported them.
type Usage struct {
	InputTokens  int `json:"inputTokens"`
	OutputTokens int `json:"outputTokens"`
}

// Response is the model's answer to a Request.
type Response struct {
	Message    Message
	StopReason StopReason
	Usage      Usage
}

// Payload is exactly what a provider will send for a Request, so that a user
// can see it and agree before anything leaves the machine. Credentials and
// signatures are never part of it.
type Payload struct {
	Provider string `json:"provider"`
	Model    string `json:"model"`
	Method   string `json:"method"`
	URL      string `json:"url"`
	Body     []byte `json:"body"`
}

// Provider is a model endpoint. Complete streams text deltas to onText when
// it is not nil (using the provider's streaming API) and returns the whole
// message in either case. Payload returns what Complete would send, for the
// streaming API when stream is true. Errors are *Error values (errors.go).
type Provider interface {
	Name() string
	Model() string
	Complete(ctx context.Context, req Request, onText func(string)) (*Response, error)
	Payload(ctx context.Context, req Request, stream bool) (*Payload, error)
}

// text returns the concatenated text blocks of m.
func (m Message) text() string {
	var s string
	for _, b := range m.Content {
		s += b.Text
	}
	return s
}

// toolUses returns the tool calls in m, in order.
func (m Message) toolUses() []ToolUse {
	var out []ToolUse
	for _, b := range m.Content {
		if b.ToolUse != nil {
			out = append(out, *b.ToolUse)
		}
	}
	return out
}

package llm

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
)

// DefaultOpenAIBaseURL is Ollama's OpenAI-compatible endpoint on this
// machine.
const DefaultOpenAIBaseURL = "http://localhost:11434/v1"

// OpenAIOptions configures a provider for an OpenAI-compatible
// chat-completions endpoint (https://platform.openai.com/docs/api-reference/chat).
type OpenAIOptions struct {
	// BaseURL is the API root; "/chat/completions" is appended.
	BaseURL string
	// APIKey, when set, is sent as a bearer token; a local model needs none.
	APIKey string
	// Model is the model name the server knows ("llama3.1", "qwen2.5").
	Model string
	// HTTPClient defaults to http.DefaultClient; set its Timeout for a
	// bound on each call.
	HTTPClient  *http.Client
	Temperature *float32
}

// OpenAI calls an OpenAI-compatible chat-completions endpoint with tools,
// streaming through server-sent events.
type OpenAI struct {
	opts OpenAIOptions
	url  string
}

// NewOpenAI returns an OpenAI-compatible provider.
func NewOpenAI(opts OpenAIOptions) *OpenAI {
	if opts.BaseURL == "" {
		opts.BaseURL = DefaultOpenAIBaseURL
	}
	if opts.HTTPClient == nil {
		opts.HTTPClient = http.DefaultClient
	}
	return &OpenAI{opts: opts, url: strings.TrimRight(opts.BaseURL, "/") + "/chat/completions"}
}

// Name implements Provider.
func (o *OpenAI) Name() string { return "OpenAI-compatible endpoint" }

// Model implements Provider.
func (o *OpenAI) Model() string { return o.opts.Model }

// The chat-completions wire format.
type (
	oaRequest struct {
		Model         string       `json:"model"`
		Messages      []oaMessage  `json:"messages"`
		Tools         []oaTool     `json:"tools,omitempty"`
		MaxTokens     int          `json:"max_tokens,omitempty"`
		Temperature   *float32     `json:"temperature,omitempty"`
		Stream        bool         `json:"stream,omitempty"`
		StreamOptions *oaStreamOpt `json:"stream_options,omitempty"`
	}
	oaStreamOpt struct {
		IncludeUsage bool `json:"include_usage"`
	}
	oaMessage struct {
		Role       string       `json:"role"`
		Content    *string      `json:"content"`
		ToolCalls  []oaToolCall `json:"tool_calls,omitempty"`
		ToolCallID string       `json:"tool_call_id,omitempty"`
	}
	oaToolCall struct {
		Index    *int   `json:"index,omitempty"`
		ID       string `json:"id,omitempty"`
		Type     string `json:"type,omitempty"`
		Function struct {
			Name      string `json:"name,omitempty"`
			Arguments string `json:"arguments"`
		} `json:"function"`
	}
	oaTool struct {
		Type     string `json:"type"`
		Function struct {
			Name        string          `json:"name"`
			Description string          `json:"description"`
			Parameters  json.RawMessage `json:"parameters"`
		} `json:"function"`
	}
	oaResponse struct {
		Choices []struct {
			Message      oaMessage `json:"message"`
			Delta        oaMessage `json:"delta"`
			FinishReason *string   `json:"finish_reason"`
		} `json:"choices"`
		Usage *struct {
			PromptTokens     int `json:"prompt_tokens"`
			CompletionTokens int `json:"completion_tokens"`
		} `json:"usage"`
		Error *oaError `json:"error"`
	}
	oaError struct {
		Message string `json:"message"`
		Type    string `json:"type"`
	}
)

func (o *OpenAI) body(req Request, stream bool) ([]byte, error) {
	wire := oaRequest{Model: o.opts.Model, MaxTokens: req.MaxTokens, Temperature: o.opts.Temperature, Stream: stream}
	if stream {
		wire.StreamOptions = &oaStreamOpt{IncludeUsage: true}
	}
	if req.System != "" {
		wire.Messages = append(wire.Messages, oaMessage{Role: "system", Content: &req.System})
	}
	for _, t := range req.Tools {
		var tool oaTool
		tool.Type = "function"
		tool.Function.Name, tool.Function.Description, tool.Function.Parameters = t.Name, t.Description, t.InputSchema
		wire.Tools = append(wire.Tools, tool)
	}
	for _, m := range req.Messages {
		wire.Messages = append(wire.Messages, oaMessages(m)...)
	}
	return json.Marshal(wire)
}

// oaMessages converts one message: an assistant turn carries its tool
// calls; each tool result becomes its own "tool" message, followed by any
// text as a user message.
func oaMessages(m Message) []oaMessage {
	if m.Role == RoleAssistant {
		msg := oaMessage{Role: "assistant"}
		if t := m.text(); t != "" {
			msg.Content = &t
		}
		for _, tu := range m.toolUses() {
			var c oaToolCall
			c.ID, c.Type = tu.ID, "function"
			c.Function.Name, c.Function.Arguments = tu.Name, string(tu.Input)
			msg.ToolCalls = append(msg.ToolCalls, c)
		}
		return []oaMessage{msg}
	}
	var out []oaMessage
	for _, b := range m.Content {
		if r := b.ToolResult; r != nil {
			content := string(r.Content)
			if r.IsError {
				content = "ERROR: " + content
			}
			out = append(out, oaMessage{Role: "tool", ToolCallID: r.ToolUseID, Content: &content})
		}
	}
	if t := m.text(); t != "" {
		out = append(out, oaMessage{Role: "user", Content: &t})
	}
	return out
}

// Payload implements Provider.
func (o *OpenAI) Payload(_ context.Context, req Request, stream bool) (*Payload, error) {
	body, err := o.body(req, stream)
	if err != nil {
		return nil, o.fail(ErrBadRequest, "", err)
	}
	return &Payload{Provider: o.Name(), Model: o.opts.Model, Method: http.MethodPost, URL: o.url, Body: body}, nil
}

// Complete implements Provider.
func (o *OpenAI) Complete(ctx context.Context, req Request, onText func(string)) (*Response, error) {
	body, err := o.body(req, onText != nil)
	if err != nil {
		return nil, o.fail(ErrBadRequest, "", err)
	}
	hreq, err := http.NewRequestWithContext(ctx, http.MethodPost, o.url, bytes.NewReader(body))
	if err != nil {
		return nil, o.fail(ErrBadRequest, "", err)
	}
	hreq.Header.Set("Content-Type", "application/json")
	if onText != nil {
		hreq.Header.Set("Accept", "text/event-stream")
	}
	if o.opts.APIKey != "" {
		hreq.Header.Set("Authorization", "Bearer "+o.opts.APIKey)
	}
	hresp, err := o.opts.HTTPClient.Do(hreq)
	if err != nil {
		return nil, o.transportError(ctx, err)
	}
	defer hresp.Body.Close()
	if hresp.StatusCode/100 != 2 {
		return nil, o.statusError(hresp)
	}
	var resp *Response
	if onText == nil {
		resp, err = o.decode(hresp.Body)
	} else {
		resp, err = o.decodeStream(hresp.Body, onText)
	}
	if err != nil {
		if e := contextError(ctx, o.Name(), o.opts.Model); e != nil {
			return nil, e
		}
		var le *Error
		if errors.As(err, &le) {
			return nil, le
		}
		return nil, o.fail(ErrBadResponse, "", err)
	}
	return resp, nil
}

func (o *OpenAI) decode(r io.Reader) (*Response, error) {
	var wire oaResponse
	if err := json.NewDecoder(r).Decode(&wire); err != nil {
		return nil, err
	}
	if wire.Error != nil {
		return nil, o.fail(ErrBadResponse, wire.Error.Message, nil)
	}
	if len(wire.Choices) == 0 {
		return nil, errors.New("no choices in the response")
	}
	var acc blockAssembler
	ch := wire.Choices[0]
	o.accumulate(&acc, ch.Message, nil)
	return o.finish(&acc, ch.FinishReason, wire)
}

// decodeStream reads "data: {chunk}" events until "data: [DONE]".
func (o *OpenAI) decodeStream(r io.Reader, onText func(string)) (*Response, error) {
	sse := newSSEReader(r)
	var acc blockAssembler
	var finish *string
	var last oaResponse
	for {
		data, err := sse.Next()
		if errors.Is(err, io.EOF) {
			return nil, errors.New("stream ended before [DONE]")
		}
		if err != nil {
			return nil, err
		}
		if strings.TrimSpace(data) == "[DONE]" {
			return o.finish(&acc, finish, last)
		}
		var chunk oaResponse
		if err := json.Unmarshal([]byte(data), &chunk); err != nil {
			return nil, fmt.Errorf("stream chunk: %w", err)
		}
		if chunk.Error != nil {
			return nil, o.fail(kindOfMessage(chunk.Error.Type, chunk.Error.Message), chunk.Error.Message, nil)
		}
		if chunk.Usage != nil {
			last.Usage = chunk.Usage
		}
		for _, ch := range chunk.Choices {
			o.accumulate(&acc, ch.Delta, onText)
			if ch.FinishReason != nil {
				finish = ch.FinishReason
			}
		}
	}
}

// accumulate adds a message or delta: text is block 0, tool call i is
// block i+1.
func (o *OpenAI) accumulate(acc *blockAssembler, m oaMessage, onText func(string)) {
	if m.Content != nil && *m.Content != "" {
		acc.text(0, *m.Content)
		if onText != nil {
			onText(*m.Content)
		}
	}
	for n, c := range m.ToolCalls {
		i := n
		if c.Index != nil {
			i = *c.Index
		}
		acc.startTool(i+1, c.ID, c.Function.Name)
		acc.toolInput(i+1, c.Function.Arguments)
	}
}

func (o *OpenAI) finish(acc *blockAssembler, reason *string, wire oaResponse) (*Response, error) {
	content, err := acc.blocks()
	if err != nil {
		return nil, err
	}
	for i := range content {
		if tu := content[i].ToolUse; tu != nil && tu.ID == "" {
			tu.ID = fmt.Sprintf("call_%d", i) // some local servers send no ID
		}
	}
	resp := &Response{Message: Message{Role: RoleAssistant, Content: content}, StopReason: StopEndTurn}
	if reason != nil {
		switch *reason {
		case "tool_calls", "function_call":
			resp.StopReason = StopToolUse
		case "length":
			resp.StopReason = StopMaxTokens
		case "content_filter":
			resp.StopReason = StopFiltered
		}
	}
	if wire.Usage != nil {
		resp.Usage = Usage{InputTokens: wire.Usage.PromptTokens, OutputTokens: wire.Usage.CompletionTokens}
	}
	return resp, nil
}

func (o *OpenAI) fail(kind error, detail string, err error) *Error {
	return &Error{Kind: kind, Provider: o.Name(), Model: o.opts.Model, Detail: detail, Err: err}
}

func (o *OpenAI) transportError(ctx context.Context, err error) *Error {
	if e := contextError(ctx, o.Name(), o.opts.Model); e != nil {
		return e
	}
	var nerr net.Error
	if errors.As(err, &nerr) && nerr.Timeout() {
		return o.fail(ErrTimeout, "", err)
	}
	return o.fail(ErrUnavailable, "", err)
}

// statusError reads the {"error": {...}} body of a failed call.
func (o *OpenAI) statusError(resp *http.Response) *Error {
	var wire oaResponse
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	detail := strings.TrimSpace(string(raw))
	if json.Unmarshal(raw, &wire) == nil && wire.Error != nil {
		detail = wire.Error.Message
	}
	status := fmt.Errorf("HTTP %d", resp.StatusCode)
	switch {
	case resp.StatusCode == http.StatusTooManyRequests:
		return o.fail(ErrThrottled, detail, status)
	case resp.StatusCode == http.StatusUnauthorized || resp.StatusCode == http.StatusForbidden:
		return o.fail(ErrAccessDenied, detail, status)
	case resp.StatusCode == http.StatusNotFound:
		return o.fail(ErrModelNotFound, detail, status)
	case resp.StatusCode == http.StatusRequestTimeout || resp.StatusCode == http.StatusGatewayTimeout:
		return o.fail(ErrTimeout, detail, status)
	case resp.StatusCode/100 == 4:
		kind := kindOfMessage("", detail)
		if kind == ErrBadResponse {
			kind = ErrBadRequest
		}
		return o.fail(kind, detail, status)
	default:
		return o.fail(ErrUnavailable, detail, status)
	}
}

// kindOfMessage classifies an error that came without a telling status.
func kindOfMessage(typ, msg string) error {
	m := strings.ToLower(typ + " " + msg)
	switch {
	case strings.Contains(m, "rate limit") || strings.Contains(m, "rate_limit"):
		return ErrThrottled
	case strings.Contains(m, "model") && (strings.Contains(m, "not found") || strings.Contains(m, "does not exist")):
		return ErrModelNotFound
	case strings.Contains(m, "invalid_request"):
		return ErrBadRequest
	}
	return ErrBadResponse
}

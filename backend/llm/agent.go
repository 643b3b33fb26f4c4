package llm

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
)

// Tool is a function the model may call. Call's error is not a failure of
// the run: it goes back to the model as a failed tool result (an unknown
// action, an invalid intent) so that the model can repair its call.
type Tool struct {
	Spec ToolSpec
	Call func(ctx context.Context, input json.RawMessage) (any, error)
	// Final marks a tool whose successful call ends the run.
	Final bool
}

// NewTool builds a Tool whose input is decoded strictly into T (unknown
// fields are an error the model sees). schema is the JSON Schema of T.
func NewTool[T any](name, description, schema string, final bool, fn func(context.Context, T) (any, error)) Tool {
	return Tool{
		Spec:  ToolSpec{Name: name, Description: description, InputSchema: json.RawMessage(schema)},
		Final: final,
		Call: func(ctx context.Context, raw json.RawMessage) (any, error) {
			var in T
			dec := json.NewDecoder(bytes.NewReader(raw))
			dec.DisallowUnknownFields()
			if err := dec.Decode(&in); err != nil {
				return nil, fmt.Errorf("input does not match the %s schema: %w", name, err)
			}
			return fn(ctx, in)
		},
	}
}

// Agent runs a conversation in which the model may call Tools, turn after
// turn, until it calls a Final tool successfully, answers without calling
// any tool, or uses MaxTurns model calls.
type Agent struct {
	Provider Provider
	System   string
	Tools    []Tool
	// MaxTurns bounds the model calls of one run (default 8).
	MaxTurns int
	// MaxTokens bounds each answer (default 4096).
	MaxTokens int
	// OnText, when set, receives the model's text as it streams.
	OnText func(string)
	// Redactor, when set, replaces account IDs and ARNs in everything sent
	// and restores them in tool inputs, streamed text and the result.
	Redactor *Redactor
	Logger   *slog.Logger
}

// Rejection is a tool call that failed and was sent back to the model.
type Rejection struct {
	Tool   string `json:"tool"`
	Reason string `json:"reason"`
}

// Result is the outcome of a run.
type Result struct {
	// Messages is the conversation as it was sent (redacted).
	Messages []Message
	// Final is the accepted call of a Final tool, with its input restored;
	// nil when the model answered in text.
	Final *ToolUse
	// Text is the model's text of its last turn, restored.
	Text     string
	Turns    int
	Usage    Usage
	Rejected []Rejection
}

func (a *Agent) maxTurns() int {
	if a.MaxTurns > 0 {
		return a.MaxTurns
	}
	return 8
}

// request is what is sent for the conversation msgs: the same for Preview
// and for the first turn of Run.
func (a *Agent) request(msgs []Message) Request {
	max := a.MaxTokens
	if max == 0 {
		max = 4096
	}
	req := Request{System: a.System, Messages: msgs, MaxTokens: max}
	for _, t := range a.Tools {
		req.Tools = append(req.Tools, t.Spec)
	}
	return req
}

// redact returns m with its text and tool results redacted.
func (a *Agent) redact(m Message) Message {
	out := Message{Role: m.Role}
	for _, b := range m.Content {
		switch {
		case b.ToolResult != nil:
			r := *b.ToolResult
			r.Content = a.Redactor.RedactJSON(r.Content)
			out.Content = append(out.Content, Block{ToolResult: &r})
		case b.ToolUse != nil:
			out.Content = append(out.Content, b)
		default:
			out.Content = append(out.Content, Block{Text: a.Redactor.Redact(b.Text)})
		}
	}
	return out
}

// Preview returns exactly what the first model call of Run(ctx, msgs) will
// send, so that the user can agree before anything leaves the machine.
func (a *Agent) Preview(ctx context.Context, msgs []Message) (*Payload, error) {
	sent := make([]Message, len(msgs))
	for i, m := range msgs {
		sent[i] = a.redact(m)
	}
	return a.Provider.Payload(ctx, a.request(sent), a.OnText != nil)
}

// Run sends msgs and runs the tool loop. A provider failure is returned as
// an *Error; running out of turns is an *Error of kind ErrMaxTurns.
func (a *Agent) Run(ctx context.Context, msgs []Message) (*Result, error) {
	res := &Result{}
	for _, m := range msgs {
		res.Messages = append(res.Messages, a.redact(m))
	}
	log := a.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	for res.Turns < a.maxTurns() {
		if e := contextError(ctx, a.Provider.Name(), a.Provider.Model()); e != nil {
			return res, e
		}
		res.Turns++
		var onText func(string)
		flush := func() {}
		if a.OnText != nil {
			onText, flush = a.Redactor.restoreStream(a.OnText)
		}
		resp, err := a.Provider.Complete(ctx, a.request(res.Messages), onText)
		flush()
		if err != nil {
			return res, err
		}
		res.Usage.InputTokens += resp.Usage.InputTokens
		res.Usage.OutputTokens += resp.Usage.OutputTokens
		res.Messages = append(res.Messages, resp.Message)
		res.Text = a.Redactor.Restore(resp.Message.text())
		calls := resp.Message.toolUses()
		log.Debug("model turn", "provider", a.Provider.Name(), "model", a.Provider.Model(), "turn", res.Turns,
			"stop", resp.StopReason, "toolCalls", len(calls))
		if len(calls) == 0 {
			return res, nil
		}
		results, done := a.callTools(ctx, calls, res)
		if done {
			return res, nil
		}
		res.Messages = append(res.Messages, a.redact(Message{Role: RoleUser, Content: results}))
	}
	return res, &Error{Kind: ErrMaxTurns, Provider: a.Provider.Name(), Model: a.Provider.Model(),
		Detail: fmt.Sprintf("%d turns", res.Turns)}
}

// callTools runs the calls of one turn, Final tools last, and returns their
// results; done is true when a Final tool accepted its input.
func (a *Agent) callTools(ctx context.Context, calls []ToolUse, res *Result) ([]Block, bool) {
	byName := map[string]Tool{}
	for _, t := range a.Tools {
		byName[t.Spec.Name] = t
	}
	var results []Block
	var finals []ToolUse
	for _, c := range calls {
		if t, ok := byName[c.Name]; ok && t.Final {
			finals = append(finals, c)
			continue
		}
		results = append(results, a.callTool(ctx, byName, c, res))
	}
	for _, c := range finals {
		r := a.callTool(ctx, byName, c, res)
		if !r.ToolResult.IsError {
			return results, true
		}
		results = append(results, r)
	}
	return results, false
}

func (a *Agent) callTool(ctx context.Context, byName map[string]Tool, c ToolUse, res *Result) Block {
	fail := func(err error) Block {
		res.Rejected = append(res.Rejected, Rejection{Tool: c.Name, Reason: a.Redactor.Restore(err.Error())})
		msg, _ := json.Marshal(err.Error())
		return Block{ToolResult: &ToolResult{ToolUseID: c.ID, Content: msg, IsError: true}}
	}
	t, ok := byName[c.Name]
	if !ok {
		return fail(fmt.Errorf("there is no tool named %q; use one of the tools provided", c.Name))
	}
	input := a.Redactor.RestoreJSON(c.Input)
	v, err := t.Call(ctx, input)
	if err != nil {
		return fail(err)
	}
	out, err := json.Marshal(v)
	if err != nil {
		return fail(fmt.Errorf("tool %s returned a value that is not JSON: %w", c.Name, err))
	}
	if t.Final {
		res.Final = &ToolUse{ID: c.ID, Name: c.Name, Input: input}
	}
	return Block{ToolResult: &ToolResult{ToolUseID: c.ID, Content: out}}
}

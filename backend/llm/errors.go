package llm

import (
	"context"
	"errors"
	"fmt"
)

// The kinds of failure a caller handles. Every error from a Provider or the
// agent is an *Error whose Kind is one of these, so errors.Is(err,
// llm.ErrThrottled) works; the caller then falls back to the deterministic
// engine and shows Error.UserMessage.
var (
	ErrThrottled     = errors.New("model throttled")
	ErrAccessDenied  = errors.New("access to the model denied")
	ErrModelNotFound = errors.New("model not found or not enabled")
	ErrTimeout       = errors.New("model timed out")
	ErrCanceled      = errors.New("model call canceled")
	ErrUnavailable   = errors.New("model service unavailable")
	ErrBadRequest    = errors.New("model rejected the request")
	ErrBadResponse   = errors.New("model response not understood")
	ErrMaxTurns      = errors.New("model used every turn without an answer")
)

// Error is a failed model call: which kind of failure, which provider and
// model, a message for the user, and the underlying cause.
type Error struct {
	Kind     error
	Provider string
	Model    string
	// Detail is the provider's own message (AWS's exception message, the
	// OpenAI error message), never a credential.
	Detail string
	Err    error
}

// Error says which provider and model failed, how, and the provider's
// own message.
func (e *Error) Error() string {
	s := fmt.Sprintf("%s %s: %v", e.Provider, e.Model, e.Kind)
	if e.Detail != "" {
		s += ": " + e.Detail
	}
	if e.Err != nil && e.Detail == "" {
		s += ": " + e.Err.Error()
	}
	return s
}

// Unwrap exposes both the kind and the cause to errors.Is and errors.As
// (so context.Canceled and context.DeadlineExceeded still match).
func (e *Error) Unwrap() []error {
	if e.Err == nil {
		return []error{e.Kind}
	}
	return []error{e.Kind, e.Err}
}

// UserMessage says in plain words what went wrong and what to do; the
// deterministic engine's answer is shown alongside it.
func (e *Error) UserMessage() string {
	name := e.Provider
	switch e.Kind {
	case ErrThrottled:
		return fmt.Sprintf("%s is throttling requests to %s; the offline engine answered instead. Try again in a minute, or raise the model's quota.", name, e.Model)
	case ErrAccessDenied:
		return fmt.Sprintf("Access to %s on %s was denied. Check that your profile may call bedrock:InvokeModel (and bedrock:InvokeModelWithResponseStream) on it and that model access is enabled; the offline engine answered instead.", e.Model, name)
	case ErrModelNotFound:
		return fmt.Sprintf("The model %s was not found or is not enabled on %s. Check the model ID (or inference profile ID) and the region; the offline engine answered instead.", e.Model, name)
	case ErrTimeout:
		return fmt.Sprintf("%s did not answer in time; the offline engine answered instead.", name)
	case ErrCanceled:
		return "The request to the model was canceled."
	case ErrUnavailable:
		return fmt.Sprintf("%s is unavailable right now; the offline engine answered instead.", name)
	case ErrMaxTurns:
		return fmt.Sprintf("%s did not settle on an answer; the offline engine answered instead.", e.Model)
	default:
		return fmt.Sprintf("%s could not answer (%v); the offline engine answered instead.", name, e.Kind)
	}
}

// contextError classifies a context failure, or returns nil when ctx is
// still live. A deadline is a timeout; a cancellation is a cancellation.
func contextError(ctx context.Context, provider, model string) *Error {
	switch {
	case ctx.Err() == nil:
		return nil
	case errors.Is(ctx.Err(), context.DeadlineExceeded):
		return &Error{Kind: ErrTimeout, Provider: provider, Model: model, Err: ctx.Err()}
	default:
		return &Error{Kind: ErrCanceled, Provider: provider, Model: model, Err: ctx.Err()}
	}
}

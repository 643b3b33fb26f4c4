package llm

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"sync"
)

// Redactor replaces account IDs and ARNs with stable placeholders (ARN_1,
// ACCOUNT_1, ...) in what is sent to a model and puts them back in what comes
// back. The same value always gets the same placeholder for the Redactor's
// lifetime, so use one per conversation. It is safe for concurrent use.
//
// An account ID is any 12-digit number standing alone; an ARN is "arn:"
// followed by an AWS partition and every character up to whitespace, a
// quote, a comma, a bracket or a backslash (a trailing full stop is
// sentence punctuation, not part of the ARN).
type Redactor struct {
	mu      sync.Mutex
	byValue map[string]string
	byToken map[string]string
	counts  map[string]int
}

// NewRedactor returns an empty Redactor.
func NewRedactor() *Redactor {
	return &Redactor{byValue: map[string]string{}, byToken: map[string]string{}, counts: map[string]int{}}
}

var (
	arnPattern     = regexp.MustCompile(`\barn:aws(?:-[a-z]+)*:[^\s"'\\,()\[\]{}<>]+`)
	accountPattern = regexp.MustCompile(`\b\d{12}\b`)
	tokenPattern   = regexp.MustCompile(`\b(?:ARN|ACCOUNT)_\d+\b`)
	// partialToken matches what may be the start of a placeholder at the
	// end of a streamed piece of text.
	partialToken = regexp.MustCompile(`A(?:R(?:N(?:_\d*)?)?|C(?:C(?:O(?:U(?:N(?:T(?:_\d*)?)?)?)?)?)?)?$`)
)

// Redact returns s with ARNs and account IDs replaced by placeholders.
func (r *Redactor) Redact(s string) string {
	if r == nil {
		return s
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	s = arnPattern.ReplaceAllStringFunc(s, func(arn string) string {
		trimmed := strings.TrimRight(arn, ".")
		return r.token("ARN", trimmed) + arn[len(trimmed):]
	})
	return accountPattern.ReplaceAllStringFunc(s, func(id string) string { return r.token("ACCOUNT", id) })
}

func (r *Redactor) token(kind, value string) string {
	if t, ok := r.byValue[value]; ok {
		return t
	}
	r.counts[kind]++
	t := fmt.Sprintf("%s_%d", kind, r.counts[kind])
	r.byValue[value] = t
	r.byToken[t] = value
	return t
}

// Restore returns s with every placeholder this Redactor issued replaced by
// its value; unknown placeholders are left as they are.
func (r *Redactor) Restore(s string) string {
	if r == nil {
		return s
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	return tokenPattern.ReplaceAllStringFunc(s, func(t string) string {
		if v, ok := r.byToken[t]; ok {
			return v
		}
		return t
	})
}

// RedactJSON redacts the strings of a JSON value. Placeholders and the
// characters an ARN match stops at keep the JSON valid.
func (r *Redactor) RedactJSON(raw json.RawMessage) json.RawMessage {
	return json.RawMessage(r.Redact(string(raw)))
}

// RestoreJSON restores the strings of a JSON value.
func (r *Redactor) RestoreJSON(raw json.RawMessage) json.RawMessage {
	return json.RawMessage(r.Restore(string(raw)))
}

// restoreStream wraps a text callback so that placeholders split across
// streamed pieces are restored whole: a tail that may be the start of a
// placeholder is held back until the next piece or flush.
func (r *Redactor) restoreStream(out func(string)) (write func(string), flush func()) {
	if r == nil || out == nil {
		return out, func() {}
	}
	var held string
	write = func(s string) {
		s = held + s
		cut := len(s)
		if loc := partialToken.FindStringIndex(s); loc != nil {
			cut = loc[0]
		}
		held = s[cut:]
		if cut > 0 {
			out(r.Restore(s[:cut]))
		}
	}
	flush = func() {
		if held != "" {
			out(r.Restore(held))
			held = ""
		}
	}
	return write, flush
}

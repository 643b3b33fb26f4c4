package app

import (
	"errors"
	"fmt"

	"github.com/aegis-iam/aegis/backend/policy"
)

// FormatRequest is a policy to format.
type FormatRequest struct {
	Text string `json:"text"`
	Kind string `json:"kind"` // a policy.Kind name ("identity", "trust", ...); empty means any
}

// Diagnostic is one positioned problem in the text. Line and Column are
// 1-based (Column counts bytes), Offset is a 0-based byte offset; all are
// zero for a problem with no place (such as an oversized document).
type Diagnostic struct {
	Line    int    `json:"line"`
	Column  int    `json:"column"`
	Offset  int    `json:"offset"`
	Path    string `json:"path"`
	Code    string `json:"code"`
	Message string `json:"message"`
}

// FormatResult is the canonical text when the policy parses, or its
// problems sorted by position.
type FormatResult struct {
	OK        bool         `json:"ok"`
	Canonical string       `json:"canonical"`
	Errors    []Diagnostic `json:"errors"`
}

// PolicyService formats policies as "aegis fmt" does.
type PolicyService struct{}

// NewPolicyService returns a PolicyService.
func NewPolicyService() *PolicyService { return &PolicyService{} }

// Format parses req.Text as a policy of req.Kind. A policy that does not
// parse is a result with OK false and its diagnostics, not an error; an
// unknown kind is an error.
func (s *PolicyService) Format(req FormatRequest) (FormatResult, error) {
	kind := policy.KindAny
	if req.Kind != "" {
		var err error
		if kind, err = policy.ParseKind(req.Kind); err != nil {
			return FormatResult{}, err
		}
	}
	doc, err := policy.Parse("", []byte(req.Text), kind)
	var list policy.ErrorList
	switch {
	case errors.As(err, &list):
		out := FormatResult{Errors: make([]Diagnostic, len(list))}
		for i, e := range list {
			out.Errors[i] = Diagnostic{Line: e.Pos.Line, Column: e.Pos.Column, Offset: e.Pos.Offset, Path: e.Path, Code: e.Code, Message: e.Msg}
		}
		return out, nil
	case err != nil:
		return FormatResult{}, fmt.Errorf("formatting policy: %w", err)
	}
	return FormatResult{OK: true, Canonical: string(policy.Format(doc)), Errors: []Diagnostic{}}, nil
}

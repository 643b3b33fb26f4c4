// Package assist connects language models (backend/llm) to Aegis's engines.
// Engine gives the Generate advisor its tools: the generator reads, checks
// and builds intents, the IAM database answers lookups, the validator
// checks. Assistant answers questions about one result — a validation
// (NewValidation) or an audit (NewAudit) — through read-only tools over
// that result, and re-reads every answer against the result and the IAM
// database before it is shown. The CLI and the desktop app both use it, so
// a model sees the same tools from either door. The model proposes and
// explains; the engines decide.
package assist

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/aegis-iam/aegis/backend/generate"
	"github.com/aegis-iam/aegis/backend/iamdb"
	"github.com/aegis-iam/aegis/backend/llm"
	"github.com/aegis-iam/aegis/backend/report"
	"github.com/aegis-iam/aegis/backend/source"
	"github.com/aegis-iam/aegis/backend/validate"
)

// Engine returns the engine tools an llm.Advisor offers the model.
func Engine(db *iamdb.DB, gen *generate.Engine, tool report.Tool) llm.Engine {
	return llm.Engine{
		Extract: func(_ context.Context, text string) (*generate.Intent, []generate.Question, error) {
			res, err := gen.Run(&generate.Session{Description: text})
			if err != nil {
				return nil, nil, err
			}
			in := res.Intent
			return &in, res.Questions, nil
		},
		CheckIntent:   func(_ context.Context, in generate.Intent) ([]string, error) { return gen.Check(in), nil },
		LookupActions: func(_ context.Context, q llm.ActionQuery) ([]llm.Action, error) { return lookupActions(db, q) },
		ARNFormats:    func(_ context.Context, service string) ([]llm.ResourceFormat, error) { return arnFormats(db, service) },
		Generate: func(_ context.Context, in generate.Intent) (any, error) {
			return gen.Run(&generate.Session{Intent: &in})
		},
		Validate: func(_ context.Context, policy string) (any, error) { return validateText(db, tool, policy) },
	}
}

func lookupActions(db *iamdb.DB, q llm.ActionQuery) ([]llm.Action, error) {
	svc, ok := db.Service(strings.ToLower(q.Service))
	if !ok {
		return nil, fmt.Errorf("%q is not an AWS service prefix in the IAM database", q.Service)
	}
	var level iamdb.AccessLevel
	if q.AccessLevel != "" {
		var err error
		if level, err = iamdb.ParseAccessLevel(q.AccessLevel); err != nil {
			return nil, err
		}
	}
	var out []llm.Action
	for _, a := range db.Expand(svc.Prefix + ":*") {
		if level != 0 && a.Access&level == 0 {
			continue
		}
		if len(q.Actions) > 0 && !slices.ContainsFunc(q.Actions, func(name string) bool {
			_, bare, found := strings.Cut(name, ":")
			if !found {
				bare = name
			}
			return strings.EqualFold(bare, a.Name)
		}) {
			continue
		}
		s := a.Summary()
		out = append(out, llm.Action{Name: s.Action, AccessLevel: s.Access, ResourceTypes: s.ResourceTypes, Description: a.Description})
	}
	return out, nil
}

func arnFormats(db *iamdb.DB, service string) ([]llm.ResourceFormat, error) {
	svc, ok := db.Service(strings.ToLower(service))
	if !ok {
		return nil, fmt.Errorf("%q is not an AWS service prefix in the IAM database", service)
	}
	var out []llm.ResourceFormat
	for _, rt := range svc.ResourceTypes {
		for _, f := range rt.ARNFormats {
			out = append(out, llm.ResourceFormat{Type: rt.Name, ARN: f})
		}
	}
	return out, nil
}

// validateText validates one policy document with every built-in check and
// returns the JSON report.
func validateText(db *iamdb.DB, tool report.Tool, policy string) (any, error) {
	run, err := validate.NewRun(validate.Settings{Tool: tool, Now: time.Now()})
	if err != nil {
		return nil, err
	}
	var in validate.Inputs
	in.AddText("policy.json", []byte(policy), source.Options{})
	if len(in.Docs) == 0 {
		return nil, fmt.Errorf("the text is not a policy document")
	}
	var buf bytes.Buffer
	if err := report.WriteJSON(&buf, run.Validate(in.Documents(db), in.Notes)); err != nil {
		return nil, err
	}
	return json.RawMessage(buf.Bytes()), nil
}

// Package validate is the validation pipeline every front door shares — the
// CLI, the desktop app and the MCP server: inputs (files, directories, text)
// → policies extracted by backend/source → the rule registry and the
// compliance catalogue → a report.Run that produces the report. It holds no
// policy logic of its own; it keeps the front doors from each assembling
// the pieces differently.
package validate

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/aegis-iam/aegis/backend/check"
	"github.com/aegis-iam/aegis/backend/check/rules"
	"github.com/aegis-iam/aegis/backend/compliance"
	"github.com/aegis-iam/aegis/backend/iamdb"
	"github.com/aegis-iam/aegis/backend/policy"
	"github.com/aegis-iam/aegis/backend/report"
	"github.com/aegis-iam/aegis/backend/source"
)

// Settings choose what a run checks and reports.
type Settings struct {
	Tool report.Tool
	// Config is the .aegis.yaml in force; nil means none.
	Config *compliance.Config
	// Frameworks selects the compliance frameworks reported; empty means
	// the configuration's, else all.
	Frameworks []string
	Now        time.Time
}

// UnknownFrameworkError names a requested framework the catalogue lacks.
type UnknownFrameworkError struct {
	ID    string
	Known []string
}

func (e *UnknownFrameworkError) Error() string {
	return fmt.Sprintf("%q: unknown framework (known: %s)", e.ID, strings.Join(e.Known, ", "))
}

// ConfigError is a configuration that does not fit the registry or the
// catalogue (an unknown check ID, an undefined control).
type ConfigError struct{ Err error }

func (e *ConfigError) Error() string { return "invalid configuration:\n" + e.Err.Error() }
func (e *ConfigError) Unwrap() error { return e.Err }

// NewRun loads what a run uses once: the built-in rules with the
// configuration's custom checks and guardrails, the framework catalogue
// extended with the configuration's frameworks, the configuration checked
// against both, and the requested frameworks.
func NewRun(s Settings) (*report.Run, error) {
	reg, err := check.NewRegistry(append(rules.All(), s.Config.Rules()...)...)
	if err != nil {
		return nil, &ConfigError{Err: err}
	}
	cat, err := compliance.Builtin()
	if err != nil {
		return nil, err
	}
	frameworks := s.Frameworks
	if cfg := s.Config; cfg != nil {
		if cat, err = cat.Extend(cfg.CustomFrameworks...); err != nil {
			return nil, &ConfigError{Err: fmt.Errorf("%s: %w", cfg.File, err)}
		}
		if err := cfg.Check(reg, cat); err != nil {
			return nil, &ConfigError{Err: err}
		}
		if len(frameworks) == 0 {
			frameworks = cfg.Frameworks
		}
	}
	for _, id := range frameworks {
		if _, ok := cat.Framework(id); !ok {
			var known []string
			for _, fw := range cat.Frameworks() {
				known = append(known, fw.ID)
			}
			return nil, &UnknownFrameworkError{ID: id, Known: known}
		}
	}
	return &report.Run{Tool: s.Tool, Registry: reg, Catalog: cat, Config: s.Config, Frameworks: frameworks, Now: s.Now}, nil
}

// Inputs collects the policies of several inputs: documents to check,
// notes (files that hold no policy) and failures (inputs that could not be
// read at all).
type Inputs struct {
	Docs     []source.Extracted
	Notes    []report.Note
	Failures []error
}

// AddText extracts the policies of one in-memory input; name decides the
// format when opts does not (".tf", ".yaml", ...) and names it in locations.
func (in *Inputs) AddText(name string, src []byte, opts source.Options) {
	got, err := source.Extract(name, src, opts)
	in.add(got, nonNilErrors(err))
}

// AddPath extracts the policies of a file, or of every file below a
// directory.
func (in *Inputs) AddPath(ctx context.Context, path string, opts source.Options) {
	in.add(source.Walk(ctx, path, opts))
}

// AddFailure records an input that could not be read.
func (in *Inputs) AddFailure(err error) { in.Failures = append(in.Failures, err) }

func nonNilErrors(err error) []error {
	if err == nil {
		return nil
	}
	return []error{err}
}

// add files what one input gave: files of no known format become notes,
// files whose syntax is broken become documents holding only their errors,
// anything else is a failure.
func (in *Inputs) add(got []source.Extracted, errs []error) {
	in.Docs = append(in.Docs, got...)
	for _, err := range errs {
		var list policy.ErrorList
		switch {
		case errors.Is(err, source.ErrUnrecognized):
			in.Notes = append(in.Notes, report.Note{File: unrecognizedFile(err), Message: "skipped: " + source.ErrUnrecognized.Error()})
		case errors.As(err, &list) && len(list) > 0:
			in.Docs = append(in.Docs, errorsByFile(list)...)
		default:
			in.Failures = append(in.Failures, err)
		}
	}
}

// Documents turns the collected policies into the run's documents.
func (in *Inputs) Documents(db *iamdb.DB) []*report.Document {
	docs := make([]*report.Document, len(in.Docs))
	for i, e := range in.Docs {
		docs[i] = &report.Document{
			Input: check.Input{File: e.File, Name: e.Name, Kind: e.Kind, Doc: e.Document, DB: db, Errors: e.Errors, Placeholders: e.PlaceholderTexts()},
			Owner: e.Owner,
		}
	}
	return docs
}

// errorsByFile turns a file-level error list (a YAML or HCL syntax error;
// for a Terraform module, errors in several files) into one error-only
// result per file.
func errorsByFile(list policy.ErrorList) []source.Extracted {
	var out []source.Extracted
	index := map[string]int{}
	for _, e := range list {
		i, ok := index[e.Filename]
		if !ok {
			i = len(out)
			index[e.Filename] = i
			out = append(out, source.Extracted{File: e.Filename})
		}
		out[i].Errors = append(out[i].Errors, e)
	}
	return out
}

// unrecognizedFile recovers the file name from a wrapped ErrUnrecognized
// ("NAME: not a policy, ...").
func unrecognizedFile(err error) string {
	name, _, _ := strings.Cut(err.Error(), ": "+source.ErrUnrecognized.Error())
	return name
}

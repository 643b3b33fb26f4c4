package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/aegis-iam/aegis/backend/policy"
	"github.com/spf13/cobra"
)

func newFmtCmd(env *Env) *cobra.Command {
	var (
		kind   string
		format string
		write  bool
	)
	cmd := &cobra.Command{
		Use:   "fmt FILE|-",
		Short: "Print a policy document in canonical form, or every problem in it",
		Long: `Parses an IAM policy document (a file, or standard input with "-") and prints
its canonical form: 4-space indentation, elements in a fixed order, a single
value as a string and several as an array, Statement always an array. Printing
the canonical form again gives the same bytes.

If the policy has problems (invalid JSON, wrong types, unknown or duplicate
elements, missing Effect/Action/Resource, ...), every one is printed to standard
error as FILE:LINE:COLUMN: ELEMENT: MESSAGE and the exit status is 2.

--kind selects the policy kind, which decides whether Principal and Resource are
required or forbidden: identity, resource, trust, scp, rcp, boundary, session,
vpc-endpoint, or any (only the rules common to every kind).

Documents URL-encoded as the IAM API returns them ("%7B%22Version%22...") are
decoded first; positions then refer to the decoded text.`,
		Example: `  aegis fmt policy.json
  aegis fmt --kind trust trust-policy.json
  aws iam get-role-policy ... --query PolicyDocument | aegis fmt -
  aegis fmt -w policy.json
  aegis fmt --format json policy.json`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if format != "text" && format != "json" {
				return usageErrorf("--format %q: want text or json", format)
			}
			k, err := policy.ParseKind(kind)
			if err != nil {
				return usageErrorf("--kind: %w", err)
			}
			name := args[0]
			if write && name == "-" {
				return usageErrorf("-w needs a file, not standard input")
			}
			src, displayName, err := readPolicyInput(env, name)
			if err != nil {
				return usageErrorf("%w", err)
			}
			var canonical []byte
			var errs policy.ErrorList
			if len(src) > policy.MaxSize {
				errs = policy.ErrorList{{Filename: displayName, Code: policy.CodeTooLarge,
					Msg: fmt.Sprintf("input is larger than the %d-byte policy size limit", policy.MaxSize)}}
			} else if doc, err := policy.Parse(displayName, src, k); err != nil {
				if !errors.As(err, &errs) {
					return err
				}
			} else {
				canonical = policy.Format(doc)
			}
			if len(errs) == 0 && write {
				if err := writeFileAtomic(name, canonical); err != nil {
					return err
				}
			}
			if format == "json" {
				if err := writeJSON(env.Stdout, newFmtResult(canonical, errs)); err != nil {
					return err
				}
			} else {
				for _, e := range errs {
					fmt.Fprintln(env.Stderr, e)
				}
				if len(errs) == 0 && !write {
					if _, err := env.Stdout.Write(canonical); err != nil {
						return err
					}
				}
			}
			if len(errs) > 0 {
				return &exitError{code: ExitUsage}
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&kind, "kind", "any", "policy kind: identity, resource, trust, scp, rcp, boundary, session, vpc-endpoint or any")
	cmd.Flags().StringVar(&format, "format", "text", "output format: text or json")
	cmd.Flags().BoolVarP(&write, "write", "w", false, "rewrite FILE in place with its canonical form (atomically, keeping its mode)")
	return cmd
}

// readPolicyInput reads FILE, or standard input for "-", up to one byte more
// than policy.MaxSize (so an oversized input is detected without reading it
// all). It returns the name to show in messages.
func readPolicyInput(env *Env, name string) ([]byte, string, error) {
	r, display := env.Stdin, "<stdin>"
	if name != "-" {
		f, err := os.Open(name)
		if err != nil {
			return nil, "", err
		}
		defer f.Close()
		r, display = f, name
	}
	src, err := io.ReadAll(io.LimitReader(r, policy.MaxSize+1))
	if err != nil {
		return nil, "", fmt.Errorf("reading %s: %w", display, err)
	}
	return src, display, nil
}

// writeFileAtomic replaces path with data: it writes a temporary file in the
// same directory with path's mode, syncs it and renames it over path, so a
// reader sees the old or the new content, never a mix. An unchanged file is
// left alone.
func writeFileAtomic(path string, data []byte) (err error) {
	info, err := os.Stat(path)
	if err != nil {
		return err
	}
	if old, err := os.ReadFile(path); err == nil && string(old) == string(data) {
		return nil
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return fmt.Errorf("rewriting %s: %w", path, err)
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if _, err := tmp.Write(data); err != nil {
		return fmt.Errorf("rewriting %s: %w", path, err)
	}
	if err := tmp.Chmod(info.Mode().Perm()); err != nil {
		return fmt.Errorf("rewriting %s: %w", path, err)
	}
	if err := tmp.Sync(); err != nil {
		return fmt.Errorf("rewriting %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("rewriting %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("rewriting %s: %w", path, err)
	}
	return nil
}

// fmtResult is the --format json output of aegis fmt.
type fmtResult struct {
	OK        bool       `json:"ok"`
	Canonical string     `json:"canonical"`
	Errors    []fmtError `json:"errors"`
}

type fmtError struct {
	File    string `json:"file"`
	Line    int    `json:"line"`
	Column  int    `json:"column"`
	Offset  int    `json:"offset"`
	Path    string `json:"path"`
	Code    string `json:"code"`
	Message string `json:"message"`
}

func newFmtResult(canonical []byte, errs policy.ErrorList) fmtResult {
	r := fmtResult{OK: len(errs) == 0, Canonical: string(canonical), Errors: []fmtError{}}
	for _, e := range errs {
		r.Errors = append(r.Errors, fmtError{File: e.Filename, Line: e.Pos.Line, Column: e.Pos.Column,
			Offset: e.Pos.Offset, Path: e.Path, Code: e.Code, Message: e.Msg})
	}
	return r
}

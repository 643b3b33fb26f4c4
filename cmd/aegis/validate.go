package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"
	"time"

	"github.com/aegis-iam/aegis/backend/check"
	"github.com/aegis-iam/aegis/backend/check/rules"
	"github.com/aegis-iam/aegis/backend/compliance"
	"github.com/aegis-iam/aegis/backend/iamdb"
	"github.com/aegis-iam/aegis/backend/policy"
	"github.com/aegis-iam/aegis/backend/report"
	"github.com/aegis-iam/aegis/backend/source"
	"github.com/spf13/cobra"
)

// defaultConfig is the configuration file validate reads from the current
// directory when --config is not given.
const defaultConfig = ".aegis.yaml"

// stdinName names standard input in locations.
const stdinName = "<stdin>"

// maxStdin bounds what validate reads from standard input: the size of the
// largest file source.Walk reads.
const maxStdin = 256 << 20

// validateFlags are the command's flags, as given.
type validateFlags struct {
	format     string
	output     string
	failOn     string
	frameworks []string
	policyType string
	config     string
	color      string
	now        string
}

func newValidateCmd(env *Env) *cobra.Command {
	var fl validateFlags
	cmd := &cobra.Command{
		Use:   "validate [PATH...|-]",
		Short: "Find the risks in IAM policies, CloudFormation templates and Terraform",
		Long: `Validates every IAM policy in the given files and directories (directories are
walked recursively; "-" reads standard input; no argument means the current
directory): raw policy JSON, CloudFormation templates (JSON or YAML), Terraform
configurations and plans, and GAAD exports. Every built-in check runs; each
finding is located at file:line:column in the original input with a specific
remediation. Each policy and the whole input get a 0–100 risk score explained
by its worst findings, and the compliance matrix of the selected frameworks.

The configuration file (--config, by default .aegis.yaml in the current
directory when present; see docs/config.md) can disable checks, override
severities, add frameworks and accept risks. An accepted finding is listed as
suppressed and does not count; once its acceptance expires it counts again.

Problems in a policy's text are findings of the syntax checks (AEG-SYN).
Problems no check reports (a YAML or HCL syntax error, a document that cannot
be parsed at all, an unresolvable intrinsic) are input errors.

Exit codes: 0 no counted finding at or above --fail-on; 1 at least one; 2 bad
usage, an invalid configuration, an unreadable path or an input error (the
report is still written).`,
		Example: `  aegis validate policy.json
  aegis validate infra/ --fail-on medium
  aegis validate template.yaml --format sarif --output aegis.sarif
  aws iam get-policy-version ... --query PolicyVersion.Document | aegis validate - --policy-type identity
  aegis validate . --framework pci-dss-4.0 --framework cis-aws-3.0 --format markdown`,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runValidate(cmd.Context(), env, fl, args)
		},
	}
	f := cmd.Flags()
	f.StringVar(&fl.format, "format", "table", "output format: table, json, sarif, markdown or html")
	f.StringVarP(&fl.output, "output", "o", "", "write the report to FILE instead of standard output")
	f.StringVar(&fl.failOn, "fail-on", "high", `exit 1 when a finding is at least this severe: critical, high, medium, low, info, or "none"`)
	f.StringSliceVar(&fl.frameworks, "framework", nil, "compliance framework to report (repeatable; default: the configuration's, else all)")
	f.StringVar(&fl.policyType, "policy-type", "any", "kind of raw policy documents: identity, resource, trust, scp, rcp, boundary, session, vpc-endpoint or any (detect)")
	f.StringVar(&fl.config, "config", "", "configuration file (default: "+defaultConfig+" in the current directory, if present)")
	f.StringVar(&fl.color, "color", "auto", "colour the table: auto (when writing to a terminal), always or never")
	f.StringVar(&fl.now, "now", "", "evaluate as of this RFC 3339 time (testing)")
	f.Lookup("now").Hidden = true
	return cmd
}

// validateRun is one validate invocation's settings, checked.
type validateRun struct {
	format     report.Format
	failOn     check.Severity
	failOnNone bool
	kind       policy.Kind
	frameworks []string
	color      bool
	now        time.Time
	config     *compliance.Config
}

func runValidate(ctx context.Context, env *Env, fl validateFlags, args []string) error {
	run, err := parseValidateFlags(env, fl)
	if err != nil {
		return err
	}
	db, err := openIAMDB()
	if err != nil {
		return err
	}
	rr, err := newReportRun(run)
	if err != nil {
		return err
	}
	if len(args) == 0 {
		args = []string{"."}
	}
	docs, notes, failures := collectInputs(ctx, env, args, source.Options{Kind: run.kind, ReadFile: os.ReadFile})
	if err := ctx.Err(); err != nil {
		return err
	}
	if len(docs) == 0 && len(failures) > 0 {
		return &exitError{code: ExitUsage, err: errors.Join(failures...)}
	}
	rep := rr.Validate(documents(db, docs), notes)

	var buf bytes.Buffer
	if err := report.Write(&buf, rep, run.format, report.Options{Color: run.color}); err != nil {
		return err
	}
	if fl.output != "" {
		if err := os.WriteFile(fl.output, buf.Bytes(), 0o644); err != nil {
			return usageErrorf("writing the report: %w", err)
		}
	} else if _, err := env.Stdout.Write(buf.Bytes()); err != nil {
		return err
	}

	if rep.Totals.Errors > 0 {
		failures = append(failures, fmt.Errorf("%s kept policies from being read in full (see the report)", count(rep.Totals.Errors, "problem", "problems")))
	}
	if len(failures) > 0 {
		return &exitError{code: ExitUsage, err: errors.Join(failures...)}
	}
	if run.failOnNone {
		return nil
	}
	if n := countAtLeast(rep, run.failOn); n > 0 {
		return &exitError{code: ExitFindings, err: fmt.Errorf("%s at or above --fail-on %s", count(n, "finding", "findings"), run.failOn)}
	}
	return nil
}

// count renders "1 finding", "2 findings".
func count(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// countAtLeast counts the report's counted findings of severity sev or worse.
func countAtLeast(rep *report.Report, sev check.Severity) int {
	n := 0
	for _, in := range rep.Inputs {
		for _, f := range in.Findings {
			if f.Severity >= sev {
				n++
			}
		}
	}
	return n
}

// parseValidateFlags checks the flags and loads the configuration.
func parseValidateFlags(env *Env, fl validateFlags) (*validateRun, error) {
	run := &validateRun{frameworks: fl.frameworks, now: time.Now()}
	var err error
	if run.format, err = report.ParseFormat(fl.format); err != nil {
		return nil, usageErrorf("--format: %w", err)
	}
	if strings.EqualFold(fl.failOn, "none") {
		run.failOnNone = true
	} else if run.failOn, err = check.ParseSeverity(fl.failOn); err != nil {
		return nil, usageErrorf("--fail-on %q: want critical, high, medium, low, info or none", fl.failOn)
	}
	if run.kind, err = policy.ParseKind(fl.policyType); err != nil {
		return nil, usageErrorf("--policy-type: %w", err)
	}
	switch fl.color {
	case "always":
		run.color = true
	case "never":
	case "auto":
		run.color = fl.output == "" && isTerminal(env.Stdout) && os.Getenv("NO_COLOR") == "" && os.Getenv("TERM") != "dumb"
	default:
		return nil, usageErrorf("--color %q: want auto, always or never", fl.color)
	}
	if fl.now != "" {
		if run.now, err = time.Parse(time.RFC3339, fl.now); err != nil {
			return nil, usageErrorf("--now: %w", err)
		}
	}
	if run.config, err = loadValidateConfig(fl.config); err != nil {
		return nil, err
	}
	if len(run.frameworks) == 0 && run.config != nil {
		run.frameworks = run.config.Frameworks
	}
	return run, nil
}

// loadValidateConfig reads the configuration file: the one named, else
// .aegis.yaml in the current directory when it exists, else none.
func loadValidateConfig(name string) (*compliance.Config, error) {
	explicit := name != ""
	if !explicit {
		name = defaultConfig
	}
	src, err := os.ReadFile(name)
	if err != nil {
		if !explicit && errors.Is(err, fs.ErrNotExist) {
			return nil, nil
		}
		return nil, usageErrorf("reading the configuration: %w", err)
	}
	cfg, err := compliance.LoadConfig(name, src)
	if err != nil {
		return nil, usageErrorf("invalid configuration:\n%w", err)
	}
	return cfg, nil
}

// isTerminal reports whether w is a character device (a terminal).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	info, err := f.Stat()
	return err == nil && info.Mode()&os.ModeCharDevice != 0
}

// newReportRun loads what a run uses once: the rule registry, the
// framework catalogue extended with the configuration's frameworks, and
// checks the configuration and the requested frameworks against them.
func newReportRun(run *validateRun) (*report.Run, error) {
	reg, err := check.NewRegistry(rules.All()...)
	if err != nil {
		return nil, err
	}
	cat, err := compliance.Builtin()
	if err != nil {
		return nil, err
	}
	if cfg := run.config; cfg != nil {
		if cat, err = cat.Extend(cfg.CustomFrameworks...); err != nil {
			return nil, usageErrorf("invalid configuration %s: %w", cfg.File, err)
		}
		if err := cfg.Check(reg, cat); err != nil {
			return nil, usageErrorf("invalid configuration:\n%w", err)
		}
	}
	for _, id := range run.frameworks {
		if _, ok := cat.Framework(id); !ok {
			var known []string
			for _, fw := range cat.Frameworks() {
				known = append(known, fw.ID)
			}
			return nil, usageErrorf("--framework %q: unknown framework (known: %s)", id, strings.Join(known, ", "))
		}
	}
	return &report.Run{
		Tool: report.Tool{Name: "aegis", Version: version, URI: "https://github.com/aegis-iam/aegis",
			RulesURI: "https://github.com/aegis-iam/aegis/blob/main/docs/checks.md"},
		Registry: reg, Catalog: cat, Config: run.config, Frameworks: run.frameworks, Now: run.now,
	}, nil
}

// documents turns extracted policies into the report's documents.
func documents(db *iamdb.DB, extracted []source.Extracted) []*report.Document {
	docs := make([]*report.Document, len(extracted))
	for i, e := range extracted {
		docs[i] = &report.Document{
			Input: check.Input{File: e.File, Name: e.Name, Kind: e.Kind, Doc: e.Document, DB: db, Errors: e.Errors, Placeholders: e.PlaceholderTexts()},
			Owner: e.Owner,
		}
	}
	return docs
}

// collectInputs extracts the documents of every path. Files that hold no
// policy become notes; files whose syntax is broken become documents with
// errors only; anything unreadable is a failure.
func collectInputs(ctx context.Context, env *Env, paths []string, opts source.Options) ([]source.Extracted, []report.Note, []error) {
	var (
		docs     []source.Extracted
		notes    []report.Note
		failures []error
	)
	for _, p := range paths {
		var got []source.Extracted
		var errs []error
		if p == "-" {
			src, err := io.ReadAll(io.LimitReader(env.Stdin, maxStdin+1))
			if err != nil {
				failures = append(failures, fmt.Errorf("reading standard input: %w", err))
				continue
			}
			if len(src) > maxStdin {
				failures = append(failures, fmt.Errorf("standard input is larger than the %d MiB validate reads", maxStdin>>20))
				continue
			}
			var xerr error
			got, xerr = source.Extract(stdinName, src, opts)
			if xerr != nil {
				errs = []error{xerr}
			}
		} else {
			got, errs = source.Walk(ctx, p, opts)
		}
		docs = append(docs, got...)
		for _, err := range errs {
			var list policy.ErrorList
			switch {
			case errors.Is(err, source.ErrUnrecognized):
				notes = append(notes, report.Note{File: unrecognizedFile(err), Message: "skipped: " + source.ErrUnrecognized.Error()})
			case errors.As(err, &list) && len(list) > 0:
				docs = append(docs, errorsByFile(list)...)
			default:
				failures = append(failures, err)
			}
		}
	}
	return docs, notes, failures
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

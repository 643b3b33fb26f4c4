package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"runtime/debug"
	"strings"
	"time"

	"github.com/aegis-iam/aegis/backend/check"
	"github.com/aegis-iam/aegis/backend/compliance"
	"github.com/aegis-iam/aegis/backend/iamdb"
	"github.com/aegis-iam/aegis/backend/policy"
	"github.com/aegis-iam/aegis/backend/report"
	"github.com/aegis-iam/aegis/backend/source"
	"github.com/aegis-iam/aegis/backend/validate"
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
	baseline   string
	// credentialReport, passwordPolicy and authorization name account
	// facts to check (AEG-ACCT and the rules needing attachments).
	credentialReport string
	passwordPolicy   string
	authorization    string
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

--baseline FILE takes a JSON report of an earlier run (aegis validate
--format json) and sets aside every finding it holds, matched by check ID and
statement fingerprint (not by line), so only new findings fail the build.

Problems in a policy's text are findings of the syntax checks (AEG-SYN).
Problems no check reports (a YAML or HCL syntax error, a document that cannot
be parsed at all, an unresolvable intrinsic) are input errors.

Exit codes: 0 no counted finding at or above --fail-on; 1 at least one; 2 bad
usage, an invalid configuration, an unreadable path or an input error (the
report is still written).`,
		Example: `  aegis validate policy.json
  aegis validate infra/ --fail-on medium
  aegis validate template.yaml --format sarif --output aegis.sarif
  aegis validate infra/ --format json -o .aegis-baseline.json --fail-on none   # record today's findings
  aegis validate infra/ --baseline .aegis-baseline.json                          # fail only on new ones
  aws iam get-policy-version ... --query PolicyVersion.Document | aegis validate - --policy-type identity
  aegis validate . --framework pci-dss-4.0 --framework cis-aws-3.0 --format markdown`,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runValidate(cmd.Context(), env, fl, args)
		},
	}
	f := cmd.Flags()
	f.StringVar(&fl.format, "format", "table", "output format: table, json, sarif, markdown, html or codequality (GitLab)")
	f.StringVarP(&fl.output, "output", "o", "", "write the report to FILE instead of standard output")
	f.StringVar(&fl.failOn, "fail-on", "high", `exit 1 when a finding is at least this severe: critical, high, medium, low, info, or "none"`)
	f.StringSliceVar(&fl.frameworks, "framework", nil, "compliance framework to report (repeatable; default: the configuration's, else all)")
	f.StringVar(&fl.policyType, "policy-type", "any", "kind of raw policy documents: identity, resource, trust, scp, rcp, boundary, session, vpc-endpoint or any (detect)")
	f.StringVar(&fl.config, "config", "", "configuration file (default: "+defaultConfig+" in the current directory, if present)")
	f.StringVar(&fl.baseline, "baseline", "", "a JSON report (--format json) of accepted findings: only findings it does not hold count")
	f.StringVar(&fl.color, "color", "auto", "colour the table: auto (when writing to a terminal), always or never")
	f.StringVar(&fl.credentialReport, "credential-report", "", "also check an IAM credential report (the CSV, or `aws iam get-credential-report` JSON) for account hygiene")
	f.StringVar(&fl.passwordPolicy, "password-policy", "", "also check the account password policy (`aws iam get-account-password-policy` output)")
	f.StringVar(&fl.authorization, "authorization-details", "", "also check who holds which policies (`aws iam get-account-authorization-details` output)")
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
	db, rr, err := openValidateRun(run)
	if err != nil {
		return err
	}
	// Validation makes each document's working set and drops it, on top of
	// a live set (database, rules, catalogue) that never becomes garbage:
	// collecting at 400% growth instead of 100% takes a fifth off the CPU
	// time of the managed-policy corpus for about 50 MB more at its peak.
	// A GOGC the user set is kept.
	if os.Getenv("GOGC") == "" {
		defer debug.SetGCPercent(debug.SetGCPercent(400))
	}
	if fl.baseline != "" {
		data, err := os.ReadFile(fl.baseline)
		if err != nil {
			return usageErrorf("--baseline: %w", err)
		}
		if rr.Baseline, err = report.LoadBaseline(fl.baseline, data); err != nil {
			return usageErrorf("--baseline: %w", err)
		}
	}
	if len(args) == 0 && fl.credentialReport == "" && fl.passwordPolicy == "" && fl.authorization == "" {
		args = []string{"."}
	}
	in := collectInputs(ctx, env, args, source.Options{Kind: run.kind, ReadFile: os.ReadFile})
	if err := ctx.Err(); err != nil {
		return err
	}
	failures := in.Failures
	accounts, err := accountDocuments(fl, run.now)
	if err != nil {
		failures = append(failures, err)
	}
	if len(in.Docs) == 0 && len(accounts) == 0 && len(failures) > 0 {
		return &exitError{code: ExitUsage, err: errors.Join(failures...)}
	}
	rep := rr.Validate(append(in.Documents(db), accounts...), in.Notes)

	if err := writeReport(env, fl.output, rep, run); err != nil {
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

// openValidateRun loads what the run uses throughout: the IAM database,
// the rules and the compliance catalogue. They stay live until the process
// exits, so a garbage collection while they are built frees nothing and
// only costs time (a tenth of a one-file run): collection resumes once they
// are loaded.
func openValidateRun(run *validateRun) (*iamdb.DB, *report.Run, error) {
	defer debug.SetGCPercent(debug.SetGCPercent(-1))
	db, err := openIAMDB()
	if err != nil {
		return nil, nil, err
	}
	rr, err := newReportRun(run)
	if err != nil {
		return nil, nil, err
	}
	return db, rr, nil
}

// writeReport renders the report to the output file, or to standard
// output, through a buffered writer: a report of a large input runs to tens
// of megabytes, which are not worth holding in memory whole.
func writeReport(env *Env, output string, rep *report.Report, run *validateRun) error {
	if output == "" {
		return renderReport(env.Stdout, rep, run)
	}
	f, err := os.Create(output)
	if err != nil {
		return usageErrorf("writing the report: %w", err)
	}
	err = renderReport(f, rep, run)
	if cerr := f.Close(); err == nil && cerr != nil {
		err = cerr
	}
	if err != nil {
		return usageErrorf("writing the report: %w", err)
	}
	return nil
}

func renderReport(w io.Writer, rep *report.Report, run *validateRun) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	if err := report.Write(bw, rep, run.format, report.Options{Color: run.color}); err != nil {
		return err
	}
	return bw.Flush()
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

// aegisTool names the CLI in reports.
var aegisTool = report.Tool{Name: "aegis", Version: version, URI: "https://github.com/aegis-iam/aegis",
	RulesURI: "https://github.com/aegis-iam/aegis/blob/main/docs/checks.md"}

// newReportRun loads the run through the shared pipeline, turning its
// configuration and framework problems into usage errors.
func newReportRun(run *validateRun) (*report.Run, error) {
	r, err := validate.NewRun(validate.Settings{Tool: aegisTool, Config: run.config, Frameworks: run.frameworks, Now: run.now})
	var unknown *validate.UnknownFrameworkError
	var cfgErr *validate.ConfigError
	switch {
	case errors.As(err, &unknown):
		return nil, usageErrorf("--framework %w", err)
	case errors.As(err, &cfgErr):
		return nil, usageErrorf("%w", err)
	}
	return r, err
}

// collectInputs extracts the documents of every path ("-" is standard
// input).
func collectInputs(ctx context.Context, env *Env, paths []string, opts source.Options) *validate.Inputs {
	in := &validate.Inputs{}
	for _, p := range paths {
		if p != "-" {
			in.AddPath(ctx, p, opts)
			continue
		}
		src, err := io.ReadAll(io.LimitReader(env.Stdin, maxStdin+1))
		switch {
		case err != nil:
			in.AddFailure(fmt.Errorf("reading standard input: %w", err))
		case len(src) > maxStdin:
			in.AddFailure(fmt.Errorf("standard input is larger than the %d MiB validate reads", maxStdin>>20))
		default:
			in.AddText(stdinName, src, opts)
		}
	}
	return in
}

// accountDocuments reads the account facts the flags name, one document
// per file so findings point into it; problems in a file are the
// document's errors.
func accountDocuments(fl validateFlags, now time.Time) ([]*report.Document, error) {
	var out []*report.Document
	for _, f := range []struct {
		name string
		read func(string, []byte, *check.Account) error
	}{
		{fl.credentialReport, func(name string, src []byte, a *check.Account) (err error) {
			a.Credentials, err = source.ReadCredentialReport(name, src)
			return err
		}},
		{fl.passwordPolicy, func(name string, src []byte, a *check.Account) (err error) {
			a.PasswordPolicy, err = source.ReadPasswordPolicy(name, src)
			return err
		}},
		{fl.authorization, func(name string, src []byte, a *check.Account) (err error) {
			a.Authorization, err = source.ReadAuthorization(name, src)
			return err
		}},
	} {
		if f.name == "" {
			continue
		}
		src, err := os.ReadFile(f.name)
		if err != nil {
			return out, err
		}
		d := &report.Document{Input: check.Input{File: f.name, Kind: policy.KindAccount, Account: &check.Account{AsOf: now}}}
		if err := f.read(f.name, src, d.Account); err != nil {
			var list policy.ErrorList
			if !errors.As(err, &list) {
				return out, err
			}
			d.Errors = list
		}
		out = append(out, d)
	}
	return out, nil
}

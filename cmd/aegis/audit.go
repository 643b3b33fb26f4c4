package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/aegis-iam/aegis/backend/audit/bundle"
	"github.com/aegis-iam/aegis/backend/audit/importer"
	"github.com/aegis-iam/aegis/backend/audit/query"
	"github.com/aegis-iam/aegis/backend/audit/render"
	"github.com/aegis-iam/aegis/backend/audit/result"
	"github.com/aegis-iam/aegis/backend/audit/unused"
	"github.com/aegis-iam/aegis/backend/cloudtrail"
	"github.com/aegis-iam/aegis/backend/iamdb"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// auditInputs name an account's exports or its bundle: the inputs aegis
// audit and aegis audit query share.
type auditInputs struct {
	authz, credentialReport, passwordPolicy, org, resourcePolicies, accessAdvisor, eventSelectors string
	bundle                                                                                        string
}

// auditFlags are the inputs of aegis audit.
type auditFlags struct {
	auditInputs
	cloudtrail, writeBundle, previous string
	end, window, format               string
}

// registerExports adds the export flags.
func (in *auditInputs) registerExports(fl *pflag.FlagSet) {
	fl.StringVar(&in.authz, "authz", "", "`aws iam get-account-authorization-details` output")
	fl.StringVar(&in.credentialReport, "credential-report", "", "IAM credential report (CSV, or get-credential-report JSON)")
	fl.StringVar(&in.passwordPolicy, "password-policy", "", "`aws iam get-account-password-policy` output")
	fl.StringVar(&in.org, "org", "", "Organizations export: path and SCP/RCP documents (docs/bundle.md)")
	fl.StringVar(&in.resourcePolicies, "resource-policies", "", "resource-based policies: [{\"Arn\", \"Policy\"}]")
	fl.StringVar(&in.accessAdvisor, "access-advisor", "", "Access Advisor: {ARN: get-service-last-accessed-details output}")
	fl.StringVar(&in.eventSelectors, "event-selectors", "", "`aws cloudtrail get-event-selectors` output (one or a list)")
}

// read reads the bundle, or imports the exports as collected at
// collectedAt.
func (in *auditInputs) read(collectedAt time.Time) (*bundle.Bundle, error) {
	if (in.authz == "") == (in.bundle == "") {
		return nil, usageErrorf("give --authz GAAD.json (with other exports) or --bundle FILE")
	}
	if in.bundle != "" {
		file, err := os.Open(in.bundle)
		if err != nil {
			return nil, usageErrorf("%w", err)
		}
		defer file.Close()
		b, err := bundle.Read(in.bundle, file)
		if err != nil {
			return nil, usageErrorf("%w", err)
		}
		return b, nil
	}
	s, err := importer.ReadFiles(importer.Paths{Authz: in.authz, CredentialReport: in.credentialReport, PasswordPolicy: in.passwordPolicy,
		Organization: in.org, ResourcePolicies: in.resourcePolicies, AccessAdvisor: in.accessAdvisor, EventSelectors: in.eventSelectors}, collectedAt)
	if err != nil {
		return nil, usageErrorf("%w", err)
	}
	return bundle.New(*s, nil), nil
}

func newAuditCmd(env *Env) *cobra.Command {
	var f auditFlags
	cmd := &cobra.Command{
		Use:   "audit --authz GAAD.json [--cloudtrail DIR] [options] | --bundle FILE",
		Short: "Audit an account: unused permissions, right-sized policies with proofs, risk",
		Long: `Audits one AWS account from its exports, offline.

The inputs are the AWS CLI's exports (--authz is required; the others are
optional and each improves what can be judged) or a snapshot bundle written
earlier (--bundle, docs/bundle.md). --write-bundle saves what was imported
(gzipped when the name ends in .gz).

--cloudtrail reads the trail's log files as delivered to S3
(AWSLogs/[o-ID/]ACCOUNT/CloudTrail/REGION/YYYY/MM/DD/*.json.gz) for the window
that ends at --end (default: now) and lasts --window (default 90d). Progress
goes to stderr.

Every permission is used, unused, unknown or too new. "Unused" is claimed only
where every usage source with coverage agrees for the whole window: data
events a trail did not log, iam:PassRole, excluded event sources, days
without logs and principals younger than the window are unknown. See
docs/audit.md for the JSON contract.

--previous compares with an earlier JSON audit of the same account: new and
removed principals, permissions granted since, score changes, new escalation
paths and external access.

Exit codes: 0 audited; 2 bad usage, or unreadable or invalid input.`,
		Example: `  aegis audit --authz gaad.json --cloudtrail ./logs --end 2026-11-01 --format table
  aegis audit --authz gaad.json --credential-report report.csv --org org.json --write-bundle acct.bundle.json.gz
  aegis audit --bundle acct.bundle.json.gz --format markdown`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runAudit(cmd, env, &f) },
	}
	fl := cmd.Flags()
	f.registerExports(fl)
	fl.StringVar(&f.cloudtrail, "cloudtrail", "", "directory of CloudTrail log files (the S3 layout)")
	fl.StringVar(&f.bundle, "bundle", "", "read a snapshot bundle instead of exports")
	fl.StringVar(&f.writeBundle, "write-bundle", "", "write the imported snapshot bundle to `FILE` (.gz: compressed)")
	fl.StringVar(&f.previous, "previous", "", "a previous `aegis audit --format json` of the account: report the drift since")
	fl.StringVar(&f.end, "end", "", "end of the window, YYYY-MM-DD or RFC 3339 (default: now)")
	fl.StringVar(&f.window, "window", "90d", "length of the window: Nd or a Go duration")
	fl.StringVar(&f.format, "format", "table", "output format: "+strings.Join(render.Formats, ", "))
	cmd.AddCommand(newAuditQueryCmd(env))
	registerLiveAudit(cmd, env, &f) // audit_live.go: --profile
	return cmd
}

func runAudit(cmd *cobra.Command, env *Env, f *auditFlags) error {
	_, ok := render.Writer(f.format)
	if !ok {
		return usageErrorf("--format %q: want %s", f.format, strings.Join(render.Formats, ", "))
	}
	if (f.authz == "") == (f.bundle == "") {
		return usageErrorf("give --authz GAAD.json (with other exports) or --bundle FILE")
	}
	w, err := f.span()
	if err != nil {
		return err
	}
	db, err := openIAMDB()
	if err != nil {
		return err
	}
	b, err := f.read(w.End)
	if err != nil {
		return err
	}
	if f.cloudtrail != "" {
		progress := func(done, total int) {
			if done == total || done%100 == 0 {
				fmt.Fprintf(env.Stderr, "\rreading CloudTrail logs: %d/%d files", done, total)
				if done == total {
					fmt.Fprintln(env.Stderr)
				}
			}
		}
		u, err := cloudtrail.ReadDir(cmd.Context(), f.cloudtrail, cloudtrail.Options{DB: db, Start: w.Start, End: w.End, Progress: progress})
		if err != nil {
			return usageErrorf("--cloudtrail: %w", err)
		}
		b.Usage = u
	}
	return auditBundle(env, f, db, b, w, nil)
}

// auditBundle audits b and writes the result (and, when asked, the bundle);
// problems are added to the audit's (a live collection's gaps).
func auditBundle(env *Env, f *auditFlags, db *iamdb.DB, b *bundle.Bundle, w unused.Window, problems []string) error {
	write, _ := render.Writer(f.format)
	if err := bundle.Check(b); err != nil {
		return usageErrorf("%w", err)
	}
	if f.writeBundle != "" {
		var buf bytes.Buffer
		if err := bundle.Write(&buf, b, strings.HasSuffix(f.writeBundle, ".gz")); err != nil {
			return err
		}
		if err := os.WriteFile(f.writeBundle, buf.Bytes(), 0o644); err != nil {
			return usageErrorf("%w", err)
		}
	}
	a, err := result.Run(db, &b.Snapshot, b.Usage, w)
	if err != nil {
		return err
	}
	a.Problems = append(a.Problems, problems...)
	if f.previous != "" {
		data, err := os.ReadFile(f.previous)
		if err != nil {
			return usageErrorf("%w", err)
		}
		var prev result.Audit
		if err := json.Unmarshal(data, &prev); err != nil {
			return usageErrorf("--previous %s: not an aegis audit JSON: %w", f.previous, err)
		}
		if prev.Account != a.Account {
			return usageErrorf("--previous %s: audits account %q, not %s", f.previous, prev.Account, a.Account)
		}
		a.Drift = result.Compare(&prev, a)
	}
	var out bytes.Buffer
	if err := write(&out, a); err != nil {
		return err
	}
	_, err = env.Stdout.Write(out.Bytes())
	return err
}

// span is the audited window: --window long, ending at --end (default:
// now).
func (f *auditFlags) span() (unused.Window, error) {
	length, err := parseWindow(f.window)
	if err != nil {
		return unused.Window{}, usageErrorf("--window: %w", err)
	}
	end := time.Now().UTC()
	if f.end != "" {
		if end, err = parseEnd(f.end); err != nil {
			return unused.Window{}, usageErrorf("--end: %w", err)
		}
	}
	return unused.Window{Start: end.Add(-length), End: end}, nil
}

// parseWindow reads "90d" or a Go duration.
func parseWindow(s string) (time.Duration, error) {
	var d time.Duration
	if n, ok := strings.CutSuffix(s, "d"); ok {
		days, err := strconv.Atoi(n)
		if err != nil {
			return 0, fmt.Errorf("%q: want a number of days (90d) or a duration (2160h)", s)
		}
		d = time.Duration(days) * 24 * time.Hour
	} else {
		var err error
		if d, err = time.ParseDuration(s); err != nil {
			return 0, fmt.Errorf("%q: want a number of days (90d) or a duration (2160h)", s)
		}
	}
	if d <= 0 {
		return 0, fmt.Errorf("%q: the window must be longer than zero", s)
	}
	return d, nil
}

// parseEnd reads a day (its midnight UTC, the window then ending at the
// start of that day) or an RFC 3339 time.
func parseEnd(s string) (time.Time, error) {
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return t, nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%q: want YYYY-MM-DD or an RFC 3339 time", s)
	}
	return t.UTC(), nil
}

func newAuditQueryCmd(env *Env) *cobra.Command {
	var in auditInputs
	var format string
	cmd := &cobra.Command{
		Use:   "query 'QUERY' (--authz GAAD.json [exports] | --bundle FILE)",
		Short: "Ask who can do an action on a resource, or what a principal can do",
		Long: `Answers a question about the account's access, decided by the evaluator
with each principal's effective policies (identity policies, permissions
boundary, SCPs and RCPs, and the resource's own policy), following
privilege-escalation edges as PMapper does:

  who can ACTION [on RESOURCE]        ACTION may be a pattern (s3:Get*)
  what can PRINCIPAL do [on RESOURCE] PRINCIPAL is a user's or role's name or ARN

A match is "by policies" (its own policies allow it), "by admin" (it can
grant itself the permission, within its boundary and the SCPs), "by
escalation" (it can become a principal that may, shown hop by hop) or "by
resource-policy" (an outside principal the resource's policy names).

The inputs are those of aegis audit: the exports, or a snapshot bundle.

Exit codes: 0 answered; 2 bad usage, invalid input or a bad query (the
column is shown).`,
		Example: `  aegis audit query 'who can s3:GetObject on arn:aws:s3:::app-config/settings.json' --bundle acct.bundle.json.gz
  aegis audit query 'what can app do on arn:aws:sqs:eu-west-1:111122223333:jobs' --authz gaad.json --resource-policies resources.json`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error { return runAuditQuery(env, &in, format, args[0]) },
	}
	fl := cmd.Flags()
	in.registerExports(fl)
	fl.StringVar(&in.bundle, "bundle", "", "read a snapshot bundle instead of exports")
	fl.StringVar(&format, "format", "text", "output format: text or json")
	return cmd
}

func runAuditQuery(env *Env, in *auditInputs, format, text string) error {
	if format != "text" && format != "json" {
		return usageErrorf("--format %q: want text or json", format)
	}
	q, err := query.Parse(text)
	if err != nil {
		return queryError(err, text)
	}
	b, err := in.read(time.Now().UTC())
	if err != nil {
		return err
	}
	if err := bundle.Check(b); err != nil {
		return usageErrorf("%w", err)
	}
	db, err := openIAMDB()
	if err != nil {
		return err
	}
	a, err := query.New(db, &b.Snapshot).Answer(q)
	if err != nil {
		return queryError(err, text)
	}
	var out bytes.Buffer
	if format == "json" {
		err = a.JSON(&out)
	} else {
		err = a.Text(&out)
	}
	if err != nil {
		return err
	}
	_, err = env.Stdout.Write(out.Bytes())
	return err
}

// queryError shows a bad query's column under it (exit 2).
func queryError(err error, text string) error {
	var qe *query.Error
	if errors.As(err, &qe) {
		return usageErrorf("query: %w\n%s", err, qe.Caret(text))
	}
	return err
}

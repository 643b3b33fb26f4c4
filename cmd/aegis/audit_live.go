package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/aegis-iam/aegis/backend/audit/bundle"
	"github.com/aegis-iam/aegis/backend/audit/render"
	"github.com/aegis-iam/aegis/backend/audit/result"
	"github.com/aegis-iam/aegis/backend/audit/unused"
	"github.com/aegis-iam/aegis/backend/awsapi"
	"github.com/aegis-iam/aegis/backend/iamdb"
	"github.com/aegis-iam/aegis/backend/mcp/awsserver"
	"github.com/aegis-iam/aegis/backend/mcp/collect"
	"github.com/spf13/cobra"
)

// liveFlags are aegis audit's flags for a live audit.
type liveFlags struct {
	profile     string
	regions     []string
	orgRole     string
	concurrency int
	accounts    int
	athena      athenaFlags // audit_athena.go
	lake        lakeFlags   // audit_lake.go
}

// ExitInterrupted is the exit code of a live audit cancelled with Ctrl-C.
const ExitInterrupted = 130

const liveHelp = `

Live: --profile P audits the account of a profile of the shared AWS config
files through Aegis's built-in read-only AWS MCP server (docs/live-audit.md),
with the same output and exit codes. Usage comes from CloudTrail event
history (LookupEvents, management events only); it and the resource
policies are read in each --region (default: every region enabled for the
account), in parallel. A region that refuses or fails is a coverage gap,
and nothing is called unused while a gap remains. Calls that fail are
listed among the audit's problems. Progress per stage (discover, usage,
analyse) with counts and an ETA goes to stderr; Ctrl-C stops cleanly (exit
130). --org-role NAME audits every active account of the organization
through the role NAME, --org-concurrency accounts at a time, into one
report (json, table or markdown); an account whose role cannot be assumed
is a gap in it.`

// registerLiveAudit adds the live flags to aegis audit: with --profile it
// audits live, else offline as before.
func registerLiveAudit(cmd *cobra.Command, env *Env, f *auditFlags) {
	var lf liveFlags
	fl := cmd.Flags()
	fl.StringVar(&lf.profile, "profile", "", "audit live the account of this shared-config `profile`")
	fl.StringSliceVar(&lf.regions, "region", nil, "live: a `region` whose event history and resource policies to read (repeatable; default: every enabled region)")
	fl.IntVar(&lf.concurrency, "concurrency", 4, "live: Access Advisor jobs and regions read at once")
	fl.StringVar(&lf.orgRole, "org-role", "", "live: audit every account of the profile's organization through this role `name`")
	fl.IntVar(&lf.accounts, "org-concurrency", 2, "live: accounts audited at once with --org-role")
	cmd.Long += liveHelp + athenaHelp + lakeHelp
	lf.athena.register(fl)
	lf.lake.register(fl)
	cmd.AddCommand(newAthenaSetupCmd(env), newAthenaPermissionsCmd(env)) // audit_athena.go
	cmd.AddCommand(newLakeStoresCmd(env), newLakePermissionsCmd(env))    // audit_lake.go
	cmd.Example += "\n  aegis audit --profile audit --region eu-west-1 --region us-east-1 --window 30d --format json"
	offline := cmd.RunE
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		if lf.profile == "" {
			if lf.lake.set() {
				return usageErrorf("--lake-event-data-store needs --profile")
			}
			if len(lf.regions) > 0 || lf.orgRole != "" || lf.athena.set() {
				return usageErrorf("--region, --org-role and --athena-* need --profile")
			}
			return offline(cmd, args)
		}
		return runLiveAudit(cmd.Context(), env, f, &lf)
	}
}

func runLiveAudit(ctx context.Context, env *Env, f *auditFlags, lf *liveFlags) error {
	if f.authz != "" || f.bundle != "" || f.cloudtrail != "" {
		return usageErrorf("--profile audits live: drop --authz, --bundle and --cloudtrail")
	}
	if _, ok := render.Writer(f.format); !ok {
		return usageErrorf("--format %q: want %s", f.format, strings.Join(render.Formats, ", "))
	}
	if lf.concurrency < 1 || lf.accounts < 1 {
		return usageErrorf("--concurrency and --org-concurrency must be at least 1")
	}
	if lf.orgRole != "" && (f.writeBundle != "" || f.previous != "" || !slices.Contains(orgFormats, f.format)) {
		return usageErrorf("--org-role writes %s, without --write-bundle or --previous", strings.Join(orgFormats, ", "))
	}
	w, err := f.span()
	if err != nil {
		return err
	}
	athena, err := lf.athena.args()
	if err != nil {
		return err
	}
	lake, err := lf.lake.args()
	if err != nil {
		return err
	}
	if athena != nil && lake != nil {
		return usageErrorf("usage comes from one source: --athena-* or --lake-event-data-store, not both")
	}
	db, err := openIAMDB()
	if err != nil {
		return err
	}
	profiles, err := awsapi.NewProfiles(awsapi.Options{})
	if err != nil {
		return err
	}
	region := ""
	if len(lf.regions) > 0 {
		region = lf.regions[0]
	}
	sess, err := profiles.Session(ctx, lf.profile, region)
	if err != nil {
		return usageErrorf("--profile %s: %w", lf.profile, err)
	}
	live := liveRun{db: db, regions: lf.regions, home: sess.Region(), concurrency: lf.concurrency, w: w, at: w.End, athena: athena, lake: lake}
	live.athenaRunner = lf.athena.runner(sess)
	if lf.orgRole != "" {
		err = runOrgAudit(ctx, env, f.format, sess, lf, &live)
	} else {
		err = runAccountAudit(ctx, env, f, profiles, lf.profile, &live)
	}
	if err != nil && ctx.Err() != nil {
		return &exitError{code: ExitInterrupted, err: errors.New("audit cancelled")}
	}
	return err
}

// runAccountAudit audits the profile's account and writes it as the
// offline audit does.
func runAccountAudit(ctx context.Context, env *Env, f *auditFlags, profiles *awsapi.Profiles, profile string, live *liveRun) error {
	readers, err := awsserver.FromProfile(ctx, profiles, profile, live.home)
	if err != nil {
		return usageErrorf("--profile %s: %w", profile, err)
	}
	p := newStageProgress(env.Stderr, "")
	b, problems, err := live.collect(ctx, readers, p)
	if err != nil {
		return err
	}
	p.report(collect.Progress{Phase: "analyse", Stage: collect.StageAnalyse, Total: 1})
	defer p.report(collect.Progress{Phase: "analyse", Stage: collect.StageAnalyse, Done: 1, Total: 1})
	return auditBundle(env, f, live.db, b, live.w, problems)
}

// liveRun is what every account's collection shares.
type liveRun struct {
	db          *iamdb.DB
	regions     []string // none: every enabled region
	home        string   // the profile's region, or the first of regions
	concurrency int
	w           unused.Window
	at          time.Time
	athena      *awsserver.AthenaArgs // usage from Athena instead of LookupEvents
	lake        *awsserver.LakeArgs   // usage from CloudTrail Lake instead of LookupEvents

	// athenaRunner, when set, runs athena_usage's queries instead of the
	// audited account's credentials (--athena-role-arn).
	athenaRunner func(workgroup, output string) *awsapi.AthenaRunner
	orgAthena    *orgAthena // an organization's usage from Athena, queried once (audit_athena.go)
}

// withAthena gives readers the Athena runner of --athena-role-arn, when
// one is set.
func (live *liveRun) withAthena(readers awsserver.Readers) awsserver.Readers {
	if live.athenaRunner != nil {
		readers.Athena = live.athenaRunner
	}
	return readers
}

// collect reads one account through the built-in server with readers into
// a bundle, with the collection's gaps as problems.
func (live *liveRun) collect(ctx context.Context, readers awsserver.Readers, p *stageProgress) (*bundle.Bundle, []string, error) {
	w := live.w
	c, err := collect.BuiltIn(ctx, live.withAthena(readers), version)
	if err != nil {
		return nil, nil, err
	}
	defer c.Close()
	opts := collect.Options{CollectedAt: live.at, EventsStart: w.Start, EventsEnd: w.End,
		Regions: live.regions, AllRegions: len(live.regions) == 0, Concurrency: live.concurrency, Progress: p.report, Athena: live.athena, Lake: live.lake}
	live.orgAthena.skipUsage(&opts)
	res, err := collect.Collect(ctx, c, opts)
	if err != nil {
		if errors.Is(err, collect.ErrNoAuthorizationDetails) && res != nil {
			for _, g := range res.Gaps {
				err = fmt.Errorf("%w; %s", err, g)
			}
		}
		return nil, nil, err
	}
	live.orgAthena.share(res)
	var problems []string
	for _, g := range res.Gaps {
		problems = append(problems, "live collection: "+g.String())
	}
	u, notes, err := collect.Usage(ctx, live.db, w, res, live.home, func(done, total int) {
		p.report(collect.Progress{Phase: "events-read", Stage: collect.StageUsage, Done: done, Total: total})
	})
	if err != nil {
		return nil, nil, err
	}
	for _, n := range notes {
		problems = append(problems, "live collection: "+n)
	}
	return bundle.New(*res.Snapshot, u), problems, nil
}

// lockedWriter serializes writes to w.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// stageProgress prints progress on one stderr line per phase: the stage,
// the phase, the counts and the ETA. With a prefix (an account, when
// several are audited at once) it prints whole lines only, at the end of
// each phase.
type stageProgress struct {
	w      io.Writer
	prefix string
	mu     sync.Mutex
	phase  string
}

func newStageProgress(w io.Writer, prefix string) *stageProgress {
	return &stageProgress{w: w, prefix: prefix}
}

func (s *stageProgress) report(p collect.Progress) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.prefix != "" {
		if p.Done == p.Total {
			fmt.Fprintf(s.w, "%s %s: %s %d/%d\n", s.prefix, p.Stage, p.Phase, p.Done, p.Total)
		}
		return
	}
	if s.phase != "" && s.phase != p.Phase {
		fmt.Fprintln(s.w)
	}
	s.phase = p.Phase
	line := fmt.Sprintf("\r%s: %s %d/%d", p.Stage, p.Phase, p.Done, p.Total)
	if p.ETA > 0 {
		line += ", ETA " + p.ETA.Round(time.Second).String()
	}
	fmt.Fprint(s.w, line)
	if p.Done == p.Total && p.Phase == "analyse" {
		fmt.Fprintln(s.w)
		s.phase = ""
	}
}

// orgFormats are the formats of an organization's audit: one JSON
// document, or each account's table or Markdown in turn.
var orgFormats = []string{"json", "table", "markdown"}

// OrgAudit is the organization report of aegis audit --org-role: every
// active account's audit, or why it could not be audited.
type OrgAudit struct {
	Organization string         `json:"organization"`
	Accounts     []AccountAudit `json:"accounts"`
}

// AccountAudit is one account of an organization's audit: its audit, or
// the gap that kept it from being audited (the role could not be assumed,
// its authorization details could not be read).
type AccountAudit struct {
	Account string        `json:"account"`
	Name    string        `json:"name"`
	Audit   *result.Audit `json:"audit,omitempty"`
	Gap     string        `json:"gap,omitempty"`

	org string // the organization the account's snapshot names
}

// runOrgAudit lists the organization's accounts with the profile's
// session, assumes lf.orgRole in each, a few accounts at a time, audits
// each through its own built-in server and writes one report.
func runOrgAudit(ctx context.Context, env *Env, format string, sess awsapi.Session, lf *liveFlags, live *liveRun) error {
	accounts, err := sess.Org().Accounts(ctx)
	if err != nil {
		return fmt.Errorf("--org-role: listing the organization's accounts: %s", awsapi.Describe(err))
	}
	report := OrgAudit{Accounts: make([]AccountAudit, len(accounts))}
	sem := make(chan struct{}, lf.accounts)
	var wg sync.WaitGroup
	// The accounts audited at once print their progress to one stderr.
	progress := &lockedWriter{w: env.Stderr}
	if live.athena != nil {
		if live.orgAthena, err = live.queryOrgAthena(ctx, sess, accounts, newStageProgress(progress, "organization")); err != nil {
			return err
		}
	}
	for i, acct := range accounts {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			report.Accounts[i] = live.account(ctx, progress, sess, acct, lf.orgRole)
		})
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return err
	}
	audited := 0
	for _, a := range report.Accounts {
		if a.Audit != nil {
			audited++
			if report.Organization == "" {
				report.Organization = a.org
			}
		}
	}
	if audited == 0 {
		return fmt.Errorf("--org-role %s: no account of the organization could be audited", lf.orgRole)
	}
	var out bytes.Buffer
	if format == "json" {
		enc := json.NewEncoder(&out)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		err = enc.Encode(report)
	} else {
		write, _ := render.Writer(format)
		for _, a := range report.Accounts {
			fmt.Fprintf(&out, "== account %s (%s) ==\n", a.Account, a.Name)
			if a.Audit == nil {
				fmt.Fprintf(&out, "not audited: %s\n\n", a.Gap)
				continue
			}
			if err = write(&out, a.Audit); err != nil {
				break
			}
			out.WriteString("\n")
		}
	}
	if err != nil {
		return err
	}
	_, err = env.Stdout.Write(out.Bytes())
	return err
}

// account audits one account of the organization through role.
func (live *liveRun) account(ctx context.Context, progress io.Writer, sess awsapi.Session, acct awsapi.OrgAccount, role string) AccountAudit {
	out := AccountAudit{Account: acct.ID, Name: acct.Name}
	roleARN := "arn:aws:iam::" + acct.ID + ":role/" + role
	as := sess.AssumeRole(roleARN, "aegis-audit")
	if _, err := as.Identity(ctx); err != nil {
		out.Gap = "cannot assume " + roleARN + ": " + awsapi.Describe(err)
		return out
	}
	readers := awsserver.FromSession(as)
	// An organization's Lake event data store answers queries from the
	// management (or delegated administrator) account only: the profile's.
	// Each query still counts this account's events alone.
	readers.Lake = sess.Lake
	b, problems, err := live.collect(ctx, readers, newStageProgress(progress, acct.ID))
	if err == nil {
		err = bundle.Check(b)
	}
	var a *result.Audit
	if err == nil {
		a, err = result.Run(live.db, &b.Snapshot, b.Usage, live.w)
	}
	if err != nil {
		out.Gap = err.Error()
		return out
	}
	a.Problems = append(a.Problems, problems...)
	out.Audit = a
	if o := b.Snapshot.Organization; o != nil {
		out.org = o.ID
	}
	return out
}

package main

import (
	"context"
	"time"

	"github.com/aegis-iam/aegis/backend/awsapi"
	"github.com/aegis-iam/aegis/backend/cloudtrail/athenasql"
	"github.com/aegis-iam/aegis/backend/mcp/awsserver"
	"github.com/aegis-iam/aegis/backend/mcp/collect"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// athenaTableFlags describe the trail's logs and the Athena table over
// them, as aegis audit athena-setup and athena-permissions read them.
type athenaTableFlags struct {
	t     athenasql.Table
	since string
}

func (a *athenaTableFlags) register(fl *pflag.FlagSet) {
	fl.StringVar(&a.t.Database, "database", "default", "the Glue `database` holding the table (it must exist)")
	fl.StringVar(&a.t.Name, "table", "aegis_cloudtrail", "the table's `name`")
	fl.StringVar(&a.t.Bucket, "bucket", "", "the S3 `bucket` the trail delivers its logs to (required)")
	fl.StringVar(&a.t.Prefix, "prefix", "", "the trail's S3 key `prefix`, if any")
	fl.StringVar(&a.t.Org, "org", "", "the organization `ID` (o-…) of an organization trail")
	fl.StringSliceVar(&a.t.Accounts, "account", nil, "an `account` ID the table projects (repeatable; none: accounts are named per query)")
	fl.StringSliceVar(&a.t.Regions, "region", nil, "a `region` the table projects (repeatable, required)")
	fl.StringVar(&a.since, "since", "", "the first day of the date projection, YYYY-MM-DD (required)")
}

// table is the table the flags describe.
func (a *athenaTableFlags) table() (athenasql.Table, error) {
	t := a.t
	if a.since != "" {
		since, err := time.Parse(time.DateOnly, a.since)
		if err != nil {
			return t, usageErrorf("--since: want YYYY-MM-DD: %w", err)
		}
		t.Since = since
	}
	if err := t.Validate(); err != nil {
		return t, usageErrorf("%w", err)
	}
	return t, nil
}

// newAthenaSetupCmd is aegis audit athena-setup: the table's DDL.
func newAthenaSetupCmd(env *Env) *cobra.Command {
	var a athenaTableFlags
	cmd := &cobra.Command{
		Use:   "athena-setup --bucket B --region R… --since YYYY-MM-DD [options]",
		Short: "Print the Athena CREATE TABLE for a trail's logs, with partition projection",
		Long: `Prints the CREATE EXTERNAL TABLE statement of the Athena table over a trail's
log files (s3://BUCKET/[PREFIX/]AWSLogs/[o-ID/]ACCOUNT/CloudTrail/REGION/…),
partitioned by account, region and day with partition projection, so that no
crawler or ALTER TABLE is needed. Run it once in the Athena console or with
aws athena start-query-execution (docs/live-audit.md, Athena set-up).`,
		Example: `  aegis audit athena-setup --bucket org-trail-logs --org o-a1b2c3d4e5 --region us-east-1 --region eu-west-1 --since 2025-01-01`,
		Args:    cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			t, err := a.table()
			if err != nil {
				return err
			}
			ddl, err := t.DDL()
			if err != nil {
				return usageErrorf("%w", err)
			}
			_, err = env.Stdout.Write([]byte(ddl + "\n"))
			return err
		},
	}
	a.register(cmd.Flags())
	return cmd
}

// newAthenaPermissionsCmd is aegis audit athena-permissions: the identity
// policy creating the table and running Aegis's queries need.
func newAthenaPermissionsCmd(env *Env) *cobra.Command {
	var a athenaTableFlags
	var access athenasql.Access
	cmd := &cobra.Command{
		Use:   "athena-permissions --bucket B --region R… --since YYYY-MM-DD --athena-region R --athena-account ID --athena-output s3://… [options]",
		Short: "Print the IAM policy the Athena table and queries need",
		Long: `Prints the identity policy that creating the table of aegis audit athena-setup
and running Aegis's usage and coverage queries need, and nothing more: the
Athena query calls on the workgroup, the Glue catalog, database and table,
reading the trail's logs, writing and reading the query results, and
decrypting the logs when --kms-key names their SSE-KMS key.`,
		Example: `  aegis audit athena-permissions --bucket org-trail-logs --org o-a1b2c3d4e5 --region us-east-1 --since 2025-01-01 \
    --athena-region us-east-1 --athena-account 111122223333 --athena-output s3://aegis-athena-results-111122223333/aegis/`,
		Args: cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			t, err := a.table()
			if err != nil {
				return err
			}
			doc, err := athenasql.Policy(t, access)
			if err != nil {
				return usageErrorf("%w", err)
			}
			_, err = env.Stdout.Write(append(doc, '\n'))
			return err
		},
	}
	fl := cmd.Flags()
	a.register(fl)
	fl.StringVar(&access.Region, "athena-region", "", "the `region` of the Athena workgroup and Glue catalog (required)")
	fl.StringVar(&access.Account, "athena-account", "", "the `account` ID of the Athena workgroup and Glue catalog (required)")
	fl.StringVar(&access.Workgroup, "athena-workgroup", "primary", "the Athena `workgroup`")
	fl.StringVar(&access.Results, "athena-output", "", "the S3 location of query results, s3://bucket/prefix/ (required)")
	fl.StringVar(&access.KMSKey, "kms-key", "", "the `ARN` of the KMS key the logs are encrypted with, if any")
	return cmd
}

const athenaHelp = `

Athena: --athena-database, --athena-table, --athena-bucket and
--athena-since (with --athena-prefix and --athena-org as the table was made
by aegis audit athena-setup) take usage from the trail's logs through
Athena instead of event history: the built-in server's athena_usage tool
runs Aegis's aggregate and coverage queries in --athena-workgroup for the
window, the account and each --region. A query that fails or is refused is
a coverage gap for the whole window, listed among the problems; nothing is
called unused there. Rows are read from the query's result file in S3, or
page by page when the file cannot be read (noted among the problems).
--athena-role-arn runs the queries as a role assumed with the profile's
credentials (an organization trail's bucket and workgroup usually live in
the log-archive account), while each account is read with its own. With
--org-role the queries run once for every account, and each account keeps
its principals' rows. aegis audit athena-permissions prints the policy.`

// athenaFlags are aegis audit's flags for usage from Athena.
type athenaFlags struct {
	a awsserver.AthenaArgs
	// role is the role the queries run as (--athena-role-arn): the
	// organization trail's bucket and the workgroup are usually in the
	// log-archive account, not in the audited ones.
	role string
}

func (f *athenaFlags) register(fl *pflag.FlagSet) {
	fl.StringVar(&f.a.Database, "athena-database", "", "live: usage from Athena: the Glue `database` of the CloudTrail table")
	fl.StringVar(&f.a.Table, "athena-table", "", "live: the CloudTrail `table` of aegis audit athena-setup")
	fl.StringVar(&f.a.Bucket, "athena-bucket", "", "live: the table's log `bucket`")
	fl.StringVar(&f.a.Prefix, "athena-prefix", "", "live: the table's S3 key `prefix`, if any")
	fl.StringVar(&f.a.Org, "athena-org", "", "live: the table's organization `ID`, for an organization trail")
	fl.StringVar(&f.a.Since, "athena-since", "", "live: the table's first projected day, YYYY-MM-DD")
	fl.StringVar(&f.a.Workgroup, "athena-workgroup", "primary", "live: the Athena `workgroup`")
	fl.StringVar(&f.a.Output, "athena-output", "", "live: the S3 location of query results, s3://bucket/prefix/ (default: the workgroup's)")
	fl.StringVar(&f.role, "athena-role-arn", "", "live: run the Athena queries as this role `ARN` (the log-archive account's), assumed with the profile's credentials")
}

// set reports whether any flag selecting Athena is given.
func (f *athenaFlags) set() bool {
	return f.a.Database != "" || f.a.Table != "" || f.a.Bucket != "" || f.a.Since != "" || f.a.Prefix != "" || f.a.Org != "" || f.a.Output != "" ||
		f.role != ""
}

// runner is what runs athena_usage's queries when --athena-role-arn names
// a role: runners with that role's credentials, assumed from sess (the
// profile's) as session aegis-athena, shared by every audited account;
// nil otherwise (each account's own credentials run them). A role that
// cannot be assumed fails the queries: a gap for the window.
func (f *athenaFlags) runner(sess awsapi.Session) func(workgroup, output string) *awsapi.AthenaRunner {
	if f.role == "" {
		return nil
	}
	return sess.AssumeRole(f.role, "aegis-athena").Athena
}

// args are athena_usage's arguments, nil when Athena is not asked for.
func (f *athenaFlags) args() (*awsserver.AthenaArgs, error) {
	if !f.set() {
		return nil, nil
	}
	if f.a.Database == "" || f.a.Table == "" || f.a.Bucket == "" || f.a.Since == "" {
		return nil, usageErrorf("usage from Athena needs --athena-database, --athena-table, --athena-bucket and --athena-since")
	}
	if f.role != "" && !awsapi.IsRoleARN(f.role) {
		return nil, usageErrorf("--athena-role-arn %q: want arn:aws:iam::ACCOUNT:role/NAME", f.role)
	}
	a := f.a
	return &a, nil
}

// orgAthena is an organization's usage from Athena: one athena_usage call
// for every account, made before the accounts are audited, whose rows each
// account's audit keeps its own of (collect.Athena.Usage), with the call's gaps.
type orgAthena struct {
	answer *collect.Athena
	gaps   []collect.Gap
}

// queryOrgAthena calls athena_usage once for accounts, for the window and
// regions, through a built-in server on sess (the profile's) whose Athena
// runner is --athena-role-arn's when given: one pair of queries over every
// account's partitions instead of a pair per account, and a principal's
// calls logged in another account's folders count for it.
func (live *liveRun) queryOrgAthena(ctx context.Context, sess awsapi.Session, accounts []awsapi.OrgAccount, progress *stageProgress) (*orgAthena, error) {
	c, err := collect.BuiltIn(ctx, live.withAthena(awsserver.FromSession(sess)), version)
	if err != nil {
		return nil, err
	}
	defer c.Close()
	a := *live.athena
	a.Start, a.End = live.w.Start.UTC(), live.w.End.UTC()
	a.Regions = live.regions
	for _, acct := range accounts {
		a.Accounts = append(a.Accounts, acct.ID)
	}
	answer, gaps, err := collect.AthenaUsage(ctx, c, a, progress.report)
	if err != nil {
		return nil, err
	}
	return &orgAthena{answer: answer, gaps: gaps}, nil
}

// skipUsage leaves an account's collection without a usage phase when the
// organization's answer gives its usage.
func (o *orgAthena) skipUsage(opts *collect.Options) {
	if o != nil {
		opts.Athena, opts.EventsStart, opts.EventsEnd = nil, time.Time{}, time.Time{}
	}
}

// share gives an account's collection its part of the organization's
// answer, and the call's gaps.
func (o *orgAthena) share(res *collect.Result) {
	if o == nil {
		return
	}
	a := *o.answer
	a.Args.Accounts = []string{res.Snapshot.Account}
	res.Athena = &a
	res.Gaps = append(res.Gaps, o.gaps...)
}

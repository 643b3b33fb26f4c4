package main

import (
	"context"
	"fmt"
	"text/tabwriter"

	"github.com/aegis-iam/aegis/backend/awsapi"
	"github.com/aegis-iam/aegis/backend/cloudtrail/lakesql"
	"github.com/aegis-iam/aegis/backend/mcp/awsserver"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

const lakeHelp = `

CloudTrail Lake: --lake-event-data-store ID|ARN takes usage from an event
data store instead of event history, for accounts that already have one
(CloudTrail Lake is closed to new customers since 31 May 2026; Athena is
the path for everyone else): the built-in server's lake_usage tool runs
Aegis's aggregate and coverage queries on the store for the window, the
account and each --region. An ARN is queried in its home region. A query
that fails or is refused is a coverage gap for the whole window, listed
among the problems; nothing is called unused there. aegis audit
lake-stores lists the stores a profile sees; aegis audit lake-permissions
prints the policy.`

// lakeFlags are aegis audit's flags for usage from CloudTrail Lake.
type lakeFlags struct {
	store string
}

func (f *lakeFlags) register(fl *pflag.FlagSet) {
	fl.StringVar(&f.store, "lake-event-data-store", "", "live: usage from CloudTrail Lake (closed to new customers since 31 May 2026): the event data store's `ID or ARN`")
}

// set reports whether Lake is asked for.
func (f *lakeFlags) set() bool { return f.store != "" }

// args are lake_usage's arguments, nil when Lake is not asked for.
func (f *lakeFlags) args() (*awsserver.LakeArgs, error) {
	if !f.set() {
		return nil, nil
	}
	if _, err := lakesql.ParseStore(f.store); err != nil {
		return nil, usageErrorf("--lake-event-data-store: %w", err)
	}
	return &awsserver.LakeArgs{EventDataStore: f.store}, nil
}

// newLakePermissionsCmd is aegis audit lake-permissions: the identity
// policy Aegis's Lake queries need.
func newLakePermissionsCmd(env *Env) *cobra.Command {
	var store string
	cmd := &cobra.Command{
		Use:   "lake-permissions --lake-event-data-store ARN",
		Short: "Print the IAM policy the CloudTrail Lake queries need",
		Long: `Prints the identity policy that running Aegis's usage and coverage queries on a
CloudTrail Lake event data store needs, and nothing more: starting, polling,
reading and cancelling queries on that store (docs/live-audit.md, CloudTrail
Lake). CloudTrail Lake is closed to new customers since 31 May 2026.`,
		Example: `  aegis audit lake-permissions --lake-event-data-store arn:aws:cloudtrail:us-east-1:111122223333:eventdatastore/EXAMPLE-f852-4e8f-8bd1-bcf6cEXAMPLE`,
		Args:    cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			s, err := lakesql.ParseStore(store)
			if err != nil {
				return usageErrorf("--lake-event-data-store: %w", err)
			}
			doc, err := lakesql.Policy(s)
			if err != nil {
				return usageErrorf("--lake-event-data-store: %w", err)
			}
			_, err = env.Stdout.Write(append(doc, '\n'))
			return err
		},
	}
	cmd.Flags().StringVar(&store, "lake-event-data-store", "", "the event data store's `ARN` (required)")
	return cmd
}

// newLakeStoresCmd is aegis audit lake-stores: the event data stores a
// profile sees in a region, to choose --lake-event-data-store from.
func newLakeStoresCmd(env *Env) *cobra.Command {
	var profile, region string
	cmd := &cobra.Command{
		Use:   "lake-stores --profile P [--region R]",
		Short: "List the CloudTrail Lake event data stores a profile sees",
		Long: `Lists the CloudTrail Lake event data stores of the profile's account in a region
(default: the profile's), one per line: ARN, name, status, whether it collects
every region and the whole organization, and its retention. Pass the ARN of an
ENABLED store to aegis audit --lake-event-data-store. CloudTrail Lake is closed
to new customers since 31 May 2026.`,
		Example: "  aegis audit lake-stores --profile audit --region us-east-1",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if profile == "" {
				return usageErrorf("lake-stores needs --profile")
			}
			return listLakeStores(cmd.Context(), env, profile, region)
		},
	}
	cmd.Flags().StringVar(&profile, "profile", "", "the shared-config `profile` to list with (required)")
	cmd.Flags().StringVar(&region, "region", "", "the `region` to list (default: the profile's)")
	return cmd
}

func listLakeStores(ctx context.Context, env *Env, profile, region string) error {
	profiles, err := awsapi.NewProfiles(awsapi.Options{})
	if err != nil {
		return err
	}
	sess, err := profiles.Session(ctx, profile, region)
	if err != nil {
		return usageErrorf("--profile %s: %w", profile, err)
	}
	stores, err := sess.Lake().Stores(ctx)
	if err != nil {
		return fmt.Errorf("lake-stores in %s: %s", sess.Region(), awsapi.Describe(err))
	}
	if len(stores) == 0 {
		fmt.Fprintf(env.Stderr, "no CloudTrail Lake event data store in %s\n", sess.Region())
		return nil
	}
	tw := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ARN\tNAME\tSTATUS\tREGIONS\tACCOUNTS\tRETENTION")
	for _, s := range stores {
		regions, accounts := "this region", "this account"
		if s.MultiRegion {
			regions = "all"
		}
		if s.Organization {
			accounts = "organization"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%d days\n", s.ARN, s.Name, s.Status, regions, accounts, s.RetentionDays)
	}
	return tw.Flush()
}

package main

import (
	"github.com/aegis-iam/aegis/backend/awsapi"
	"github.com/aegis-iam/aegis/backend/mcp"
	"github.com/aegis-iam/aegis/backend/mcp/awsserver"
	"github.com/spf13/cobra"
)

func newMCPAWSServerCmd(env *Env) *cobra.Command {
	var profile, region string
	cmd := &cobra.Command{
		Use:   "aws-server --profile P [--region R]",
		Short: "Run Aegis's read-only AWS MCP server over stdio",
		Long: `Serves read-only AWS tools over MCP on standard input and output, with the
credentials of a named profile of the shared AWS config files, resolved in
this process (no tool takes or returns a credential): get_caller_identity,
get_authorization_details, get_credential_report, get_password_policy,
get_service_last_accessed, get_account_organization, describe_trails,
get_event_selectors, lookup_events and get_resource_policies (S3, KMS, SQS,
SNS, Lambda, Secrets Manager, ECR). lookup_events and get_resource_policies
take an optional region; --region is the default one. Calls retry throttles
with adaptive backoff and time out per attempt. Answers are the JSON the AWS
CLI prints. See docs/live-audit.md for the tools and the IAM policy they need.`,
		Example: `  aegis mcp aws-server --profile audit --region eu-west-1`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if profile == "" {
				return usageErrorf("--profile is required")
			}
			profiles, err := awsapi.NewProfiles(awsapi.Options{DefaultRegion: region})
			if err != nil {
				return err
			}
			ctx := cmd.Context()
			readers, err := awsserver.FromProfile(ctx, profiles, profile, region)
			if err != nil {
				return err
			}
			s, err := awsserver.New(readers, version)
			if err != nil {
				return err
			}
			return mcp.ServeStdio(ctx, s, env.Stdin, env.Stdout, env.Stderr)
		},
	}
	cmd.Flags().StringVar(&profile, "profile", "", "the shared-config profile whose credentials the server uses")
	cmd.Flags().StringVar(&region, "region", "", "the region (default: the profile's, else us-east-1)")
	return cmd
}

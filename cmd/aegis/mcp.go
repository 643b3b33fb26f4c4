package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"strings"

	"github.com/aegis-iam/aegis/backend/awsapi"
	"github.com/aegis-iam/aegis/backend/compliance"
	"github.com/aegis-iam/aegis/backend/mcp"
	"github.com/aegis-iam/aegis/backend/mcp/awsserver"
	"github.com/aegis-iam/aegis/backend/mcp/collect"
	"github.com/spf13/cobra"
)

func newMCPCmd(env *Env) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "mcp",
		Short: "Serve Aegis IAM's engines to AI agents over the Model Context Protocol",
		Args:  cobra.NoArgs,
	}
	cmd.AddCommand(newMCPServeCmd(env), newMCPAWSServerCmd(env))
	return cmd
}

func newMCPServeCmd(env *Env) *cobra.Command {
	var httpAddr, tokenFile, liveProfile, liveRegion string
	var live bool
	cmd := &cobra.Command{
		Use:   "serve [--http 127.0.0.1:PORT [--token-file FILE]]",
		Short: "Run the Aegis MCP server (stdio by default)",
		Long: `Serves Aegis IAM's engines as MCP tools: generate_policy, validate_policy, audit_snapshot, expand_actions,
explain_action, simulate_request and check_no_new_access (all read-only), and the check
reference and compliance catalogues as resources. See docs/mcp.md for the
tools, their schemas and host configuration snippets.

By default the server speaks MCP over standard input and output, as hosts
such as Claude Desktop and Claude Code launch it. With --http it serves
streamable HTTP at http://ADDR/mcp on the loopback interface only, and every
request must carry "Authorization: Bearer TOKEN". The token is taken from
$AEGIS_MCP_TOKEN, else from --token-file (created with a new random token,
mode 0600, when missing), else generated and printed once on standard error.

--live-audit adds the audit_account tool: it audits the live account of
--profile (read-only calls with the local profile's credentials, resolved in
this process and never passed to the host). Without it no tool touches AWS.`,
		Example: `  aegis mcp serve
  aegis mcp serve --http 127.0.0.1:8765 --token-file ~/.config/aegis-iam/mcp-token`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			db, err := openIAMDB()
			if err != nil {
				return err
			}
			docs, err := checkDocs()
			if err != nil {
				return err
			}
			cat, err := compliance.Builtin()
			if err != nil {
				return err
			}
			engines := mcp.Engines{DB: db, Checks: docs, Catalog: cat, Tool: aegisTool}
			if live {
				engines.LiveAudit = liveAudit(liveProfile, liveRegion)
			} else if liveProfile != "" {
				return usageErrorf("--profile needs --live-audit")
			}
			s, err := mcp.NewServer(engines, version)
			if err != nil {
				return err
			}
			ctx := cmd.Context()
			if httpAddr == "" {
				return mcp.ServeStdio(ctx, s, env.Stdin, env.Stdout, env.Stderr)
			}
			if err := mcp.CheckLoopback(httpAddr); err != nil {
				return usageErrorf("--http: %w", err)
			}
			token, err := mcpToken(env, tokenFile)
			if err != nil {
				return err
			}
			return mcp.ServeHTTP(ctx, s, httpAddr, token, func(a net.Addr) {
				fmt.Fprintf(env.Stderr, "aegis mcp: serving http://%s/mcp\n", a)
			})
		},
	}
	cmd.Flags().StringVar(&httpAddr, "http", "", "serve streamable HTTP on this loopback address instead of stdio")
	cmd.Flags().StringVar(&tokenFile, "token-file", "", "file holding the bearer token for --http (created when missing)")
	cmd.Flags().BoolVar(&live, "live-audit", false, "offer audit_account: read-only audits of the --profile account")
	cmd.Flags().StringVar(&liveProfile, "profile", "", "AWS profile of --live-audit (default: AWS_PROFILE, else default)")
	cmd.Flags().StringVar(&liveRegion, "region", "", "AWS Region of --live-audit (default: the profile's)")
	return cmd
}

// mcpToken finds the HTTP bearer token: $AEGIS_MCP_TOKEN, the token file
// (created when missing), or a new one announced on stderr.
func mcpToken(env *Env, file string) (string, error) {
	if t := os.Getenv("AEGIS_MCP_TOKEN"); t != "" {
		return t, nil
	}
	if file != "" {
		b, err := os.ReadFile(file)
		if err == nil {
			t := strings.TrimSpace(string(b))
			if len(t) < 16 {
				return "", usageErrorf("--token-file %s: the token must be at least 16 characters", file)
			}
			return t, nil
		}
		if !errors.Is(err, fs.ErrNotExist) {
			return "", usageErrorf("--token-file: %w", err)
		}
	}
	t, err := mcp.NewToken()
	if err != nil {
		return "", err
	}
	if file != "" {
		if err := os.WriteFile(file, []byte(t+"\n"), 0o600); err != nil {
			return "", usageErrorf("--token-file: %w", err)
		}
		fmt.Fprintf(env.Stderr, "aegis mcp: wrote a new bearer token to %s\n", file)
		return t, nil
	}
	fmt.Fprintf(env.Stderr, "aegis mcp: bearer token (send \"Authorization: Bearer TOKEN\"): %s\n", t)
	return t, nil
}

// liveAudit collects the profile's account through the built-in AWS MCP
// server, in process, each time the tool is called (credentials are
// resolved then, so an expired session is reported as a tool error).
func liveAudit(profile, region string) func(context.Context) (*collect.Result, error) {
	return func(ctx context.Context) (*collect.Result, error) {
		profiles, err := awsapi.NewProfiles(awsapi.Options{DefaultRegion: region})
		if err != nil {
			return nil, err
		}
		if profile == "" {
			profile = os.Getenv("AWS_PROFILE")
		}
		readers, err := awsserver.FromProfile(ctx, profiles, profile, region)
		if err != nil {
			return nil, err
		}
		c, err := collect.BuiltIn(ctx, readers, version)
		if err != nil {
			return nil, err
		}
		defer c.Close()
		return collect.Collect(ctx, c, collect.Options{})
	}
}

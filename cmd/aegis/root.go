package main

import (
	"github.com/spf13/cobra"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

func newRootCmd(env *Env) *cobra.Command {
	root := &cobra.Command{
		Use:   "aegis",
		Short: "Aegis IAM: least-privilege IAM policies, validated and audited",
		Long: `aegis is the headless front door of Aegis IAM.

Exit codes:
  0  success
  1  findings at or above --fail-on (diff: new or possibly-new access)
  2  bad usage, or unreadable or invalid input`,
		Version:       version,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetVersionTemplate("aegis {{.Version}}\n")
	root.AddCommand(subcommands(env)...)
	return root
}

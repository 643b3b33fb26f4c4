package main

import "github.com/spf13/cobra"

// subcommands lists every aegis subcommand. Each lives in its own file as
// newXxxCmd(env).
func subcommands(env *Env) []*cobra.Command {
	return []*cobra.Command{
		newExpandCmd(env),
		newFmtCmd(env),
		newDataCmd(env),
		newSimulateCmd(env),
		newDiffCmd(env),
		newValidateCmd(env),
		newMCPCmd(env),
		newChecksCmd(env),
		withSample(newAuditCmd(env), env),
		newGenerateCmd(env),
	}
}

package main

import (
	"fmt"
	"slices"
	"strings"

	"github.com/aegis-iam/aegis/backend/iamdb"
	"github.com/spf13/cobra"
)

func newExpandCmd(env *Env) *cobra.Command {
	var (
		format string
		not    bool
		access string
	)
	cmd := &cobra.Command{
		Use:   "expand PATTERN...",
		Short: "List the IAM actions that action patterns match",
		Long: `Expands Action-element patterns against the IAM database and prints the
matching actions, one per line, sorted. Matching is case-insensitive; '*' matches
any run of characters and '?' exactly one, as IAM does.

With --not, prints the actions that none of the patterns match (what a NotAction
element with these patterns applies to). --access keeps only actions with one of
the given access levels: list, read, write, permissions-management, tagging
(comma-separated).

A malformed pattern (no "service:" prefix, spaces, ...) exits 2.`,
		Example: `  aegis expand 's3:Get*'
  aegis expand 'ec2:Describe?pc*' --format json
  aegis expand --not 's3:*' 'iam:*' --access permissions-management`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, patterns []string) error {
			if format != "text" && format != "json" {
				return usageErrorf("--format %q: want text or json", format)
			}
			var levels iamdb.AccessLevel
			if access != "" {
				var err error
				if levels, err = iamdb.ParseAccessLevel(access); err != nil {
					return usageErrorf("--access: %w", err)
				}
			}
			for _, p := range patterns {
				if err := iamdb.CheckActionPattern(p); err != nil {
					return usageErrorf("%w", err)
				}
			}
			db, err := openIAMDB()
			if err != nil {
				return err
			}
			actions := expandPatterns(db, patterns, not)
			if !not {
				for _, p := range patterns {
					if len(db.Expand(p)) == 0 {
						fmt.Fprintf(env.Stderr, "aegis: note: %q matches no known action\n", p)
					}
				}
			}
			if levels != 0 {
				actions = slices.DeleteFunc(actions, func(a *iamdb.Action) bool { return a.Access&levels == 0 })
			}
			if format == "json" {
				return writeJSON(env.Stdout, newExpandResult(patterns, not, actions))
			}
			var b strings.Builder
			for _, a := range actions {
				b.WriteString(a.FullName())
				b.WriteByte('\n')
			}
			_, err = fmt.Fprint(env.Stdout, b.String())
			return err
		},
	}
	cmd.Flags().StringVar(&format, "format", "text", "output format: text or json")
	cmd.Flags().BoolVar(&not, "not", false, "list the actions none of the patterns match (NotAction)")
	cmd.Flags().StringVar(&access, "access", "", "keep only these access levels (comma-separated: list, read, write, permissions-management, tagging)")
	return cmd
}

// expandPatterns returns the union of the patterns' expansions (or, with
// not, its complement), sorted and without duplicates.
func expandPatterns(db *iamdb.DB, patterns []string, not bool) []*iamdb.Action {
	if not {
		return db.ExpandNot(patterns)
	}
	return db.ExpandAll(patterns)
}

// expandResult is the JSON shape of "aegis expand --format json".
type expandResult struct {
	Patterns []string              `json:"patterns"`
	Not      bool                  `json:"not"`
	Count    int                   `json:"count"`
	Actions  []iamdb.ActionSummary `json:"actions"`
}

func newExpandResult(patterns []string, not bool, actions []*iamdb.Action) expandResult {
	r := expandResult{Patterns: patterns, Not: not, Count: len(actions), Actions: make([]iamdb.ActionSummary, len(actions))}
	for i, a := range actions {
		r.Actions[i] = a.Summary()
	}
	return r
}

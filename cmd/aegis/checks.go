package main

import (
	"bytes"

	"github.com/aegis-iam/aegis/backend/check"
	"github.com/aegis-iam/aegis/backend/check/rules"
	"github.com/aegis-iam/aegis/backend/compliance"
	"github.com/aegis-iam/aegis/backend/report"
	"github.com/spf13/cobra"
)

func newChecksCmd(env *Env) *cobra.Command {
	var format string
	cmd := &cobra.Command{
		Use:   "checks",
		Short: "List every validation check with its severity, remediation and compliance controls",
		Long: `Prints the check reference: every built-in check's ID, category, default
severity, title, description, remediation, references, the policy kinds it
applies to, the compliance controls it supports, and its examples.
docs/checks.md is this command's Markdown output.`,
		Example: `  aegis checks
  aegis checks --format json | jq '.[] | select(.severity == "critical") | .id'`,
		Args: cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			docs, err := checkDocs()
			if err != nil {
				return err
			}
			var buf bytes.Buffer
			switch format {
			case "markdown":
				err = report.WriteCheckReference(&buf, docs)
			case "json":
				err = report.WriteCheckReferenceJSON(&buf, docs)
			default:
				return usageErrorf("--format %q: want markdown or json", format)
			}
			if err != nil {
				return err
			}
			_, err = env.Stdout.Write(buf.Bytes())
			return err
		},
	}
	cmd.Flags().StringVar(&format, "format", "markdown", "output format: markdown or json")
	return cmd
}

// checkDocs describes the built-in rules with the controls every built-in
// framework maps to them.
func checkDocs() ([]report.CheckDoc, error) {
	reg, err := check.NewRegistry(rules.All()...)
	if err != nil {
		return nil, err
	}
	cat, err := compliance.Builtin()
	if err != nil {
		return nil, err
	}
	ran := map[string]bool{}
	for _, r := range reg.Rules() {
		ran[r.ID] = true
	}
	return report.CheckDocs(reg, compliance.Evaluate(cat, nil, reg, ran, nil)), nil
}

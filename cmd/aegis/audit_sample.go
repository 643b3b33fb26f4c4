package main

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/aegis-iam/aegis/backend/audit/render"
	"github.com/aegis-iam/aegis/backend/cloudtrail/sample"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// withSample adds --sample to aegis audit: an audit of the built-in sample
// account (backend/cloudtrail/sample), for trying Aegis without AWS
// access. The JSON carries "sample": true; the table and Markdown open
// with sample.Label.
func withSample(cmd *cobra.Command, env *Env) *cobra.Command {
	var on bool
	cmd.Flags().BoolVar(&on, "sample", false, "audit the built-in sample account (generated data, no AWS access needed)")
	cmd.Example += "\n  aegis audit --sample --format table"
	run := cmd.RunE
	cmd.RunE = func(c *cobra.Command, args []string) error {
		if !on {
			return run(c, args)
		}
		var extra []string
		c.Flags().Visit(func(f *pflag.Flag) {
			if f.Name != "sample" && f.Name != "format" {
				extra = append(extra, "--"+f.Name)
			}
		})
		if len(extra) > 0 {
			return usageErrorf("--sample takes no input: drop %v", extra)
		}
		return runSampleAudit(c, env)
	}
	return cmd
}

func runSampleAudit(cmd *cobra.Command, env *Env) error {
	format, err := cmd.Flags().GetString("format")
	if err != nil {
		return err
	}
	db, err := openIAMDB()
	if err != nil {
		return err
	}
	a, err := sample.Audit(cmd.Context(), db, nil)
	if err != nil {
		return err
	}
	write, ok := render.Writer(format)
	if !ok {
		return usageErrorf("--format %q: want %s", format, strings.Join(render.Formats, ", "))
	}
	var out bytes.Buffer
	switch format {
	case "table":
		fmt.Fprintf(&out, "%s\n\n", sample.Label)
	case "markdown":
		fmt.Fprintf(&out, "> **%s**\n\n", sample.Label)
	}
	if err := write(&out, a); err != nil {
		return err
	}
	_, err = env.Stdout.Write(out.Bytes())
	return err
}

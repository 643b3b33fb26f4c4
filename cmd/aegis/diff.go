package main

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"

	"github.com/aegis-iam/aegis/backend/eval"
	"github.com/aegis-iam/aegis/backend/policy"
	"github.com/spf13/cobra"
)

func newDiffCmd(env *Env) *cobra.Command {
	var (
		noNewAccess bool
		usage       string
		principal   string
		format      string
	)
	cmd := &cobra.Command{
		Use:   "diff --no-new-access OLD NEW",
		Short: "Prove that a new policy grants no access the old one did not",
		Long: `Compares two identity policy documents.

--no-new-access decides whether NEW allows any request that OLD does not, over
every action in the IAM database, every resource of the action's ARN formats,
and the statements' conditions. The answer is sound: "no new access" is printed
only when it is proven. When NEW allows more, a concrete counterexample request
is printed (NEW allows it, OLD does not). Where conditions or patterns make the
question undecidable here, the answer is "possibly new access" with the reasons.

--usage ROWS.json checks that every row of a usage list (a JSON array of
{"action", "resource", "context"} objects) that OLD allows, NEW still allows,
evaluating as --principal with unknown context for keys a row lacks, and prints
the rows that would lose access.

Exit codes: 0 proven no new access (and no usage lost); 1 new or possibly-new
access (or usage lost); 2 bad usage or invalid input. See docs/diff.md.`,
		Example: `  aegis diff --no-new-access old.json new.json
  aegis diff --no-new-access --format json old.json new.json
  aegis diff --usage observed.json old.json new.json`,
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			if !noNewAccess && usage == "" {
				return usageErrorf("give --no-new-access, --usage ROWS.json, or both")
			}
			if format != "text" && format != "json" {
				return usageErrorf("--format %q: want text or json", format)
			}
			oldP, err := loadIdentityPolicy(args[0])
			if err != nil {
				return err
			}
			newP, err := loadIdentityPolicy(args[1])
			if err != nil {
				return err
			}
			out := diffOutput{Old: args[0], New: args[1]}
			failed := false
			if usage != "" {
				data, err := os.ReadFile(usage)
				if err != nil {
					return usageErrorf("%w", err)
				}
				rows, err := eval.DecodeUsage(data)
				if err != nil {
					return usageErrorf("%s: %w", usage, err)
				}
				lost, err := eval.StillAllowed(principal, []*eval.Policy{oldP}, []*eval.Policy{newP}, rows)
				if err != nil {
					return usageErrorf("%s: %w", usage, err)
				}
				out.Usage = &usageOutput{Rows: len(rows), Lost: []lostRow{}}
				for _, l := range lost {
					out.Usage.Lost = append(out.Usage.Lost, lostRow{Action: l.Row.Action, Resource: l.Row.Resource, Old: l.Old, New: l.New})
				}
				failed = failed || len(lost) > 0
			}
			if noNewAccess {
				db, err := openIAMDB()
				if err != nil {
					return err
				}
				c := eval.Contains(db, []*eval.Policy{oldP}, []*eval.Policy{newP})
				out.Containment = c
				failed = failed || c.Verdict != eval.NoNewAccess
			}
			if format == "json" {
				err = writeJSON(env.Stdout, out.json())
			} else {
				_, err = fmt.Fprint(env.Stdout, out.text())
			}
			if err != nil {
				return err
			}
			if failed {
				return &exitError{code: ExitFindings}
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&noNewAccess, "no-new-access", false, "prove that NEW allows nothing OLD does not")
	cmd.Flags().StringVar(&usage, "usage", "", "a usage list (JSON array of {action, resource, context}) OLD allows that NEW must still allow")
	cmd.Flags().StringVar(&principal, "principal", "arn:aws:iam::111122223333:role/principal", "the caller the policies are attached to, for --usage")
	cmd.Flags().StringVar(&format, "format", "text", "output format: text or json")
	return cmd
}

// loadIdentityPolicy reads, parses and compiles an identity policy file.
func loadIdentityPolicy(path string) (*eval.Policy, error) {
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, usageErrorf("%w", err)
	}
	doc, err := policy.Parse(path, src, policy.KindIdentity)
	if err != nil {
		return nil, usageErrorf("%w", err)
	}
	p, err := eval.Compile(path, doc)
	if err != nil {
		return nil, usageErrorf("%w", err)
	}
	return p, nil
}

type diffOutput struct {
	Old, New    string
	Containment *eval.Containment
	Usage       *usageOutput
}

type usageOutput struct {
	Rows int       `json:"rows"`
	Lost []lostRow `json:"lost"`
}

type lostRow struct {
	Action   string        `json:"action"`
	Resource string        `json:"resource"`
	Old      eval.Decision `json:"old"`
	New      eval.Decision `json:"new"`
}

func (o diffOutput) json() any {
	return struct {
		Old         string            `json:"old"`
		New         string            `json:"new"`
		NoNewAccess *eval.Containment `json:"noNewAccess,omitempty"`
		Usage       *usageOutput      `json:"usage,omitempty"`
	}{Old: o.Old, New: o.New, NoNewAccess: o.Containment, Usage: o.Usage}
}

func (o diffOutput) text() string {
	var b strings.Builder
	if c := o.Containment; c != nil {
		switch c.Verdict {
		case eval.NoNewAccess:
			fmt.Fprintf(&b, "no new access: every request %s allows, %s allows\n", o.New, o.Old)
		case eval.NewAccess:
			fmt.Fprintf(&b, "new access: %s allows a request %s does not\n", o.New, o.Old)
			if g := c.Granted; g != nil {
				fmt.Fprintf(&b, "  granted by: statement %d", g.Statement)
				if g.Sid != "" {
					fmt.Fprintf(&b, " (%s)", g.Sid)
				}
				b.WriteByte('\n')
			}
			req, _ := json.Marshal(c.Counterexample)
			fmt.Fprintf(&b, "  counterexample: %s\n", req)
		case eval.PossiblyNewAccess:
			fmt.Fprintf(&b, "possibly new access: %s may allow requests %s does not\n", o.New, o.Old)
			for _, r := range c.Reasons {
				fmt.Fprintf(&b, "  - %s\n", r)
			}
		}
	}
	if u := o.Usage; u != nil {
		if len(u.Lost) == 0 {
			fmt.Fprintf(&b, "usage: all %d rows %s allows are still allowed by %s\n", u.Rows, o.Old, o.New)
		} else {
			fmt.Fprintf(&b, "usage: %d of %d rows would lose access:\n", len(u.Lost), u.Rows)
			for _, l := range u.Lost {
				fmt.Fprintf(&b, "  - %s on %s: %s → %s\n", l.Action, l.Resource, l.Old, l.New)
			}
		}
	}
	return b.String()
}

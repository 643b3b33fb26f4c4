package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/aegis-iam/aegis/backend/eval"
	"github.com/spf13/cobra"
)

func newSimulateCmd(env *Env) *cobra.Command {
	var input, batch string
	cmd := &cobra.Command{
		Use:   "simulate (--input CASE.json | --batch CASES.jsonl)",
		Short: "Decide whether AWS would allow a request, and why",
		Long: `Evaluates a request against the policies that apply to it the way AWS does:
explicit denies, RCPs and SCPs per level, resource-based policies with AWS's
principal rules, identity policies, permissions boundary, session policy, and
both sides of a cross-account request. Every condition operator, IfExists,
ForAllValues/ForAnyValue and policy variables are supported.

--input reads one case (a JSON object) and prints one JSON result.
--batch reads one case per line (JSON Lines) and prints one result per line,
in order; a line that is not a valid case prints {"error": "..."} and the
batch goes on. Identical policy documents across a batch are compiled once.
Use "-" to read standard input.

A result: {"decision": "allowed|explicit-deny|implicit-deny", "decidedBy":
LAYER, "matched": [statements], "missingContext": [keys]}. See docs/simulate.md.

Exit codes: 0 every case evaluated (whatever the decisions); 2 bad usage,
unreadable input, an invalid --input case, or any invalid --batch line.`,
		Example: `  aegis simulate --input case.json
  aegis simulate --batch cases.jsonl > results.jsonl`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			switch {
			case (input == "") == (batch == ""):
				return usageErrorf("give exactly one of --input and --batch")
			case input != "":
				return simulateOne(env, input)
			}
			return simulateBatch(env, batch)
		},
	}
	cmd.Flags().StringVar(&input, "input", "", "a case file (JSON object), or - for standard input")
	cmd.Flags().StringVar(&batch, "batch", "", "a JSON Lines file of cases, or - for standard input")
	return cmd
}

// openInput opens a file argument; "-" is standard input.
func openInput(env *Env, name string) (io.ReadCloser, error) {
	if name == "-" {
		return io.NopCloser(env.Stdin), nil
	}
	f, err := os.Open(name)
	if err != nil {
		return nil, usageErrorf("%w", err)
	}
	return f, nil
}

func simulateOne(env *Env, name string) error {
	r, err := openInput(env, name)
	if err != nil {
		return err
	}
	defer r.Close()
	data, err := io.ReadAll(r)
	if err != nil {
		return usageErrorf("reading %s: %w", name, err)
	}
	c, err := eval.DecodeCase(data)
	res, err := runCase(c, err, &eval.Evaluator{}, eval.NewCache())
	if err != nil {
		return usageErrorf("%s: %w", name, err)
	}
	out, err := json.MarshalIndent(res, "", "  ")
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(env.Stdout, "%s\n", out)
	return err
}

func runCase(c *eval.Case, err error, ev *eval.Evaluator, cache *eval.Cache) (*eval.Result, error) {
	if err != nil {
		return nil, err
	}
	return c.Run(ev, cache)
}

// maxCaseLine bounds one batch line (a case with its policies).
const maxCaseLine = 64 << 20

func simulateBatch(env *Env, name string) error {
	r, err := openInput(env, name)
	if err != nil {
		return err
	}
	defer r.Close()
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), maxCaseLine)
	w := bufio.NewWriterSize(env.Stdout, 64<<10)
	var (
		ev      eval.Evaluator
		cache   = eval.NewCache()
		dec     = eval.NewCaseDecoder()
		invalid int
		line    int
		out     []byte
	)
	for sc.Scan() {
		line++
		c, err := dec.Decode(bytes.TrimSpace(sc.Bytes()))
		res, err := runCase(c, err, &ev, cache)
		if err != nil {
			invalid++
			msg, _ := json.Marshal(struct {
				Error string `json:"error"`
			}{fmt.Sprintf("line %d: %v", line, err)})
			out = append(out[:0], msg...)
		} else {
			out = res.AppendJSON(out[:0])
		}
		out = append(out, '\n')
		if _, err := w.Write(out); err != nil {
			return err
		}
	}
	if err := sc.Err(); err != nil {
		w.Flush()
		if errors.Is(err, bufio.ErrTooLong) {
			return usageErrorf("%s: line %d is longer than %d bytes", name, line+1, maxCaseLine)
		}
		return usageErrorf("reading %s: %w", name, err)
	}
	if err := w.Flush(); err != nil {
		return err
	}
	if invalid > 0 {
		return usageErrorf("%s: %d of %d lines were not valid cases", name, invalid, line)
	}
	return nil
}

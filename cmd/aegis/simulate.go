package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"sync"

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
batch goes on. Identical policy documents across a batch are compiled once;
lines are evaluated in parallel, one worker per CPU, and printed in order.
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

// batchChunk is a run of consecutive batch lines, evaluated by one worker.
type batchChunk struct {
	first   int    // line number of the first line
	data    []byte // the lines' bytes
	ends    []int  // end offset of each line in data
	out     []byte // one result line per input line
	invalid int    // lines that were not valid cases
	done    chan struct{}
}

const chunkLines = 512

// simulateBatch answers a JSON Lines batch in order. Chunks of lines are
// evaluated by one worker per CPU, each with its own evaluator and decoder,
// sharing the compile cache; a writer emits the chunks in input order.
func simulateBatch(env *Env, name string) error {
	r, err := openInput(env, name)
	if err != nil {
		return err
	}
	defer r.Close()
	workers := runtime.GOMAXPROCS(0)
	cache := eval.NewCache()
	todo := make(chan *batchChunk, workers*2)
	ordered := make(chan *batchChunk, workers*4)
	var wg sync.WaitGroup
	for i := 0; i < workers; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var ev eval.Evaluator
			dec := eval.NewCaseDecoder()
			for c := range todo {
				c.run(&ev, dec, cache)
				close(c.done)
			}
		}()
	}
	writeErr := make(chan error, 1)
	go func() {
		w := bufio.NewWriterSize(env.Stdout, 256<<10)
		var err error
		invalid := 0
		for c := range ordered {
			<-c.done
			invalid += c.invalid
			if err == nil {
				_, err = w.Write(c.out)
			}
		}
		if err == nil {
			err = w.Flush()
		}
		if err == nil && invalid > 0 {
			err = &batchInvalid{n: invalid}
		}
		writeErr <- err
	}()

	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), maxCaseLine)
	line := 0
	chunk := &batchChunk{first: 1, done: make(chan struct{})}
	send := func() {
		todo <- chunk
		ordered <- chunk
		chunk = &batchChunk{first: line + 1, done: make(chan struct{})}
	}
	for sc.Scan() {
		line++
		chunk.data = append(chunk.data, sc.Bytes()...)
		chunk.ends = append(chunk.ends, len(chunk.data))
		if len(chunk.ends) == chunkLines {
			send()
		}
	}
	if len(chunk.ends) > 0 {
		send()
	}
	close(todo)
	close(ordered)
	wg.Wait()
	err = <-writeErr
	if scanErr := sc.Err(); scanErr != nil {
		if errors.Is(scanErr, bufio.ErrTooLong) {
			return usageErrorf("%s: line %d is longer than %d bytes", name, line+1, maxCaseLine)
		}
		return usageErrorf("reading %s: %w", name, scanErr)
	}
	var bi *batchInvalid
	if errors.As(err, &bi) {
		return usageErrorf("%s: %d of %d lines were not valid cases", name, bi.n, line)
	}
	return err
}

// batchInvalid reports invalid lines after the whole batch was answered.
type batchInvalid struct{ n int }

func (e *batchInvalid) Error() string { return fmt.Sprintf("%d invalid lines", e.n) }

// run evaluates the chunk's lines into c.out.
func (c *batchChunk) run(ev *eval.Evaluator, dec *eval.CaseDecoder, cache *eval.Cache) {
	start := 0
	for i, end := range c.ends {
		data := bytes.TrimSpace(c.data[start:end])
		start = end
		cs, err := dec.Decode(data)
		res, err := runCase(cs, err, ev, cache)
		if err != nil {
			c.invalid++
			msg, _ := json.Marshal(struct {
				Error string `json:"error"`
			}{fmt.Sprintf("line %d: %v", c.first+i, err)})
			c.out = append(c.out, msg...)
		} else {
			c.out = res.AppendJSON(c.out)
		}
		c.out = append(c.out, '\n')
	}
}

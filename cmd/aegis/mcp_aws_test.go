package main

import (
	"bytes"
	"context"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/aegis-iam/aegis/backend/mcp/collect"
	"github.com/aegis-iam/aegis/backend/mcp/collect/collecttest"
	"github.com/google/go-cmp/cmp"
	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/client/transport"
)

// TestMCPAWSServerStdio runs "aegis mcp aws-server --profile P" against
// local AWS endpoints and collects a live audit from it over stdio: the
// snapshot equals the offline import of the same exports, and the secret
// key never appears on the wire or on stderr.
func TestMCPAWSServerStdio(t *testing.T) {
	a := collecttest.New(t)
	inR, inW := io.Pipe()
	outR, outW := io.Pipe()
	var wire bytes.Buffer
	var stderr bytes.Buffer
	done := make(chan int, 1)
	go func() {
		done <- run(context.Background(), []string{"mcp", "aws-server", "--profile", collecttest.Profile}, &Env{Stdin: inR, Stdout: outW, Stderr: &stderr})
		outW.Close()
	}()
	c := client.NewClient(transport.NewIO(io.TeeReader(outR, &wire), inW, io.NopCloser(strings.NewReader(""))))
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if err := c.Start(ctx); err != nil {
		t.Fatal(err)
	}
	res, err := collect.Collect(ctx, c, collect.Options{CollectedAt: collecttest.CollectedAt})
	if err != nil {
		t.Fatalf("Collect: %v", err)
	}
	if len(res.Gaps) != 0 {
		t.Errorf("gaps: %v", res.Gaps)
	}
	want := collecttest.Comparable(t, collecttest.Offline(t, a.Files))
	if diff := cmp.Diff(want, collecttest.Comparable(t, res.Snapshot)); diff != "" {
		t.Errorf("live snapshot over stdio differs from the offline import (-offline +live):\n%s", diff)
	}
	inW.Close()
	select {
	case code := <-done:
		if code != ExitOK {
			t.Errorf("exit %d, stderr %s", code, stderr.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the server did not stop when its input closed")
	}
	// The secret key never crosses (the fake STS makes the user ID from
	// the access key ID, which is not a secret).
	const secret = "static-secret-do-not-show"
	if strings.Contains(wire.String(), secret) || strings.Contains(stderr.String(), secret) {
		t.Errorf("the secret access key leaked to the MCP host")
	}
}

// TestMCPAWSServerNeedsProfile: the profile is required.
func TestMCPAWSServerNeedsProfile(t *testing.T) {
	var stderr bytes.Buffer
	code := run(context.Background(), []string{"mcp", "aws-server"}, &Env{Stdin: strings.NewReader(""), Stdout: io.Discard, Stderr: &stderr})
	if code != ExitUsage || !strings.Contains(stderr.String(), "--profile") {
		t.Errorf("exit %d, stderr %q", code, stderr.String())
	}
}

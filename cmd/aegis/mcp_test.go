package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aegis-iam/aegis/backend/mcp/collect/collecttest"
	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/client/transport"
	"github.com/mark3labs/mcp-go/mcp"
)

// TestMCPServeStdio drives "aegis mcp serve" through the command tree with
// mcp-go's client over its standard input and output, and checks the
// server ends cleanly when the host closes its input.
func TestMCPServeStdio(t *testing.T) {
	isolateCache(t)
	inR, inW := io.Pipe()
	outR, outW := io.Pipe()
	var stderr bytes.Buffer
	done := make(chan int, 1)
	go func() {
		done <- run(context.Background(), []string{"mcp", "serve"}, &Env{Stdin: inR, Stdout: outW, Stderr: &stderr})
		outW.Close()
	}()
	c := client.NewClient(transport.NewIO(outR, inW, io.NopCloser(strings.NewReader(""))))
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := c.Start(ctx); err != nil {
		t.Fatal(err)
	}
	var ir mcp.InitializeRequest
	ir.Params.ClientInfo = mcp.Implementation{Name: "test", Version: "1"}
	init, err := c.Initialize(ctx, ir)
	if err != nil {
		t.Fatal(err)
	}
	if init.ServerInfo.Name != "aegis-iam" {
		t.Errorf("server %+v", init.ServerInfo)
	}
	var req mcp.CallToolRequest
	req.Params.Name = "expand_actions"
	req.Params.Arguments = map[string]any{"patterns": []any{"s3:GetObject*"}}
	res, err := c.CallTool(ctx, req)
	if err != nil || res.IsError {
		t.Fatalf("expand_actions: %v %v", err, res)
	}
	b, _ := json.Marshal(res.StructuredContent)
	if !strings.Contains(string(b), `"s3:GetObjectAcl"`) {
		t.Errorf("expand_actions = %s", b)
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
}

// TestMCPServeHTTP runs "aegis mcp serve --http" on a free loopback port with
// a token file it creates, and calls a tool with and without the token.
func TestMCPServeHTTP(t *testing.T) {
	isolateCache(t)
	t.Setenv("AEGIS_MCP_TOKEN", "")
	tokenFile := filepath.Join(t.TempDir(), "token")
	errR, errW := io.Pipe()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"mcp", "serve", "--http", "127.0.0.1:0", "--token-file", tokenFile}, &Env{Stdin: strings.NewReader(""), Stdout: io.Discard, Stderr: errW})
		errW.Close()
	}()
	var url string
	lines := bufio.NewScanner(errR)
	for lines.Scan() {
		if u, ok := strings.CutPrefix(lines.Text(), "aegis mcp: serving "); ok {
			url = u
			break
		}
	}
	go io.Copy(io.Discard, errR)
	if url == "" {
		t.Fatal("the server did not announce its address")
	}
	info, err := os.Stat(tokenFile)
	if err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("token file: %v %v", info, err)
	}
	tok, _ := os.ReadFile(tokenFile)
	token := strings.TrimSpace(string(tok))

	resp, err := http.Post(url, "application/json", strings.NewReader(`{}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("without the token: %s", resp.Status)
	}

	c, err := client.NewStreamableHttpClient(url, transport.WithHTTPHeaders(map[string]string{"Authorization": "Bearer " + token}))
	if err != nil {
		t.Fatal(err)
	}
	cctx, ccancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer ccancel()
	if err := c.Start(cctx); err != nil {
		t.Fatal(err)
	}
	var ir mcp.InitializeRequest
	if _, err := c.Initialize(cctx, ir); err != nil {
		t.Fatal(err)
	}
	var req mcp.CallToolRequest
	req.Params.Name = "explain_action"
	req.Params.Arguments = map[string]any{"action": "kms:Decrypt"}
	res, err := c.CallTool(cctx, req)
	if err != nil || res.IsError {
		t.Fatalf("explain_action: %v %v", err, res)
	}
	c.Close()
	cancel()
	select {
	case code := <-done:
		if code != ExitOK {
			t.Errorf("exit %d after shutdown", code)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the server did not stop")
	}
}

func TestMCPServeRefusesNonLoopback(t *testing.T) {
	isolateCache(t)
	got := runCLI(t, []string{"mcp", "serve", "--http", "0.0.0.0:8765"})
	if !strings.HasPrefix(got, "exit: 2") || !strings.Contains(got, "loopback") {
		t.Errorf("got %s", got)
	}
}

// TestMCPServeLiveAudit runs "aegis mcp serve --live-audit --profile P"
// against local AWS endpoints and calls audit_account over stdio.
func TestMCPServeLiveAudit(t *testing.T) {
	collecttest.New(t)
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	inR, inW := io.Pipe()
	outR, outW := io.Pipe()
	var stderr bytes.Buffer
	done := make(chan int, 1)
	go func() {
		done <- run(context.Background(), []string{"mcp", "serve", "--live-audit", "--profile", collecttest.Profile}, &Env{Stdin: inR, Stdout: outW, Stderr: &stderr})
		outW.Close()
	}()
	c := client.NewClient(transport.NewIO(outR, inW, io.NopCloser(strings.NewReader(""))))
	ctx, cancel := context.WithTimeout(context.Background(), 120*time.Second)
	defer cancel()
	if err := c.Start(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Initialize(ctx, mcp.InitializeRequest{}); err != nil {
		t.Fatal(err)
	}
	var req mcp.CallToolRequest
	req.Params.Name = "audit_account"
	res, err := c.CallTool(ctx, req)
	if err != nil || res.IsError {
		t.Fatalf("audit_account: %v %+v (stderr %s)", err, res, stderr.String())
	}
	b, _ := json.Marshal(res.StructuredContent)
	if !strings.Contains(string(b), `"principals"`) || !strings.Contains(string(b), `"gaps":[]`) {
		t.Errorf("audit_account = %.400s", b)
	}
	inW.Close()
	<-done
}

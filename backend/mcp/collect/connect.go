package collect

import (
	"context"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"slices"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/client/transport"
	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"github.com/aegis-iam/aegis/backend/mcp/awsserver"
)

// InProcess starts a client connected to s in this process (the built-in
// AWS server by default).
func InProcess(ctx context.Context, s *server.MCPServer) (*client.Client, error) {
	c, err := client.NewInProcessClient(s)
	if err != nil {
		return nil, err
	}
	if err := c.Start(ctx); err != nil {
		return nil, err
	}
	return c, nil
}

// BuiltIn starts a client connected in this process to a new built-in AWS
// server reading with readers (awsserver.New with version).
func BuiltIn(ctx context.Context, readers awsserver.Readers, version string) (*client.Client, error) {
	srv, err := awsserver.New(readers, version)
	if err != nil {
		return nil, err
	}
	return InProcess(ctx, srv)
}

// passedEnv are the parent's variables a server child still gets: where
// programs and the user's files are. Nothing else is inherited, least of
// all the app's AWS credentials.
var passedEnv = []string{"PATH", "HOME", "USERPROFILE", "SYSTEMROOT", "TMPDIR", "TEMP", "TMP"}

// Stdio launches an MCP server as a child process speaking stdio, with
// only env (the settings the user gave it: a profile name, a region) and
// passedEnv as its environment. ctx must outlive the session: ending it
// kills the child. The child's stderr goes to stderr (nil discards). The
// protocol is pinned to 2025-11-25, which every server speaks.
func Stdio(ctx context.Context, command string, args, env []string, stderr io.Writer) (*client.Client, error) {
	if stderr == nil {
		stderr = io.Discard
	}
	base := make([]string, 0, len(passedEnv)+len(env))
	for _, k := range passedEnv {
		if v, ok := os.LookupEnv(k); ok {
			base = append(base, k+"="+v)
		}
	}
	tr := transport.NewStdioWithOptions(command, env, args,
		transport.WithCommandStderrWriter(stderr),
		transport.WithCommandFunc(func(ctx context.Context, command string, env, args []string) (*exec.Cmd, error) {
			cmd := exec.CommandContext(ctx, command, args...)
			cmd.Env = slices.Concat(base, env)
			return cmd, nil
		}))
	c := client.NewClient(tr, client.WithProtocolVersion(mcp.ProtocolVersion20251125))
	if err := c.Start(ctx); err != nil {
		return nil, err
	}
	return c, nil
}

// HTTP connects to an MCP server over streamable HTTP at url, with
// headers on every request (an Authorization bearer token, say).
func HTTP(ctx context.Context, url string, headers map[string]string) (*client.Client, error) {
	c, err := client.NewStreamableHttpClient(url, transport.WithHTTPHeaders(headers),
		transport.WithHTTPLogger(slog.New(slog.DiscardHandler)))
	if err != nil {
		return nil, err
	}
	if err := c.Start(ctx); err != nil {
		return nil, err
	}
	return c, nil
}

// Endpoint is an external MCP server as the user configured it: a command
// launched over stdio (Command, Args, and Env, the only settings the child
// gets) or a streamable HTTP URL.
type Endpoint struct {
	Transport string // stdio or http
	Command   string
	Args      []string
	Env       []string // KEY=VALUE
	URL       string
}

// Connect starts a session with e. ctx must outlive the session.
func Connect(ctx context.Context, e Endpoint) (*client.Client, error) {
	if e.Transport == "http" {
		return HTTP(ctx, e.URL, nil)
	}
	return Stdio(ctx, e.Command, e.Args, e.Env, nil)
}

// Check connects to e, reports what it offers the auditor (Inspect) and
// ends the session: the Settings page's "Check" before an audit relies on
// the server.
func Check(ctx context.Context, e Endpoint) (*ServerReport, error) {
	c, err := Connect(ctx, e)
	if err != nil {
		return nil, err
	}
	defer c.Close()
	return Inspect(ctx, c)
}

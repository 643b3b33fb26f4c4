package mcp

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"time"

	"github.com/mark3labs/mcp-go/server"
)

// ServeStdio serves s over in and out (JSON-RPC, one message per line) until
// ctx ends or in is closed. Diagnostics go to errw, never to out.
func ServeStdio(ctx context.Context, s *server.MCPServer, in io.Reader, out, errw io.Writer) error {
	std := server.NewStdioServer(s)
	std.SetErrorLogger(log.New(errw, "aegis mcp: ", 0))
	err := std.Listen(ctx, in, out)
	if errors.Is(err, context.Canceled) || errors.Is(err, io.EOF) {
		return nil
	}
	return err
}

// NewToken returns a fresh random bearer token (128 bits, hex).
func NewToken() (string, error) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return hex.EncodeToString(b), nil
}

// CheckLoopback refuses a listen address that is not on the loopback
// interface: the HTTP transport serves the local machine only.
func CheckLoopback(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("listen address %q: %w", addr, err)
	}
	if host == "localhost" {
		return nil
	}
	ip := net.ParseIP(host)
	if ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("listen address %q: the MCP server only listens on the loopback interface (127.0.0.1, ::1 or localhost)", addr)
	}
	return nil
}

// HTTPHandler serves s over streamable HTTP at /mcp, answering only
// requests that carry "Authorization: Bearer TOKEN". mcp-go's DNS-rebinding
// protection (a loopback connection with a foreign Host header is refused)
// stays on.
func HTTPHandler(s *server.MCPServer, token string) (http.Handler, error) {
	if len(token) < 16 {
		return nil, errors.New("the bearer token must be at least 16 characters")
	}
	h := server.NewStreamableHTTPServer(s)
	want := []byte("Bearer " + token)
	mux := http.NewServeMux()
	mux.HandleFunc("/mcp", func(w http.ResponseWriter, r *http.Request) {
		got := []byte(r.Header.Get("Authorization"))
		if subtle.ConstantTimeCompare(got, want) != 1 {
			w.Header().Set("WWW-Authenticate", `Bearer realm="aegis-iam"`)
			http.Error(w, "missing or wrong bearer token", http.StatusUnauthorized)
			return
		}
		h.ServeHTTP(w, r)
	})
	return mux, nil
}

// ServeHTTP listens on addr (loopback only) and serves s with HTTPHandler
// until ctx ends; ready, when not nil, receives the bound address (useful
// with port 0).
func ServeHTTP(ctx context.Context, s *server.MCPServer, addr, token string, ready func(net.Addr)) error {
	if err := CheckLoopback(addr); err != nil {
		return err
	}
	h, err := HTTPHandler(s, token)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	if ready != nil {
		ready(ln.Addr())
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		return srv.Shutdown(shutdown)
	}
}

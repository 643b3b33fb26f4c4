package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aegis-iam/aegis/backend/iamdb"
	"github.com/aegis-iam/aegis/backend/iamdb/servicereference"
)

// referenceServer serves testdata/data/servicereference over TLS, with
// "{{base}}" in the files replaced by the server's URL.
func referenceServer(t *testing.T) *httptest.Server {
	t.Helper()
	var srv *httptest.Server
	srv = httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := filepath.Base(r.URL.Path)
		if r.URL.Path == "/" {
			name = "index.json"
		}
		data, err := os.ReadFile(filepath.Join("testdata", "data", "servicereference", name))
		if err != nil {
			http.NotFound(w, r)
			return
		}
		w.Write(bytes.ReplaceAll(data, []byte("{{base}}"), []byte(srv.URL)))
	}))
	t.Cleanup(srv.Close)
	return srv
}

// testClient trusts the test server and allows its host only: production
// checks (https, allow-list) stay on.
func testClient(srv *httptest.Server) *servicereference.Client {
	u, _ := url.Parse(srv.URL)
	return &servicereference.Client{
		HTTP:      srv.Client(),
		IndexURL:  srv.URL + "/",
		AllowHost: func(host string) bool { return host == u.Hostname() },
		Now:       func() time.Time { return time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC) },
	}
}

func TestDataInfo(t *testing.T) {
	cache := isolateCache(t)
	checkGolden(t, "data/info.golden", runCLI(t, []string{"data", "info"}, cache, "$CACHE"))
	checkGolden(t, "data/info-json.golden", runCLI(t, []string{"data", "info", "--format", "json"}, cache, "$CACHE"))
	checkGolden(t, "data/info-bad-format.golden", runCLI(t, []string{"data", "info", "--format", "xml"}))
	checkGolden(t, "data/revert-nothing.golden", runCLI(t, []string{"data", "update", "--revert"}))
}

// TestDataInfoDoneWhen is the acceptance check.
func TestDataInfoDoneWhen(t *testing.T) {
	isolateCache(t)
	var stdout bytes.Buffer
	if code := run(context.Background(), []string{"data", "info", "--format", "json"}, &Env{Stdout: &stdout, Stderr: &stdout}); code != ExitOK {
		t.Fatalf("exit %d: %s", code, stdout.String())
	}
	var info dataInfo
	if err := json.Unmarshal(stdout.Bytes(), &info); err != nil {
		t.Fatal(err)
	}
	if info.Counts.Services < 450 || info.Counts.Actions < 22000 {
		t.Errorf("data info counts = %+v, want at least 450 services and 22000 actions", info.Counts)
	}
}

func TestDataUpdate(t *testing.T) {
	cache := isolateCache(t)
	srv := referenceServer(t)
	dir, err := iamCacheDir()
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	gates := servicereference.Gates{MinServices: 2, MaxRemovedFraction: 1}
	if err := runUpdate(context.Background(), &out, dir, testClient(srv), gates); err != nil {
		t.Fatalf("runUpdate: %v", err)
	}
	replace := []string{cache, "$CACHE", srv.URL, "$SERVER"}
	checkGolden(t, "data/update.golden", strings.NewReplacer(replace...).Replace(out.String()))

	// Every command now sees the update.
	checkGolden(t, "data/info-updated.golden", runCLI(t, []string{"data", "info"}, replace...))
	checkGolden(t, "data/info-updated-json.golden", runCLI(t, []string{"data", "info", "--format", "json"}, replace...))
	checkGolden(t, "data/expand-updated.golden", runCLI(t, []string{"expand", "s3:Get*", "--format", "json"}, replace...))

	// Default gates refuse a two-service index and keep the stored update.
	err = runUpdate(context.Background(), &out, dir, testClient(srv), servicereference.DefaultGates())
	var ee *exitError
	if !errors.As(err, &ee) || ee.code != ExitUsage || !errors.Is(err, servicereference.ErrGate) {
		t.Errorf("runUpdate with default gates = %v, want a usage exit wrapping ErrGate", err)
	}
	if db, err := iamdb.Open(dir); err != nil || db.Stats().Services != 2 {
		t.Errorf("after a refused update the stored one is gone or broken: %v", err)
	}

	checkGolden(t, "data/revert.golden", runCLI(t, []string{"data", "update", "--revert"}))
	checkGolden(t, "data/info-after-revert.golden", runCLI(t, []string{"data", "info"}, replace...))
}

// TestDataUpdateRefusesNonAWS runs the real command: the hidden --index-url
// can point at a test server, but production checks refuse its host.
func TestDataUpdateRefusesNonAWS(t *testing.T) {
	cache := isolateCache(t)
	srv := referenceServer(t)
	got := runCLI(t, []string{"data", "update", "--index-url", srv.URL + "/"}, srv.URL, "$SERVER", strings.TrimPrefix(srv.URL, "https://"), "$HOST")
	checkGolden(t, "data/update-refused.golden", got)
	got = runCLI(t, []string{"data", "update", "--index-url", "http://servicereference.us-east-1.amazonaws.com/"})
	checkGolden(t, "data/update-http.golden", got)
	if entries, _ := os.ReadDir(filepath.Join(cache, "aegis-iam")); len(entries) != 0 {
		t.Errorf("a refused update wrote %d files", len(entries))
	}
}

func TestDataCorruptUpdate(t *testing.T) {
	cache := isolateCache(t)
	dir := filepath.Join(cache, "aegis-iam")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, iamdb.OverlayFile), []byte("not a snapshot"), 0o644); err != nil {
		t.Fatal(err)
	}
	checkGolden(t, "data/info-corrupt.golden", runCLI(t, []string{"data", "info"}, cache, "$CACHE"))
	checkGolden(t, "data/revert.golden", runCLI(t, []string{"data", "update", "--revert"}))
}

func TestDataHelp(t *testing.T) {
	isolateCache(t)
	for _, args := range [][]string{{"data", "--help"}, {"data", "update", "--help"}, {"expand", "--help"}} {
		got := runCLI(t, args)
		if !strings.HasPrefix(got, "exit: 0") || strings.Contains(got, "index-url") {
			t.Errorf("%v: %s", args, got)
		}
	}
}

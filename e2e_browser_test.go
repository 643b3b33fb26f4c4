package main

import (
	"context"
	"encoding/json"
	"io/fs"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/aegis-iam/aegis/backend/app"
	"github.com/aegis-iam/aegis/backend/store"
)

// browserCases is what frontend/e2e/browser.e2e.mjs types and expects. The
// expectations come from the same Go services the page calls, so the test
// asserts that the screen shows exactly what the backend answered.
type browserCases struct {
	Valid      formatCase    `json:"valid"`
	Broken     formatCase    `json:"broken"`
	Profiles   []app.Profile `json:"profiles"`
	Secrets    []string      `json:"secrets"`
	SaveRegion string        `json:"saveRegion"`
}

type formatCase struct {
	Text      string           `json:"text"`
	Canonical string           `json:"canonical"`
	Errors    []app.Diagnostic `json:"errors"`
}

// TestBrowserE2E drives the built frontend (frontend/dist) in headless
// Chromium against the real backend/app services, bound over a JSON bridge
// that mimics window.go (bridge_test.go). It needs `npm ci && npm run build`
// in frontend/ and Debian's chromium: run it with `make e2e-browser`.
func TestBrowserE2E(t *testing.T) {
	if os.Getenv("AEGIS_E2E_BROWSER") == "" {
		t.Skip("set AEGIS_E2E_BROWSER=1 (make e2e-browser) to drive the built frontend in headless Chromium")
	}
	chromium := os.Getenv("CHROMIUM")
	if chromium == "" {
		chromium = "/usr/bin/chromium"
	}
	for _, need := range []string{"frontend/dist/index.html", "frontend/node_modules/playwright-core/package.json", chromium} {
		if _, err := os.Stat(need); err != nil {
			t.Fatalf("%v: build the frontend and install Chromium first (make e2e-browser)", err)
		}
	}

	dir := t.TempDir()
	t.Setenv("AWS_CONFIG_FILE", "testdata/aws/config")
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", "testdata/aws/credentials")
	st, err := store.Open(filepath.Join(dir, store.FileName), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	svc, err := newServices(st, "e2e", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer svc.cancel()

	cases := browserCases{
		Valid:      formatCase{Text: `{"Statement":[{"Resource":"arn:aws:s3:::reports/*","Effect":"Allow","Action":["s3:GetObject","s3:ListBucket"]}],"Version":"2012-10-17"}`},
		Broken:     formatCase{Text: "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {\"Effect\": \"Allw\", \"Action\": \"s3:GetObject\", \"Resource\": \"*\"},\n    {\"Effect\": \"Deny\", \"Action\": \"s3:*\", \"Resource\": \"*\",}\n  ]\n}"},
		Secrets:    []string{"AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI", "AKIAI44QH8DHBEXAMPLE", "aws-vault export"},
		SaveRegion: "eu-central-1",
	}
	for _, c := range []*formatCase{&cases.Valid, &cases.Broken} {
		res, err := svc.policy.Format(app.FormatRequest{Text: c.Text})
		if err != nil {
			t.Fatal(err)
		}
		c.Canonical, c.Errors = res.Canonical, res.Errors
	}
	if cases.Valid.Canonical == "" || len(cases.Broken.Errors) < 2 {
		t.Fatalf("fixture policies: want one valid and one with several errors, got %+v", cases)
	}
	if cases.Profiles, err = svc.profiles.List(); err != nil || len(cases.Profiles) < 5 {
		t.Fatalf("profiles from testdata/aws: %v, %v", cases.Profiles, err)
	}
	casesFile := filepath.Join(dir, "cases.json")
	data, err := json.Marshal(cases)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(casesFile, data, 0o600); err != nil {
		t.Fatal(err)
	}

	dist, err := fs.Sub(assets, "frontend/dist")
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(newBridge(dist, svc.bindings()))
	defer srv.Close()

	shots, err := filepath.Abs("test-results")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(shots, 0o755); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "node", "e2e/browser.e2e.mjs", srv.URL, casesFile, shots)
	cmd.Dir = "frontend"
	cmd.Env = append(os.Environ(), "CHROMIUM="+chromium)
	out, err := cmd.CombinedOutput()
	t.Logf("browser:\n%s", out)
	if err != nil {
		t.Fatalf("browser e2e: %v", err)
	}

	// What the user did in the page reached the store.
	got, err := svc.settings.Get()
	if err != nil {
		t.Fatal(err)
	}
	want := app.Settings{Theme: "light", DefaultRegion: cases.SaveRegion}
	if diff := cmp.Diff(want, got, cmp.FilterPath(func(p cmp.Path) bool {
		f := p.Last().String()
		return f != ".Theme" && f != ".DefaultRegion"
	}, cmp.Ignore())); diff != "" {
		t.Errorf("settings saved from the page (-want +got):\n%s", diff)
	}
}

package main

import (
	"context"
	"encoding/json"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/aegis-iam/aegis/backend/app"
	"github.com/aegis-iam/aegis/backend/audit/query"
	"github.com/aegis-iam/aegis/backend/audit/result"
	"github.com/aegis-iam/aegis/backend/awsapi/awsapitest"
	"github.com/aegis-iam/aegis/backend/mcp/collect/collecttest"
	"github.com/aegis-iam/aegis/backend/store"
)

// browserCases is what frontend/e2e/browser.e2e.mjs types and expects. The
// expectations come from the same Go services the page calls, so the test
// asserts that the screen shows exactly what the backend answered.
type browserCases struct {
	Valid      validateCase  `json:"valid"`
	Broken     validateCase  `json:"broken"`
	Risky      validateCase  `json:"risky"`
	Profiles   []app.Profile `json:"profiles"`
	Secrets    []string      `json:"secrets"`
	SaveRegion string        `json:"saveRegion"`
}

// validateCase is a policy the page validates, what ValidateService
// answers for it and, when Fix names a check, the answer after its
// one-click fix.
type validateCase struct {
	Text   string             `json:"text"`
	Result app.ValidateResult `json:"result"`
	Fix    string             `json:"fix,omitempty"`
	Fixed  *app.FixResult     `json:"fixed,omitempty"`
}

// scratchStore opens a store of its own in a temporary directory.
func scratchStore(t *testing.T) *store.Store {
	t.Helper()
	st, err := store.Open(filepath.Join(t.TempDir(), store.FileName), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// scratchServices builds the services the frontend binds, as main does,
// over a scratch store, which it returns too. newServices reads the AWS
// profiles of the environment: set AWS_CONFIG_FILE, HOME and the
// endpoints first.
func scratchServices(t *testing.T) (*services, *store.Store) {
	t.Helper()
	st := scratchStore(t)
	svc, err := newServices(st, "e2e", nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(svc.cancel)
	return svc, st
}

// browserNeeds returns the Chromium to drive, after checking that it, the
// built frontend and playwright-core are there.
func browserNeeds(t *testing.T) string {
	t.Helper()
	chromium := os.Getenv("CHROMIUM")
	if chromium == "" {
		chromium = "/usr/bin/chromium"
	}
	for _, need := range []string{"frontend/dist/index.html", "frontend/node_modules/playwright-core/package.json", chromium} {
		if _, err := os.Stat(need); err != nil {
			t.Fatalf("%v: build the frontend and install Chromium first (make e2e-browser)", err)
		}
	}
	return chromium
}

// runBrowserScript runs frontend/e2e/script in Chromium against the bridge
// at url, with cases (what the script does and expects, from the same Go
// services) in a JSON file; screenshots go to test-results/.
func runBrowserScript(t *testing.T, chromium, url, script string, cases any, timeout time.Duration) {
	t.Helper()
	data, err := json.Marshal(cases)
	if err != nil {
		t.Fatal(err)
	}
	casesFile := filepath.Join(t.TempDir(), "cases.json")
	if err := os.WriteFile(casesFile, data, 0o600); err != nil {
		t.Fatal(err)
	}
	shots, err := filepath.Abs("test-results")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(shots, 0o755); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "node", "e2e/"+script, url, casesFile, shots)
	cmd.Dir = "frontend"
	cmd.Env = append(os.Environ(), "CHROMIUM="+chromium)
	out, err := cmd.CombinedOutput()
	t.Logf("browser:\n%s", out)
	if err != nil {
		t.Fatalf("browser %s: %v", script, err)
	}
}

// TestBrowserE2E drives the built frontend (frontend/dist) in headless
// Chromium against the real backend/app services, bound over a JSON bridge
// that mimics window.go (bridge_test.go). It needs `npm ci && npm run build`
// in frontend/ and Debian's chromium: run it with `make e2e-browser`.
func TestBrowserE2E(t *testing.T) {
	if os.Getenv("AEGIS_E2E_BROWSER") == "" {
		t.Skip("set AEGIS_E2E_BROWSER=1 (make e2e-browser) to drive the built frontend in headless Chromium")
	}
	chromium := browserNeeds(t)

	t.Setenv("AWS_CONFIG_FILE", "testdata/aws/config")
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", "testdata/aws/credentials")
	svc, _ := scratchServices(t)

	cases := browserCases{
		Valid:      validateCase{Text: `{"Statement":[{"Resource":"arn:aws:s3:::reports/*","Effect":"Allow","Action":["s3:GetObject","s3:ListBucket"]}],"Version":"2012-10-17"}`},
		Broken:     validateCase{Text: "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {\"Effect\": \"Allw\", \"Action\": \"s3:GetObject\", \"Resource\": \"*\"},\n    {\"Effect\": \"Deny\", \"Action\": \"s3:*\", \"Resource\": \"*\",}\n  ]\n}"},
		Secrets:    []string{"AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI", "AKIAI44QH8DHBEXAMPLE", "aws-vault export"},
		Risky:      validateCase{Text: "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {\"Sid\": \"Admins\", \"Effect\": \"Allow\", \"Action\": [\"iam:CreateUser\", \"iam:AttachUserPolicy\"], \"Resource\": \"*\"}\n  ]\n}", Fix: "AEG-COND-004"},
		SaveRegion: "eu-central-1",
	}
	// The expectations come from a service of their own, so that only what
	// the page does reaches the store under test.
	expect := app.NewValidateService(scratchStore(t), "e2e", openIAMData)
	for _, c := range []*validateCase{&cases.Valid, &cases.Broken, &cases.Risky} {
		req := app.ValidateRequest{Text: c.Text, FileName: "policy.json"}
		res, err := expect.Validate(req)
		if err != nil {
			t.Fatal(err)
		}
		c.Result = res
		for _, f := range c.Result.Policies[0].Findings {
			if f.ID == c.Fix {
				fixed, err := expect.Fix(app.FixRequest{Input: req, FindingID: f.ID, Line: f.Line, Column: f.Column, Statement: f.Statement})
				if err != nil {
					t.Fatal(err)
				}
				c.Fixed = &fixed
			}
		}
	}
	if cases.Valid.Result.Canonical == "" || len(cases.Broken.Result.Policies[0].Findings) == 0 || cases.Risky.Fixed == nil || cases.Risky.Result.Score.Value == 0 {
		t.Fatalf("fixture policies: want a valid one, a broken one with findings and a risky one with a fix, got %+v", cases)
	}
	profiles, err := svc.profiles.List()
	if err != nil || len(profiles) < 5 {
		t.Fatalf("profiles from testdata/aws: %v, %v", profiles, err)
	}
	cases.Profiles = profiles
	dist, err := fs.Sub(assets, "frontend/dist")
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(newBridge(dist, svc.bindings()))
	defer srv.Close()
	runBrowserScript(t, chromium, srv.URL, "browser.e2e.mjs", cases, 3*time.Minute)

	// What the user did in the page reached the store.
	if convs, err := svc.history.List("session", 0); err != nil || len(convs) != 2 {
		t.Errorf("generate conversations in History: %+v, %v; want the two the page had", convs, err)
	}
	runs, err := svc.history.List("validation", 0)
	if err != nil || len(runs) == 0 || runs[0].Title != "policy.json" {
		t.Errorf("validation runs in History: %+v, %v", runs, err)
	}
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

// auditCases is what frontend/e2e/audit.e2e.mjs does and expects, from the
// same Go services the page calls.
type auditCases struct {
	// Sample is the sample account's audit; Principal the principal the
	// script opens, and CLI its AWS CLI export.
	Sample    *result.Audit `json:"sample"`
	Principal string        `json:"principal"`
	CLI       string        `json:"cli"`
	// Profile is the profile of the fake account; Account its ID.
	Profile string `json:"profile"`
	Account string `json:"account"`
	// NewPrincipal is a principal the fake account has that its earlier
	// (seeded) audit did not.
	NewPrincipal string `json:"newPrincipal"`
	// Query is asked on the sample audit; Answer is what Go answers.
	Query  string        `json:"query"`
	Answer *query.Answer `json:"answer"`
}

// TestBrowserAuditE2E drives the Audit and History pages in Chromium
// against the real services: the sample audit → a principal's detail →
// the policy diff and its proofs and an export; a live audit of local fake
// AWS endpoints (backend/awsapi/awsapitest through collecttest) with
// progress per phase, cancelled, then run to the end; the drift between
// it and an earlier audit of the account in History. Screenshots of the
// Audit page and a principal go to test-results/ (Chromium draws in Xvfb
// when DISPLAY is set: make e2e-browser runs it under xvfb-run).
func TestBrowserAuditE2E(t *testing.T) {
	if os.Getenv("AEGIS_E2E_BROWSER") == "" {
		t.Skip("set AEGIS_E2E_BROWSER=1 (make e2e-browser) to drive the built frontend in Chromium")
	}
	chromium := browserNeeds(t)
	// The fake account: STS, IAM, CloudTrail and Organizations on local
	// endpoints, with a HOME whose profile "static" signs for them.
	fake := collecttest.New(t)
	svc, _ := scratchServices(t)

	// An earlier audit of the fake account, from its exports without one
	// role: the live audit's drift shows the role as new.
	var gaad map[string]json.RawMessage
	if err := json.Unmarshal(fake.Files.Authz.Data, &gaad); err != nil {
		t.Fatal(err)
	}
	var roles []map[string]any
	if err := json.Unmarshal(gaad["RoleDetailList"], &roles); err != nil || len(roles) == 0 {
		t.Fatalf("the fake account's roles: %v", err)
	}
	cases := auditCases{Profile: collecttest.Profile, NewPrincipal: roles[0]["Arn"].(string)}
	others, err := json.Marshal(roles[1:])
	if err != nil {
		t.Fatal(err)
	}
	gaad["RoleDetailList"] = others
	older := filepath.Join(t.TempDir(), "gaad-older.json")
	data, err := json.Marshal(gaad)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(older, data, 0o600); err != nil {
		t.Fatal(err)
	}
	seeded, err := svc.audit.Run(app.AuditRequest{Source: app.SourceFiles, Authz: older, WindowDays: 30})
	if err != nil {
		t.Fatal(err)
	}
	cases.Account = seeded.Audit.Account

	// The expectations come from a service of their own.
	expect := app.NewAuditService(context.Background(), scratchStore(t), openIAMData, &app.RelayEmitter{})
	sampleRun, err := expect.Run(app.AuditRequest{Source: app.SourceSample, WindowDays: 90})
	if err != nil {
		t.Fatal(err)
	}
	cases.Sample = sampleRun.Audit
	cases.Principal = "arn:aws:iam::111122223333:role/app-a"
	cli, err := expect.Export(app.AuditExportRequest{ID: sampleRun.ID, Principal: cases.Principal, Format: "cli"})
	if err != nil {
		t.Fatal(err)
	}
	cases.CLI = cli.Text
	cases.Query = "who can iam:PassRole"
	if cases.Answer, err = expect.Query(sampleRun.ID, cases.Query); err != nil {
		t.Fatal(err)
	}

	dist, err := fs.Sub(assets, "frontend/dist")
	if err != nil {
		t.Fatal(err)
	}
	b := newBridge(dist, svc.bindings())
	g := &gate{Emitter: b.events, next: make(chan struct{})}
	svc.events.Attach(g)
	srv := httptest.NewServer(g.handler(b))
	defer srv.Close()
	runBrowserScript(t, chromium, srv.URL, "audit.e2e.mjs", cases, 4*time.Minute)

	// The store holds the seeded audit, the sample's and the completed
	// live one; the cancelled audit left nothing.
	list, err := svc.audit.List()
	if err != nil {
		t.Fatal(err)
	}
	var titles []string
	for _, s := range list {
		titles = append(titles, s.Account)
	}
	if want := []string{cases.Account, "Sample account 111122223333", cases.Account}; !slices.Equal(titles, want) {
		t.Errorf("saved audits, newest first: %v, want %v", titles, want)
	}
}

// gate holds each live audit at its first finished Access Advisor job, so
// the script can look at the progress and cancel without racing the fake
// endpoints: the audit goes on when the page has cancelled it, or when the
// script posts /__e2e/continue.
type gate struct {
	app.Emitter
	next chan struct{}
}

func (g *gate) Emit(name string, payload any) {
	g.Emitter.Emit(name, payload)
	if p, ok := payload.(app.AuditProgress); ok && p.Step == "access-advisor" && p.Done == 1 {
		select {
		case <-g.next:
		case <-time.After(time.Minute):
		}
	}
}

// release lets a held audit go on.
func (g *gate) release() {
	select {
	case g.next <- struct{}{}:
	case <-time.After(10 * time.Second):
	}
}

func (g *gate) handler(b http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/__e2e/continue" {
			g.release()
			return
		}
		b.ServeHTTP(w, r)
		if r.URL.Path == "/__call/app/AuditService/Cancel" {
			g.release() // the run's context is cancelled: let it see so
		}
	})
}

// remediationCases is what frontend/e2e/remediate.e2e.mjs opens and expects.
type remediationCases struct {
	Account   string `json:"account"`
	Principal string `json:"principal"`
	Name      string `json:"name"`
}

// TestBrowserRemediationE2E applies an audit's recommendation to a local
// fake IAM endpoint from the principal detail and rolls it back: the saved
// audit opened from History, the preview of the exact call, the
// confirmation, the apply verified by reading back, the rollback verified,
// and the fake's inline policy back to what it was.
func TestBrowserRemediationE2E(t *testing.T) {
	if os.Getenv("AEGIS_E2E_BROWSER") == "" {
		t.Skip("set AEGIS_E2E_BROWSER=1 (make e2e-browser) to drive the built frontend in Chromium")
	}
	chromium := browserNeeds(t)
	awsapitest.SetupHome(t)
	gaad, err := os.ReadFile("backend/remediate/testdata/account.json")
	if err != nil {
		t.Fatal(err)
	}
	fake := awsapitest.NewIAM(t, awsapitest.IAMAccount{GAAD: gaad}, 100)
	t.Setenv("AWS_ENDPOINT_URL_IAM", fake.URL)
	svc, st := scratchServices(t)
	settings := app.DefaultSettings()
	settings.Profile, settings.AllowRemediation = "static", true
	if _, err := svc.settings.Save(settings); err != nil {
		t.Fatal(err)
	}

	// A saved audit of role app recommending to drop s3:DeleteBucket from
	// its inline policy.
	cases := remediationCases{Account: "123456789012", Principal: "arn:aws:iam::123456789012:role/service/app", Name: "app"}
	before := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject","s3:PutObject","s3:DeleteBucket"],"Resource":"arn:aws:s3:::app-data/*"}]}`
	after := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject","s3:PutObject"],"Resource":"arn:aws:s3:::app-data/*"}]}`
	run := app.AuditRun{Audit: &result.Audit{Account: cases.Account, Problems: []string{}, EscalationPaths: []result.EscalationPath{}, ExternalAccess: []result.ExternalAccess{},
		Principals: []result.Principal{{ARN: cases.Principal, Type: "role", Name: cases.Name, Editability: "editable", Findings: []result.Finding{},
			Permissions: result.Permissions{Used: []string{"s3:GetObject", "s3:PutObject"}, Unused: []string{"s3:DeleteBucket"}},
			Current:     []result.Policy{{Name: "inline:app-data", Status: "current", Document: json.RawMessage(before)}},
			Recommendation: &result.Recommendation{Kind: "rewrite", Replace: []string{"inline:app-data"},
				Policies: []result.Policy{{Name: "inline:app-data", Status: "rewritten", Document: json.RawMessage(after)}},
				Proof:    result.Proof{NoNewAccess: "no-new-access", CoversUsage: true}}}}}}
	payload, err := json.Marshal(run)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := store.NewHistory(st).Append(store.Record{Kind: store.KindAudit, Title: cases.Account, Summary: "risk 0, 1 principal", Payload: payload}); err != nil {
		t.Fatal(err)
	}

	dist, err := fs.Sub(assets, "frontend/dist")
	if err != nil {
		t.Fatal(err)
	}
	b := newBridge(dist, svc.bindings())
	svc.events.Attach(b.events)
	srv := httptest.NewServer(b)
	defer srv.Close()
	runBrowserScript(t, chromium, srv.URL, "remediate.e2e.mjs", cases, 3*time.Minute)

	// The apply and the rollback each wrote the inline policy once.
	if n := fake.Invoked("PutRolePolicy"); n != 2 {
		t.Errorf("%d PutRolePolicy calls, want the apply's and the rollback's", n)
	}
	records, err := svc.remediate.List(cases.Principal)
	if err != nil || len(records) != 1 || records[0].Status != "rolled-back" || !records[0].Rollback.Verified {
		t.Errorf("remediation records = %+v, %v", records, err)
	}
}

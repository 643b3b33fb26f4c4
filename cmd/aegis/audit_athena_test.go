package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aegis-iam/aegis/backend/audit"
	"github.com/aegis-iam/aegis/backend/audit/bundle"
	"github.com/aegis-iam/aegis/backend/awsapi/awsapitest"
	"github.com/aegis-iam/aegis/backend/mcp/collect/collecttest"
	"github.com/google/go-cmp/cmp"
)

// athenaDocTable are the table flags of the policy in docs/athena-policy.json.
var athenaDocTable = []string{"--bucket", "org-trail-logs", "--org", "o-a1b2c3d4e5", "--region", "us-east-1", "--since", "2025-01-01"}

// offlineAudit is the offline audit of a's exports and logs
// (offlineExports) over athenaWindow, in JSON, and the usage its bundle
// holds, which the fake Athena and Lake answer with; the usage must have
// rows, some naming their resources, or a comparison with it would prove
// little.
func offlineAudit(t *testing.T, a *collecttest.Account) (string, *audit.Usage) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "offline.bundle.json")
	code, out, stderr := auditRun(append(append([]string{"audit", "--format", "json", "--write-bundle", path}, athenaWindow...), offlineExports(t, a)...)...)
	if code != ExitOK {
		t.Fatalf("offline: exit %d: %s", code, stderr)
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var b bundle.Bundle
	if err := json.Unmarshal(raw, &b); err != nil {
		t.Fatal(err)
	}
	if b.Usage == nil || len(b.Usage.Rows) == 0 {
		t.Fatal("the offline audit read no usage: the comparison would prove nothing")
	}
	if !slices.ContainsFunc(b.Usage.Rows, func(r audit.UsageRow) bool { return len(r.Resources) > 0 }) {
		t.Fatal("no usage row names its resources: the comparison would prove little")
	}
	return out, b.Usage
}

// TestAuditAthenaSetup: athena-setup prints, with a final newline, the
// table's DDL for the given layout: athenasql's golden DDL of the same
// table (its test rewrites it under -update).
func TestAuditAthenaSetup(t *testing.T) {
	code, out, stderr := auditRun("audit", "athena-setup", "--bucket", "org-trail-logs", "--prefix", "trails/main", "--org", "o-a1b2c3d4e5",
		"--account", "111122223333", "--account", "444455556666", "--region", "us-east-1", "--region", "eu-west-1", "--since", "2025-01-01")
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	ddl, err := os.ReadFile("../../backend/cloudtrail/athenasql/testdata/org.ddl.sql")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(string(ddl)+"\n", out); diff != "" {
		t.Errorf("athena-setup differs from athenasql's testdata/org.ddl.sql (-want +got):\n%s", diff)
	}
}

// TestAuditAthenaPermissions: athena-permissions prints the documented
// policy for the documented set-up.
func TestAuditAthenaPermissions(t *testing.T) {
	code, out, stderr := auditRun(append(append([]string{"audit", "athena-permissions"}, athenaDocTable...),
		"--athena-region", "us-east-1", "--athena-account", "111122223333", "--athena-output", "s3://aegis-athena-results-111122223333/aegis/",
		"--kms-key", "arn:aws:kms:us-east-1:111122223333:key/0a1b2c3d-4e5f-6071-8293-a4b5c6d7e8f9")...)
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	checkGolden(t, "audit/athena-permissions.json", out)
	doc, err := os.ReadFile("../../docs/athena-policy.json")
	if err != nil {
		t.Fatal(err)
	}
	if out != string(doc) {
		t.Errorf("athena-permissions differs from docs/athena-policy.json:\n%s", out)
	}
}

// TestAuditAthenaBadInput: a bad or missing setting is a usage error
// naming every problem.
func TestAuditAthenaBadInput(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want []string
	}{
		{[]string{"athena-setup"}, []string{`bucket ""`, "no region", "no first day"}},
		{[]string{"athena-setup", "--bucket", "b_b", "--region", "us-east-1", "--since", "2025-13-01"}, []string{"--since"}},
		{append([]string{"athena-permissions"}, athenaDocTable...), []string{`region ""`, `account ""`, `results location ""`}},
		{append([]string{"athena-permissions", "--athena-output", "s3://r/x"}, athenaDocTable...), []string{"want s3://bucket/prefix/"}},
		{[]string{"--authz", "gaad.json", "--athena-database", "default"}, []string{"--athena-* need --profile"}},
		{[]string{"--profile", "p", "--athena-database", "default"}, []string{"needs --athena-database, --athena-table, --athena-bucket and --athena-since"}},
	} {
		code, _, stderr := auditRun(append([]string{"audit"}, tc.args...)...)
		if code != ExitUsage {
			t.Errorf("%v: exit %d, want %d: %s", tc.args, code, ExitUsage, stderr)
		}
		for _, w := range tc.want {
			if !strings.Contains(stderr, w) {
				t.Errorf("%v: stderr lacks %q:\n%s", tc.args, w, stderr)
			}
		}
	}
}

// athenaWindow is the last hour of the fakes' events, all on their last
// day: CloudTrail delivers no file for a day without events, so Athena sees
// none there, where the offline logs hold empty files.
var athenaWindow = []string{"--end", collecttest.EventsEnd.Format(time.RFC3339), "--window", "1h"}

// queryLiveArgs are a live audit's arguments with usage from source's
// flags (Athena's or Lake's).
func queryLiveArgs(source ...string) []string {
	args := append([]string{"audit", "--profile", collecttest.Profile, "--format", "json"}, athenaWindow...)
	for _, r := range liveRegions {
		args = append(args, "--region", r)
	}
	return append(args, source...)
}

// athenaLiveArgs are a live audit's arguments with usage from Athena.
func athenaLiveArgs() []string {
	return queryLiveArgs("--athena-database", "default", "--athena-table", "aegis_cloudtrail", "--athena-bucket", "org-trail-logs",
		"--athena-since", "2025-01-01", "--athena-output", "s3://aegis-athena-results-111122223333/aegis/")
}

// checkQueryDenied checks that the usage query of the live audit args
// refused (deny) is a coverage gap for the whole window, shown among the
// problems as tool's, and that nothing is called unused that the audit
// with the query's answer does not call unused.
func checkQueryDenied(t *testing.T, args []string, tool string, deny func()) {
	t.Helper()
	_, whole, _ := auditRun(args...)
	deny()
	code, out, stderr := auditRun(args...)
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var v struct{ Problems []string }
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		t.Fatal(err)
	}
	if p := strings.Join(v.Problems, "\n"); !strings.Contains(p, tool) || !strings.Contains(p, "access-denied") {
		t.Errorf("problems %q do not show the refused query", v.Problems)
	}
	if _, gapped := checkGapUnused(t, whole, out); gapped == 0 {
		t.Error("no permission is unknown for the gap")
	}
}

// TestLiveAuditAthenaEqualsOffline: a live audit with usage from Athena
// (the built-in server's athena_usage against the fake Athena) gives the
// audit the offline import of the same exports and logs gives, after
// running the two queries for the audited account.
func TestLiveAuditAthenaEqualsOffline(t *testing.T) {
	a := collecttest.New(t)
	want, usage := offlineAudit(t, a)
	f, files := a.Athena(t, usage)
	code, got, stderr := auditRun(athenaLiveArgs()...)
	if code != ExitOK {
		t.Fatalf("live: exit %d: %s", code, stderr)
	}
	if diff := cmp.Diff(comparableAudit(t, want), comparableAudit(t, got)); diff != "" {
		t.Errorf("live audit through Athena differs from the offline one (-offline +live):\n%s", diff)
	}
	queries := f.Queries()
	if len(queries) != 2 || !strings.Contains(queries[0], "'111122223333'") || !strings.Contains(queries[1], "log coverage") {
		t.Errorf("queries %q", queries)
	}
	if n, pages := files.Invoked("GetObject"), f.Invoked("GetQueryResults"); n != 2 || pages != 0 {
		t.Errorf("result files read %d times, pages %d: want the two files and no page", n, pages)
	}
	if !strings.Contains(stderr, "usage: athena 1/1") || strings.Contains(stderr, "usage: events") {
		t.Errorf("progress does not show the Athena phase alone:\n%s", stderr)
	}

	// S3 refusing the result files: the same audit from the pages, with a
	// note among the problems.
	files.Deny("GetObject")
	code, paged, stderr := auditRun(athenaLiveArgs()...)
	if code != ExitOK {
		t.Fatalf("paged: exit %d: %s", code, stderr)
	}
	gotAudit, wantAudit := comparableAudit(t, paged), comparableAudit(t, want)
	notes, _ := gotAudit["problems"].([]any)
	if len(notes) != 2 || !strings.Contains(fmt.Sprint(notes), "read page by page (GetQueryResults): its result file could not be read: S3 GetObject: AccessDenied") {
		t.Errorf("problems %q do not note the refused result files", notes)
	}
	gotAudit["problems"] = wantAudit["problems"]
	if diff := cmp.Diff(wantAudit, gotAudit); diff != "" {
		t.Errorf("live audit through Athena's pages differs from the offline one (-offline +live):\n%s", diff)
	}
}

// TestLiveAuditAthenaRole: with --athena-role-arn the queries run with
// that role's credentials, assumed once with the profile's, while the
// account is read with the profile's own; the audit is the same.
func TestLiveAuditAthenaRole(t *testing.T) {
	a := collecttest.New(t)
	want, usage := offlineAudit(t, a)
	f, _ := a.Athena(t, usage)
	a.STS.Take()
	const role = "arn:aws:iam::999988887777:role/AegisAthena"
	code, got, stderr := auditRun(append(athenaLiveArgs(), "--athena-role-arn", role)...)
	if code != ExitOK {
		t.Fatalf("live: exit %d: %s", code, stderr)
	}
	if diff := cmp.Diff(comparableAudit(t, want), comparableAudit(t, got)); diff != "" {
		t.Errorf("live audit through the log-archive role differs from the offline one (-offline +live):\n%s", diff)
	}
	var assumed []string
	for _, c := range a.STS.Take() {
		if c.Action == "AssumeRole" {
			assumed = append(assumed, c.Params["RoleArn"]+" "+c.Params["RoleSessionName"]+" by "+c.AccessKey)
		}
	}
	if len(assumed) != 1 || assumed[0] != role+" aegis-athena by AKIASTATICEXAMPLE" {
		t.Errorf("AssumeRole calls %q", assumed)
	}
	signers := f.Signers()
	if len(signers) != 2 || signers[0] != signers[1] || !strings.HasPrefix(signers[0], "ASIA") {
		t.Errorf("queries signed by %q, want the assumed role's key", signers)
	}
	if n := a.IAM.Calls("GetAccountAuthorizationDetails"); n == 0 {
		t.Error("the account was not read")
	}

	// A role that cannot be assumed: the queries fail, a gap.
	a.STS.DenyAssume(role)
	code, out, stderr := auditRun(append(athenaLiveArgs(), "--athena-role-arn", role)...)
	if code != ExitOK || !strings.Contains(out, "athena_usage") || !strings.Contains(out, "AssumeRole") {
		t.Errorf("role refused: exit %d: %s\n%s", code, stderr, out)
	}
	if code, _, stderr := auditRun(append(athenaLiveArgs(), "--athena-role-arn", "AegisAthena")...); code != ExitUsage || !strings.Contains(stderr, "want arn:aws:iam::ACCOUNT:role/NAME") {
		t.Errorf("bad role ARN: exit %d: %s", code, stderr)
	}
}

// TestLiveAuditAthenaDenied: Athena refusing the query is a coverage gap
// for the whole window, shown among the problems; nothing is called
// unused that the audit with Athena's answer does not call unused.
func TestLiveAuditAthenaDenied(t *testing.T) {
	a := collecttest.New(t)
	_, usage := offlineAudit(t, a)
	f, _ := a.Athena(t, usage)
	checkQueryDenied(t, athenaLiveArgs(), "athena_usage", func() { f.Deny("StartQueryExecution") })
}

// TestLiveOrgAuditAthenaRole: an organization's audit with usage from
// Athena in the log-archive account: the two queries run once for every
// account, with the role assumed from the profile, while each account is
// read through its own --org-role and keeps its own rows.
func TestLiveOrgAuditAthenaRole(t *testing.T) {
	a := collecttest.New(t)
	a.Org.SetAccounts(
		awsapitest.OrgAccount{ID: "111122223333", Name: "prod", State: "ACTIVE"},
		awsapitest.OrgAccount{ID: "444455556666", Name: "dev", State: "ACTIVE"},
	)
	want, usage := offlineAudit(t, a)
	f, _ := a.Athena(t, usage)
	a.STS.Take()
	const role = "arn:aws:iam::999988887777:role/AegisAthena"
	code, out, stderr := auditRun(append(athenaLiveArgs(), "--org-role", "AegisAudit", "--athena-role-arn", role)...)
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var report OrgAudit
	if err := json.Unmarshal([]byte(out), &report); err != nil {
		t.Fatal(err)
	}
	for _, acct := range report.Accounts {
		if acct.Audit == nil || len(acct.Audit.Problems) != 0 {
			t.Errorf("account %s: gap %q, problems %q", acct.Account, acct.Gap, acct.Audit.Problems)
		}
	}
	roles := map[string]int{}
	for _, c := range a.STS.Take() {
		if c.Action == "AssumeRole" {
			roles[c.Params["RoleArn"]+" "+c.Params["RoleSessionName"]]++
		}
	}
	wantRoles := map[string]int{role + " aegis-athena": 1, "arn:aws:iam::111122223333:role/AegisAudit aegis-audit": 1,
		"arn:aws:iam::444455556666:role/AegisAudit aegis-audit": 1}
	if diff := cmp.Diff(wantRoles, roles); diff != "" {
		t.Errorf("roles assumed (-want +got):\n%s", diff)
	}
	signers := f.Signers()
	if len(signers) != 2 || signers[0] != signers[1] || !strings.HasPrefix(signers[0], "ASIA") {
		t.Errorf("queries signed by %q, want the Athena role's key for both", signers)
	}
	for _, q := range f.Queries() {
		if !strings.Contains(q, "accountid IN ('111122223333', '444455556666')") {
			t.Errorf("a query does not read both accounts:\n%s", q)
		}
	}
	if !strings.Contains(stderr, "organization usage: athena 1/1") || strings.Contains(stderr, "usage: events") {
		t.Errorf("progress does not show the one organization query:\n%s", stderr)
	}
	// The fakes serve one account's data to every role: each account's
	// audit is the offline one.
	for _, acct := range report.Accounts {
		got, err := json.Marshal(acct.Audit)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(comparableAudit(t, want), comparableAudit(t, string(got))); diff != "" {
			t.Errorf("account %s differs from the offline audit (-offline +org):\n%s", acct.Account, diff)
		}
	}

	// The organization's query refused: a gap in every account.
	f.Deny("StartQueryExecution")
	code, out, stderr = auditRun(append(athenaLiveArgs(), "--org-role", "AegisAudit", "--athena-role-arn", role)...)
	if code != ExitOK {
		t.Fatalf("denied: exit %d: %s", code, stderr)
	}
	report = OrgAudit{}
	if err := json.Unmarshal([]byte(out), &report); err != nil {
		t.Fatal(err)
	}
	for _, acct := range report.Accounts {
		if p := fmt.Sprint(acct.Audit.Problems); !strings.Contains(p, "athena_usage") || !strings.Contains(p, "access-denied") {
			t.Errorf("account %s: problems %q do not show the refused query", acct.Account, acct.Audit.Problems)
		}
	}
}

package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aegis-iam/aegis/backend/audit/bundle"
	"github.com/aegis-iam/aegis/backend/awsapi/awsapitest"
	"github.com/aegis-iam/aegis/backend/mcp/collect/collecttest"
	"github.com/google/go-cmp/cmp"
)

// TestAuditLakePermissions: lake-permissions prints the documented
// policy, which passes Aegis's validator (backend/mcp/awsserver's policy
// tests check the live-audit policy the same way).
func TestAuditLakePermissions(t *testing.T) {
	code, out, stderr := auditRun("audit", "lake-permissions", "--lake-event-data-store", collecttest.LakeStoreARN)
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	doc, err := os.ReadFile("../../docs/lake-policy.json")
	if err != nil {
		t.Fatal(err)
	}
	if out != string(doc) {
		t.Errorf("lake-permissions differs from docs/lake-policy.json:\n%s", out)
	}
	code, _, stderr = auditRun("validate", "../../docs/lake-policy.json", "--fail-on", "medium")
	if code != ExitOK {
		t.Errorf("docs/lake-policy.json does not validate cleanly: exit %d: %s", code, stderr)
	}
}

// TestAuditLakeBadInput: a bad or misplaced store is a usage error.
func TestAuditLakeBadInput(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"lake-permissions", "--lake-event-data-store", "EXAMPLE-f852"}, "needs its ARN"},
		{[]string{"lake-permissions"}, "want its ID or its ARN"},
		{[]string{"--authz", "gaad.json", "--lake-event-data-store", "EXAMPLE-f852"}, "--lake-event-data-store needs --profile"},
		{[]string{"--profile", "p", "--lake-event-data-store", "x' OR 1=1"}, "want its ID or its ARN"},
		{[]string{"--profile", "p", "--lake-event-data-store", "EXAMPLE-f852", "--athena-database", "default", "--athena-table", "t",
			"--athena-bucket", "b", "--athena-since", "2025-01-01"}, "not both"},
	} {
		code, _, stderr := auditRun(append([]string{"audit"}, tc.args...)...)
		if code != ExitUsage || !strings.Contains(stderr, tc.want) {
			t.Errorf("%v: exit %d, want %d with %q: %s", tc.args, code, ExitUsage, tc.want, stderr)
		}
	}
}

// lakeLiveArgs are a live audit's arguments with usage from Lake.
func lakeLiveArgs() []string {
	return queryLiveArgs("--lake-event-data-store", collecttest.LakeStoreARN)
}

// TestLiveAuditLakeEqualsOffline: a live audit with usage from CloudTrail
// Lake (the built-in server's lake_usage against the fake Lake, the
// trails read through the same endpoint) gives the audit the offline
// import of the same exports and logs gives, and the same usage rows,
// their resources included, after running the two queries for the
// audited account and regions on the store, also when every Lake call is
// throttled at first.
func TestLiveAuditLakeEqualsOffline(t *testing.T) {
	a := collecttest.New(t)
	want, usage := offlineAudit(t, a)
	f := a.Lake(t, usage)
	saved := filepath.Join(t.TempDir(), "live.bundle.json")
	code, got, stderr := auditRun(append(lakeLiveArgs(), "--write-bundle", saved)...)
	if code != ExitOK {
		t.Fatalf("live: exit %d: %s", code, stderr)
	}
	if diff := cmp.Diff(comparableAudit(t, want), comparableAudit(t, got)); diff != "" {
		t.Errorf("live audit through CloudTrail Lake differs from the offline one (-offline +live):\n%s", diff)
	}
	// The usage rows, their resources included (which right-sizing
	// narrows to), are the offline import's.
	raw, err := os.ReadFile(saved)
	if err != nil {
		t.Fatal(err)
	}
	var live bundle.Bundle
	if err := json.Unmarshal(raw, &live); err != nil || live.Usage == nil {
		t.Fatalf("live bundle: %v", err)
	}
	if diff := cmp.Diff(usage.Rows, live.Usage.Rows); diff != "" {
		t.Errorf("usage rows through CloudTrail Lake differ from the offline ones (-offline +live):\n%s", diff)
	}
	queries := f.Queries()
	if len(queries) != 2 || !strings.Contains(queries[0], "recipientAccountId IN ('111122223333')") ||
		!strings.Contains(queries[0], "awsRegion IN ('eu-west-1', 'us-east-1')") || !strings.Contains(queries[1], "AS data_events") {
		t.Errorf("queries %q", queries)
	}
	if !strings.Contains(stderr, "usage: lake 1/1") || strings.Contains(stderr, "usage: events") {
		t.Errorf("progress does not show the Lake phase alone:\n%s", stderr)
	}
	// Throttling that the SDK's retries absorb changes nothing but the time.
	for _, op := range []string{"StartQuery", "DescribeQuery", "GetQueryResults"} {
		f.Throttle(op, 1)
	}
	code, throttled, stderr := auditRun(lakeLiveArgs()...)
	if code != ExitOK {
		t.Fatalf("throttled: exit %d: %s", code, stderr)
	}
	if diff := cmp.Diff(comparableAudit(t, got), comparableAudit(t, throttled)); diff != "" {
		t.Errorf("throttling changed the audit (-unthrottled +throttled):\n%s", diff)
	}
}

// TestLiveAuditLakeDenied: Lake refusing the query is a coverage gap for
// the whole window, shown among the problems; nothing is called unused
// that the audit with Lake's answer does not call unused.
func TestLiveAuditLakeDenied(t *testing.T) {
	a := collecttest.New(t)
	_, usage := offlineAudit(t, a)
	f := a.Lake(t, usage)
	checkQueryDenied(t, lakeLiveArgs(), "lake_usage", func() { f.Deny("StartQuery") })
}

// TestAuditLakeStores: lake-stores lists every store the profile sees in
// the region, every page read, in aligned columns.
func TestAuditLakeStores(t *testing.T) {
	a := collecttest.New(t)
	f := awsapitest.NewLake(t, awsapitest.LakeStore{ID: collecttest.LakeStoreID, Others: []string{"EXAMPLE-old-1", "EXAMPLE-old-2"}, Next: a.CloudTrail.URL})
	t.Setenv("AWS_ENDPOINT_URL_CLOUDTRAIL", f.URL)
	code, out, stderr := auditRun("audit", "lake-stores", "--profile", collecttest.Profile, "--region", "eu-west-1")
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 4 || !strings.HasPrefix(lines[0], "ARN ") ||
		!strings.HasPrefix(lines[1], collecttest.LakeStoreARN+"  aegis-audit-store  ENABLED  ") || !strings.HasSuffix(lines[1], "all      organization  2557 days") ||
		!strings.Contains(lines[3], "old-store-2") || !strings.Contains(lines[3], "STOPPED_INGESTION") {
		t.Errorf("lake-stores printed:\n%s", out)
	}
	f.Deny("ListEventDataStores")
	code, _, stderr = auditRun("audit", "lake-stores", "--profile", collecttest.Profile, "--region", "eu-west-1")
	if code == ExitOK || !strings.Contains(stderr, "AccessDeniedException") {
		t.Errorf("denied: exit %d: %s", code, stderr)
	}
	if code, _, stderr := auditRun("audit", "lake-stores"); code != ExitUsage || !strings.Contains(stderr, "needs --profile") {
		t.Errorf("without --profile: exit %d: %s", code, stderr)
	}
}

// TestLiveOrgAuditLake: with --org-role, each account's usage comes from
// the organization's store, queried with the profile's credentials (Lake
// answers an organization store's queries in the management or delegated
// administrator account only), not the role's, for the account's events.
func TestLiveOrgAuditLake(t *testing.T) {
	a := collecttest.New(t)
	a.Org.SetAccounts(
		awsapitest.OrgAccount{ID: "111122223333", Name: "prod", State: "ACTIVE"},
		awsapitest.OrgAccount{ID: "444455556666", Name: "dev", State: "ACTIVE"},
	)
	_, usage := offlineAudit(t, a)
	f := a.Lake(t, usage)
	code, out, stderr := auditRun(append(lakeLiveArgs(), "--org-role", "AegisAudit")...)
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var report OrgAudit
	if err := json.Unmarshal([]byte(out), &report); err != nil {
		t.Fatal(err)
	}
	if len(report.Accounts) != 2 || report.Accounts[0].Audit == nil || report.Accounts[1].Audit == nil {
		t.Fatalf("accounts %+v", report.Accounts)
	}
	// The fakes serve one IAM account to every role, so both snapshots
	// name 111122223333, which each account's two queries filter on.
	if q := f.Queries(); len(q) != 4 || strings.Count(strings.Join(q, "\n"), "recipientAccountId IN ('111122223333')") != 4 {
		t.Errorf("%d queries, want 2 per account", len(q))
	}
	for _, key := range f.StartedBy() {
		if key != "AKIASTATICEXAMPLE" {
			t.Errorf("a query was started with %s, not the profile's key", key)
		}
	}
}

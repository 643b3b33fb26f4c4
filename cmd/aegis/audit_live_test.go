package main

import (
	"bytes"
	"context"
	"encoding/json"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aegis-iam/aegis/backend/awsapi/awsapitest"
	"github.com/aegis-iam/aegis/backend/mcp/collect/collecttest"
	"github.com/google/go-cmp/cmp"
)

// liveWindow is the window of the live audits: the two days before the
// fakes' events end, so three UTC days.
var liveWindow = []string{"--end", collecttest.EventsEnd.Format(time.RFC3339), "--window", "2d"}

var liveRegions = []string{"eu-west-1", collecttest.OtherRegion}

// offlineExports writes the exports the fakes serve, and the same events as
// delivered logs over liveWindow's three days (collecttest.WriteLogs), and
// returns the offline audit's arguments.
func offlineExports(t *testing.T, a *collecttest.Account) []string {
	t.Helper()
	dir := t.TempDir()
	args := []string{}
	for flag, f := range map[string]struct {
		Name string
		Data []byte
	}{
		"--authz": {a.Files.Authz.Name, a.Files.Authz.Data}, "--credential-report": {a.Files.CredentialReport.Name, a.Files.CredentialReport.Data},
		"--password-policy": {a.Files.PasswordPolicy.Name, a.Files.PasswordPolicy.Data}, "--org": {a.Files.Organization.Name, a.Files.Organization.Data},
		"--access-advisor": {a.Files.AccessAdvisor.Name, a.Files.AccessAdvisor.Data}, "--event-selectors": {a.Files.EventSelectors.Name, a.Files.EventSelectors.Data},
		"--resource-policies": {a.Files.ResourcePolicies.Name, a.Files.ResourcePolicies.Data},
	} {
		p := filepath.Join(dir, f.Name)
		if err := os.WriteFile(p, f.Data, 0o644); err != nil {
			t.Fatal(err)
		}
		args = append(args, flag, p)
	}
	logs := filepath.Join(dir, "logs")
	collecttest.WriteLogs(t, logs, 3)
	return append(args, "--cloudtrail", logs)
}

// auditRun runs aegis and returns its exit code, stdout and stderr.
func auditRun(args ...string) (int, string, string) {
	var out, errs bytes.Buffer
	code := run(context.Background(), args, &Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errs})
	return code, out.String(), errs.String()
}

// liveArgs are a live audit's arguments in format.
func liveArgs(format string) []string {
	args := append([]string{"audit", "--profile", collecttest.Profile, "--format", format}, liveWindow...)
	for _, r := range liveRegions {
		args = append(args, "--region", r)
	}
	return args
}

// comparableAudit decodes a JSON audit, for a diff.
func comparableAudit(t *testing.T, out string) map[string]any {
	t.Helper()
	var v map[string]any
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	return v
}

// TestLiveAuditEqualsOffline: a live audit through the built-in MCP server
// against the fakes, reading two regions' event history, gives the audit
// the offline import of the same exports and logs gives, in every format;
// injected throttling changes nothing but the time taken.
func TestLiveAuditEqualsOffline(t *testing.T) {
	a := collecttest.New(t)
	offline := offlineExports(t, a)
	for _, format := range []string{"json", "table"} {
		code, want, stderr := auditRun(append(append([]string{"audit", "--format", format}, liveWindow...), offline...)...)
		if code != ExitOK {
			t.Fatalf("offline %s: exit %d: %s", format, code, stderr)
		}
		code, got, stderr := auditRun(liveArgs(format)...)
		if code != ExitOK {
			t.Fatalf("live %s: exit %d: %s", format, code, stderr)
		}
		if format == "json" {
			if diff := cmp.Diff(comparableAudit(t, want), comparableAudit(t, got)); diff != "" {
				t.Errorf("live audit differs from the offline one (-offline +live):\n%s", diff)
			}
		} else if got != want {
			t.Errorf("live %s differs from the offline one:\n--- offline\n%s\n--- live\n%s", format, want, got)
		}
		for _, stage := range []string{"discover: access-advisor 5/5", "usage: events 2/2", "usage: events-read 6/6", "analyse: analyse 1/1"} {
			if !strings.Contains(stderr, stage) {
				t.Errorf("progress %q missing from stderr:\n%s", stage, stderr)
			}
		}
	}
	a.IAM.Throttle("GetAccountAuthorizationDetails", 2)
	a.CloudTrail.Throttle("LookupEvents", 2)
	a.CloudTrail.Throttle("GetEventSelectors", 1)
	_, want, _ := auditRun(append(append([]string{"audit", "--format", "json"}, liveWindow...), offline...)...)
	code, got, stderr := auditRun(liveArgs("json")...)
	if code != ExitOK {
		t.Fatalf("throttled: exit %d: %s", code, stderr)
	}
	if diff := cmp.Diff(comparableAudit(t, want), comparableAudit(t, got)); diff != "" {
		t.Errorf("throttled live audit differs (-offline +live):\n%s", diff)
	}
}

// unusedOf maps each principal of a JSON audit to its unused permissions,
// and counts the permissions unknown for a coverage gap.
func unusedOf(t *testing.T, out string) (map[string][]string, int) {
	t.Helper()
	var v struct {
		Principals []struct {
			ARN         string `json:"arn"`
			Permissions struct {
				Unused         []string       `json:"unused"`
				UnknownReasons map[string]int `json:"unknownReasons"`
			} `json:"permissions"`
		} `json:"principals"`
	}
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		t.Fatal(err)
	}
	unused, gaps := map[string][]string{}, 0
	for _, p := range v.Principals {
		unused[p.ARN] = p.Permissions.Unused
		gaps += p.Permissions.UnknownReasons["log-gap"]
	}
	return unused, gaps
}

// checkGapUnused checks that out, an audit with a coverage gap, calls
// nothing unused that whole, the same audit without the gap, does not, and
// returns how many permissions each leaves unknown for a gap.
func checkGapUnused(t *testing.T, whole, out string) (wholeGaps, gapped int) {
	t.Helper()
	wantUnused, wholeGaps := unusedOf(t, whole)
	if n := len(slices.Concat(slices.Collect(maps.Values(wantUnused))...)); n == 0 {
		t.Fatal("the audit without the denial calls nothing unused: the check below would prove nothing")
	}
	gotUnused, gapped := unusedOf(t, out)
	for arn, got := range gotUnused {
		for _, action := range got {
			if !slices.Contains(wantUnused[arn], action) {
				t.Errorf("%s: %s unused with a gap but not without", arn, action)
			}
		}
	}
	return wholeGaps, gapped
}

// TestLiveAuditRegionDenied: AccessDenied on one region's event history is
// a coverage gap for that region, shown among the problems, and nothing
// CloudTrail alone would judge is called unused: what stays unused is
// Access Advisor's verdict (all regions), the same as without the gap.
func TestLiveAuditRegionDenied(t *testing.T) {
	a := collecttest.New(t)
	_, whole, _ := auditRun(liveArgs("json")...)
	a.CloudTrail.DenyRegion(collecttest.OtherRegion)
	code, out, stderr := auditRun(liveArgs("json")...)
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var v struct {
		Coverage struct {
			Gaps []struct{ Region, Reason string }
		}
		Problems []string
	}
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		t.Fatal(err)
	}
	gaps := map[string]string{}
	for _, g := range v.Coverage.Gaps {
		gaps[g.Region] = g.Reason
	}
	if diff := cmp.Diff(map[string]string{collecttest.OtherRegion: "read-failed"}, gaps); diff != "" {
		t.Errorf("coverage gaps (-want +got):\n%s", diff)
	}
	if !strings.Contains(strings.Join(v.Problems, "\n"), "lookup_events "+collecttest.OtherRegion) ||
		!strings.Contains(strings.Join(v.Problems, "\n"), "access-denied") {
		t.Errorf("problems %q do not show the denied region", v.Problems)
	}
	wholeGaps, gapped := checkGapUnused(t, whole, out)
	if wholeGaps != 0 || gapped == 0 {
		t.Errorf("permissions unknown for a gap: %d without the denial, %d with it; want 0 and some", wholeGaps, gapped)
	}
}

// TestLiveAuditUsage: live flags are checked like the offline ones.
func TestLiveAuditUsage(t *testing.T) {
	for _, args := range [][]string{
		{"audit", "--region", "eu-west-1", "--authz", "x.json"},
		{"audit", "--profile", "p", "--authz", "x.json"},
		{"audit", "--profile", "p", "--format", "yaml"},
		{"audit", "--profile", "p", "--concurrency", "0"},
	} {
		if code, _, stderr := auditRun(args...); code != ExitUsage {
			t.Errorf("%v: exit %d, want %d (%s)", args, code, ExitUsage, stderr)
		}
	}
}

// TestLiveOrgAudit: --org-role lists the organization's active accounts,
// assumes the role in each and audits it; an account whose role cannot be
// assumed is a gap in the one organization report.
func TestLiveOrgAudit(t *testing.T) {
	a := collecttest.New(t)
	a.Org.SetAccounts(
		awsapitest.OrgAccount{ID: "111122223333", Name: "prod", State: "ACTIVE"},
		awsapitest.OrgAccount{ID: "444455556666", Name: "dev", State: "ACTIVE"},
		awsapitest.OrgAccount{ID: "777788889999", Name: "old", State: "SUSPENDED"},
		awsapitest.OrgAccount{ID: "222233334444", Name: "locked", State: "ACTIVE"},
	)
	a.STS.DenyAssume("arn:aws:iam::222233334444:role/AegisAudit")
	a.STS.Take()
	code, out, stderr := auditRun(append(liveArgs("json"), "--org-role", "AegisAudit", "--org-concurrency", "3")...)
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var report OrgAudit
	if err := json.Unmarshal([]byte(out), &report); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, acct := range report.Accounts {
		state := "audited"
		if acct.Audit == nil {
			state = acct.Gap
		}
		got = append(got, acct.Account+" "+acct.Name+": "+state)
	}
	want := []string{"111122223333 prod: audited", "444455556666 dev: audited",
		"222233334444 locked: cannot assume arn:aws:iam::222233334444:role/AegisAudit: "}
	if len(got) != 3 || got[0] != want[0] || got[1] != want[1] || !strings.HasPrefix(got[2], want[2]) || !strings.Contains(got[2], "AccessDenied") {
		t.Errorf("accounts %q, want %q", got, want)
	}
	if report.Organization == "" {
		t.Errorf("no organization ID")
	}
	assumed := map[string]bool{}
	for _, c := range a.STS.Take() {
		if c.Action == "AssumeRole" {
			assumed[c.Params["RoleArn"]] = true
			if c.Params["RoleSessionName"] != "aegis-audit" || c.AccessKey != "AKIASTATICEXAMPLE" {
				t.Errorf("AssumeRole %v", c)
			}
		}
	}
	if len(assumed) != 3 || assumed["arn:aws:iam::777788889999:role/AegisAudit"] {
		t.Errorf("roles assumed: %v", assumed)
	}
	for _, line := range []string{"111122223333 discover: access-advisor 5/5", "444455556666 usage: events 2/2"} {
		if !strings.Contains(stderr, line) {
			t.Errorf("progress %q missing:\n%s", line, stderr)
		}
	}
	code, table, stderr := auditRun(append(liveArgs("table"), "--org-role", "AegisAudit")...)
	if code != ExitOK || !strings.Contains(table, "== account 444455556666 (dev) ==") || !strings.Contains(table, "not audited: cannot assume") {
		t.Errorf("table: exit %d: %s\n%s", code, stderr, table)
	}
	if code, _, _ := auditRun(append(liveArgs("html"), "--org-role", "AegisAudit")...); code != ExitUsage {
		t.Errorf("--org-role with html: exit %d, want %d", code, ExitUsage)
	}
}

// TestLiveAuditEnabledRegions: without --region the audit reads every
// enabled region (the same audit as naming them); when the regions cannot
// be listed it reads the profile's, and says so among the problems.
func TestLiveAuditEnabledRegions(t *testing.T) {
	a := collecttest.New(t)
	_, want, _ := auditRun(liveArgs("json")...)
	args := append([]string{"audit", "--profile", collecttest.Profile, "--format", "json"}, liveWindow...)
	code, got, stderr := auditRun(args...)
	if code != ExitOK || !strings.Contains(stderr, "usage: events 2/2") {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if diff := cmp.Diff(comparableAudit(t, want), comparableAudit(t, got)); diff != "" {
		t.Errorf("enabled regions differ from naming them (-named +enabled):\n%s", diff)
	}
	a.EC2.Deny("DescribeRegions")
	code, got, stderr = auditRun(args...)
	if code != ExitOK || !strings.Contains(stderr, "usage: events 1/1") ||
		!strings.Contains(got, "list_regions (ec2:DescribeRegions): access-denied") {
		t.Errorf("exit %d: %s\n%s", code, stderr, got)
	}
}

// TestLiveAuditCancelled: Ctrl-C (the context ending) stops the live audit
// part-way with exit 130 and no output.
func TestLiveAuditCancelled(t *testing.T) {
	collecttest.New(t)
	ctx, cancel := context.WithCancel(context.Background())
	var out bytes.Buffer
	stderr := &cancelOn{w: &bytes.Buffer{}, text: "access-advisor", cancel: cancel}
	code := run(ctx, liveArgs("json"), &Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: stderr})
	if code != ExitInterrupted || out.Len() != 0 || !strings.Contains(stderr.w.String(), "audit cancelled") {
		t.Errorf("exit %d, stdout %q, stderr %q", code, out.String(), stderr.w.String())
	}
}

// cancelOn cancels once text is written.
type cancelOn struct {
	w      *bytes.Buffer
	text   string
	cancel func()
}

func (c *cancelOn) Write(p []byte) (int, error) {
	if strings.Contains(string(p), c.text) {
		c.cancel()
	}
	return c.w.Write(p)
}

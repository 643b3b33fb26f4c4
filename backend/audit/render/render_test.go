package render

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aegis-iam/aegis/backend/audit"
	"github.com/aegis-iam/aegis/backend/audit/result"
	"github.com/aegis-iam/aegis/backend/check"
	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// hostile is an audit whose account-supplied strings (names, policy
// documents, messages) try to break out of every format.
func hostile() *result.Audit {
	doc := json.RawMessage(`{"Version":"2012-10-17","Statement":[{"Sid":"</pre><script>alert(1)</script>","Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/<img src=x onerror=alert(2)>"}]}`)
	start := time.Date(2026, 8, 3, 0, 0, 0, 0, time.UTC)
	return &result.Audit{
		Account: "111122223333", CollectedAt: start.AddDate(0, 0, 90),
		Window:    result.Window{Start: start, End: start.AddDate(0, 0, 90)},
		RiskScore: 58,
		Coverage: result.Coverage{Sources: []string{"cloudtrail"}, Days: 90, CompleteDays: 88, Gaps: []audit.Gap{{Account: "111122223333", Region: "eu-west-1", From: "2026-09-10", To: "2026-09-11", Reason: audit.GapNoLogs}}, DataEventTypes: []string{},
			Regions: []result.RegionCoverage{{Region: "eu-west-1", Days: 88, CompleteDays: 88, Events: 41230}}},
		Problems: []string{`SCP <b>deny-all</b> (p-1) is not used: "Statement" missing`},
		Principals: []result.Principal{
			{
				ARN: "arn:aws:iam::111122223333:role/<script>x</script>", Type: "role", Name: "<script>x</script>", RiskScore: 58,
				Activity: audit.Verdict{State: audit.StateUsed}, Editability: "editable",
				Findings: []result.Finding{
					{ID: "AEG-AUDIT-004", Severity: check.SeverityHigh, Message: "2 unused permissions (1 critical, 0 high, 0 medium, 1 low)"},
					{ID: "AEG-AUDIT-009", Severity: check.SeverityHigh, Message: "can escalate to the admin arn:aws:iam::111122223333:role/admin in 1 hops"},
				},
				Permissions: result.Permissions{Used: []string{"s3:GetObject"}, Unused: []string{"iam:PassRole", "s3:ListBucket"}, Unknown: []string{}, TooNew: []string{}, Dead: []string{}},
				Recommendation: &result.Recommendation{
					Kind: "detach-and-create", Detach: []string{"arn:aws:iam::111122223333:policy/shared&<x>"}, Replace: []string{}, Delete: []string{},
					Policies: []result.Policy{{Name: "<script>x</script>-shared", Status: "new", Managed: true, Document: doc}},
					Proof:    result.Proof{NoNewAccess: "no-new-access", CoversUsage: true},
					Notes:    []string{"a note with <i>markup</i>"},
				},
			},
			{
				ARN: "arn:aws:iam::111122223333:user/quiet", Type: "user", Name: "quiet", Activity: audit.Verdict{State: audit.StateUnused},
				Findings:    []result.Finding{{ID: "AEG-AUDIT-003", Severity: check.SeverityMedium, Message: "not used between 2026-08-03 and 2026-11-01"}},
				Permissions: result.Permissions{Used: []string{}, Unused: []string{}, Unknown: []string{}, TooNew: []string{}, Dead: []string{}},
				Recommendation: &result.Recommendation{Kind: "remove", Detach: []string{}, Replace: []string{}, Delete: []string{}, Policies: []result.Policy{},
					Proof: result.Proof{NoNewAccess: "no-new-access", CoversUsage: true}, Notes: []string{}},
			},
		},
		EscalationPaths: []result.EscalationPath{{From: "arn:aws:iam::111122223333:role/<script>x</script>", To: "arn:aws:iam::111122223333:role/admin",
			Hops: []result.Hop{{From: "arn:aws:iam::111122223333:role/<script>x</script>", To: "arn:aws:iam::111122223333:role/admin", Via: "sts:AssumeRole"}}}},
		ExternalAccess: []result.ExternalAccess{{Resource: "arn:aws:s3:::b", Principal: `"><script>`, Actions: []string{"s3:GetObject"}}},
	}
}

func TestGolden(t *testing.T) {
	for _, format := range Formats {
		t.Run(format, func(t *testing.T) {
			write, ok := Writer(format)
			if !ok {
				t.Fatalf("Writer(%q): no writer", format)
			}
			var b bytes.Buffer
			if err := write(&b, hostile()); err != nil {
				t.Fatal(err)
			}
			path := filepath.Join("testdata", "hostile."+format)
			if *update {
				if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run with -update)", err)
			}
			if d := cmp.Diff(string(want), b.String()); d != "" {
				t.Errorf("%s differs (-want +got):\n%s", path, d)
			}
		})
	}
	if _, ok := Writer("pdf"); ok {
		t.Error(`Writer("pdf"): want no writer`)
	}
}

// TestHTMLSafe checks that the page escapes the account's strings and
// loads nothing: no script, no remote URL, a CSP forbidding loads.
func TestHTMLSafe(t *testing.T) {
	var b bytes.Buffer
	if err := HTML(&b, hostile()); err != nil {
		t.Fatal(err)
	}
	page := b.String()
	for _, bad := range []string{"<script", "<img", "<b>", "<i>", "http://"} {
		if strings.Contains(page, bad) {
			t.Errorf("the page contains %q", bad)
		}
	}
	for _, want := range []string{"default-src 'none'", "&lt;script&gt;x&lt;/script&gt;", "&lt;/pre&gt;&lt;script&gt;alert(1)"} {
		if !strings.Contains(page, want) {
			t.Errorf("the page lacks %q", want)
		}
	}
	// Every URL the page holds is an in-page anchor or the CSP's text.
	for _, m := range regexp.MustCompile(`(?i)(href|src|action)\s*=\s*"([^"]*)"`).FindAllStringSubmatch(page, -1) {
		if !strings.HasPrefix(m[2], "#") {
			t.Errorf("the page links %s=%q", m[1], m[2])
		}
	}
}

// TestSARIF checks the log's shape: one result per finding, each with a
// level, its rule's index and the principal's ARN as logical location.
func TestSARIF(t *testing.T) {
	a := hostile()
	var b bytes.Buffer
	if err := SARIF(&b, a); err != nil {
		t.Fatal(err)
	}
	var log struct {
		Version string `json:"version"`
		Runs    []struct {
			Tool struct {
				Driver struct {
					Rules []struct{ ID string } `json:"rules"`
				} `json:"driver"`
			} `json:"tool"`
			LogicalLocations []struct {
				FullyQualifiedName string `json:"fullyQualifiedName"`
			} `json:"logicalLocations"`
			Results []struct {
				RuleID    string `json:"ruleId"`
				RuleIndex int    `json:"ruleIndex"`
				Level     string `json:"level"`
				Locations []struct {
					LogicalLocations []struct {
						Index              int    `json:"index"`
						FullyQualifiedName string `json:"fullyQualifiedName"`
					} `json:"logicalLocations"`
				} `json:"locations"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(b.Bytes(), &log); err != nil {
		t.Fatal(err)
	}
	if log.Version != "2.1.0" || len(log.Runs) != 1 {
		t.Fatalf("version %q, %d runs: want 2.1.0 and one run", log.Version, len(log.Runs))
	}
	run := log.Runs[0]
	var want []string
	for _, p := range a.Principals {
		for _, f := range p.Findings {
			want = append(want, f.ID+" "+p.ARN)
		}
	}
	var got []string
	for _, r := range run.Results {
		if run.Tool.Driver.Rules[r.RuleIndex].ID != r.RuleID {
			t.Errorf("result %s: ruleIndex %d names rule %s", r.RuleID, r.RuleIndex, run.Tool.Driver.Rules[r.RuleIndex].ID)
		}
		if r.Level == "" {
			t.Errorf("result %s: no level", r.RuleID)
		}
		for _, l := range r.Locations {
			for _, ll := range l.LogicalLocations {
				if run.LogicalLocations[ll.Index].FullyQualifiedName != ll.FullyQualifiedName {
					t.Errorf("result %s: logical location %d is %s, not %s", r.RuleID, ll.Index, run.LogicalLocations[ll.Index].FullyQualifiedName, ll.FullyQualifiedName)
				}
			}
		}
		got = append(got, r.RuleID+" "+r.Locations[0].LogicalLocations[0].FullyQualifiedName)
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("results (-want +got):\n%s", d)
	}
	if n := len(run.Results[0].Locations); n != 2 {
		t.Errorf("the unused-permissions result has %d locations, want the principal and the detached policy", n)
	}
}

// TestSARIFMultitool validates the golden SARIF log with Microsoft's SARIF
// Multitool when AEGIS_SARIF_MULTITOOL names it:
//
//	AEGIS_SARIF_MULTITOOL=$(scripts/ci/sarif-multitool.sh) go test -run Multitool ./backend/audit/render
func TestSARIFMultitool(t *testing.T) {
	tool := os.Getenv("AEGIS_SARIF_MULTITOOL")
	if tool == "" {
		t.Skip("AEGIS_SARIF_MULTITOOL is not set")
	}
	golden, err := filepath.Abs(filepath.Join("testdata", "hostile.sarif"))
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "validation.sarif")
	cmd := exec.Command(tool, "validate", golden, "--output", out, "--log", "ForceOverwrite")
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("SARIF Multitool rejects %s: %v\n%s", golden, err, msg)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(data, []byte(`"level": "error"`)) {
		t.Errorf("SARIF Multitool reports errors:\n%s", data)
	}
}

package collect_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aegis-iam/aegis/backend/mcp/awsserver"
	"github.com/aegis-iam/aegis/backend/mcp/collect"
	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/mcp"
)

// lockedBuffer is the child's stderr, written by the transport's goroutine.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// fixtureLog is a CloudTrail log file of the log-reader's fixtures: 2025-06-01, us-east-1.
const fixtureLog = "../../cloudtrail/testdata/trail/AWSLogs/o-a1b2c3d4e5/111122223333/CloudTrail/us-east-1/2025/06/01/111122223333_CloudTrail_us-east-1_20250601T2355Z_Aa1Bb2Cc3Dd4Ee5F.json"

// TestAWSLabsStandIns connects to stand-ins of the awslabs IAM and
// CloudTrail MCP servers (collecttest/awslabs, their recorded tool schemas)
// launched as child processes over stdio, the way a server configured in
// Settings is: tools are discovered with tools/list, the protocol is the
// pinned 2025-11-25 (no server/discover probe), answers are read from
// structuredContent, the needs are mapped and the missing ones explained,
// and the child sees the configured profile and region, never the app's
// credentials.
func TestAWSLabsStandIns(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "awslabs")
	if out, err := exec.Command("go", "build", "-o", bin, "./collecttest/awslabs").CombinedOutput(); err != nil {
		t.Fatalf("building the stand-in: %v\n%s", err, out)
	}
	// The app's own credentials and profile, which must not leak.
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIAPARENTEXAMPLE000")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "parent-secret")
	t.Setenv("AWS_SESSION_TOKEN", "parent-token")
	t.Setenv("AWS_PROFILE", "parent-profile")
	configured := []string{"AWS_PROFILE=audit", "AWS_REGION=eu-west-1", "FASTMCP_LOG_LEVEL=ERROR"}

	start := func(t *testing.T, args ...string) (*client.Client, func() string, *collect.ServerReport, func(string, map[string]any, any) error) {
		t.Helper()
		stderr := &lockedBuffer{}
		ctx := context.Background()
		c, err := collect.Stdio(ctx, bin, args, configured, stderr)
		if err != nil {
			t.Fatal(err)
		}
		closed := false
		closeChild := func() string {
			if !closed {
				closed = true
				c.Close()
			}
			return stderr.String()
		}
		t.Cleanup(func() { closeChild() })
		callCtx, cancel := context.WithTimeout(ctx, 30*time.Second)
		t.Cleanup(cancel)
		rep, err := collect.Inspect(callCtx, c)
		if err != nil {
			t.Fatalf("Inspect: %v; stderr:\n%s", err, stderr.String())
		}
		call := func(tool string, args map[string]any, out any) error {
			return collect.CallTool(callCtx, c, tool, args, out)
		}
		return c, closeChild, rep, call
	}

	checkChild := func(t *testing.T, stderr string) {
		t.Helper()
		for _, want := range []string{"env: AWS_PROFILE=audit", "env: AWS_REGION=eu-west-1", "method: initialize", "method: tools/list"} {
			if !strings.Contains(stderr, want+"\n") {
				t.Errorf("the child's stderr lacks %q", want)
			}
		}
		for _, leak := range []string{"env: AWS_ACCESS_KEY_ID=", "env: AWS_SECRET_ACCESS_KEY=", "env: AWS_SESSION_TOKEN=", "AWS_PROFILE=parent-profile", "parent-secret"} {
			if strings.Contains(stderr, leak) {
				t.Errorf("the child inherited %q", leak)
			}
		}
		if strings.Contains(stderr, "method: server/discover") {
			t.Error("the client probed server/discover: the protocol is not pinned")
		}
	}

	t.Run("iam", func(t *testing.T) {
		_, closeChild, rep, call := start(t, "-server", "iam")
		if rep.Name != "awslabs.iam-mcp-server" || rep.Protocol != mcp.ProtocolVersion20251125 {
			t.Errorf("server %s, protocol %s", rep.Name, rep.Protocol)
		}
		for _, tool := range []string{"list_users", "get_user", "list_roles", "list_policies", "get_managed_policy_document",
			"simulate_principal_policy", "list_groups", "get_group", "get_user_policy", "get_role_policy", "list_user_policies", "list_role_policies"} {
			if !slices.Contains(rep.Tools, tool) {
				t.Errorf("tools/list lacks %s", tool)
			}
		}
		if len(rep.Provides) != 0 {
			t.Errorf("the IAM server is said to meet %+v", rep.Provides)
		}
		lacks := map[collect.Need]string{}
		for _, s := range rep.Lacks {
			lacks[s.Need] = s.Reason
		}
		if len(lacks) != len(collect.Needs) {
			t.Errorf("lacks %d needs, want all %d", len(lacks), len(collect.Needs))
		}
		gaad := lacks[collect.NeedAuthorizationDetails]
		for _, want := range []string{"no get_authorization_details tool (GetAccountAuthorizationDetails)", "list_users, list_roles, list_policies, list_groups take no pagination input",
			"a complete account cannot be read"} {
			if !strings.Contains(gaad, want) {
				t.Errorf("the authorization-details shortfall lacks %q: %s", want, gaad)
			}
		}
		if r := lacks[collect.NeedCredentialReport]; r != "the server has no get_credential_report tool" {
			t.Errorf("credential report: %s", r)
		}

		var users struct {
			Users []struct {
				UserName string `json:"user_name"`
				ARN      string `json:"arn"`
			} `json:"users"`
			IsTruncated bool   `json:"is_truncated"`
			Marker      string `json:"marker"`
		}
		if err := call("list_users", map[string]any{"max_items": 2}, &users); err != nil {
			t.Fatal(err)
		}
		if len(users.Users) != 2 || !users.IsTruncated || users.Marker == "" || users.Users[0].ARN != "arn:aws:iam::111122223333:user/people/alice" {
			t.Errorf("list_users: %+v", users)
		}
		var user map[string]any
		if err := call("get_user", map[string]any{"user_name": "nobody"}, &user); err == nil || !strings.Contains(err.Error(), "NoSuchEntity") {
			t.Errorf("get_user of an unknown user: %v", err)
		}
		checkChild(t, closeChild())
	})

	t.Run("cloudtrail", func(t *testing.T) {
		c, closeChild, rep, call := start(t, "-server", "cloudtrail", "-logs", fixtureLog, "-page", "5")
		if rep.Name != "awslabs.cloudtrail-mcp-server" || rep.Protocol != mcp.ProtocolVersion20251125 {
			t.Errorf("server %s, protocol %s", rep.Name, rep.Protocol)
		}
		if len(rep.Provides) != 1 || rep.Provides[0].Need != collect.NeedEvents || rep.Provides[0].Tool != "lookup_events" ||
			!strings.Contains(rep.Provides[0].Limit, "one region per call") {
			t.Errorf("provides %+v", rep.Provides)
		}
		if len(rep.Lacks) != len(collect.Needs)-1 {
			t.Errorf("lacks %+v", rep.Lacks)
		}

		// A list answer: structuredContent {"result": [...]}, one text block
		// per item, which joined are not one JSON document.
		var stores struct {
			Result []struct{ Name string } `json:"result"`
		}
		if err := call("list_event_data_stores", map[string]any{"region": "us-east-1"}, &stores); err != nil {
			t.Fatal(err)
		}
		if len(stores.Result) != 2 || stores.Result[1].Name != "data-events" {
			t.Errorf("list_event_data_stores: %+v", stores)
		}

		// Page through lookup_events (5 events a page), sending the times
		// back as the server requires.
		from, to := time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC), time.Date(2025, 6, 2, 0, 0, 0, 0, time.UTC)
		ev, gap := collect.AWSLabsEvents(context.Background(), c, rep.Name, "us-east-1", from, to, time.Millisecond)
		if gap != nil {
			t.Fatalf("gap %v", gap)
		}
		want := managementEvents(t, fixtureLog, from, to)
		if got := logIDs(t, ev.Log); !slices.Equal(got, want) || ev.Count != len(want) || !ev.Until.Equal(to) {
			t.Errorf("lookup_events gave %d events %v until %s, want the log's %d management events %v", ev.Count, got, ev.Until, len(want), want)
		}
		checkChild(t, closeChild())
	})

	t.Run("cloudtrail-throttled", func(t *testing.T) {
		c, _, rep, _ := start(t, "-server", "cloudtrail", "-logs", fixtureLog, "-page", "5", "-throttle-from", "3")
		from, to := time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC), time.Date(2025, 6, 2, 0, 0, 0, 0, time.UTC)
		ev, gap := collect.AWSLabsEvents(context.Background(), c, rep.Name, "us-east-1", from, to, time.Millisecond)
		want := managementEvents(t, fixtureLog, from, to)[:10] // two pages, newest first
		if got := logIDs(t, ev.Log); !slices.Equal(got, want) {
			t.Errorf("events %v, want the newest ten %v", got, want)
		}
		if gap == nil || gap.Reason != "throttled" || gap.API != "cloudtrail:LookupEvents" || !strings.Contains(gap.Message, "ThrottlingException") {
			t.Fatalf("gap %+v", gap)
		}
		if ev.Until.Equal(to) || !strings.HasSuffix(gap.Target, "/"+ev.Until.Format(time.RFC3339)) {
			t.Errorf("until %s, gap target %s", ev.Until, gap.Target)
		}
	})

	// An audit through the IAM server, as from the Audit page's "External
	// MCP server": it stops at the authorization details, and its result
	// carries the server's report and a gap that says why.
	t.Run("collect", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		c, err := collect.Stdio(ctx, bin, []string{"-server", "iam"}, configured, &lockedBuffer{})
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		res, err := collect.Collect(ctx, c, collect.Options{})
		if !errors.Is(err, collect.ErrNoAuthorizationDetails) || res == nil || res.Server == nil {
			t.Fatalf("Collect: %v, result %+v", err, res)
		}
		if res.Server.Name != "awslabs.iam-mcp-server" || len(res.Server.Lacks) != len(collect.Needs) {
			t.Errorf("server report %+v", res.Server)
		}
		var gaad *collect.Gap
		for i, g := range res.Gaps {
			if g.Tool == awsserver.ToolAuthorizationDetails {
				gaad = &res.Gaps[i]
			}
		}
		if gaad == nil || gaad.Reason != collect.ReasonUnsupported || !strings.Contains(gaad.Message, "a complete account cannot be read") {
			t.Errorf("authorization-details gap %+v in %v", gaad, res.Gaps)
		}
	})
}

// logIDs returns the eventIDs of a CloudTrail log file, in order.
func logIDs(t *testing.T, log []byte) []string {
	t.Helper()
	var file struct {
		Records []struct {
			EventID string `json:"eventID"`
		}
	}
	if err := json.Unmarshal(log, &file); err != nil {
		t.Fatalf("log: %v", err)
	}
	ids := []string{}
	for _, r := range file.Records {
		ids = append(ids, r.EventID)
	}
	return ids
}

// managementEvents returns the eventIDs of the log's management events
// of [from, to), newest first, as LookupEvents orders them.
func managementEvents(t *testing.T, path string, from, to time.Time) []string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var file struct {
		Records []struct {
			ManagementEvent *bool     `json:"managementEvent"`
			EventTime       time.Time `json:"eventTime"`
			EventID         string    `json:"eventID"`
		}
	}
	if err := json.Unmarshal(data, &file); err != nil {
		t.Fatal(err)
	}
	recs := file.Records
	slices.SortStableFunc(recs, func(a, b struct {
		ManagementEvent *bool     `json:"managementEvent"`
		EventTime       time.Time `json:"eventTime"`
		EventID         string    `json:"eventID"`
	}) int {
		return b.EventTime.Compare(a.EventTime)
	})
	ids := []string{}
	for _, r := range recs {
		if (r.ManagementEvent == nil || *r.ManagementEvent) && !r.EventTime.Before(from) && r.EventTime.Before(to) {
			ids = append(ids, r.EventID)
		}
	}
	return ids
}

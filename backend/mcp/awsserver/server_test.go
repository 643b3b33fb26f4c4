package awsserver_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/aegis-iam/aegis/backend/audit"
	"github.com/aegis-iam/aegis/backend/audit/importer"
	"github.com/aegis-iam/aegis/backend/mcp/awsserver"
	"github.com/aegis-iam/aegis/backend/mcp/collect/collecttest"
	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/mcp"
)

func connect(t *testing.T, a *collecttest.Account) *client.Client {
	t.Helper()
	c, err := client.NewInProcessClient(a.Server(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	ctx := context.Background()
	if err := c.Start(ctx); err != nil {
		t.Fatal(err)
	}
	var ir mcp.InitializeRequest
	ir.Params.ClientInfo = mcp.Implementation{Name: "test", Version: "1"}
	if _, err := c.Initialize(ctx, ir); err != nil {
		t.Fatal(err)
	}
	return c
}

// TestToolsAreReadOnly lists the tools: every one is annotated read-only
// and not destructive, and the tools with arguments declare them.
func TestToolsAreReadOnly(t *testing.T) {
	c := connect(t, collecttest.New(t))
	list, err := c.ListTools(context.Background(), mcp.ListToolsRequest{})
	if err != nil {
		t.Fatal(err)
	}
	args := map[string][]string{
		awsserver.ToolServiceLastAccessed: {"arn"},
		awsserver.ToolAccountOrganization: {"account"},
		awsserver.ToolEventSelectors:      {"trail"},
		awsserver.ToolLookupEvents:        {"start", "end"},
		awsserver.ToolResourcePolicies:    {"service"},
		awsserver.ToolAthenaUsage:         {"database", "table", "bucket", "since", "accounts", "regions", "workgroup", "start", "end"},
		awsserver.ToolLakeUsage:           {"eventDataStore", "start", "end"},
	}
	var names []string
	for _, tool := range list.Tools {
		names = append(names, tool.Name)
		a := tool.Annotations
		if a.ReadOnlyHint == nil || !*a.ReadOnlyHint || a.DestructiveHint == nil || *a.DestructiveHint {
			t.Errorf("%s: annotations %+v", tool.Name, a)
		}
		b, _ := json.Marshal(tool)
		var decl struct {
			InputSchema struct {
				Properties map[string]any `json:"properties"`
				Required   []string       `json:"required"`
			} `json:"inputSchema"`
		}
		if err := json.Unmarshal(b, &decl); err != nil {
			t.Fatal(err)
		}
		for _, arg := range args[tool.Name] {
			if decl.InputSchema.Properties[arg] == nil || !strings.Contains(strings.Join(decl.InputSchema.Required, ","), arg) {
				t.Errorf("%s: %s is not a required argument: %s", tool.Name, arg, b)
			}
		}
	}
	if len(names) != 13 {
		t.Errorf("tools %v, want 13", names)
	}
}

func failure(t *testing.T, c *client.Client, tool string) (awsserver.Failure, *mcp.CallToolResult) {
	t.Helper()
	var req mcp.CallToolRequest
	req.Params.Name = tool
	res, err := c.CallTool(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(res.StructuredContent)
	var f awsserver.Failure
	if err := json.Unmarshal(b, &f); err != nil {
		t.Fatal(err)
	}
	return f, res
}

// TestFailuresAreToolErrors: a refused call, and one still throttled after
// the SDK's retries, is a tool error naming the API and the reason, in
// text and as a structured Failure.
func TestFailuresAreToolErrors(t *testing.T) {
	a := collecttest.New(t)
	a.IAM.Deny("GetAccountAuthorizationDetails")
	a.IAM.Throttle("GetAccountPasswordPolicy", 100)
	c := connect(t, a)

	f, res := failure(t, c, awsserver.ToolAuthorizationDetails)
	text := res.Content[0].(mcp.TextContent).Text
	if !res.IsError || f.API != "iam:GetAccountAuthorizationDetails" || f.Reason != awsserver.ReasonAccessDenied ||
		!strings.Contains(f.Message, "AccessDenied") || !strings.Contains(text, "iam:GetAccountAuthorizationDetails failed (access-denied)") {
		t.Errorf("result %+v, failure %+v", res, f)
	}

	f, res = failure(t, c, awsserver.ToolPasswordPolicy)
	if !res.IsError || f.API != "iam:GetAccountPasswordPolicy" || f.Reason != awsserver.ReasonThrottled || !strings.Contains(f.Message, "Throttling") {
		t.Errorf("result %+v, failure %+v", res, f)
	}
	if n := a.IAM.Calls("GetAccountPasswordPolicy"); n < 2 {
		t.Errorf("GetAccountPasswordPolicy called %d times: not retried", n)
	}
}

// TestNoPasswordPolicyImportsAsNone: get_password_policy's answer for an
// account without one reads as "no policy" in the importer.
func TestNoPasswordPolicyImportsAsNone(t *testing.T) {
	b, err := json.Marshal(awsserver.NoPasswordPolicy)
	if err != nil {
		t.Fatal(err)
	}
	var s audit.Snapshot
	if err := importer.PasswordPolicy("get_password_policy", b, &s); err != nil || s.PasswordPolicy == nil || s.PasswordPolicy.Exists {
		t.Errorf("err %v, policy %+v", err, s.PasswordPolicy)
	}
}

func callWith(t *testing.T, c *client.Client, tool string, args map[string]any) *mcp.CallToolResult {
	t.Helper()
	var req mcp.CallToolRequest
	req.Params.Name = tool
	req.Params.Arguments = args
	res, err := c.CallTool(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// TestResourcePolicies: get_resource_policies answers one service's
// policies in the region asked for, as the resource-policies export; a
// refused service is a tool error naming its API; a region refused is one
// too, leaving other regions readable.
func TestResourcePolicies(t *testing.T) {
	a := collecttest.New(t)
	a.Resources.Deny("sns:ListTopics")
	a.CloudTrail.DenyRegion(collecttest.OtherRegion)
	c := connect(t, a)

	res := callWith(t, c, awsserver.ToolResourcePolicies, map[string]any{"service": "sqs"})
	var list []struct{ Arn, Policy string }
	b, _ := json.Marshal(res.StructuredContent)
	if err := json.Unmarshal(b, &list); err != nil || res.IsError || len(list) != 1 || list[0].Arn != "arn:aws:sqs:eu-west-1:111122223333:jobs" {
		t.Errorf("sqs: %s (%v)", b, err)
	}
	res = callWith(t, c, awsserver.ToolResourcePolicies, map[string]any{"service": "sqs", "region": collecttest.OtherRegion})
	if b, _ := json.Marshal(res.StructuredContent); res.IsError || string(b) != "[]" {
		t.Errorf("sqs in %s: %s", collecttest.OtherRegion, b)
	}
	res = callWith(t, c, awsserver.ToolResourcePolicies, map[string]any{"service": "sns"})
	var f awsserver.Failure
	b, _ = json.Marshal(res.StructuredContent)
	if err := json.Unmarshal(b, &f); err != nil || !res.IsError || f.API != "sns:GetTopicAttributes" || f.Reason != awsserver.ReasonAccessDenied {
		t.Errorf("sns denied: %s", b)
	}
	if res := callWith(t, c, awsserver.ToolResourcePolicies, map[string]any{"service": "dynamodb"}); !res.IsError {
		t.Errorf("dynamodb: %+v", res)
	}

	window := map[string]any{"start": collecttest.EventsEnd.Add(-time.Hour).Format(time.RFC3339), "end": collecttest.EventsEnd.Format(time.RFC3339)}
	for region, want := range map[string]string{"": "", "eu-west-1": "", collecttest.OtherRegion: awsserver.ReasonAccessDenied} {
		args := map[string]any{"start": window["start"], "end": window["end"]}
		if region != "" {
			args["region"] = region
		}
		res := callWith(t, c, awsserver.ToolLookupEvents, args)
		b, _ := json.Marshal(res.StructuredContent)
		var got awsserver.LookupResult
		if err := json.Unmarshal(b, &got); err != nil || res.IsError {
			t.Fatalf("lookup_events %q: %s", region, b)
		}
		reason := ""
		if got.Gap != nil {
			reason = got.Gap.Reason
		}
		if reason != want || (want == "" && got.Events != 60) {
			t.Errorf("lookup_events %q: %d events, gap %+v", region, got.Events, got.Gap)
		}
	}
}

package mcp

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aegis-iam/aegis/backend/check"
	"github.com/aegis-iam/aegis/backend/compliance"
	"github.com/aegis-iam/aegis/backend/iamdb"
	"github.com/aegis-iam/aegis/backend/report"
	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/client/transport"
	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
)

func testServer(t *testing.T) *server.MCPServer {
	t.Helper()
	db, err := iamdb.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	cat, err := compliance.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	checks := []report.CheckDoc{{RuleDoc: report.RuleDoc{ID: "AEG-WILD-001", Category: check.CategoryWildcard, Severity: check.SeverityHigh,
		Title: "Action wildcard on all resources", Description: "d", Remediation: "r"}}}
	s, err := NewServer(Engines{DB: db, Checks: checks, Catalog: cat}, "test")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// connect starts and initializes c.
func connect(t *testing.T, c *client.Client) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := c.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	var ir mcp.InitializeRequest
	ir.Params.ClientInfo = mcp.Implementation{Name: "aegis-test", Version: "1"}
	if _, err := c.Initialize(ctx, ir); err != nil {
		t.Fatal(err)
	}
}

func call(t *testing.T, c *client.Client, name string, args map[string]any) *mcp.CallToolResult {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	var req mcp.CallToolRequest
	req.Params.Name = name
	req.Params.Arguments = args
	res, err := c.CallTool(ctx, req)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return res
}

// structured decodes a successful result's structured content into v.
func structured(t *testing.T, res *mcp.CallToolResult, v any) {
	t.Helper()
	if res.IsError {
		t.Fatalf("tool error: %v", res.Content)
	}
	b, err := json.Marshal(res.StructuredContent)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("structured content %s: %v", b, err)
	}
}

func errorText(t *testing.T, res *mcp.CallToolResult) string {
	t.Helper()
	if !res.IsError {
		t.Fatalf("want a tool error, got %v", res.StructuredContent)
	}
	tc, ok := mcp.AsTextContent(res.Content[0])
	if !ok {
		t.Fatalf("error content is %T", res.Content[0])
	}
	return tc.Text
}

func inProcess(t *testing.T) *client.Client {
	t.Helper()
	c, err := client.NewInProcessClient(testServer(t))
	if err != nil {
		t.Fatal(err)
	}
	connect(t, c)
	return c
}

func TestToolsAreListedReadOnlyWithSchemas(t *testing.T) {
	c := inProcess(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	list, err := c.ListTools(ctx, mcp.ListToolsRequest{})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]bool{"expand_actions": true, "explain_action": true, "simulate_request": true, "check_no_new_access": true, "validate_policy": true, "generate_policy": true, "audit_snapshot": true}
	for _, tool := range list.Tools {
		delete(want, tool.Name)
		a := tool.Annotations
		if a.ReadOnlyHint == nil || !*a.ReadOnlyHint || a.DestructiveHint == nil || *a.DestructiveHint {
			t.Errorf("%s: annotations %+v, want read-only and not destructive", tool.Name, a)
		}
		raw, _ := json.Marshal(tool)
		if !strings.Contains(string(raw), `"inputSchema":{`) || !strings.Contains(string(raw), `"properties"`) {
			t.Errorf("%s has no input schema: %s", tool.Name, raw)
		}
	}
	for name := range want {
		t.Errorf("tool %s not listed", name)
	}
}

func TestExpandAndExplain(t *testing.T) {
	c := inProcess(t)
	var ex expandResult
	structured(t, call(t, c, "expand_actions", map[string]any{"patterns": []any{"s3:GetObject*", "nosuch:Thing"}, "access": []any{"read"}}), &ex)
	if ex.Count < 5 || ex.Truncated || ex.Actions[0].Action != "s3:GetObject" || len(ex.Unmatched) != 1 {
		t.Errorf("expand = %+v", ex)
	}
	var all expandResult
	structured(t, call(t, c, "expand_actions", map[string]any{"patterns": []any{"*"}}), &all)
	if !all.Truncated || len(all.Actions) != maxActions || all.Count < 20000 {
		t.Errorf("expand * gave count %d, %d listed, truncated %v", all.Count, len(all.Actions), all.Truncated)
	}
	if msg := errorText(t, call(t, c, "expand_actions", map[string]any{"patterns": []any{"s3 Get"}})); !strings.Contains(msg, "s3 Get") {
		t.Errorf("bad pattern error %q does not name the pattern", msg)
	}

	var d iamdb.ActionDetail
	structured(t, call(t, c, "explain_action", map[string]any{"action": "iam:PassRole"}), &d)
	if d.Action != "iam:PassRole" || d.Primary != "Write" || len(d.Resources) == 0 || !strings.Contains(strings.Join(d.ConditionKeys, ","), "iam:PassedToService") {
		t.Errorf("explain iam:PassRole = %+v", d)
	}
	if msg := errorText(t, call(t, c, "explain_action", map[string]any{"action": "s3:GetObjekt"})); !strings.Contains(msg, "s3:GetObjekt") {
		t.Errorf("unknown action error %q", msg)
	}
}

func TestSimulate(t *testing.T) {
	c := inProcess(t)
	caseJSON := map[string]any{
		"request": map[string]any{"principal": "arn:aws:iam::111122223333:role/app", "action": "s3:GetObject", "resource": "arn:aws:s3:::reports/a.csv"},
		"identityPolicies": []any{map[string]any{"name": "read", "document": map[string]any{"Version": "2012-10-17",
			"Statement": []any{map[string]any{"Sid": "Read", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::reports/*"}}}}},
	}
	var res struct {
		Decision  string `json:"decision"`
		DecidedBy string `json:"decidedBy"`
		Matched   []struct {
			Sid string `json:"sid"`
		} `json:"matched"`
	}
	structured(t, call(t, c, "simulate_request", map[string]any{"case": caseJSON}), &res)
	if res.Decision != "allowed" || res.DecidedBy != "identity" || len(res.Matched) != 1 || res.Matched[0].Sid != "Read" {
		t.Errorf("simulate = %+v", res)
	}
	caseJSON["request"].(map[string]any)["resource"] = "arn:aws:s3:::other/a.csv"
	structured(t, call(t, c, "simulate_request", map[string]any{"case": caseJSON}), &res)
	if res.Decision != "implicit-deny" {
		t.Errorf("other bucket: decision %s", res.Decision)
	}
	caseJSON["surprise"] = true
	if msg := errorText(t, call(t, c, "simulate_request", map[string]any{"case": caseJSON})); !strings.Contains(msg, "surprise") {
		t.Errorf("unknown field error %q does not name it", msg)
	}
}

func TestNoNewAccess(t *testing.T) {
	c := inProcess(t)
	old := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::reports/*"}]}`
	narrower := map[string]any{"Version": "2012-10-17", "Statement": []any{map[string]any{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::reports/2026/*"}}}
	broader := `{"Version":"2012-10-17","Statement":[{"Sid":"More","Effect":"Allow","Action":"s3:Get*","Resource":"arn:aws:s3:::reports/*"}]}`
	var got struct {
		Verdict        string         `json:"verdict"`
		Counterexample map[string]any `json:"counterexample"`
		GrantedBy      *struct {
			Sid string `json:"sid"`
		} `json:"grantedBy"`
	}
	structured(t, call(t, c, "check_no_new_access", map[string]any{"old": old, "new": narrower}), &got)
	if got.Verdict != "no-new-access" {
		t.Errorf("narrower: %+v", got)
	}
	structured(t, call(t, c, "check_no_new_access", map[string]any{"old": old, "new": broader}), &got)
	if got.Verdict != "new-access" || got.Counterexample == nil || got.GrantedBy == nil || got.GrantedBy.Sid != "More" {
		t.Errorf("broader: %+v", got)
	}
	msg := errorText(t, call(t, c, "check_no_new_access", map[string]any{"old": old, "new": `{"Version":"2012-10-17","Statement":[{"Effect":"Allow"`}))
	if !strings.Contains(msg, "new:1:") {
		t.Errorf("syntax error %q is not positioned in the new policy", msg)
	}
}

func TestHTTPNeedsTheBearerToken(t *testing.T) {
	const token = "0123456789abcdef0123456789abcdef"
	h, err := HTTPHandler(testServer(t), token)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(h)
	defer ts.Close()

	resp, err := http.Post(ts.URL+"/mcp", "application/json", strings.NewReader(`{"jsonrpc":"2.0","id":1,"method":"tools/list"}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized || !strings.HasPrefix(resp.Header.Get("WWW-Authenticate"), "Bearer") {
		t.Errorf("without a token: %s, WWW-Authenticate %q", resp.Status, resp.Header.Get("WWW-Authenticate"))
	}

	wrong, err := client.NewStreamableHttpClient(ts.URL+"/mcp", transport.WithHTTPHeaders(map[string]string{"Authorization": "Bearer nope"}))
	if err != nil {
		t.Fatal(err)
	}
	if err := wrong.Start(context.Background()); err == nil {
		var ir mcp.InitializeRequest
		if _, err := wrong.Initialize(context.Background(), ir); err == nil {
			t.Error("a wrong token was accepted")
		}
		wrong.Close()
	}

	c, err := client.NewStreamableHttpClient(ts.URL+"/mcp", transport.WithHTTPHeaders(map[string]string{"Authorization": "Bearer " + token}))
	if err != nil {
		t.Fatal(err)
	}
	connect(t, c)
	var d iamdb.ActionDetail
	structured(t, call(t, c, "explain_action", map[string]any{"action": "s3:GetObject"}), &d)
	if d.Action != "s3:GetObject" {
		t.Errorf("over HTTP: %+v", d)
	}
}

func TestCheckLoopback(t *testing.T) {
	for addr, ok := range map[string]bool{"127.0.0.1:0": true, "[::1]:8080": true, "localhost:9": true,
		"0.0.0.0:8080": false, ":8080": false, "192.168.1.2:80": false, "example.com:80": false, "nonsense": false} {
		if err := CheckLoopback(addr); (err == nil) != ok {
			t.Errorf("CheckLoopback(%q) = %v", addr, err)
		}
	}
	if _, err := HTTPHandler(testServer(t), "short"); err == nil {
		t.Error("a short token was accepted")
	}
}

func TestResources(t *testing.T) {
	c := inProcess(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	list, err := c.ListResources(ctx, mcp.ListResourcesRequest{})
	if err != nil {
		t.Fatal(err)
	}
	uris := map[string]bool{}
	for _, r := range list.Resources {
		uris[r.URI] = true
	}
	for _, want := range []string{"aegis://checks", "aegis://checks.json", "aegis://compliance/pci-dss-4.0", "aegis://compliance/cis-aws", "aegis://compliance/soc2"} {
		if !uris[want] {
			t.Errorf("resource %s not listed (have %v)", want, uris)
		}
	}
	read := func(uri string) string {
		var req mcp.ReadResourceRequest
		req.Params.URI = uri
		res, err := c.ReadResource(ctx, req)
		if err != nil {
			t.Fatalf("%s: %v", uri, err)
		}
		tc, ok := res.Contents[0].(mcp.TextResourceContents)
		if !ok {
			t.Fatalf("%s: %T", uri, res.Contents[0])
		}
		return tc.Text
	}
	if md := read("aegis://checks"); !strings.Contains(md, `<a id="aeg-wild-001"></a>`) {
		t.Errorf("check reference: %.200s", md)
	}
	var fw struct {
		ID       string `json:"id"`
		Controls []struct {
			ID string `json:"id"`
		} `json:"controls"`
	}
	if err := json.Unmarshal([]byte(read("aegis://compliance/pci-dss-4.0")), &fw); err != nil || fw.ID != "pci-dss-4.0" || len(fw.Controls) < 10 {
		t.Errorf("pci-dss-4.0: %v %+v", err, fw)
	}
}

func TestValidatePolicy(t *testing.T) {
	c := inProcess(t)
	type finding struct {
		ID       string `json:"id"`
		Severity string `json:"severity"`
		Location struct {
			File string `json:"file"`
			Line int    `json:"line"`
		} `json:"location"`
		Remediation string `json:"remediation"`
	}
	var rep struct {
		Summary struct {
			RiskScore struct {
				Value int    `json:"value"`
				Band  string `json:"band"`
			} `json:"riskScore"`
		} `json:"summary"`
		Policies []struct {
			Findings []finding `json:"findings"`
		} `json:"policies"`
		Compliance *struct {
			Frameworks []struct {
				ID string `json:"id"`
			} `json:"frameworks"`
		} `json:"compliance"`
	}
	admin := map[string]any{"Version": "2012-10-17", "Statement": []any{map[string]any{"Effect": "Allow", "Action": "*", "Resource": "*"}}}
	structured(t, call(t, c, "validate_policy", map[string]any{"policy": admin, "frameworks": []any{"cis-aws"}}), &rep)
	if rep.Summary.RiskScore.Value < 90 || len(rep.Policies) != 1 || len(rep.Policies[0].Findings) == 0 {
		t.Fatalf("AdministratorAccess: %+v", rep)
	}
	if rep.Compliance == nil || len(rep.Compliance.Frameworks) != 1 || rep.Compliance.Frameworks[0].ID != "cis-aws" {
		t.Errorf("compliance = %+v", rep.Compliance)
	}

	template := "Resources:\n  Role:\n    Type: AWS::IAM::Role\n    Properties:\n      AssumeRolePolicyDocument:\n        Version: '2012-10-17'\n        Statement:\n          - Effect: Allow\n            Principal: {AWS: '*'}\n            Action: sts:AssumeRole\n"
	structured(t, call(t, c, "validate_policy", map[string]any{"policy": template, "fileName": "infra/template.yaml"}), &rep)
	found := false
	for _, p := range rep.Policies {
		for _, f := range p.Findings {
			if strings.HasPrefix(f.ID, "AEG-TRUST") && f.Severity == "critical" && f.Location.File == "infra/template.yaml" && f.Location.Line > 1 {
				found = true
			}
		}
	}
	if !found {
		t.Errorf("the template's trust of everyone was not found at its line: %+v", rep.Policies)
	}

	if msg := errorText(t, call(t, c, "validate_policy", map[string]any{"policy": "just some words", "fileName": "notes.txt"})); !strings.Contains(msg, "notes.txt") {
		t.Errorf("not-a-policy error %q", msg)
	}
	if msg := errorText(t, call(t, c, "validate_policy", map[string]any{"policy": admin, "policyType": "spaceship"})); !strings.Contains(msg, "spaceship") {
		t.Errorf("bad policyType error %q", msg)
	}
}

func TestGeneratePolicy(t *testing.T) {
	c := inProcess(t)
	var res struct {
		Status            string                              `json:"status"`
		Questions         []struct{ ID string }               `json:"questions"`
		PermissionsPolicy map[string]any                      `json:"permissionsPolicy"`
		TrustPolicy       map[string]any                      `json:"trustPolicy"`
		Granted           []struct{ Action, Resource string } `json:"granted"`
	}
	structured(t, call(t, c, "generate_policy", map[string]any{
		"description": "Lambda function that reads from DynamoDB table 'users' and writes to S3 bucket 'uploads'",
		"account":     "123456789012", "region": "eu-west-1"}), &res)
	if res.Status != "complete" || len(res.Questions) != 0 || res.PermissionsPolicy == nil || res.TrustPolicy == nil {
		t.Fatalf("seed example: %+v", res)
	}
	granted := map[string]bool{}
	for _, g := range res.Granted {
		granted[g.Action+" "+g.Resource] = true
	}
	if !granted["dynamodb:GetItem arn:aws:dynamodb:eu-west-1:123456789012:table/users"] || !granted["s3:PutObject arn:aws:s3:::uploads/*"] {
		t.Errorf("granted = %v", res.Granted)
	}

	res.Questions = nil
	structured(t, call(t, c, "generate_policy", map[string]any{"description": "Lambda function that writes objects to S3"}), &res)
	if res.Status != "needs-input" || len(res.Questions) == 0 {
		t.Errorf("missing bucket: %+v", res)
	}
	if msg := errorText(t, call(t, c, "generate_policy", map[string]any{"template": "no-such-template"})); !strings.Contains(msg, "no-such-template") {
		t.Errorf("unknown template error %q", msg)
	}
}

func TestAuditSnapshot(t *testing.T) {
	c := inProcess(t)
	var got struct {
		Account    string `json:"account"`
		RiskScore  any    `json:"riskScore"`
		Principals []struct {
			ARN string `json:"arn"`
		} `json:"principals"`
	}
	structured(t, call(t, c, "audit_snapshot", map[string]any{"bundle": "../audit/importer/testdata/account.bundle.json", "end": "2026-11-20", "windowDays": 30}), &got)
	if got.Account == "" || got.RiskScore == nil || len(got.Principals) == 0 {
		t.Errorf("audit = %+v", got)
	}
	if msg := errorText(t, call(t, c, "audit_snapshot", map[string]any{"bundle": "no/such.bundle.json"})); !strings.Contains(msg, "no/such.bundle.json") {
		t.Errorf("missing bundle error %q", msg)
	}
	if msg := errorText(t, call(t, c, "audit_snapshot", map[string]any{"bundle": "../audit/importer/testdata/gaad.json"})); !strings.Contains(msg, "gaad.json") {
		t.Errorf("not a bundle error %q", msg)
	}
}

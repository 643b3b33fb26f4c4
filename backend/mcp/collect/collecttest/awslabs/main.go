// Command awslabs is a test stand-in for the awslabs IAM and CloudTrail MCP
// servers (PyPI-only, so they cannot run in CI): a stdio MCP server with
// their tools' exact names and input schemas, as FastMCP renders them from
// the servers' Python signatures (awslabs/mcp at 100b55b6, recorded in the
// MCP research notes), answering from fixture data the way FastMCP does:
// structuredContent plus the same JSON as text, a list as
// {"result": [...]} with one text block per item, an exception as isError.
//
// It writes its environment and every method it receives to stderr
// ("env: K=V", "method: M"), so tests can check what the child inherited
// and which protocol the client spoke.
//
// Usage: awslabs -server iam|cloudtrail [-logs FILE] [-page N] [-throttle-from N]
// (FILE: a CloudTrail log file whose records lookup_events serves; N: the
// page size cap, and the call from which lookup_events fails throttled.)
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"sort"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
)

func main() {
	kind := flag.String("server", "", "iam or cloudtrail")
	logs := flag.String("logs", "", "CloudTrail log file for lookup_events")
	page := flag.Int("page", 50, "lookup_events: at most this many events per page")
	throttleFrom := flag.Int("throttle-from", 0, "lookup_events: from this call on (1-based), fail as throttled past boto3's retries")
	flag.Parse()
	for _, kv := range os.Environ() {
		fmt.Fprintln(os.Stderr, "env:", kv)
	}
	hooks := &server.Hooks{}
	hooks.AddBeforeAny(func(_ context.Context, _ any, method mcp.MCPMethod, _ any) {
		fmt.Fprintln(os.Stderr, "method:", method)
	})
	var s *server.MCPServer
	var err error
	switch *kind {
	case "iam":
		s = server.NewMCPServer("awslabs.iam-mcp-server", "1.1.2", server.WithToolCapabilities(false), server.WithHooks(hooks))
		addIAM(s)
	case "cloudtrail":
		s = server.NewMCPServer("awslabs.cloudtrail-mcp-server", "0.1.1", server.WithToolCapabilities(false), server.WithHooks(hooks))
		err = addCloudTrail(s, *logs, *page, *throttleFrom)
	default:
		err = errors.New("-server must be iam or cloudtrail")
	}
	if err == nil {
		err = server.ServeStdio(s)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "awslabs stand-in:", err)
		os.Exit(1)
	}
}

// Property schemas as pydantic writes them for FastMCP.
func optional(typ, title, desc string) map[string]any {
	return map[string]any{"anyOf": []any{map[string]any{"type": typ}, map[string]any{"type": "null"}}, "default": nil, "title": title, "description": desc}
}

func required(typ, title, desc string) map[string]any {
	return map[string]any{"type": typ, "title": title, "description": desc}
}

func withDefault(typ, title, desc string, def any) map[string]any {
	return map[string]any{"type": typ, "title": title, "description": desc, "default": def}
}

// tool registers a tool whose input schema is FastMCP's for the Python
// function name(props…), with req the parameters without a default.
func tool(s *server.MCPServer, name, desc string, props map[string]any, req []string, h server.ToolHandlerFunc) {
	schema := map[string]any{"type": "object", "title": name + "Arguments", "properties": props}
	if len(req) > 0 {
		schema["required"] = req
	}
	raw, _ := json.Marshal(schema)
	s.AddTool(mcp.NewToolWithRawSchema(name, desc, raw), h)
}

// structured answers like FastMCP for a dict or pydantic model result.
func structured(v any) *mcp.CallToolResult {
	text, _ := json.MarshalIndent(v, "", "  ")
	return &mcp.CallToolResult{Content: []mcp.Content{mcp.NewTextContent(string(text))}, StructuredContent: v}
}

// list answers like FastMCP for a list result: {"result": [...]}, one text
// block per item.
func list(items []map[string]any) *mcp.CallToolResult {
	res := &mcp.CallToolResult{StructuredContent: map[string]any{"result": items}}
	for _, it := range items {
		b, _ := json.Marshal(it)
		res.Content = append(res.Content, mcp.NewTextContent(string(b)))
	}
	return res
}

func toolError(name string, err error) *mcp.CallToolResult {
	return mcp.NewToolResultError(fmt.Sprintf("Error executing tool %s: %v", name, err))
}

var users = []map[string]any{
	{"user_name": "alice", "user_id": "AIDAALICEEXAMPLE", "arn": "arn:aws:iam::111122223333:user/people/alice", "path": "/people/", "create_date": "2024-01-05T10:00:00+00:00"},
	{"user_name": "ci", "user_id": "AIDACIEXAMPLE0001", "arn": "arn:aws:iam::111122223333:user/ci", "path": "/", "create_date": "2024-02-01T10:00:00+00:00"},
	{"user_name": "dana", "user_id": "AIDADANAEXAMPLE01", "arn": "arn:aws:iam::111122223333:user/ops/dana", "path": "/ops/", "create_date": "2024-03-01T10:00:00+00:00"},
}

func addIAM(s *server.MCPServer) {
	prefix := optional("string", "Path Prefix", "Path prefix to filter by")
	maxItems := withDefault("integer", "Max Items", "Maximum number of items to return", 100)
	tool(s, "list_users", "List IAM users in the account.", map[string]any{"path_prefix": prefix, "max_items": maxItems}, nil,
		func(_ context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
			n := req.GetInt("max_items", 100)
			page := users[:min(n, len(users))]
			return structured(map[string]any{"users": page, "is_truncated": n < len(users), "marker": marker(n < len(users)), "count": len(page)}), nil
		})
	tool(s, "get_user", "Get detailed information about a specific IAM user.", map[string]any{"user_name": required("string", "User Name", "The IAM user name")}, []string{"user_name"},
		func(_ context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
			name := req.GetString("user_name", "")
			for _, u := range users {
				if u["user_name"] == name {
					return structured(map[string]any{"user": u, "attached_policies": []any{}, "inline_policies": []any{}, "groups": []any{}, "access_keys": []any{}}), nil
				}
			}
			return toolError("get_user", fmt.Errorf("An error occurred (NoSuchEntity) when calling the GetUser operation: The user with name %s cannot be found.", name)), nil
		})
	for _, name := range []string{"list_roles", "list_groups"} {
		tool(s, name, "List IAM "+name[5:]+" in the account.", map[string]any{"path_prefix": prefix, "max_items": maxItems}, nil, empty(name))
	}
	tool(s, "list_policies", "List IAM policies in the account.", map[string]any{
		"scope":         withDefault("string", "Scope", "Scope of policies to list: All, AWS, or Local", "Local"),
		"only_attached": withDefault("boolean", "Only Attached", "Only return attached policies", false),
		"path_prefix":   prefix, "max_items": maxItems}, nil, empty("list_policies"))
	tool(s, "get_managed_policy_document", "Get the policy document of a managed policy.", map[string]any{
		"policy_arn": required("string", "Policy Arn", "The ARN of the managed policy"),
		"version_id": optional("string", "Version Id", "The policy version; the default version when omitted")}, []string{"policy_arn"}, empty("get_managed_policy_document"))
	tool(s, "simulate_principal_policy", "Simulate IAM policy evaluation for a principal.", map[string]any{
		"policy_source_arn": required("string", "Policy Source Arn", "ARN of the user or role to simulate"),
		"action_names":      map[string]any{"type": "array", "items": map[string]any{"type": "string"}, "title": "Action Names", "description": "List of actions to simulate"},
		"resource_arns":     map[string]any{"anyOf": []any{map[string]any{"type": "array", "items": map[string]any{"type": "string"}}, map[string]any{"type": "null"}}, "default": nil, "title": "Resource Arns"},
		"context_entries":   map[string]any{"anyOf": []any{map[string]any{"type": "object", "additionalProperties": map[string]any{"type": "string"}}, map[string]any{"type": "null"}}, "default": nil, "title": "Context Entries"},
	}, []string{"policy_source_arn", "action_names"}, empty("simulate_principal_policy"))
	tool(s, "get_group", "Get detailed information about an IAM group.", map[string]any{"group_name": required("string", "Group Name", "The IAM group name")}, []string{"group_name"}, empty("get_group"))
	for _, p := range []struct{ name, who string }{{"get_user_policy", "user_name"}, {"get_role_policy", "role_name"}} {
		tool(s, p.name, "Get an inline policy document.", map[string]any{p.who: required("string", "", ""), "policy_name": required("string", "Policy Name", "")},
			[]string{p.who, "policy_name"}, empty(p.name))
	}
	for _, p := range []struct{ name, who string }{{"list_user_policies", "user_name"}, {"list_role_policies", "role_name"}} {
		tool(s, p.name, "List the inline policies' names.", map[string]any{p.who: required("string", "", "")}, []string{p.who}, empty(p.name))
	}
}

func marker(truncated bool) any {
	if truncated {
		return "bWFya2VyLTE="
	}
	return nil
}

// empty answers an empty result: the stand-in's fixture covers users and
// events only.
func empty(name string) server.ToolHandlerFunc {
	return func(context.Context, mcp.CallToolRequest) (*mcp.CallToolResult, error) {
		return structured(map[string]any{"count": 0, "message": name + ": nothing in the stand-in's fixture"}), nil
	}
}

func addCloudTrail(s *server.MCPServer, logs string, page, throttleFrom int) error {
	var records []json.RawMessage
	if logs != "" {
		data, err := os.ReadFile(logs)
		if err != nil {
			return err
		}
		var file struct{ Records []json.RawMessage }
		if err := json.Unmarshal(data, &file); err != nil {
			return fmt.Errorf("%s: %w", logs, err)
		}
		records = file.Records
	}
	region := withDefault("string", "Region", "AWS region to query. Defaults to us-east-1.", "us-east-1")
	var calls atomic.Int64
	tool(s, "lookup_events", "Look up CloudTrail events (management events of the last 90 days).", map[string]any{
		"start_time":      optional("string", "Start Time", "Start time for event lookup (ISO format or relative like '1 day ago')"),
		"end_time":        optional("string", "End Time", "End time for event lookup (ISO format or relative like '1 hour ago')"),
		"attribute_key":   optional("string", "Attribute Key", "Attribute to search by (EventId, EventName, ReadOnly, Username, ResourceType, ResourceName, EventSource, AccessKeyId)"),
		"attribute_value": optional("string", "Attribute Value", "Value to search for"),
		"max_results":     optional("integer", "Max Results", "Maximum number of events to return (1-50, default: 10)"),
		"next_token":      optional("string", "Next Token", "Token for pagination"),
		"region":          region,
	}, nil, func(_ context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
		if n := calls.Add(1); throttleFrom > 0 && n >= int64(throttleFrom) {
			return toolError("lookup_events", errors.New("An error occurred (ThrottlingException) when calling the LookupEvents operation (reached max retries: 4): Rate exceeded")), nil
		}
		return lookup(req, records, page), nil
	})
	tool(s, "lake_query", "Run a CloudTrail Lake SQL query.", map[string]any{
		"sql":                 required("string", "Sql", "Trino SELECT over an event data store"),
		"wait_for_completion": withDefault("boolean", "Wait For Completion", "", true), "region": region}, []string{"sql"},
		func(context.Context, mcp.CallToolRequest) (*mcp.CallToolResult, error) {
			return toolError("lake_query", errors.New("An error occurred (EventDataStoreNotFoundException) when calling the StartQuery operation")), nil
		})
	tool(s, "get_query_status", "Get a CloudTrail Lake query's status.", map[string]any{"query_id": required("string", "Query Id", ""), "region": region}, []string{"query_id"}, empty("get_query_status"))
	tool(s, "get_query_results", "Get a CloudTrail Lake query's results.", map[string]any{"query_id": required("string", "Query Id", ""),
		"max_results": optional("integer", "Max Results", ""), "next_token": optional("string", "Next Token", ""), "region": region}, []string{"query_id"}, empty("get_query_results"))
	tool(s, "list_event_data_stores", "List CloudTrail Lake event data stores.", map[string]any{
		"include_details": withDefault("boolean", "Include Details", "", true), "region": region}, nil,
		func(context.Context, mcp.CallToolRequest) (*mcp.CallToolResult, error) {
			return list([]map[string]any{
				{"event_data_store_arn": "arn:aws:cloudtrail:us-east-1:111122223333:eventdatastore/eds-1", "name": "org-events", "status": "ENABLED", "organization_enabled": true},
				{"event_data_store_arn": "arn:aws:cloudtrail:us-east-1:111122223333:eventdatastore/eds-2", "name": "data-events", "status": "ENABLED", "organization_enabled": false},
			}), nil
		})
	return nil
}

// lookup serves records in [start_time, end_time), newest first, like
// boto3's LookupEvents: max_results clamped to 1..50 (default 10); the
// next page needs the same times back with next_token.
func lookup(req mcp.CallToolRequest, records []json.RawMessage, page int) *mcp.CallToolResult {
	start, err1 := time.Parse(time.RFC3339, req.GetString("start_time", ""))
	end, err2 := time.Parse(time.RFC3339, req.GetString("end_time", ""))
	if err := errors.Join(err1, err2); err != nil {
		return toolError("lookup_events", fmt.Errorf("the stand-in takes ISO times only: %w", err))
	}
	type ev struct {
		at  time.Time
		raw json.RawMessage
		m   map[string]any
	}
	var evs []ev
	for _, r := range records {
		var m map[string]any
		json.Unmarshal(r, &m)
		at, _ := time.Parse(time.RFC3339, fmt.Sprint(m["eventTime"]))
		if m["managementEvent"] == false || at.Before(start) || !at.Before(end) {
			continue
		}
		evs = append(evs, ev{at, r, m})
	}
	sort.SliceStable(evs, func(i, j int) bool { return evs[i].at.After(evs[j].at) })
	n := req.GetInt("max_results", 10)
	n = max(1, min(n, 50, page))
	from := 0
	if tok := req.GetString("next_token", ""); tok != "" {
		var err error
		if from, err = strconv.Atoi(tok); err != nil || from > len(evs) {
			return toolError("lookup_events", errors.New("An error occurred (InvalidNextTokenException) when calling the LookupEvents operation: Invalid NextToken"))
		}
	}
	to := min(from+n, len(evs))
	events := []map[string]any{}
	for _, e := range evs[from:to] {
		events = append(events, map[string]any{"EventId": e.m["eventID"], "EventName": e.m["eventName"], "EventSource": e.m["eventSource"],
			"EventTime": e.at.Format("2006-01-02T15:04:05+00:00"), "ReadOnly": fmt.Sprint(e.m["readOnly"]), "Resources": []any{}, "CloudTrailEvent": string(e.raw)})
	}
	var next any
	if to < len(evs) {
		next = strconv.Itoa(to)
	}
	return structured(map[string]any{"events": events, "next_token": next, "query_params": map[string]any{
		"start_time": req.GetString("start_time", ""), "end_time": req.GetString("end_time", ""),
		"attribute_key": nil, "attribute_value": nil, "max_results": n, "region": req.GetString("region", "us-east-1")}})
}

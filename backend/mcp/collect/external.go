package collect

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/aegis-iam/aegis/backend/mcp/awsserver"
	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/mcp"
)

// Need is something the auditor reads from an MCP server.
type Need string

// The auditor's needs, in the order Collect reads them.
const (
	NeedCallerIdentity       Need = "caller-identity"
	NeedAuthorizationDetails Need = "authorization-details" // every user, group, role and policy, complete
	NeedCredentialReport     Need = "credential-report"
	NeedPasswordPolicy       Need = "password-policy"
	NeedServiceLastAccessed  Need = "service-last-accessed"
	NeedOrganization         Need = "organization" // SCPs and RCPs on the account's path
	NeedTrails               Need = "trails"
	NeedEventSelectors       Need = "event-selectors"
	NeedEvents               Need = "management-events" // LookupEvents, the fallback usage source
)

// Needs lists every Need.
var Needs = []Need{NeedCallerIdentity, NeedAuthorizationDetails, NeedCredentialReport, NeedPasswordPolicy,
	NeedServiceLastAccessed, NeedOrganization, NeedTrails, NeedEventSelectors, NeedEvents}

// Capability is a need a server's tool meets.
type Capability struct {
	Need Need   `json:"need"`
	Tool string `json:"tool"`
	// Limit says what the tool does not cover, when it meets the need only
	// in part.
	Limit string `json:"limit,omitempty"`
}

// Shortfall is a need a server cannot meet, and why.
type Shortfall struct {
	Need   Need   `json:"need"`
	Reason string `json:"reason"`
}

// ServerReport is what an MCP server offers the auditor: its identity, the
// protocol version agreed, its tools, the needs they meet and those they
// cannot.
type ServerReport struct {
	Name     string       `json:"name"`
	Version  string       `json:"version"`
	Protocol string       `json:"protocol"`
	Tools    []string     `json:"tools"`
	Provides []Capability `json:"provides"`
	Lacks    []Shortfall  `json:"lacks"`
}

// builtinTools are Aegis's own server's tools by need; any server with
// these names and arguments meets the need in full.
var builtinTools = map[Need]struct {
	tool   string
	params []string
}{
	NeedCallerIdentity:       {awsserver.ToolCallerIdentity, nil},
	NeedAuthorizationDetails: {awsserver.ToolAuthorizationDetails, nil},
	NeedCredentialReport:     {awsserver.ToolCredentialReport, nil},
	NeedPasswordPolicy:       {awsserver.ToolPasswordPolicy, nil},
	NeedServiceLastAccessed:  {awsserver.ToolServiceLastAccessed, []string{"arn"}},
	NeedOrganization:         {awsserver.ToolAccountOrganization, []string{"account"}},
	NeedTrails:               {awsserver.ToolDescribeTrails, nil},
	NeedEventSelectors:       {awsserver.ToolEventSelectors, []string{"trail"}},
	NeedEvents:               {awsserver.ToolLookupEvents, []string{"start", "end"}},
}

// Inspect initializes the session on c (a started client), lists the
// server's tools with tools/list and maps them to the auditor's needs. It
// recognizes Aegis's own tools and the awslabs IAM and CloudTrail servers'
// (by name and input schema, discovered, never assumed), and says for
// every other need why the server cannot meet it. Use it instead of
// Collect's own initialize when a server is configured, to show the user
// what an audit through it will lack.
func Inspect(ctx context.Context, c *client.Client) (*ServerReport, error) {
	var ir mcp.InitializeRequest
	ir.Params.ClientInfo = mcp.Implementation{Name: "aegis-collector", Version: "1"}
	init, err := c.Initialize(ctx, ir)
	if err != nil {
		return nil, fmt.Errorf("collect: initialize: %w", err)
	}
	var tools []mcp.Tool
	req := mcp.ListToolsRequest{}
	for {
		page, err := c.ListTools(ctx, req)
		if err != nil {
			return nil, fmt.Errorf("collect: tools/list: %w", err)
		}
		tools = append(tools, page.Tools...)
		if page.NextCursor == "" {
			break
		}
		req.Params.Cursor = page.NextCursor
	}
	rep := &ServerReport{Name: init.ServerInfo.Name, Version: init.ServerInfo.Version, Protocol: init.ProtocolVersion}
	params := map[string][]string{}
	for _, t := range tools {
		rep.Tools = append(rep.Tools, t.Name)
		params[t.Name] = toolParams(t)
	}
	slices.Sort(rep.Tools)
	has := func(tool string, want ...string) bool {
		p, ok := params[tool]
		if !ok {
			return false
		}
		for _, w := range want {
			if !slices.Contains(p, w) {
				return false
			}
		}
		return true
	}
	for _, n := range Needs {
		b := builtinTools[n]
		switch {
		case has(b.tool, b.params...):
			rep.Provides = append(rep.Provides, Capability{Need: n, Tool: b.tool})
		case n == NeedEvents && has(AWSLabsLookupEvents, "start_time", "end_time", "next_token", "region"):
			rep.Provides = append(rep.Provides, Capability{Need: n, Tool: AWSLabsLookupEvents,
				Limit: "one region per call (region is an argument, default us-east-1), 50 events per page, management events of the last 90 days"})
		default:
			rep.Lacks = append(rep.Lacks, Shortfall{Need: n, Reason: lackReason(n, b.tool, has)})
		}
	}
	return rep, nil
}

// AWSLabsLookupEvents is the awslabs CloudTrail server's LookupEvents tool.
const AWSLabsLookupEvents = "lookup_events"

// lackReason explains a need no tool meets, naming what the server has
// instead when that is close (the awslabs IAM server's list tools).
func lackReason(n Need, tool string, has func(string, ...string) bool) string {
	reason := "the server has no " + tool + " tool"
	if n != NeedAuthorizationDetails {
		return reason
	}
	var lists, unpaged []string
	for _, t := range []string{"list_users", "list_roles", "list_policies", "list_groups"} {
		if has(t) {
			lists = append(lists, t)
			if !has(t, "marker") {
				unpaged = append(unpaged, t)
			}
		}
	}
	if len(lists) == 0 {
		return reason
	}
	reason += " (GetAccountAuthorizationDetails); it has " + strings.Join(lists, ", ")
	if len(unpaged) > 0 {
		reason += ", but " + strings.Join(unpaged, ", ") + " take no pagination input (the marker they return cannot be sent back), so at most max_items of each are read"
	}
	return reason + ", and no tool lists the managed policies attached to a role: a complete account cannot be read"
}

// toolParams returns the names of a tool's input properties, from either
// form mcp-go keeps the schema in.
func toolParams(t mcp.Tool) []string {
	raw, err := json.Marshal(t)
	if err != nil {
		return nil
	}
	var s struct {
		InputSchema struct {
			Properties map[string]json.RawMessage `json:"properties"`
		} `json:"inputSchema"`
	}
	if json.Unmarshal(raw, &s) != nil {
		return nil
	}
	var names []string
	for k := range s.InputSchema.Properties {
		names = append(names, k)
	}
	slices.Sort(names)
	return names
}

// CallTool calls a tool on any server and decodes its answer into out,
// preferring structuredContent over the text blocks (FastMCP servers split
// a list into one text block per item, and the text of others is for
// people). A tool error is an error carrying the tool's text.
func CallTool(ctx context.Context, c *client.Client, tool string, args map[string]any, out any) error {
	var req mcp.CallToolRequest
	req.Params.Name = tool
	req.Params.Arguments = args
	res, err := c.CallTool(ctx, req)
	if err != nil {
		return fmt.Errorf("%s: %w", tool, err)
	}
	if res.IsError {
		return fmt.Errorf("%s: tool error: %s", tool, text(res))
	}
	if res.StructuredContent != nil {
		if err := redecode(res.StructuredContent, out); err != nil {
			return fmt.Errorf("%s: structuredContent: %w", tool, err)
		}
		return nil
	}
	if err := json.Unmarshal([]byte(text(res)), out); err != nil {
		return fmt.Errorf("%s: the answer has no structuredContent and its text is not JSON: %w", tool, err)
	}
	return nil
}

package app

import (
	"encoding/json"
	"errors"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/aegis-iam/aegis/backend/mcp/collect"
	"github.com/aegis-iam/aegis/backend/store"
	"github.com/google/go-cmp/cmp"
)

func TestSettingsDefaultsAndRoundTrip(t *testing.T) {
	st := tempStore(t)
	s := NewSettingsService(st)
	got, err := s.Get()
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(DefaultSettings(), got); diff != "" {
		t.Errorf("Get on a new store (-want +got):\n%s", diff)
	}

	in := Settings{
		Theme: " dark ", Profile: "prod", DefaultRegion: "eu-west-1", BedrockModelID: "anthropic.claude-sonnet-4-5-20250929-v1:0",
		BedrockRegion: "us-gov-west-1",
		MCPServers: []MCPServer{
			{Name: "aws-docs", Transport: "stdio", Command: "uvx", Args: []string{"awslabs.aws-documentation-mcp-server"},
				Env: []string{" AWS_PROFILE=audit ", "", "AWS_REGION=eu-west-1"}, Enabled: true},
			{Name: "remote", Transport: "http", URL: "https://mcp.example.com/mcp"},
		},
		Window: WindowState{X: 10, Y: 20, Width: 1400, Height: 900, Maximised: true},
	}
	saved, err := s.Save(in)
	if err != nil {
		t.Fatal(err)
	}
	want := in
	want.Theme = "dark"
	want.MCPServers = []MCPServer{in.MCPServers[0], in.MCPServers[1]}
	want.MCPServers[0].Env = []string{"AWS_PROFILE=audit", "AWS_REGION=eu-west-1"}
	want.MCPServers[1].Args, want.MCPServers[1].Env = []string{}, []string{}
	if diff := cmp.Diff(want, saved); diff != "" {
		t.Errorf("Save returned (-want +got):\n%s", diff)
	}
	got, err = NewSettingsService(st).Get()
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Get after Save (-want +got):\n%s", diff)
	}
}

func TestSettingsValidation(t *testing.T) {
	s := NewSettingsService(tempStore(t))
	valid := DefaultSettings()
	tests := []struct {
		name   string
		edit   func(*Settings)
		fields []FieldError
	}{
		{"theme", func(v *Settings) { v.Theme = "neon" },
			[]FieldError{{"theme", `theme must be system, dark or light, not "neon"`}}},
		{"region", func(v *Settings) { v.DefaultRegion = "Europe" },
			[]FieldError{{"defaultRegion", `"Europe" is not a Region code (e.g. us-east-1)`}}},
		{"bedrock region without model", func(v *Settings) { v.BedrockRegion = "us-east-1" },
			[]FieldError{{"bedrockModelId", "a model ID is required when a Bedrock region is set"}}},
		{"bedrock bad region and spaced model", func(v *Settings) { v.BedrockRegion = "east"; v.BedrockModelID = "claude sonnet" },
			[]FieldError{{"bedrockRegion", `"east" is not a Region code (e.g. us-east-1)`}, {"bedrockModelId", "a model ID has no spaces"}}},
		{"profile", func(v *Settings) { v.Profile = "[prod]" },
			[]FieldError{{"profile", `"[prod]" is not a profile name`}}},
		{"mcp servers", func(v *Settings) {
			v.MCPServers = []MCPServer{
				{Name: "a", Transport: "stdio"},
				{Name: "A", Transport: "http", URL: "ftp://x"},
				{Transport: "websocket"},
				{Name: "b", Transport: "http", URL: "https://"},
			}
		}, []FieldError{
			{"mcpServers[0].command", "a command is required for the stdio transport"},
			{"mcpServers[1].name", `the name "A" is already used by server 1`},
			{"mcpServers[1].url", "an http:// or https:// URL is required for the http transport"},
			{"mcpServers[2].name", "a name is required"},
			{"mcpServers[2].transport", `transport must be stdio or http, not "websocket"`},
			{"mcpServers[3].url", "an http:// or https:// URL is required for the http transport"},
		}},
		{"mcp server environment", func(v *Settings) {
			v.MCPServers = []MCPServer{
				{Name: "a", Transport: "stdio", Command: "uvx", Env: []string{"AWS_PROFILE=audit", "NOEQUALS", "1X=y", "aws_secret_access_key=abc"}},
				{Name: "b", Transport: "http", URL: "http://127.0.0.1:8765/mcp", Env: []string{"AWS_REGION=eu-west-1"}},
			}
		}, []FieldError{
			{"mcpServers[0].env", `"NOEQUALS" is not KEY=VALUE`},
			{"mcpServers[0].env", `"1X=y" is not KEY=VALUE`},
			{"mcpServers[0].env", "aws_secret_access_key would store a credential: name a profile with AWS_PROFILE instead"},
			{"mcpServers[1].env", "environment variables are for a stdio server's process; an http server has none"},
		}},
		{"window", func(v *Settings) { v.Window.Width = -1 }, []FieldError{{"window", "window size cannot be negative"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			v := valid
			tc.edit(&v)
			_, err := s.Save(v)
			var ve *ValidationError
			if !errors.As(err, &ve) {
				t.Fatalf("Save: err = %v, want *ValidationError", err)
			}
			if diff := cmp.Diff(tc.fields, ve.Fields); diff != "" {
				t.Errorf("fields (-want +got):\n%s", diff)
			}
			// The frontend reads the error text as JSON.
			var wire ValidationError
			if err := json.Unmarshal([]byte(err.Error()), &wire); err != nil || wire.Message != "invalid settings" || len(wire.Fields) != len(tc.fields) {
				t.Errorf("error text %q does not decode to the validation error: %v", err.Error(), err)
			}
		})
	}
	if got, _ := s.Get(); got.Theme != "system" {
		t.Errorf("an invalid Save changed the stored settings: %+v", got)
	}
	for _, region := range []string{"us-east-1", "eu-central-2", "us-gov-west-1", "cn-northwest-1", "us-isob-east-1", "il-central-1"} {
		v := valid
		v.DefaultRegion = region
		if _, err := s.Save(v); err != nil {
			t.Errorf("Save with region %s: %v", region, err)
		}
	}
}

func TestPurgeHistory(t *testing.T) {
	st := tempStore(t)
	h := store.NewHistory(st)
	for _, k := range []store.Kind{store.KindAudit, store.KindValidation, store.KindSession} {
		if _, err := h.Append(store.Record{Kind: k, Title: string(k)}); err != nil {
			t.Fatal(err)
		}
	}
	s := NewSettingsService(st)
	if _, err := s.Save(Settings{Theme: "light"}); err != nil {
		t.Fatal(err)
	}
	got, err := s.PurgeHistory()
	if err != nil || got.Deleted != 3 {
		t.Errorf("PurgeHistory = %+v, %v; want 3 deleted", got, err)
	}
	if list, _ := NewHistoryService(st).List("", 0); len(list) != 0 {
		t.Errorf("history after purge: %d entries", len(list))
	}
	if v, _ := s.Get(); v.Theme != "light" {
		t.Errorf("settings after purge: theme %q, want light", v.Theme)
	}
}

// TestCheckMCPServer: Settings' check of a server launches it as an audit
// would and reports what it offers; for the awslabs IAM server (its
// stand-in, the recorded tool schemas) that nothing the auditor needs is
// met, and why. An audit through it fails naming the same reason. An
// invalid server is refused before anything is started.
func TestCheckMCPServer(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "awslabs")
	if out, err := exec.Command("go", "build", "-o", bin, "../mcp/collect/collecttest/awslabs").CombinedOutput(); err != nil {
		t.Fatalf("building the stand-in: %v\n%s", err, out)
	}
	s := NewSettingsService(tempStore(t))
	iam := MCPServer{Name: "awslabs-iam", Transport: "stdio", Command: bin, Args: []string{"-server", "iam"}, Env: []string{"AWS_PROFILE=audit"}, Enabled: true}
	rep, err := s.CheckMCPServer(iam)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Name != "awslabs.iam-mcp-server" || len(rep.Provides) != 0 || len(rep.Lacks) != len(collect.Needs) {
		t.Errorf("report %+v", rep)
	}
	gaad := rep.Lacks[slices.IndexFunc(rep.Lacks, func(l collect.Shortfall) bool { return l.Need == collect.NeedAuthorizationDetails })]
	if !strings.Contains(gaad.Reason, "a complete account cannot be read") {
		t.Errorf("authorization details: %s", gaad.Reason)
	}

	var ve *ValidationError
	if _, err := s.CheckMCPServer(MCPServer{Name: "x", Transport: "stdio", Command: "uvx", Env: []string{"AWS_SESSION_TOKEN=t"}}); !errors.As(err, &ve) ||
		len(ve.Fields) != 1 || ve.Fields[0].Field != "env" {
		t.Errorf("a credential in the environment: %v", err)
	}
	if _, err := s.CheckMCPServer(MCPServer{Name: "gone", Transport: "stdio", Command: "/nonexistent/mcp-server"}); err == nil || !strings.Contains(err.Error(), `MCP server "gone"`) {
		t.Errorf("a server that does not start: %v", err)
	}

	a, _ := liveService(t, &recorder{})
	if err := a.settings.Put(Settings{MCPServers: []MCPServer{iam}}); err != nil {
		t.Fatal(err)
	}
	_, err = a.Run(AuditRequest{Source: SourceMCP, MCPServer: iam.Name, WindowDays: 30})
	var se *SourceError
	if !errors.As(err, &se) || !strings.Contains(se.Error(), "a complete account cannot be read") {
		t.Errorf("an audit through the awslabs IAM server: %v", err)
	}
}

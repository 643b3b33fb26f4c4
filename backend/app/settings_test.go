package app

import (
	"encoding/json"
	"errors"
	"testing"

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
			{Name: "aws-docs", Transport: "stdio", Command: "uvx", Args: []string{"awslabs.aws-documentation-mcp-server"}, Enabled: true},
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
	want.MCPServers[1].Args = []string{}
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

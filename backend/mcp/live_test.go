package mcp

import (
	"context"
	"testing"

	"github.com/aegis-iam/aegis/backend/iamdb"
	"github.com/aegis-iam/aegis/backend/mcp/collect"
	"github.com/aegis-iam/aegis/backend/mcp/collect/collecttest"
	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/mcp"
)

// TestAuditAccount audits the account behind local AWS endpoints through
// the audit_account tool; a denied API is a gap in the answer. Without
// LiveAudit the tool is not offered at all.
func TestAuditAccount(t *testing.T) {
	a := collecttest.New(t)
	a.IAM.Deny("GenerateCredentialReport")
	db, err := iamdb.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	s, err := NewServer(Engines{DB: db, LiveAudit: func(ctx context.Context) (*collect.Result, error) {
		c, err := collect.InProcess(ctx, a.Server(t))
		if err != nil {
			return nil, err
		}
		defer c.Close()
		return collect.Collect(ctx, c, collect.Options{})
	}}, "test")
	if err != nil {
		t.Fatal(err)
	}
	c, err := client.NewInProcessClient(s)
	if err != nil {
		t.Fatal(err)
	}
	connect(t, c)
	var got struct {
		Audit struct {
			Account    string `json:"account"`
			Principals []any  `json:"principals"`
		} `json:"audit"`
		Gaps []collect.Gap `json:"gaps"`
	}
	structured(t, call(t, c, "audit_account", map[string]any{"windowDays": 30}), &got)
	if got.Audit.Account == "" || len(got.Audit.Principals) == 0 {
		t.Errorf("audit = %+v", got.Audit)
	}
	if len(got.Gaps) == 0 || got.Gaps[0].Reason != "access-denied" {
		t.Errorf("gaps = %+v, want the denied credential report", got.Gaps)
	}

	offline := inProcess(t)
	list, err := offline.ListTools(context.Background(), mcp.ListToolsRequest{})
	if err != nil {
		t.Fatal(err)
	}
	for _, tool := range list.Tools {
		if tool.Name == "audit_account" {
			t.Error("audit_account is offered although live audits were not enabled")
		}
	}
}

package assist

import (
	"context"
	"strings"
	"testing"

	"github.com/aegis-iam/aegis/backend/audit"
	"github.com/aegis-iam/aegis/backend/audit/result"
	"github.com/aegis-iam/aegis/backend/check"
	"github.com/aegis-iam/aegis/backend/llm"
)

const (
	deployer = "arn:aws:iam::123456789012:role/deployer"
	reader   = "arn:aws:iam::123456789012:role/reader"
)

func sampleAudit() *result.Audit {
	return &result.Audit{Account: "123456789012", RiskScore: 71,
		Principals: []result.Principal{
			{ARN: reader, Type: "role", Name: "reader", RiskScore: 12, Activity: audit.Verdict{State: audit.StateUsed},
				Findings:    []result.Finding{},
				Permissions: result.Permissions{Used: []string{"s3:GetObject"}}},
			{ARN: deployer, Type: "role", Name: "deployer", RiskScore: 64, Activity: audit.Verdict{State: audit.StateUsed},
				Findings: []result.Finding{{ID: "AEG-AUDIT-004", Severity: check.SeverityHigh, Message: "2 unused permissions (0 critical, 1 high, 1 medium, 0 low)"}},
				Permissions: result.Permissions{Used: []string{"s3:PutObject"}, Unused: []string{"iam:PassRole", "s3:DeleteObject"},
					Unknown: []string{"s3:GetObject"}, UnknownReasons: map[audit.UnknownReason]int{audit.ReasonDataEventsNotLogged: 1}}},
		},
		EscalationPaths: []result.EscalationPath{{From: deployer, To: "arn:aws:iam::123456789012:role/admin",
			Hops: []result.Hop{{From: deployer, To: "arn:aws:iam::123456789012:role/admin", Via: "iam:PassRole"}}}},
	}
}

func TestAuditAsk(t *testing.T) {
	for _, p := range providers {
		t.Run(p.name, func(t *testing.T) {
			run, db := testRun(t)
			s, err := NewAudit(run, db, sampleAudit(), deployer)
			if err != nil {
				t.Fatal(err)
			}
			srv, prov := p.start(t,
				toolTurn(use("t1", "permission_usage", map[string]string{"arn": deployer, "action": "s3:*Object"}),
					use("t2", "get_principal", map[string]string{"arn": "arn:aws:iam::123456789012:role/ghost"})),
				toolTurn(use("t3", "submit_answer", map[string]any{
					"answer": "Removing s3:DeleteObject breaks nothing seen: deployer never used it in the window (AEG-AUDIT-004). s3:GetObject is unknown because data events were not logged.",
					"cites":  []string{"AEG-AUDIT-004", deployer}})),
			)
			a := &Assistant{Provider: prov, Redactor: llm.NewRedactor()}
			ans, err := a.Ask(context.Background(), s, nil, "What breaks if I remove s3:DeleteObject?")
			if err != nil {
				t.Fatal(err)
			}
			if len(ans.Cites) != 2 || ans.Cites[0].ID != "AEG-AUDIT-004" || ans.Cites[0].Severity != "high" || ans.Cites[1].Kind != "principal" {
				t.Errorf("cites: %+v", ans.Cites)
			}
			if len(ans.Rejected) != 1 || ans.Rejected[0].Tool != "get_principal" {
				t.Errorf("rejected: %+v", ans.Rejected)
			}
			first, second := string(srv.Requests()[0].Body), string(srv.Requests()[1].Body)
			for _, want := range []string{"riskiestPrincipals", "openPrincipal", "ARN_"} {
				if !strings.Contains(first, want) {
					t.Errorf("the first request lacks %q", want)
				}
			}
			if strings.Contains(first, "123456789012") {
				t.Error("the account ID was sent although the redactor is on")
			}
			for _, want := range []string{"unused", "s3:DeleteObject", "data-events-not-logged", "there is no principal"} {
				if !strings.Contains(second, want) {
					t.Errorf("the tool results lack %q: %.500s", want, second)
				}
			}
		})
	}
}

func TestAuditCheckAnswer(t *testing.T) {
	run, db := testRun(t)
	s, err := NewAudit(run, db, sampleAudit(), "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.check("The reader role is fine.", []string{"arn:aws:iam::123456789012:role/ghost"}); err == nil {
		t.Error("a principal the audit does not hold was accepted as a citation")
	}
	if _, err := s.check("arn:aws:iam::123456789012:role/admin is reachable from deployer via iam:PassRole.", []string{deployer}); err != nil {
		t.Errorf("a grounded answer was refused: %v", err)
	}
	if s.Digest() == "" || s.Digest() == injectedSubject(t).Digest() {
		t.Error("the audit's digest does not identify it")
	}
}

package app

import (
	"encoding/json"
	"slices"
	"testing"

	"github.com/aegis-iam/aegis/backend/audit/result"
	"github.com/aegis-iam/aegis/backend/store"
)

// saveAudit saves an audit of title as AuditService does.
func saveAudit(t *testing.T, h store.History, title string, a *result.Audit) string {
	t.Helper()
	data, err := json.Marshal(AuditRun{Audit: a})
	if err != nil {
		t.Fatal(err)
	}
	r, err := h.Append(store.Record{Kind: store.KindAudit, Title: title, Summary: summarize(a), Payload: data})
	if err != nil {
		t.Fatal(err)
	}
	return r.ID
}

func principalWith(name string, score int, used ...string) result.Principal {
	return result.Principal{ARN: "arn:aws:iam::111122223333:role/" + name, Name: name, Type: "role", RiskScore: score,
		Permissions: result.Permissions{Used: used}}
}

// TestHistoryDriftTrendSearch saves three audits of one account and one of
// another: drift between any two of the account's, the trend of its scores
// and top principals, and search over titles and summaries.
func TestHistoryDriftTrendSearch(t *testing.T) {
	st := tempStore(t)
	h := store.NewHistory(st)
	const acct = "111122223333"
	first := saveAudit(t, h, acct, &result.Audit{Account: acct, RiskScore: 40, Principals: []result.Principal{
		principalWith("app", 40, "s3:GetObject"), principalWith("old", 20, "sqs:SendMessage")}})
	second := saveAudit(t, h, acct, &result.Audit{Account: acct, RiskScore: 60, Principals: []result.Principal{
		principalWith("app", 60, "s3:GetObject", "iam:PassRole"), principalWith("old", 20, "sqs:SendMessage")}})
	saveAudit(t, h, "444455556666", &result.Audit{Account: "444455556666", RiskScore: 10, Principals: []result.Principal{principalWith("x", 10)}})
	third := saveAudit(t, h, acct, &result.Audit{Account: acct, RiskScore: 70, Principals: []result.Principal{
		principalWith("app", 50, "s3:GetObject", "iam:PassRole"), principalWith("ci", 70, "lambda:CreateFunction")}})
	s := NewHistoryService(st)

	d, err := s.Drift(first, third)
	if err != nil {
		t.Fatal(err)
	}
	if d.From.ID != first || d.To.ID != third || d.Drift.RiskScore != 30 ||
		!slices.Equal(d.Drift.NewPrincipals, []string{"arn:aws:iam::111122223333:role/ci"}) ||
		!slices.Equal(d.Drift.RemovedPrincipals, []string{"arn:aws:iam::111122223333:role/old"}) ||
		len(d.Drift.Principals) != 1 || !slices.Equal(d.Drift.Principals[0].NewPermissions, []string{"iam:PassRole"}) || d.Drift.Principals[0].RiskScore != 10 {
		t.Errorf("drift first → third = %+v", d.Drift)
	}
	back, err := s.Drift(third, second)
	if err != nil || back.Drift.RiskScore != -10 || !slices.Equal(back.Drift.NewPrincipals, []string{"arn:aws:iam::111122223333:role/old"}) {
		t.Errorf("drift third → second = %+v, %v", back.Drift, err)
	}
	others, _ := s.List("audit", 0)
	if _, err := s.Drift(first, others[1].ID); err == nil {
		t.Error("drift between two accounts: no error")
	}

	tr, err := s.Trend(acct, 2)
	if err != nil {
		t.Fatal(err)
	}
	var scores []int
	for _, p := range tr.Points {
		scores = append(scores, p.RiskScore)
	}
	if !slices.Equal(scores, []int{40, 60, 70}) || tr.Points[0].ID != first {
		t.Errorf("trend points = %+v, want 40, 60, 70 oldest first", tr.Points)
	}
	if len(tr.Principals) != 2 || tr.Principals[0].Name != "ci" || !slices.Equal(tr.Principals[0].Scores, []int{-1, -1, 70}) ||
		tr.Principals[1].Name != "app" || !slices.Equal(tr.Principals[1].Scores, []int{40, 60, 50}) {
		t.Errorf("trend principals = %+v, want ci then app", tr.Principals)
	}
	if empty, err := s.Trend("999999999999", 5); err != nil || len(empty.Points) != 0 {
		t.Errorf("trend of an unknown account = %+v, %v", empty, err)
	}

	found, err := s.Search("audit", "RISK 70", 0)
	if err != nil || len(found) != 1 || found[0].ID != third {
		t.Errorf("search risk 70 = %+v, %v", found, err)
	}
	if found, _ := s.Search("", "4444", 0); len(found) != 1 {
		t.Errorf("search 4444 = %+v, want the other account's audit", found)
	}
	if found, _ := s.Search("audit", "", 2); len(found) != 2 {
		t.Errorf("search with limit 2 = %d entries", len(found))
	}
}

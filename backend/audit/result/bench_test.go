package result

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/aegis-iam/aegis/backend/audit"
	"github.com/aegis-iam/aegis/backend/audit/unused"
	"github.com/aegis-iam/aegis/backend/iamdb"
)

// synthetic builds an account of n roles: each with an inline policy over
// one service's read and write actions and a shared managed policy, every
// hundredth an administrator; the usage window has complete logs and each
// role used half of its inline actions.
func synthetic(b *testing.B, db *iamdb.DB, n int) (*audit.Snapshot, *audit.Usage) {
	b.Helper()
	end := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	start := end.AddDate(0, 0, -90)
	s := &audit.Snapshot{Account: "111122223333", CollectedAt: end}
	doc := func(actions any) json.RawMessage {
		d, _ := json.Marshal(map[string]any{"Version": "2012-10-17", "Statement": []any{map[string]any{"Effect": "Allow", "Action": actions, "Resource": "*"}}})
		return d
	}
	s.Policies = []audit.ManagedPolicy{
		{Name: "shared", ARN: "arn:aws:iam::111122223333:policy/shared", DefaultVersion: "v1", AttachmentCount: n, Versions: []audit.PolicyVersion{{ID: "v1", Default: true, Document: doc([]string{"s3:List*", "s3:GetBucket*"})}}},
		{Name: "AdministratorAccess", ARN: "arn:aws:iam::aws:policy/AdministratorAccess", DefaultVersion: "v1", Versions: []audit.PolicyVersion{{ID: "v1", Default: true, Document: doc("*")}}},
	}
	services := []string{"sqs", "sns", "dynamodb", "lambda", "ec2", "kinesis", "logs", "ssm"}
	u := &audit.Usage{Start: start, End: end}
	for d := start; d.Before(end); d = d.AddDate(0, 0, 1) {
		u.Coverage.Days = append(u.Coverage.Days, audit.CoverageDay{Account: s.Account, Region: "eu-west-1", Day: audit.DayOf(d), Files: 1, Events: 1})
	}
	trust := doc("sts:AssumeRole")
	for i := range n {
		name := fmt.Sprintf("role-%04d", i)
		arn := "arn:aws:iam::111122223333:role/" + name
		svc, _ := db.Service(services[i%len(services)])
		var actions []string
		for j, a := range svc.Actions {
			if j%7 == 0 && len(actions) < 30 {
				actions = append(actions, a.FullName())
			}
		}
		r := audit.Role{Entity: audit.Entity{Name: name, ARN: arn, Path: "/", Created: start.AddDate(-1, 0, 0),
			Inline: []audit.InlinePolicy{{Name: "app", Document: doc(actions)}}, Attached: []string{"arn:aws:iam::111122223333:policy/shared"}}, Trust: trust}
		if i%100 == 0 {
			r.Attached = append(r.Attached, "arn:aws:iam::aws:policy/AdministratorAccess")
		}
		s.Roles = append(s.Roles, r)
		for j, a := range actions {
			if j%2 == 0 {
				u.Rows = append(u.Rows, audit.UsageRow{Principal: arn, Action: a, Outcome: audit.OutcomeOK, Count: 5, First: start, Last: end.Add(-time.Hour)})
			}
		}
	}
	return s, u
}

func benchmarkRun(b *testing.B, n int) {
	db, err := iamdb.Embedded()
	if err != nil {
		b.Fatal(err)
	}
	s, u := synthetic(b, db, n)
	for b.Loop() {
		if _, err := Run(db, s, u, unused.Window{}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkRun200Roles(b *testing.B)  { benchmarkRun(b, 200) }
func BenchmarkRun2000Roles(b *testing.B) { benchmarkRun(b, 2000) }

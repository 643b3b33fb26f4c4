package result

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/aegis-iam/aegis/backend/audit"
	"github.com/aegis-iam/aegis/backend/audit/unused"
	"github.com/aegis-iam/aegis/backend/cloudtrail"
	"github.com/aegis-iam/aegis/backend/cloudtrail/ctgen"
	"github.com/aegis-iam/aegis/backend/iamdb"
)

// The scale target of the audit engine (issue #7): an account of 2,000
// roles with 10 million CloudTrail events audited — logs read, usage
// judged, recommendations proven — in under 60 s and 1 GiB. Run it alone:
//
//	go test -run '^$' -bench AuditScale -benchtime 1x ./backend/audit/result
//
// The trail (ctgen.Bulk: 2,500 principals of which 2,000 roles, 90 days,
// two regions, about 1.5 KB a record) is generated once under /tmp and
// reused. SCALE_EVENTS overrides the event count for a smaller run.
// Figures are in docs/audit.md ("Scale").

var scaleStart = time.Date(2026, 8, 3, 0, 0, 0, 0, time.UTC)

const (
	scaleDays       = 90
	scalePrincipals = 2500 // ctgen.Bulk makes every fifth one a user: 2,000 roles
	scalePadding    = 512
)

func scaleEvents() int {
	n := 10_000_000
	if v, err := strconv.Atoi(os.Getenv("SCALE_EVENTS")); err == nil && v > 0 {
		n = v
	}
	return n
}

// scaleTree returns the generated trail of events records.
func scaleTree(b *testing.B, events int) string {
	b.Helper()
	dir := filepath.Join(os.TempDir(), fmt.Sprintf("aegis-auditscale-%d", events))
	if _, err := os.Stat(filepath.Join(dir, "done")); err == nil {
		return dir
	}
	os.RemoveAll(dir)
	// About 3,500 records a file, as a busy trail delivers every 5 minutes.
	perFile := max(1, events/(scaleDays*2*3500))
	spec := ctgen.Bulk(11, scaleStart, scaleDays, scalePrincipals, events, perFile, scalePadding, []string{"us-east-1", "eu-west-1"})
	st, err := ctgen.Write(dir, spec)
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("generated %d files, %d events, %d MB gzip", st.Files, st.Events, st.Bytes>>20)
	if err := os.WriteFile(filepath.Join(dir, "done"), nil, 0o644); err != nil {
		b.Fatal(err)
	}
	return dir
}

// scaleSnapshot is the account ctgen.Bulk's principals live in: each role
// and user has an inline policy over the calls Bulk makes and a few more
// actions of the same services, and a customer managed policy shared by
// all; every fiftieth role is an administrator.
func scaleSnapshot(db *iamdb.DB) *audit.Snapshot {
	s := &audit.Snapshot{Account: "111122223333", CollectedAt: scaleStart.AddDate(0, 0, scaleDays)}
	doc := func(actions any) json.RawMessage {
		d, _ := json.Marshal(map[string]any{"Version": "2012-10-17", "Statement": []any{map[string]any{"Effect": "Allow", "Action": actions, "Resource": "*"}}})
		return d
	}
	shared := "arn:aws:iam::111122223333:policy/app-baseline"
	admin := "arn:aws:iam::aws:policy/AdministratorAccess"
	s.Policies = []audit.ManagedPolicy{
		{Name: "app-baseline", ARN: shared, DefaultVersion: "v1", AttachmentCount: scalePrincipals, Attachable: true,
			Versions: []audit.PolicyVersion{{ID: "v1", Default: true, Created: scaleStart.AddDate(-1, 0, 0), Document: doc([]string{"logs:PutLogEvents", "logs:CreateLogStream", "cloudwatch:PutMetricData", "sts:GetCallerIdentity"})}}},
		{Name: "AdministratorAccess", ARN: admin, DefaultVersion: "v1", Attachable: true,
			Versions: []audit.PolicyVersion{{ID: "v1", Default: true, Created: scaleStart.AddDate(-5, 0, 0), Document: doc("*")}}},
	}
	app := doc([]string{"s3:GetObject", "s3:PutObject", "s3:ListBucket", "s3:DeleteObject", "ec2:Describe*", "iam:GetRole", "iam:ListRoles",
		"sqs:SendMessage", "sqs:ReceiveMessage", "kms:Decrypt", "kms:Encrypt", "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query",
		"lambda:InvokeFunction", "lambda:GetFunction", "sts:AssumeRole"})
	trust := json.RawMessage(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}`)
	created := scaleStart.AddDate(-1, 0, 0)
	for p := range scalePrincipals {
		if p%5 == 0 {
			name := fmt.Sprintf("user-%04d", p)
			s.Users = append(s.Users, audit.User{Entity: audit.Entity{Name: name, ARN: "arn:aws:iam::111122223333:user/people/" + name, Path: "/people/",
				Created: created, Inline: []audit.InlinePolicy{{Name: "app", Document: app}}, Attached: []string{shared}}})
			continue
		}
		name := fmt.Sprintf("app-%04d", p)
		r := audit.Role{Entity: audit.Entity{Name: name, ARN: "arn:aws:iam::111122223333:role/service/" + name, Path: "/service/",
			Created: created, Inline: []audit.InlinePolicy{{Name: "app", Document: app}}, Attached: []string{shared}}, Trust: trust}
		if p%50 == 1 {
			r.Attached = append(r.Attached, admin)
		}
		s.Roles = append(s.Roles, r)
	}
	return s
}

// BenchmarkAuditScale reads the trail and audits the account, reporting
// the wall time, the CPU time and the peak resident memory of one audit.
func BenchmarkAuditScale(b *testing.B) {
	events := scaleEvents()
	dir := scaleTree(b, events)
	db, err := iamdb.Embedded()
	if err != nil {
		b.Fatal(err)
	}
	s := scaleSnapshot(db)
	w := unused.Window{Start: scaleStart, End: scaleStart.AddDate(0, 0, scaleDays)}
	runtime.GC()
	debug.FreeOSMemory()
	resetPeakRSS(b)
	c0 := cpuTime()
	var read, audited time.Duration
	for b.Loop() {
		t0 := time.Now()
		u, err := cloudtrail.ReadDir(context.Background(), dir, cloudtrail.Options{DB: db, Start: w.Start, End: w.End})
		if err != nil || len(u.Failures) > 0 {
			b.Fatal(err, u.Failures)
		}
		read += time.Since(t0)
		t1 := time.Now()
		a, err := Run(db, s, u, w)
		if err != nil {
			b.Fatal(err)
		}
		audited += time.Since(t1)
		if len(a.Principals) != scalePrincipals {
			b.Fatalf("%d principals audited, want %d", len(a.Principals), scalePrincipals)
		}
	}
	n := float64(b.N)
	b.ReportMetric(read.Seconds()/n, "read-s")
	b.ReportMetric(audited.Seconds()/n, "analyze-s")
	b.ReportMetric((cpuTime()-c0).Seconds()/n, "cpu-s")
	b.ReportMetric(float64(peakRSS(b))/(1<<20), "peak-RSS-MiB")
	b.ReportMetric(float64(events), "events")
}

// resetPeakRSS clears the process's peak resident set size (VmHWM), so
// that the generation and setup do not count.
func resetPeakRSS(b *testing.B) {
	if err := os.WriteFile("/proc/self/clear_refs", []byte("5"), 0); err != nil {
		b.Logf("peak RSS not reset: %v", err)
	}
}

// peakRSS returns VmHWM in bytes.
func peakRSS(b *testing.B) int64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		b.Logf("no peak RSS: %v", err)
		return 0
	}
	for line := range bytes.SplitSeq(data, []byte("\n")) {
		if v, ok := bytes.CutPrefix(line, []byte("VmHWM:")); ok {
			kb, _ := strconv.ParseInt(string(bytes.TrimSpace(bytes.TrimSuffix(bytes.TrimSpace(v), []byte("kB")))), 10, 64)
			return kb << 10
		}
	}
	return 0
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

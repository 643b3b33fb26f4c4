package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// auditExport names an export of the test account (the importer's test
// data; the GAAD here drops the administrator role, whose 22,000 actions
// would drown the golden files).
func auditExport(name string) string {
	if name == "gaad.json" {
		return filepath.Join("testdata", "audit", name)
	}
	return filepath.Join("..", "..", "backend", "audit", "importer", "testdata", name)
}

// writeTrail writes a CloudTrail log tree for the 90 days before
// 2026-11-01: one file a day in eu-west-1 in which role app sends an SQS
// message, and on 2026-10-01 is denied DeleteQueue.
func writeTrail(t *testing.T) string {
	t.Helper()
	root := t.TempDir()
	start := time.Date(2026, 8, 3, 0, 0, 0, 0, time.UTC)
	for i, d := 0, start; d.Before(time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)); i, d = i+1, d.AddDate(0, 0, 1) {
		dir := filepath.Join(root, "AWSLogs", "111122223333", "CloudTrail", "eu-west-1", d.Format("2006/01/02"))
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		records := []string{record(i, d.Add(10*time.Hour), "SendMessage", "")}
		if d.Format(time.DateOnly) == "2026-10-01" {
			records = append(records, record(1000+i, d.Add(11*time.Hour), "DeleteQueue", "AccessDenied"))
		}
		var buf bytes.Buffer
		zw := gzip.NewWriter(&buf)
		fmt.Fprintf(zw, `{"Records":[%s]}`, join(records))
		if err := zw.Close(); err != nil {
			t.Fatal(err)
		}
		name := fmt.Sprintf("111122223333_CloudTrail_eu-west-1_%sT2355Z_%016d.json.gz", d.Format("20060102"), i)
		if err := os.WriteFile(filepath.Join(dir, name), buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

func join(rs []string) string {
	var b bytes.Buffer
	for i, r := range rs {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(r)
	}
	return b.String()
}

// record is one SQS call by a session of role app.
func record(id int, at time.Time, name, errorCode string) string {
	errPart := ""
	if errorCode != "" {
		errPart = fmt.Sprintf(`"errorCode":%q,"errorMessage":"User is not authorized",`, errorCode)
	}
	category := "Data"
	if name == "DeleteQueue" {
		category = "Management"
	}
	return fmt.Sprintf(`{"eventVersion":"1.09","userIdentity":{"type":"AssumedRole","principalId":"AROAEXAMPLEAPP000001:i-0abc",`+
		`"arn":"arn:aws:sts::111122223333:assumed-role/app/i-0abc","accountId":"111122223333","accessKeyId":"ASIAEXAMPLE",`+
		`"sessionContext":{"sessionIssuer":{"type":"Role","principalId":"AROAEXAMPLEAPP000001","arn":"arn:aws:iam::111122223333:role/app",`+
		`"accountId":"111122223333","userName":"app"},"attributes":{"creationDate":"%s","mfaAuthenticated":"false"}}},`+
		`"eventTime":"%s","eventSource":"sqs.amazonaws.com","eventName":%q,"awsRegion":"eu-west-1","sourceIPAddress":"10.0.0.1",`+
		`"userAgent":"aws-sdk-go-v2","requestParameters":{"queueUrl":"https://sqs.eu-west-1.amazonaws.com/111122223333/jobs"},`+
		`"responseElements":null,%s"requestID":"r-%d","eventID":"00000000-0000-0000-0000-%012d","readOnly":false,`+
		`"eventType":"AwsApiCall","managementEvent":%t,"recipientAccountId":"111122223333","eventCategory":%q}`,
		at.Add(-time.Hour).Format(time.RFC3339), at.Format(time.RFC3339), name, errPart, id, id, category == "Management", category)
}

func TestAuditCLI(t *testing.T) {
	isolateCache(t)
	trail := writeTrail(t)
	exports := []string{"--authz", auditExport("gaad.json"), "--credential-report", auditExport("credential-report.csv"),
		"--password-policy", auditExport("password-policy.json"), "--org", auditExport("org.json"),
		"--resource-policies", auditExport("resource-policies.json"), "--access-advisor", auditExport("access-advisor.json"),
		"--event-selectors", auditExport("event-selectors.json"), "--end", "2026-11-01"}
	with := func(extra ...string) []string { return append(append([]string{"audit"}, exports...), extra...) }
	// A previous audit: the same account before the CloudTrail logs were read.
	previous := filepath.Join(t.TempDir(), "previous.json")
	var prev bytes.Buffer
	if code := run(context.Background(), with("--format", "json"), &Env{Stdin: strings.NewReader(""), Stdout: &prev, Stderr: io.Discard}); code != 0 {
		t.Fatalf("previous audit: exit %d", code)
	}
	if err := os.WriteFile(previous, bytes.Replace(prev.Bytes(), []byte(`"sqs:ReceiveMessage",`), nil, 1), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		args []string
	}{
		{"table", with("--cloudtrail", trail)},
		{"json", with("--cloudtrail", trail, "--format", "json")},
		{"markdown", with("--cloudtrail", trail, "--format", "markdown")},
		{"html", with("--cloudtrail", trail, "--format", "html")},
		{"sarif", with("--cloudtrail", trail, "--format", "sarif")},
		{"no-usage", with("--format", "json")},
		// The full test account, with its administrator role, as a table.
		{"table-admin", []string{"audit", "--authz", filepath.Join("..", "..", "backend", "audit", "importer", "testdata", "gaad.json"),
			"--org", auditExport("org.json"), "--event-selectors", auditExport("event-selectors.json"), "--credential-report", auditExport("credential-report.csv"),
			"--end", "2026-11-01", "--cloudtrail", trail}},
		{"drift", with("--cloudtrail", trail, "--previous", previous)},
		{"previous-not-audit", with("--previous", auditExport("org.json"))},
		{"no-input", []string{"audit"}},
		{"both-inputs", []string{"audit", "--authz", "a.json", "--bundle", "b.json"}},
		{"bad-format", with("--format", "pdf")},
		{"bad-window", with("--window", "ninety")},
		{"missing-file", []string{"audit", "--authz", "nope.json"}},
		{"bad-org", []string{"audit", "--authz", auditExport("gaad.json"), "--org", auditExport("gaad.json")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkGolden(t, filepath.Join("audit", tt.name+".golden"), runCLI(t, tt.args, trail, "TRAIL", previous, "PREVIOUS"))
		})
	}
}

func TestAuditQueryCLI(t *testing.T) {
	isolateCache(t)
	exports := []string{"--authz", auditExport("gaad.json"), "--org", auditExport("org.json"), "--resource-policies", auditExport("resource-policies.json")}
	with := func(q string, extra ...string) []string {
		return append(append([]string{"audit", "query", q}, exports...), extra...)
	}
	tests := []struct {
		name string
		args []string
	}{
		{"who-can", with("who can sqs:SendMessage on arn:aws:sqs:eu-west-1:111122223333:jobs")},
		{"who-can-json", with("who can s3:GetObject on arn:aws:s3:::app-config/settings.json", "--format", "json")},
		{"what-can", with("what can alice do")},
		{"bundle", []string{"audit", "query", "what can app do on arn:aws:sqs:eu-west-1:111122223333:jobs", "--bundle",
			filepath.Join("..", "..", "backend", "audit", "importer", "testdata", "account.bundle.json")}},
		{"syntax-error", with("who cn s3:GetObject")},
		{"unknown-principal", with("what can bob do")},
		{"no-input", []string{"audit", "query", "who can s3:GetObject"}},
		{"no-query", []string{"audit", "query", "--bundle", "b.json"}},
		{"bad-format", with("what can app do", "--format", "yaml")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkGolden(t, filepath.Join("audit", "query-"+tt.name+".golden"), runCLI(t, tt.args))
		})
	}
}

// TestAuditBundleRoundTrip checks that an audit of a written bundle equals
// the audit of the exports it came from.
func TestAuditBundleRoundTrip(t *testing.T) {
	isolateCache(t)
	trail := writeTrail(t)
	file := filepath.Join(t.TempDir(), "acct.bundle.json.gz")
	direct := runCLI(t, []string{"audit", "--authz", auditExport("gaad.json"), "--access-advisor", auditExport("access-advisor.json"),
		"--cloudtrail", trail, "--end", "2026-11-01", "--format", "json", "--write-bundle", file})
	again := runCLI(t, []string{"audit", "--bundle", file, "--end", "2026-11-01", "--format", "json"})
	stdout := func(s string) string { out, _, _ := strings.Cut(s, "--- stderr"); return out }
	if stdout(direct) != stdout(again) {
		t.Errorf("the bundle's audit differs from the direct audit:\n%s\nvs\n%s", direct, again)
	}
}

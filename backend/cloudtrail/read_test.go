package cloudtrail

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"flag"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/aegis-iam/aegis/backend/audit"
	"github.com/aegis-iam/aegis/backend/iamdb"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// The fixture window: two days of June 2025.
var (
	fixStart = time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)
	fixEnd   = time.Date(2025, 6, 3, 0, 0, 0, 0, time.UTC)
)

func testDB(t testing.TB) *iamdb.DB {
	t.Helper()
	db, err := iamdb.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	return db
}

// gzipTree copies testdata/trail into a temporary directory, gzipping
// every .json file into the .json.gz a trail delivers, and returns the
// copy's root. The fixtures stay readable in the repository.
func gzipTree(t *testing.T) string {
	t.Helper()
	src := filepath.Join("testdata", "trail")
	dst := t.TempDir()
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		writeGz(t, filepath.Join(dst, rel+".gz"), data)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst
}

func writeGz(t *testing.T, path string, data []byte) {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(data)
	zw.Close()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// relative rewrites failure paths relative to root, for golden files.
func relative(u *audit.Usage, root string) {
	for i := range u.Failures {
		if rel, err := filepath.Rel(root, u.Failures[i].Source); err == nil {
			u.Failures[i].Source = filepath.ToSlash(rel)
		}
	}
}

func golden(t *testing.T, name string, got any) {
	t.Helper()
	b, err := json.MarshalIndent(got, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	b = append(b, '\n')
	path := filepath.Join("testdata", "golden", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	var g, w any
	if err := json.Unmarshal(b, &g); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(want, &w); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(w, g); diff != "" {
		t.Errorf("%s differs (-want +got):\n%s", path, diff)
	}
}

// TestFixtures reads hand-written records of every identity type in an
// organization trail's layout, with an account trail delivering copies,
// digest and Insight files beside them, and compares the aggregate with
// the golden file.
func TestFixtures(t *testing.T) {
	root := gzipTree(t)
	u, err := ReadDir(context.Background(), root, Options{DB: testDB(t), Start: fixStart, End: fixEnd})
	if err != nil {
		t.Fatal(err)
	}
	relative(u, root)
	golden(t, "fixtures.json", u)

	// The facts the golden file must show, spelled out.
	rows := map[string]audit.UsageRow{}
	for _, r := range u.Rows {
		rows[r.Principal+" "+r.Action+" "+string(r.Outcome)] = r
	}
	const (
		alice    = "arn:aws:iam::111122223333:user/people/alice"
		deployer = "arn:aws:iam::111122223333:role/ci/deployer"
		app      = "arn:aws:iam::111122223333:role/app"
	)
	checks := []struct {
		key   string
		count int64
		data  bool
	}{
		// three distinct ListBuckets events; the copies in the account
		// trail and in the next day's file are dropped
		{alice + " s3:ListAllMyBuckets ok", 3, false},
		// FederatedUser: the issuing user
		{alice + " ec2:DescribeInstances ok", 1, false},
		// an error after authorization is a use
		{alice + " iam:GetUser error", 1, false},
		{deployer + " s3:GetObject ok", 1, true},
		{deployer + " lambda:UpdateFunctionCode ok", 1, false},
		// eventVersion 1.06: no eventCategory, managementEvent false
		{deployer + " lambda:InvokeFunction ok", 1, true},
		{"arn:aws:iam::111122223333:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_ReadOnly_0123456789abcdef iam:ListRoles ok", 1, false},
		{"arn:aws:iam::111122223333:root iam:CreateUser ok", 1, false},
		{app + " kms:ReEncryptFrom ok", 1, false},
		{app + " kms:ReEncryptTo ok", 1, false},
		{app + " iam:DeleteRole denied", 1, false},
		{app + " ec2:TerminateInstances denied", 1, false},
		{"arn:aws:iam::444455556666:role/data/etl sts:AssumeRole ok", 1, false},
	}
	for _, c := range checks {
		r, ok := rows[c.key]
		if !ok || r.Count != c.count || r.Data != c.data || r.Uncertain {
			t.Errorf("row %q = %+v (present %v), want count %d data %v", c.key, r, ok, c.count, c.data)
		}
	}
	if r := rows[app+" dynamodb:PartiQLSelect ok"]; !r.Uncertain || r.Used() {
		t.Errorf("ExecuteStatement should give uncertain PartiQL rows, got %+v", r)
	}
	if _, ok := rows[alice+" iam:ListUsers ok"]; ok {
		t.Error("an event before the window was counted")
	}
	if _, ok := rows[alice+" iam:ListGroups ok"]; ok {
		t.Error("an event at the window's end was counted")
	}
	wantExcluded := map[string]int64{"AWSService": 1, "AWSAccount": 1, "SAMLUser": 1, "WebIdentityUser": 1,
		"AwsServiceEvent": 1, "AwsConsoleSignIn": 1, "AssumedRole without sessionIssuer": 1}
	if diff := cmp.Diff(wantExcluded, u.Excluded); diff != "" {
		t.Errorf("excluded (-want +got):\n%s", diff)
	}
	if len(u.Unmapped) != 2 {
		t.Errorf("unmapped = %+v, want the s3 and the unknown-service events", u.Unmapped)
	}
	if len(u.Failures) != 0 {
		t.Errorf("failures = %+v: digest and Insight files must be skipped", u.Failures)
	}
	gaps := u.Coverage.Gaps(fixStart, fixEnd)
	wantGaps := []audit.Gap{{Account: "444455556666", Region: "eu-west-1", From: "2025-06-02", To: "2025-06-02", Reason: audit.GapNoLogs}}
	if diff := cmp.Diff(wantGaps, gaps); diff != "" {
		t.Errorf("gaps (-want +got):\n%s", diff)
	}
}

// TestPartialFailure: a corrupt gzip and a truncated JSON document are
// reported with their file and position; the other files still count and
// the broken files' days become gaps.
func TestPartialFailure(t *testing.T) {
	root := gzipTree(t)
	day := filepath.Join(root, "AWSLogs", "o-a1b2c3d4e5", "111122223333", "CloudTrail", "us-east-1", "2025", "06", "02")
	corrupt := filepath.Join(day, "111122223333_CloudTrail_us-east-1_20250602T0100Z_CorruptGzip00001.json.gz")
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(bytes.Repeat([]byte(`{"Records":[]}`), 100))
	zw.Close()
	b := buf.Bytes()
	b[len(b)/2] ^= 0xff // flip a byte in the deflate stream
	if err := os.WriteFile(corrupt, b, 0o644); err != nil {
		t.Fatal(err)
	}
	src, err := os.ReadFile(filepath.Join("testdata", "trail", "AWSLogs", "o-a1b2c3d4e5", "111122223333", "CloudTrail", "us-east-1", "2025", "06", "02",
		"111122223333_CloudTrail_us-east-1_20250602T0010Z_Bb2Cc3Dd4Ee5Ff6G.json"))
	if err != nil {
		t.Fatal(err)
	}
	truncated := filepath.Join(day, "111122223333_CloudTrail_us-east-1_20250602T0200Z_TruncatedJSON001.json.gz")
	writeGz(t, truncated, src[:1500])
	// A file outside the layout is reported too.
	writeGz(t, filepath.Join(root, "stray.json.gz"), src)

	u, err := ReadDir(context.Background(), root, Options{DB: testDB(t), Start: fixStart, End: fixEnd})
	if err != nil {
		t.Fatal(err)
	}
	byFile := map[string]audit.SourceFailure{}
	for _, f := range u.Failures {
		byFile[filepath.Base(f.Source)] = f
	}
	if len(byFile) != 3 {
		t.Fatalf("failures = %+v, want the corrupt, the truncated and the stray file", u.Failures)
	}
	if f := byFile[filepath.Base(corrupt)]; f.Source != corrupt || !strings.Contains(f.Err, "gzip") || f.Day != "2025-06-02" {
		t.Errorf("corrupt gzip failure = %+v", f)
	}
	f := byFile[filepath.Base(truncated)]
	if f.Source != truncated || f.Offset != 1500 || f.Line != 1 || !strings.Contains(f.Err, "1:1501: unexpected end of data") {
		t.Errorf("truncated JSON failure = %+v, want offset 1500 at 1:1501", f)
	}
	if f := byFile["stray.json.gz"]; !strings.Contains(f.Err, "not in the CloudTrail layout") {
		t.Errorf("stray file failure = %+v", f)
	}
	// The day of the broken files is a gap; the good file of that day
	// still counts (alice's ListBuckets of 2025-06-02).
	gaps := u.Coverage.Gaps(fixStart, fixEnd)
	want := audit.Gap{Account: "111122223333", Region: "us-east-1", From: "2025-06-02", To: "2025-06-02", Reason: audit.GapFailed}
	if len(gaps) == 0 || gaps[0] != want {
		t.Errorf("gaps = %+v, want first %+v", gaps, want)
	}
	for _, r := range u.Rows {
		if r.Action == "s3:ListAllMyBuckets" && r.Count != 3 {
			t.Errorf("ListAllMyBuckets count = %d, want 3", r.Count)
		}
	}
}

func TestReadOptions(t *testing.T) {
	db := testDB(t)
	ctx := context.Background()
	if _, err := Read(ctx, nil, Options{Start: fixStart, End: fixEnd}); err == nil {
		t.Error("no database: want an error")
	}
	if _, err := Read(ctx, nil, Options{DB: db, Start: fixEnd, End: fixStart}); err == nil {
		t.Error("inverted window: want an error")
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	root := gzipTree(t)
	if _, err := ReadDir(cancelled, root, Options{DB: db, Start: fixStart, End: fixEnd}); err == nil {
		t.Error("cancelled: want an error")
	}
	// Progress reports every file of the window once.
	var calls, total int
	if _, err := ReadDir(ctx, root, Options{DB: db, Start: fixStart, End: fixEnd, Workers: 3,
		Progress: func(done, n int) { calls, total = done, n }}); err != nil {
		t.Fatal(err)
	}
	if calls != 4 || total != 4 {
		t.Errorf("progress ended at %d/%d, want 4/4", calls, total)
	}
}

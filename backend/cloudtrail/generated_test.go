package cloudtrail

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/aegis-iam/aegis/backend/audit"
	"github.com/aegis-iam/aegis/backend/cloudtrail/ctgen"
)

// TestGroundTruth: a generated tree, with the truth written by hand as the
// generator's input, reads back exactly: counts per principal and action,
// denied calls apart, duplicates from an account trail dropped, sidecars
// skipped, the missing day a gap.
func TestGroundTruth(t *testing.T) {
	const acct = "111122223333"
	start := time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)
	role := ctgen.Identity{Type: "AssumedRole", ARN: "arn:aws:iam::" + acct + ":role/service/api"}
	user := ctgen.Identity{Type: "IAMUser", ARN: "arn:aws:iam::" + acct + ":user/ops/dana"}
	spec := ctgen.Spec{Seed: 11, Start: start, Days: 5, Org: "o-a1b2c3d4e5", AccountTrail: []string{acct}, Sidecars: true, FilesPerDay: 3,
		Calls: []ctgen.Call{
			{Account: acct, Region: "us-east-1", Identity: role, Source: "s3.amazonaws.com", Name: "GetObject", Data: true, Count: 40},
			{Account: acct, Region: "us-east-1", Identity: role, Source: "s3.amazonaws.com", Name: "ListObjectsV2", Count: 9},
			{Account: acct, Region: "eu-west-1", Identity: role, Source: "lambda.amazonaws.com", Name: "GetFunction20150331v2", Count: 4, Days: []int{0, 4}},
			{Account: acct, Region: "us-east-1", Identity: user, Source: "iam.amazonaws.com", Name: "DeleteUser", ErrorCode: "AccessDenied", Count: 2, Days: []int{3}},
			{Account: acct, Region: "us-east-1", Identity: user, Source: "iam.amazonaws.com", Name: "ListUsers", Count: 7},
			{Account: acct, Region: "us-east-1", Identity: ctgen.Identity{Type: "AWSService", ARN: "ec2.amazonaws.com"}, Source: "kms.amazonaws.com", Name: "Decrypt", Count: 5},
		},
		Missing: []ctgen.Missing{{Account: acct, Region: "eu-west-1", Day: 2}},
	}
	dir := t.TempDir()
	if _, err := ctgen.Write(dir, spec); err != nil {
		t.Fatal(err)
	}
	u, err := ReadDir(context.Background(), dir, Options{DB: testDB(t), Start: start, End: start.AddDate(0, 0, 5)})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]int64{}
	for _, r := range u.Rows {
		got[r.Principal+" "+r.Action+" "+string(r.Outcome)] = r.Count
	}
	want := map[string]int64{
		role.ARN + " s3:GetObject ok":       40,
		role.ARN + " s3:ListBucket ok":      9,
		role.ARN + " lambda:GetFunction ok": 4,
		user.ARN + " iam:DeleteUser denied": 2,
		user.ARN + " iam:ListUsers ok":      7,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("rows (-want +got):\n%s", diff)
	}
	if u.Excluded["AWSService"] != 5 || len(u.Failures) != 0 {
		t.Errorf("excluded %v, failures %v", u.Excluded, u.Failures)
	}
	gaps := u.Coverage.Gaps(start, start.AddDate(0, 0, 5))
	wantGaps := []audit.Gap{{Account: acct, Region: "eu-west-1", From: "2025-06-03", To: "2025-06-03", Reason: audit.GapNoLogs}}
	if diff := cmp.Diff(wantGaps, gaps); diff != "" {
		t.Errorf("gaps (-want +got):\n%s", diff)
	}
}

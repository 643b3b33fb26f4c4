package athenasql

import (
	"fmt"
	"testing"
	"time"

	"github.com/aegis-iam/aegis/backend/audit"
	"github.com/aegis-iam/aegis/backend/iamdb"
)

// BenchmarkDecodeAndMap: an organization-sized query result (50,000 rows:
// 2,000 principals × 25 events, one unmapped) decoded and mapped to usage rows.
func BenchmarkDecodeAndMap(b *testing.B) {
	db, err := iamdb.Embedded()
	if err != nil {
		b.Fatal(err)
	}
	events := map[string][]string{
		"s3.amazonaws.com":     {"GetObject", "PutObject", "ListObjectsV2", "HeadObject", "DeleteObject"},
		"iam.amazonaws.com":    {"ListUsers", "GetRole", "ListRoles", "GetPolicy", "ListAttachedRolePolicies"},
		"ec2.amazonaws.com":    {"DescribeInstances", "RunInstances", "DescribeVpcs", "CreateTags", "TerminateInstances"},
		"sts.amazonaws.com":    {"AssumeRole", "GetCallerIdentity", "GetSessionToken", "DecodeAuthorizationMessage", "TagSession"},
		"lambda.amazonaws.com": {"Invoke", "GetFunction20150331v2", "ListFunctions20150331", "UpdateFunctionCode20150331v2", "NewPreviewCall"},
	}
	var rows [][]*string
	for p := range 2000 {
		for src, names := range events {
			for _, name := range names {
				rows = append(rows, cells("111122223333", fmt.Sprintf("arn:aws:iam::111122223333:role/r%04d", p), src, name,
					"ok", "17", "2025-06-01T10:00:00Z", "2025-06-02T11:00:00Z", "0"))
			}
		}
	}
	w := Window{Start: time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC), End: time.Date(2025, 6, 3, 0, 0, 0, 0, time.UTC)}
	b.ReportAllocs()
	for b.Loop() {
		counts, err := Decode(Columns, rows)
		if err != nil {
			b.Fatal(err)
		}
		if u := Usage(db, w, counts, audit.Coverage{}); len(u.Rows) == 0 {
			b.Fatal("no rows")
		}
	}
	b.ReportMetric(float64(len(rows)), "rows/op")
}

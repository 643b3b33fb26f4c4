package generate

import (
	"strings"
	"testing"
)

func TestRegionProblem(t *testing.T) {
	tests := []struct {
		name, region, partition string
		want                    string // substring; "" means valid
	}{
		{"valid", "eu-west-1", "", ""},
		{"valid in partition", "us-gov-west-1", "aws-us-gov", ""},
		{"typo", "us-five-1", "", "us-five-1 is not an AWS Region — did you mean"},
		{"transposed", "eu-wset-1", "", "did you mean eu-west-1"},
		{"wrong partition", "cn-north-1", "aws", "is a Region of the aws-cn partition"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := regionProblem(tt.region, tt.partition)
			if (tt.want == "") != (got == "") || !strings.Contains(got, tt.want) {
				t.Errorf("regionProblem(%q, %q) = %q, want %q", tt.region, tt.partition, got, tt.want)
			}
		})
	}
}

func TestNameRules(t *testing.T) {
	tests := []struct {
		name  string
		check func(string) string
		value string
		ok    bool
	}{
		{"bucket ok", bucketNameProblem, "my-bucket.example", true},
		{"bucket upper", bucketNameProblem, "My_Bucket", false},
		{"bucket ip", bucketNameProblem, "192.168.1.1", false},
		{"bucket dots", bucketNameProblem, "a..b", false},
		{"bucket reserved prefix", bucketNameProblem, "xn--bucket", false},
		{"bucket short", bucketNameProblem, "ab", false},
		{"table ok", dynamoNameProblem, "users.v2", true},
		{"table short", dynamoNameProblem, "ab", false},
		{"queue fifo", queueNameProblem, "orders.fifo", true},
		{"queue dot", queueNameProblem, "orders.v1", false},
		{"lambda long", lambdaNameProblem, strings.Repeat("a", 65), false},
		{"kms uuid", kmsKeyProblem, "1234abcd-12ab-34cd-56ef-1234567890ab", true},
		{"kms alias", kmsKeyProblem, "alias/app", true},
		{"kms name", kmsKeyProblem, "my key", false},
		{"instance", instanceIDProblem, "i-0abcd1234ef567890", true},
		{"instance bad", instanceIDProblem, "web-1", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.check(tt.value); (got == "") != tt.ok {
				t.Errorf("check(%q) = %q, want ok=%v", tt.value, got, tt.ok)
			}
		})
	}
	if accountProblem("123456789012") != "" || accountProblem("12345") == "" {
		t.Error("accountProblem misjudges 12-digit IDs")
	}
}

func TestARNProblem(t *testing.T) {
	e := newTestEngine(t)
	table, _ := kindFor("dynamodb", "table")
	if typ, msg := arnProblem(e.db, table, "arn:aws:dynamodb:us-east-1:123456789012:table/users"); msg != "" || typ != "table" {
		t.Errorf("table ARN: type %q, problem %q", typ, msg)
	}
	for _, bad := range []string{"arn:aws:s3:::bucket", "not-an-arn", "arn:aws-moon:dynamodb:us-east-1:123456789012:table/users"} {
		if _, msg := arnProblem(e.db, table, bad); msg == "" {
			t.Errorf("arnProblem(%q): no problem reported", bad)
		}
	}
}

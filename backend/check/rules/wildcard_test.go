package rules

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/aegis-iam/aegis/backend/policy"
)

// TestWildcardEngine checks that the wildcard rules follow the evaluator:
// Deny statements remove findings, NotAction is expanded, and each
// statement is reported by one of the overlapping rules only.
func TestWildcardEngine(t *testing.T) {
	const head = `{"Version":"2012-10-17","Statement":[`
	tests := []struct {
		name, src string
		want      []string
	}{
		{"admin", head + `{"Effect":"Allow","Action":"*","Resource":"*"}]}`,
			[]string{"AEG-WILD-001 1:65 Action"}},
		{"admin minus one service is NotAction-like", head + `{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","Action":"kms:*","Resource":"*"}]}`,
			[]string{"AEG-WILD-002 1:65 Action"}},
		{"service wildcard denied", head + `{"Effect":"Allow","Action":"s3:*","Resource":"*"},{"Effect":"Deny","Action":"s3:*","Resource":"*"}]}`, nil},
		{"service wildcard partly denied stays", head + `{"Effect":"Allow","Action":"sqs:*","Resource":"arn:aws:sqs:eu-west-1:123456789012:q"},{"Effect":"Deny","Action":"sqs:Delete*","Resource":"*"}]}`,
			[]string{"AEG-WILD-003 1:65 Action"}},
		{"mixed case service wildcard", head + `{"Effect":"Allow","Action":"KMS:*","Resource":"arn:aws:kms:eu-west-1:123456789012:key/k"}]}`,
			[]string{"AEG-WILD-004 1:65 Action"}},
		{"NotAction on scoped resource is medium", head + `{"Effect":"Allow","NotAction":"iam:*","Resource":"arn:aws:s3:::b/*"}]}`,
			[]string{"AEG-WILD-009 1:68 NotAction"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, findingsOf(t, policy.KindIdentity, tt.src, "AEG-WILD-00")); diff != "" {
				t.Errorf("findings (-want +got):\n%s", diff)
			}
		})
	}
}

func TestServiceWide(t *testing.T) {
	tests := map[string]string{"s3:*": "s3", "S3:*": "s3", "s3:G*": "", "*": "", "*:*": "", "s3*:*": "", "ec2:*?": "ec2"}
	for in, want := range tests {
		if got := serviceWide(in); got != want {
			t.Errorf("serviceWide(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestCoversAllOfType(t *testing.T) {
	d := db(t)
	tests := map[string]bool{
		"arn:aws:s3:::*":                          true,
		"arn:aws:s3:::*/*":                        true,
		"arn:aws:dynamodb:*:*:table/*":            true,
		"arn:aws:logs:*:*:log-group:*":            true,
		"arn:aws:dynamodb:*:123456789012:table/*": false,
		"arn:aws:s3:::reports-*":                  false,
		"arn:aws:s3:::b/*":                        false,
	}
	for in, want := range tests {
		if got := coversAllOfType(d, in); got != want {
			t.Errorf("coversAllOfType(%q) = %v, want %v", in, got, want)
		}
	}
}

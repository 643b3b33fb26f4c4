package awsapi

import "testing"

func TestIsRoleARN(t *testing.T) {
	for _, tc := range []struct {
		arn  string
		want bool
	}{
		{"arn:aws:iam::111122223333:role/AegisAthena", true},
		{"arn:aws:iam::111122223333:role/log-archive/aegis-athena", true},
		{"arn:aws-us-gov:iam::111122223333:role/x", true},
		{"arn:aws:iam::111122223333:user/x", false},
		{"arn:aws:iam::1111:role/x", false},
		{"arn:aws:iam::111122223333:role/", false},
		{"arn:aws:iam::111122223333:role/*", false},
		{"AegisAthena", false},
		{"", false},
	} {
		if got := IsRoleARN(tc.arn); got != tc.want {
			t.Errorf("IsRoleARN(%q) = %v, want %v", tc.arn, got, tc.want)
		}
	}
}

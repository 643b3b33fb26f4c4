package awsapi

import (
	"context"
	"testing"

	"github.com/aegis-iam/aegis/backend/awsapi/awsapitest"
	"github.com/google/go-cmp/cmp"
)

// TestEnabledRegions lists the regions that need no opt-in or are opted
// in, never those not opted in; a refusal is AccessDenied.
func TestEnabledRegions(t *testing.T) {
	files := setupHome(t)
	awsapitest.NewFake(t)
	f := awsapitest.NewEC2(t, "eu-west-1", "me-south-1 opted-in", "ap-east-1 not-opted-in", "us-east-1")
	sess, err := newTestProfiles(t, files, Options{}).Session(context.Background(), "static", "")
	if err != nil {
		t.Fatal(err)
	}
	got, err := sess.EnabledRegions(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"eu-west-1", "me-south-1", "us-east-1"}, got); diff != "" {
		t.Errorf("regions (-want +got):\n%s", diff)
	}
	f.Deny("DescribeRegions")
	if _, err := sess.EnabledRegions(context.Background()); !IsAccessDenied(err) {
		t.Errorf("denied: %v", err)
	}
}

package awsapi

import (
	"context"
	"testing"

	"github.com/aegis-iam/aegis/backend/awsapi/awsapitest"
)

// BenchmarkList measures listing the 15 profiles of testdata/config (the
// Settings page's load), each resolved by the SDK's shared-config loader.
func BenchmarkList(b *testing.B) {
	h := awsapitest.SetupHome(b)
	p, err := NewProfiles(Options{Files: SharedFiles{Config: h.ConfigFile, Credentials: h.CredentialsFile}})
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if list, err := p.List(context.Background()); err != nil || len(list) != 15 {
			b.Fatal(len(list), err)
		}
	}
}

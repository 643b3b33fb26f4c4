package awsapi

import (
	"testing"

	"github.com/aegis-iam/aegis/backend/awsapi/awsapitest"
)

func setupHome(t *testing.T) SharedFiles {
	t.Helper()
	h := awsapitest.SetupHome(t)
	return SharedFiles{Config: h.ConfigFile, Credentials: h.CredentialsFile}
}

func newTestProfiles(t *testing.T, files SharedFiles, opts Options) *Profiles {
	t.Helper()
	opts.Files = files
	p, err := NewProfiles(opts)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

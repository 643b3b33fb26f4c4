package awsapitest

import (
	"crypto/sha1"
	_ "embed"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Home is a temporary HOME with a shared config holding every kind of
// profile (see testdata/config).
type Home struct {
	Dir             string
	ConfigFile      string
	CredentialsFile string
}

// SetupHome makes a temporary HOME holding testdata's config, credentials
// and credential_process script, and clears every AWS setting of the
// environment that could leak in from the machine running the tests.
func SetupHome(t testing.TB) Home {
	t.Helper()
	home := t.TempDir()
	t.Setenv("HOME", home)
	for _, k := range []string{"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE",
		"AWS_DEFAULT_PROFILE", "AWS_REGION", "AWS_DEFAULT_REGION", "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE",
		"AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ROLE_ARN", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_STS",
		"AWS_ENDPOINT_URL_SSO", "AWS_ENDPOINT_URL_SSO_OIDC", "AWS_CONTAINER_CREDENTIALS_FULL_URI",
		"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"} {
		t.Setenv(k, "")
	}
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	dir := filepath.Join(home, ".aws")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	h := Home{Dir: home, ConfigFile: filepath.Join(dir, "config"), CredentialsFile: filepath.Join(dir, "credentials")}
	writeFile(t, ConfigText, h.ConfigFile, home)
	writeFile(t, credentialsFile, h.CredentialsFile, home)
	writeFile(t, procScript, filepath.Join(home, "proc.sh"), home)
	if err := os.WriteFile(filepath.Join(home, "web-token"), []byte("eyJ.web.identity"), 0o600); err != nil {
		t.Fatal(err)
	}
	return h
}

func writeFile(t testing.TB, data, to, home string) {
	t.Helper()
	if err := os.WriteFile(to, []byte(strings.ReplaceAll(data, "@HOME@", home)), 0o600); err != nil {
		t.Fatal(err)
	}
}

// ConfigText is testdata/config: @HOME@ stands for the temporary HOME.
//
//go:embed testdata/config
var ConfigText string

//go:embed testdata/credentials
var credentialsFile string

//go:embed testdata/proc.sh
var procScript string

// SSOCachePath is where the AWS CLI and SDKs keep the IAM Identity Center
// token of a session name or legacy start URL:
// $HOME/.aws/sso/cache/<hex SHA-1 of key>.json.
func SSOCachePath(t testing.TB, key string) string {
	t.Helper()
	home, err := os.UserHomeDir()
	if err != nil {
		t.Fatal(err)
	}
	sum := sha1.Sum([]byte(key))
	return filepath.Join(home, ".aws", "sso", "cache", hex.EncodeToString(sum[:])+".json")
}

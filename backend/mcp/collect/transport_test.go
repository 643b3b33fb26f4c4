package collect_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http/httptest"
	"os"
	"testing"

	"github.com/aegis-iam/aegis/backend/awsapi"
	"github.com/aegis-iam/aegis/backend/mcp"
	"github.com/aegis-iam/aegis/backend/mcp/awsserver"
	"github.com/aegis-iam/aegis/backend/mcp/collect"
	"github.com/aegis-iam/aegis/backend/mcp/collect/collecttest"
	"github.com/google/go-cmp/cmp"
)

// serveEnv makes the test binary the built-in AWS server on stdio, for
// TestStdioChild.
const serveEnv = "AEGIS_COLLECT_TEST_SERVE"

// parentOnly is set in the parent only: a child that sees it inherited
// the app's environment.
const parentOnly = "AEGIS_COLLECT_TEST_PARENT_ONLY"

func TestMain(m *testing.M) {
	if os.Getenv(serveEnv) == "" {
		os.Exit(m.Run())
	}
	if os.Getenv(parentOnly) != "" {
		fmt.Fprintln(os.Stderr, "the server inherited the parent's environment")
		os.Exit(3)
	}
	ctx := context.Background()
	profiles, err := awsapi.NewProfiles(awsapi.Options{})
	if err == nil {
		var r awsserver.Readers
		if r, err = awsserver.FromProfile(ctx, profiles, os.Getenv(serveEnv), ""); err == nil {
			s, _ := awsserver.New(r, "test")
			err = mcp.ServeStdio(ctx, s, os.Stdin, os.Stdout, os.Stderr)
		}
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	os.Exit(0)
}

// TestStdioChild collects through a server launched as a child process
// over stdio with only the environment it is given (the profile, the
// endpoints) and where the user's files are: the same snapshot as the
// offline import, and nothing else of the parent's environment inherited.
func TestStdioChild(t *testing.T) {
	a := collecttest.New(t)
	t.Setenv(parentOnly, "secret")
	env := []string{serveEnv + "=" + collecttest.Profile}
	for _, k := range []string{"AWS_ENDPOINT_URL_STS", "AWS_ENDPOINT_URL_IAM", "AWS_ENDPOINT_URL_CLOUDTRAIL", "AWS_ENDPOINT_URL_ORGANIZATIONS", "AWS_EC2_METADATA_DISABLED",
		"AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL_KMS", "AWS_ENDPOINT_URL_SQS", "AWS_ENDPOINT_URL_SNS", "AWS_ENDPOINT_URL_LAMBDA",
		"AWS_ENDPOINT_URL_SECRETS_MANAGER", "AWS_ENDPOINT_URL_ECR", "AWS_ENDPOINT_URL_EC2"} {
		env = append(env, k+"="+os.Getenv(k))
	}
	var stderr bytes.Buffer
	ctx := context.Background()
	c, err := collect.Stdio(ctx, os.Args[0], []string{"-test.run=^$"}, env, &stderr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	res, err := collect.Collect(ctx, c, collect.Options{CollectedAt: collecttest.CollectedAt})
	if err != nil {
		t.Fatalf("Collect: %v; server stderr: %s", err, stderr.String())
	}
	if len(res.Gaps) != 0 {
		t.Errorf("gaps: %v", res.Gaps)
	}
	want := collecttest.Comparable(t, collecttest.Offline(t, a.Files))
	if diff := cmp.Diff(want, collecttest.Comparable(t, res.Snapshot)); diff != "" {
		t.Errorf("live snapshot over stdio differs from the offline import (-offline +live):\n%s", diff)
	}
}

// TestHTTP collects over streamable HTTP from the built-in server behind
// Aegis's bearer-token handler.
func TestHTTP(t *testing.T) {
	a := collecttest.New(t)
	const token = "collect-test-token-0123456789"
	h, err := mcp.HTTPHandler(a.Server(t), token)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()
	ctx := context.Background()
	c, err := collect.HTTP(ctx, srv.URL+"/mcp", map[string]string{"Authorization": "Bearer " + token})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	res, err := collect.Collect(ctx, c, collect.Options{CollectedAt: collecttest.CollectedAt})
	if err != nil {
		t.Fatalf("Collect: %v", err)
	}
	if len(res.Gaps) != 0 {
		t.Errorf("gaps: %v", res.Gaps)
	}
	want := collecttest.Comparable(t, collecttest.Offline(t, a.Files))
	if diff := cmp.Diff(want, collecttest.Comparable(t, res.Snapshot)); diff != "" {
		t.Errorf("live snapshot over HTTP differs from the offline import (-offline +live):\n%s", diff)
	}
}

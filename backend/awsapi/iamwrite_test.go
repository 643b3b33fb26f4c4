package awsapi

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/aegis-iam/aegis/backend/awsapi/awsapitest"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iam"
)

const ssmCore = "arn:aws:iam::123456789012:policy/ssm-core"

func iamWriter(t *testing.T) (*IAMWriter, *awsapitest.IAM) {
	t.Helper()
	gaad, err := os.ReadFile(gaadFixture)
	if err != nil {
		t.Fatal(err)
	}
	f := awsapitest.NewIAM(t, awsapitest.IAMAccount{GAAD: gaad}, 100)
	cfg := aws.Config{Region: "us-east-1", Credentials: credentials.NewStaticCredentialsProvider("AKIAWRITEREXAMPLE", "secret", "")}
	return NewIAMWriter(cfg, func(o *iam.Options) { o.BaseEndpoint = aws.String(f.URL) }), f
}

// TestWriterReadsAndWrites walks the calls remediation makes through the
// SDK and the fake's wire protocol, with IAM's own refusals.
func TestWriterReadsAndWrites(t *testing.T) {
	w, f := iamWriter(t)
	ctx := context.Background()
	doc := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::app-config/*"}]}`
	call := func(op string, kv ...string) (map[string]string, error) {
		p := map[string]string{}
		for i := 0; i+1 < len(kv); i += 2 {
			p[kv[i]] = kv[i+1]
		}
		return w.Do(ctx, IAMCall{Operation: op, Params: p})
	}

	if _, err := call("PutRolePolicy", "RoleName", "app-server", "PolicyName", "config-read", "PolicyDocument", doc); err != nil {
		t.Fatal(err)
	}
	got, ok, err := w.InlinePolicy(ctx, "role", "app-server", "config-read")
	if err != nil || !ok || got != doc {
		t.Errorf("InlinePolicy = %q, %v, %v; want the document written", got, ok, err)
	}
	if _, ok, err := w.InlinePolicy(ctx, "role", "app-server", "missing"); ok || err != nil {
		t.Errorf("a missing inline policy: found %v, err %v", ok, err)
	}

	for i := 0; i < 3; i++ {
		out, err := call("CreatePolicyVersion", "PolicyArn", ssmCore, "PolicyDocument", doc, "SetAsDefault", "false")
		if err != nil || out["VersionId"] == "" {
			t.Fatalf("CreatePolicyVersion %d: %v, %v", i, out, err)
		}
	}
	_, err = call("CreatePolicyVersion", "PolicyArn", ssmCore, "PolicyDocument", doc, "SetAsDefault", "true")
	if ErrorCode(err) != "LimitExceeded" {
		t.Errorf("a sixth version: err = %v, want LimitExceeded", err)
	}
	mp, err := w.ManagedPolicy(ctx, ssmCore)
	if err != nil || len(mp.Versions) != 5 || mp.DefaultVersion != "v2" || mp.Versions[0].ID != "v1" || mp.Versions[4].ID != "v5" || mp.AttachmentCount != 1 {
		t.Fatalf("ManagedPolicy = %+v, %v", mp, err)
	}
	if _, err := call("DeletePolicyVersion", "PolicyArn", ssmCore, "VersionId", "v2"); ErrorCode(err) != "DeleteConflict" {
		t.Errorf("deleting the default version: err = %v, want DeleteConflict", err)
	}
	if _, err := call("DeletePolicy", "PolicyArn", ssmCore); ErrorCode(err) != "DeleteConflict" {
		t.Errorf("deleting an attached policy: err = %v, want DeleteConflict", err)
	}
	if mp, err := w.ManagedPolicy(ctx, "arn:aws:iam::123456789012:policy/none"); mp != nil || err != nil {
		t.Errorf("a missing policy: %+v, %v", mp, err)
	}
	if _, err := call("DetachRolePolicy", "RoleName", "app-server", "PolicyArn", "arn:aws:iam::123456789012:policy/none"); !IsNoSuchEntity(err) {
		t.Errorf("detaching a policy not attached: err = %v, want NoSuchEntity", err)
	}
	if _, err := call("PutRolePolicy", "RoleName", "app-server", "PolicyName", "bad", "PolicyDocument", "{"); ErrorCode(err) != "MalformedPolicyDocument" {
		t.Errorf("a malformed document: err = %v, want MalformedPolicyDocument", err)
	}

	out, err := call("CreatePolicy", "PolicyName", "app-server-ssm", "Path", "/", "PolicyDocument", doc)
	if err != nil || out["Arn"] != "arn:aws:iam::123456789012:policy/app-server-ssm" {
		t.Fatalf("CreatePolicy = %v, %v", out, err)
	}
	if _, err := call("CreatePolicy", "PolicyName", "app-server-ssm", "PolicyDocument", doc); ErrorCode(err) != "EntityAlreadyExists" {
		t.Errorf("a duplicate name: err = %v, want EntityAlreadyExists", err)
	}
	if _, err := call("AttachRolePolicy", "RoleName", "app-server", "PolicyArn", out["Arn"]); err != nil {
		t.Fatal(err)
	}
	arns, err := w.AttachedPolicies(ctx, "role", "app-server")
	if err != nil || strings.Join(arns, " ") != "arn:aws:iam::123456789012:policy/app-server-ssm "+ssmCore {
		t.Errorf("AttachedPolicies = %v, %v", arns, err)
	}

	f.Deny("DetachRolePolicy")
	_, err = call("DetachRolePolicy", "RoleName", "app-server", "PolicyArn", out["Arn"])
	if !IsAccessDenied(err) || !strings.Contains(err.Error(), "iam DetachRolePolicy") {
		t.Errorf("a denied call: err = %v, want AccessDenied naming the call", err)
	}
	if _, err := call("PutRolePolicy", "RoleName", "app-server"); err == nil || !strings.Contains(err.Error(), "missing parameter PolicyName, PolicyDocument") {
		t.Errorf("missing parameters: err = %v", err)
	}
	if _, err := call("DeleteRole", "RoleName", "app-server"); err == nil {
		t.Error("the writer made a call it does not offer")
	}
}

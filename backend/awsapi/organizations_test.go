package awsapi

import (
	"context"
	"encoding/json"
	"errors"
	"testing"

	"github.com/aegis-iam/aegis/backend/audit"
	"github.com/aegis-iam/aegis/backend/awsapi/awsapitest"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/google/go-cmp/cmp"
)

func orgReader(f *awsapitest.Organizations) *OrgReader {
	cfg := aws.Config{Region: "us-east-1", Credentials: credentials.NewStaticCredentialsProvider("AKIAAUDITOREXAMPLE", "secret", "")}
	return NewOrgReader(cfg, func(o *organizations.Options) { o.BaseEndpoint = aws.String(f.URL) })
}

// sampleOrg is the organization of docs/bundle.md's example, with an RCP.
func sampleOrg() *audit.Organization {
	doc := func(s string) json.RawMessage { return json.RawMessage(s) }
	return &audit.Organization{
		ID: "o-a1b2c3d4e5", ManagementAccount: "999988887777",
		Path: []audit.OrgNode{
			{ID: "r-ab12", Type: audit.NodeRoot, Name: "Root", Policies: []string{"p-FullAWSAccess", "p-RCPFullAWSAccess"}},
			{ID: "ou-ab12-11111111", Type: audit.NodeOU, Name: "Workloads", Policies: []string{"p-FullAWSAccess", "p-denyregions"}},
			{ID: "ou-ab12-22222222", Type: audit.NodeOU, Name: "Prod", Policies: []string{"p-FullAWSAccess", "p-RCPFullAWSAccess"}},
			{ID: "111122223333", Type: audit.NodeAccount, Policies: []string{"p-FullAWSAccess", "p-RCPFullAWSAccess"}},
		},
		Policies: []audit.OrgPolicy{
			{ID: "p-FullAWSAccess", ARN: "arn:aws:organizations::aws:policy/service_control_policy/p-FullAWSAccess", Name: "FullAWSAccess",
				Type: audit.SCP, AWSManaged: true, Document: doc(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`)},
			{ID: "p-RCPFullAWSAccess", ARN: "arn:aws:organizations::aws:policy/resource_control_policy/p-RCPFullAWSAccess", Name: "RCPFullAWSAccess",
				Type: audit.RCP, AWSManaged: true, Document: doc(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]}`)},
			{ID: "p-denyregions", ARN: "arn:aws:organizations::999988887777:policy/o-a1b2c3d4e5/service_control_policy/p-denyregions", Name: "deny-other-regions",
				Type: audit.SCP, Document: doc(`{"Version":"2012-10-17","Statement":[{"Effect":"Deny","NotAction":["iam:*","sts:*"],"Resource":"*","Condition":{"StringNotEquals":{"aws:RequestedRegion":["eu-west-1"]}}}]}`)},
		},
	}
}

func TestAccountOrganizationEqualsTheOrganization(t *testing.T) {
	want := sampleOrg()
	f := awsapitest.NewOrganizations(t, "111122223333", want)
	got, err := orgReader(f).AccountOrganization(context.Background(), "111122223333")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("organization read live (-want +got):\n%s", diff)
	}
	// The evaluator's view: SCPs per level, the OU's deny included.
	if levels := got.Levels(audit.SCP); len(levels) != 4 || len(levels[1]) != 2 {
		t.Errorf("SCP levels = %v", levels)
	}
}

func TestAccountOrganizationOutsideAnOrganizationOrDenied(t *testing.T) {
	none := awsapitest.NewOrganizations(t, "111122223333", nil)
	if _, err := orgReader(none).AccountOrganization(context.Background(), "111122223333"); !errors.Is(err, ErrNoOrganization) {
		t.Errorf("no organization: %v", err)
	}
	member := awsapitest.NewOrganizations(t, "111122223333", sampleOrg())
	member.Deny("ListParents")
	_, err := orgReader(member).AccountOrganization(context.Background(), "111122223333")
	if err == nil || !IsAccessDenied(err) {
		t.Errorf("a member account's credentials: %v, want AccessDenied", err)
	}
}

package awsapi

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/aegis-iam/aegis/backend/awsapi/awsapitest"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/google/go-cmp/cmp"
)

const gaadFixture = "../source/testdata/gaad/account.json"

func iamReader(t *testing.T, f *awsapitest.IAM, more ...func(*iam.Options)) *IAMReader {
	t.Helper()
	cfg := aws.Config{Region: "us-east-1", Credentials: credentials.NewStaticCredentialsProvider("AKIAAUDITOREXAMPLE", "secret", "")}
	r := NewIAMReader(cfg, append([]func(*iam.Options){func(o *iam.Options) { o.BaseEndpoint = aws.String(f.URL) }}, more...)...)
	r.poll = time.Millisecond
	return r
}

// countedBy makes an IAM client count its calls in calls.
func countedBy(calls *sdkCalls) func(*iam.Options) {
	return func(o *iam.Options) { o.APIOptions = append(o.APIOptions, calls.apiOption) }
}

// normalize drops what the CLI's and the SDK's JSON may differ in without
// changing the meaning: empty lists and empty objects (absent on the wire).
func normalize(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			e = normalize(e)
			switch y := e.(type) {
			case []any:
				if len(y) == 0 {
					delete(x, k)
					continue
				}
			case map[string]any:
				if len(y) == 0 {
					delete(x, k)
					continue
				}
			}
			x[k] = e
		}
	case []any:
		for i := range x {
			x[i] = normalize(x[i])
		}
	}
	return v
}

func decodeJSON(t *testing.T, b []byte) any {
	t.Helper()
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("%v\n%s", err, b)
	}
	return normalize(v)
}

// TestAuthorizationDetailsEqualsTheExport reads GAAD page by page (with
// throttled pages retried) from a fake IAM serving an exported file and
// gets that file back.
func TestAuthorizationDetailsEqualsTheExport(t *testing.T) {
	gaad, err := os.ReadFile(gaadFixture)
	if err != nil {
		t.Fatal(err)
	}
	f := awsapitest.NewIAM(t, awsapitest.IAMAccount{GAAD: gaad}, 2)
	f.Throttle("GetAccountAuthorizationDetails", 2)
	got, err := iamReader(t, f).AuthorizationDetails(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	// The export keeps some documents URL-encoded, as a raw API dump would;
	// the CLI form decodes them.
	want := decodeJSON(t, gaad)
	if err := decodeDocuments(want); err != nil {
		t.Fatal(err)
	}
	delete(want.(map[string]any), "IsTruncated")
	if diff := cmp.Diff(want, decodeJSON(t, got)); diff != "" {
		t.Errorf("GAAD read live differs from the export (-export +live):\n%s", diff)
	}
	if n := f.Calls("GetAccountAuthorizationDetails"); n < 4 {
		t.Errorf("%d calls: want several pages plus the throttled retries", n)
	}
}

func TestAccessDeniedIsRecognised(t *testing.T) {
	gaad, _ := os.ReadFile(gaadFixture)
	f := awsapitest.NewIAM(t, awsapitest.IAMAccount{GAAD: gaad}, 100)
	f.Deny("GetAccountAuthorizationDetails")
	_, err := iamReader(t, f).AuthorizationDetails(context.Background())
	if err == nil || !IsAccessDenied(err) || !strings.Contains(err.Error(), "GetAccountAuthorizationDetails") {
		t.Errorf("err = %v, want an AccessDenied naming the call", err)
	}
}

func TestCredentialReportAndPasswordPolicy(t *testing.T) {
	gaad, _ := os.ReadFile(gaadFixture)
	csv := []byte("user,arn,user_creation_time,password_enabled\n<root_account>,arn:aws:iam::123456789012:root,2020-01-01T00:00:00+00:00,not_supported\n")
	f := awsapitest.NewIAM(t, awsapitest.IAMAccount{GAAD: gaad, CredentialReport: csv,
		PasswordPolicy: []byte(`{"PasswordPolicy":{"MinimumPasswordLength":14,"RequireSymbols":true,"ExpirePasswords":false,"AllowUsersToChangePassword":true}}`)}, 100)
	var calls sdkCalls
	r := iamReader(t, f, countedBy(&calls))
	got, err := r.CredentialReport(context.Background())
	if err != nil || string(got) != string(csv) {
		t.Errorf("credential report = %q, %v", got, err)
	}
	if n := calls.Operations("GenerateCredentialReport"); n != 2 {
		t.Errorf("GenerateCredentialReport called %d times, want 2 (STARTED, then COMPLETE)", n)
	}
	pp, err := r.PasswordPolicy(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var p struct{ PasswordPolicy map[string]any }
	if err := json.Unmarshal(pp, &p); err != nil || p.PasswordPolicy["MinimumPasswordLength"] != float64(14) || p.PasswordPolicy["RequireSymbols"] != true {
		t.Errorf("password policy %s: %v", pp, err)
	}

	none := awsapitest.NewIAM(t, awsapitest.IAMAccount{GAAD: gaad}, 100)
	if _, err := iamReader(t, none).PasswordPolicy(context.Background()); !errors.Is(err, ErrNoPasswordPolicy) {
		t.Errorf("no policy: %v", err)
	}
}

func TestServiceLastAccessed(t *testing.T) {
	gaad, _ := os.ReadFile(gaadFixture)
	const arn = "arn:aws:iam::123456789012:role/app"
	advisor := `{"JobStatus":"COMPLETED","JobType":"ACTION_LEVEL","JobCreationDate":"2026-11-20T08:00:00Z","JobCompletionDate":"2026-11-20T08:00:05Z",
	  "ServicesLastAccessed":[{"ServiceName":"Amazon S3","ServiceNamespace":"s3","LastAuthenticated":"2026-11-19T10:00:00Z","LastAuthenticatedEntity":"arn:aws:iam::123456789012:role/app","LastAuthenticatedRegion":"eu-west-1","TotalAuthenticatedEntities":1,
	    "TrackedActionsLastAccessed":[{"ActionName":"ListBucket","LastAccessedEntity":"arn:aws:iam::123456789012:role/app","LastAccessedTime":"2026-11-19T10:00:00Z","LastAccessedRegion":"eu-west-1"}]},
	   {"ServiceName":"AWS Key Management Service","ServiceNamespace":"kms","TotalAuthenticatedEntities":0}]}`
	f := awsapitest.NewIAM(t, awsapitest.IAMAccount{GAAD: gaad, AccessAdvisor: map[string][]byte{arn: []byte(advisor)}}, 100)
	var calls sdkCalls
	got, err := iamReader(t, f, countedBy(&calls)).ServiceLastAccessed(context.Background(), arn)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(decodeJSON(t, []byte(advisor)), decodeJSON(t, got)); diff != "" {
		t.Errorf("Access Advisor read live differs from the export (-export +live):\n%s", diff)
	}
	if n := calls.Operations("GetServiceLastAccessedDetails"); n != 2 {
		t.Errorf("polled %d times, want 2 (IN_PROGRESS, then COMPLETED)", n)
	}
}

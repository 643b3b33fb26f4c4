package awsapi

import (
	"context"
	"errors"
	"net/http"
	"testing"

	"github.com/aegis-iam/aegis/backend/awsapi/awsapitest"
	"github.com/google/go-cmp/cmp"
)

const testPolicy = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:root"},"Action":"*","Resource":"*"}]}`

// testResources has, in each service, a resource with a policy in
// eu-west-1, one without, and one with a policy in us-east-1.
var testResources = map[string]string{
	"arn:aws:s3:::app-config": testPolicy, "arn:aws:s3:::no-policy": "",
	"arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab": testPolicy,
	"arn:aws:kms:us-east-1:111122223333:key/0987dcba-09fe-87dc-65ba-ab0987654321": testPolicy,
	"arn:aws:sqs:eu-west-1:111122223333:jobs":                                     testPolicy, "arn:aws:sqs:eu-west-1:111122223333:quiet": "",
	"arn:aws:sqs:us-east-1:111122223333:jobs":   testPolicy,
	"arn:aws:sns:eu-west-1:111122223333:alerts": testPolicy, "arn:aws:sns:eu-west-1:111122223333:quiet": "",
	"arn:aws:lambda:eu-west-1:111122223333:function:resize": testPolicy, "arn:aws:lambda:eu-west-1:111122223333:function:quiet": "",
	"arn:aws:secretsmanager:eu-west-1:111122223333:secret:db-AbCdEf": testPolicy, "arn:aws:secretsmanager:eu-west-1:111122223333:secret:quiet-GhIjKl": "",
	"arn:aws:ecr:eu-west-1:111122223333:repository/app": testPolicy, "arn:aws:ecr:eu-west-1:111122223333:repository/quiet": "",
}

func resourceSession(t *testing.T) (*awsapitest.Resources, Session) {
	t.Helper()
	files := setupHome(t)
	awsapitest.NewFake(t)
	f := awsapitest.NewResources(t, testResources)
	sess, err := newTestProfiles(t, files, Options{}).Session(context.Background(), "static", "")
	if err != nil {
		t.Fatal(err)
	}
	return f, sess
}

// TestResourcePolicies reads each service's policies of the region (every
// bucket's for S3), leaving out resources without one.
func TestResourcePolicies(t *testing.T) {
	f, sess := resourceSession(t)
	want := map[string][]string{
		ServiceS3:             {"arn:aws:s3:::app-config"},
		ServiceKMS:            {"arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"},
		ServiceSQS:            {"arn:aws:sqs:eu-west-1:111122223333:jobs"},
		ServiceSNS:            {"arn:aws:sns:eu-west-1:111122223333:alerts"},
		ServiceLambda:         {"arn:aws:lambda:eu-west-1:111122223333:function:resize"},
		ServiceSecretsManager: {"arn:aws:secretsmanager:eu-west-1:111122223333:secret:db-AbCdEf"},
		ServiceECR:            {"arn:aws:ecr:eu-west-1:111122223333:repository/app"},
	}
	r := sess.Resources()
	for _, svc := range ResourceServices {
		got, err := r.Policies(context.Background(), svc)
		if err != nil {
			t.Errorf("%s: %v", svc, err)
			continue
		}
		var arns []string
		for _, p := range got {
			arns = append(arns, p.ARN)
			if p.Policy != testPolicy {
				t.Errorf("%s: policy %q", p.ARN, p.Policy)
			}
		}
		if diff := cmp.Diff(want[svc], arns); diff != "" {
			t.Errorf("%s (-want +got):\n%s", svc, diff)
		}
	}
	got, err := sess.InRegion("us-east-1").Resources().Policies(context.Background(), ServiceSQS)
	if err != nil || len(got) != 1 || got[0].ARN != "arn:aws:sqs:us-east-1:111122223333:jobs" {
		t.Errorf("us-east-1 queues: %v, %v", got, err)
	}
	if _, err := r.Policies(context.Background(), "dynamodb"); !errors.Is(err, ErrUnknownService) {
		t.Errorf("dynamodb: %v", err)
	}
	resp, err := http.Get(f.URL + "/")
	if err != nil || resp.StatusCode != http.StatusForbidden {
		t.Errorf("unsigned request: %v %v", resp, err)
	}
}

// TestResourcePoliciesFaults: AccessDenied (SNS's AuthorizationError
// included) fails the service's read as access denied; throttling is
// retried.
func TestResourcePoliciesFaults(t *testing.T) {
	f, sess := resourceSession(t)
	r := sess.Resources()
	for _, op := range []string{"s3:GetBucketPolicy", "kms:ListKeys", "sqs:GetQueueAttributes", "sns:ListTopics", "lambda:GetPolicy",
		"secretsmanager:ListSecrets", "ecr:GetRepositoryPolicy"} {
		f.Throttle(op, 1)
	}
	for _, svc := range ResourceServices {
		if _, err := r.Policies(context.Background(), svc); err != nil {
			t.Errorf("%s after a throttle: %v", svc, err)
		}
	}
	f.DenyRegion("eu-west-1")
	for _, svc := range ResourceServices[1:] {
		if _, err := r.Policies(context.Background(), svc); !IsAccessDenied(err) {
			t.Errorf("%s in a denied region: %v, want AccessDenied", svc, err)
		}
	}
	f.Deny("s3:GetBucketPolicy")
	if _, err := r.Policies(context.Background(), ServiceS3); !IsAccessDenied(err) {
		t.Errorf("s3 denied: %v", err)
	}
}

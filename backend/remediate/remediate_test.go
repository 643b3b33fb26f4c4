package remediate

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aegis-iam/aegis/backend/audit/result"
	"github.com/aegis-iam/aegis/backend/audit/rightsize"
	"github.com/aegis-iam/aegis/backend/awsapi"
	"github.com/aegis-iam/aegis/backend/awsapi/awsapitest"
	"github.com/aegis-iam/aegis/backend/store"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/google/go-cmp/cmp"
)

const (
	appARN     = "arn:aws:iam::123456789012:role/service/app"
	tablesARN  = "arn:aws:iam::123456789012:policy/app-tables"
	sharedARN  = "arn:aws:iam::123456789012:policy/shared-read"
	awsReadARN = "arn:aws:iam::aws:policy/ReadOnlyAccess"
)

// fixture is the fake IAM endpoint over testdata/account.json, the writer
// pointed at it, and a Remediator keeping records in a real store.
type fixture struct {
	fake *awsapitest.IAM
	iam  *awsapi.IAMWriter
	r    *Remediator
	ctx  context.Context
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	gaad, err := os.ReadFile("testdata/account.json")
	if err != nil {
		t.Fatal(err)
	}
	fake := awsapitest.NewIAM(t, awsapitest.IAMAccount{GAAD: gaad}, 100)
	cfg := aws.Config{Region: "us-east-1", Credentials: credentials.NewStaticCredentialsProvider("AKIAREMEDIATEEXAMPLE", "secret", "")}
	w := awsapi.NewIAMWriter(cfg, func(o *iam.Options) { o.BaseEndpoint = aws.String(fake.URL) })
	st, err := store.Open(filepath.Join(t.TempDir(), "aegis.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	clock := time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)
	n := 0
	r := New(store.NewRemediations[Record](st), func() time.Time { return clock }, func(time.Time) (string, error) {
		n++
		return fmt.Sprintf("rem-%03d", n), nil
	})
	return &fixture{fake: fake, iam: w, r: r, ctx: context.Background()}
}

func doc(actions string, resource string) string {
	return `{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": [` + actions + `], "Resource": "` + resource + `"}]}`
}

var (
	appDataNow    = doc(`"s3:GetObject", "s3:PutObject", "s3:DeleteBucket"`, "arn:aws:s3:::app-data/*")
	appDataRight  = doc(`"s3:GetObject", "s3:PutObject"`, "arn:aws:s3:::app-data/*")
	tablesNow     = doc(`"dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:DeleteTable"`, "arn:aws:dynamodb:eu-west-1:123456789012:table/app-v5")
	tablesRight   = doc(`"dynamodb:GetItem", "dynamodb:PutItem"`, "arn:aws:dynamodb:eu-west-1:123456789012:table/app-v5")
	tablesOldest  = doc(`"dynamodb:GetItem", "dynamodb:Scan"`, "arn:aws:dynamodb:eu-west-1:123456789012:table/app-v1")
	sharedNow     = doc(`"sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:PurgeQueue"`, "arn:aws:sqs:eu-west-1:123456789012:jobs")
	sharedRight   = doc(`"sqs:ReceiveMessage", "sqs:DeleteMessage"`, "arn:aws:sqs:eu-west-1:123456789012:jobs")
	readOnlyNow   = doc(`"s3:Get*", "s3:List*", "ec2:Describe*"`, "*")
	readOnlyRight = doc(`"s3:GetObject", "ec2:DescribeInstances"`, "*")
)

// appPrincipal is the audit of role app with recommended policies pols,
// the rest of its current policies unchanged.
func appPrincipal(kind rightsize.Kind, pols []result.Policy, replace, detach []string) *result.Principal {
	current := []result.Policy{
		{Name: "inline:app-data", Status: "current", Document: json.RawMessage(appDataNow)},
		{Name: tablesARN, Status: "current", Managed: true, Document: json.RawMessage(tablesNow)},
		{Name: sharedARN, Status: "current", Managed: true, Document: json.RawMessage(sharedNow)},
		{Name: awsReadARN, Status: "current", Managed: true, Document: json.RawMessage(readOnlyNow)},
	}
	return &result.Principal{ARN: appARN, Type: "role", Name: "app", Editability: "editable", Current: current,
		Permissions:    result.Permissions{Unused: []string{"s3:DeleteBucket"}, Denied: []string{}},
		Recommendation: &result.Recommendation{Kind: kind, Policies: pols, Replace: replace, Detach: detach, Delete: []string{}}}
}

func operations(steps []Step) []string {
	var out []string
	for _, s := range steps {
		out = append(out, s.Call.Operation+" "+s.Call.Params["VersionId"]+s.Call.Params["PolicyName"])
	}
	return out
}

func inline(t *testing.T, f *fixture, name string) string {
	t.Helper()
	d, ok, err := f.iam.InlinePolicy(f.ctx, "role", "app", name)
	if err != nil || !ok {
		t.Fatalf("reading inline %s: found %v, %v", name, ok, err)
	}
	return d
}

// applyAndRollBack previews, applies with the token, checks the apply's
// calls and read-back, rolls back and checks that.
func applyAndRollBack(t *testing.T, f *fixture, ap *result.Principal, wantApply, wantRollback []string) (applied, rolled Record) {
	t.Helper()
	rec, err := f.r.Preview(f.ctx, f.iam, "audit-1", ap)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(wantApply, operations(rec.Steps)); diff != "" {
		t.Errorf("preview calls (-want +got):\n%s", diff)
	}
	if _, err := f.r.Apply(f.ctx, f.iam, rec.ID, "not-the-token"); !errors.Is(err, ErrToken) {
		t.Fatalf("apply with a wrong token: err = %v, want ErrToken", err)
	}
	applied, err = f.r.Apply(f.ctx, f.iam, rec.ID, rec.Token)
	if err != nil {
		t.Fatal(err)
	}
	if applied.Status != Applied || !applied.Apply.Verified || len(applied.Apply.Done) != len(wantApply) {
		t.Fatalf("apply: status %s, verified %v, mismatches %v, error %q", applied.Status, applied.Apply.Verified, applied.Apply.Mismatches, applied.Apply.Error)
	}
	if _, err := f.r.Apply(f.ctx, f.iam, rec.ID, rec.Token); err == nil {
		t.Error("a second apply of the same remediation succeeded")
	}
	rolled, err = f.r.Rollback(f.ctx, f.iam, rec.ID)
	if err != nil {
		t.Fatal(err)
	}
	var done []Step
	for _, d := range rolled.Rollback.Done {
		done = append(done, d.Step)
	}
	if diff := cmp.Diff(wantRollback, operations(done)); diff != "" {
		t.Errorf("rollback calls (-want +got):\n%s", diff)
	}
	for _, d := range slices.Concat(applied.Apply.Done, rolled.Rollback.Done) {
		if !slices.Contains(Permissions, "iam:"+d.Call.Operation) {
			t.Errorf("%s is not in Permissions", d.Call.Operation)
		}
	}
	if rolled.Status != RolledBack || !rolled.Rollback.Verified {
		t.Fatalf("rollback: status %s, verified %v, mismatches %v, error %q", rolled.Status, rolled.Rollback.Verified, rolled.Rollback.Mismatches, rolled.Rollback.Error)
	}
	return applied, rolled
}

func TestInlinePolicy(t *testing.T) {
	f := newFixture(t)
	ap := appPrincipal(rightsize.Rewrite, []result.Policy{{Name: "inline:app-data", Status: "rewritten", Document: json.RawMessage(appDataRight)}}, []string{"inline:app-data"}, nil)
	rec, err := f.r.Preview(f.ctx, f.iam, "audit-1", ap)
	if err != nil {
		t.Fatal(err)
	}
	if got := rec.Steps[0].CLI; !strings.HasPrefix(got, `aws iam put-role-policy --role-name app --policy-name app-data --policy-document '{"Version":"2012-10-17"`) {
		t.Errorf("CLI = %s", got)
	}
	if f.fake.Invoked("PutRolePolicy") != 0 {
		t.Fatal("the preview wrote")
	}
	applyAndRollBack(t, f, ap, []string{"PutRolePolicy app-data"}, []string{"PutRolePolicy app-data"})
	if got := inline(t, f, "app-data"); !sameDocument(got, appDataNow) {
		t.Errorf("after rollback app-data = %s, want %s", got, appDataNow)
	}
}

func TestSingleAttachedManagedPolicyAtTheVersionLimit(t *testing.T) {
	f := newFixture(t)
	ap := appPrincipal(rightsize.Rewrite, []result.Policy{{Name: tablesARN, Status: "rewritten", Managed: true, Document: json.RawMessage(tablesRight)}}, []string{tablesARN}, nil)
	applied, _ := applyAndRollBack(t, f, ap,
		[]string{"DeletePolicyVersion v1", "CreatePolicyVersion "},
		[]string{"SetDefaultPolicyVersion v5", "DeletePolicyVersion v6", "CreatePolicyVersion "})
	if !slices.ContainsFunc(applied.Notes, func(n string) bool { return strings.Contains(n, "oldest non-default version v1") }) {
		t.Errorf("notes %q do not explain the deleted version", applied.Notes)
	}
	if got := applied.Apply.Done[1].Output["VersionId"]; got != "v6" {
		t.Errorf("new version %q, want v6", got)
	}
	mp, err := f.iam.ManagedPolicy(f.ctx, tablesARN)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, v := range mp.Versions {
		ids = append(ids, v.ID)
	}
	if diff := cmp.Diff([]string{"v2", "v3", "v4", "v5", "v7"}, ids); diff != "" || mp.DefaultVersion != "v5" {
		t.Errorf("after rollback: default %s, versions (-want +got):\n%s", mp.DefaultVersion, diff)
	}
	if !sameDocument(mp.Versions[4].Document, tablesOldest) {
		t.Errorf("v7 = %s, want v1's document %s", mp.Versions[4].Document, tablesOldest)
	}
}

func sharedPrincipal() *result.Principal {
	return appPrincipal(rightsize.DetachAndCreate, []result.Policy{
		{Name: "app-shared-read", Status: "new", Managed: true, Document: json.RawMessage(sharedRight)},
		{Name: "app-ReadOnlyAccess", Status: "new", Managed: true, Document: json.RawMessage(readOnlyRight)},
	}, nil, []string{sharedARN, awsReadARN})
}

func TestSharedAndAWSManagedPolicies(t *testing.T) {
	f := newFixture(t)
	applied, _ := applyAndRollBack(t, f, sharedPrincipal(),
		[]string{"CreatePolicy app-ReadOnlyAccess", "CreatePolicy app-shared-read",
			"AttachRolePolicy ", "AttachRolePolicy ", "DetachRolePolicy ", "DetachRolePolicy "},
		[]string{"AttachRolePolicy ", "AttachRolePolicy ", "DetachRolePolicy ", "DetachRolePolicy ", "DeletePolicy ", "DeletePolicy "})
	if got := applied.Apply.Done[0].Output["Arn"]; got != "arn:aws:iam::123456789012:policy/app-ReadOnlyAccess" {
		t.Errorf("created %q", got)
	}
	attached, err := f.iam.AttachedPolicies(f.ctx, "role", "app")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{tablesARN, sharedARN, awsReadARN}, attached); diff != "" {
		t.Errorf("after rollback attached (-want +got):\n%s", diff)
	}
	worker, _ := f.iam.AttachedPolicies(f.ctx, "role", "worker")
	if !slices.Contains(worker, sharedARN) {
		t.Error("the shared policy was detached from the other role")
	}
	if mp, err := f.iam.ManagedPolicy(f.ctx, "arn:aws:iam::123456789012:policy/app-shared-read"); err != nil || mp != nil {
		t.Errorf("the new policy survived the rollback: %v, %v", mp, err)
	}
	if mp, _ := f.iam.ManagedPolicy(f.ctx, sharedARN); mp == nil || mp.AttachmentCount != 3 || !sameDocument(defaultOf(mp).Document, sharedNow) {
		t.Errorf("the shared policy was changed: %+v", mp)
	}
}

// TestAccessDeniedMidPlan denies the first attach: the apply stops with
// the policies created, says which call failed with which code and which
// were not attempted, and the rollback deletes what was created.
func TestAccessDeniedMidPlan(t *testing.T) {
	f := newFixture(t)
	f.fake.Deny("AttachRolePolicy")
	rec, err := f.r.Preview(f.ctx, f.iam, "audit-1", sharedPrincipal())
	if err != nil {
		t.Fatal(err)
	}
	applied, err := f.r.Apply(f.ctx, f.iam, rec.ID, rec.Token)
	if err != nil {
		t.Fatal(err)
	}
	run := applied.Apply
	if applied.Status != ApplyFailed || len(run.Done) != 3 || len(run.Pending) != 3 || run.Verified {
		t.Fatalf("status %s, %d done, %d pending, verified %v", applied.Status, len(run.Done), len(run.Pending), run.Verified)
	}
	last := run.Done[2]
	if last.OK || last.Code != "AccessDenied" || last.Call.Operation != "AttachRolePolicy" || !strings.Contains(run.Error, "AttachRolePolicy failed after 2 of 6 calls") {
		t.Errorf("failed step %+v, run error %q", last, run.Error)
	}
	saved, err := f.r.Get(rec.ID)
	if err != nil || saved.Status != ApplyFailed || len(saved.Apply.Done) != 3 {
		t.Errorf("stored record: %s with %d done, %v", saved.Status, len(saved.Apply.Done), err)
	}
	rolled, err := f.r.Rollback(f.ctx, f.iam, rec.ID)
	if err != nil {
		t.Fatal(err)
	}
	var done []Step
	for _, d := range rolled.Rollback.Done {
		done = append(done, d.Step)
	}
	if diff := cmp.Diff([]string{"DeletePolicy ", "DeletePolicy "}, operations(done)); diff != "" || rolled.Status != RolledBack || !rolled.Rollback.Verified {
		t.Errorf("rollback %s, verified %v, %v; calls (-want +got):\n%s", rolled.Status, rolled.Rollback.Verified, rolled.Rollback.Mismatches, diff)
	}
}

func TestStaleStateIsRefused(t *testing.T) {
	f := newFixture(t)
	ap := appPrincipal(rightsize.Rewrite, []result.Policy{{Name: "inline:app-data", Status: "rewritten", Document: json.RawMessage(appDataRight)}}, []string{"inline:app-data"}, nil)
	rec, err := f.r.Preview(f.ctx, f.iam, "audit-1", ap)
	if err != nil {
		t.Fatal(err)
	}
	// Someone edits the policy between the preview and the apply.
	if _, err := f.iam.Do(f.ctx, awsapi.IAMCall{Operation: "PutRolePolicy", Params: map[string]string{"RoleName": "app", "PolicyName": "app-data", "PolicyDocument": readOnlyNow}}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.r.Apply(f.ctx, f.iam, rec.ID, rec.Token); !errors.Is(err, ErrStale) {
		t.Errorf("apply after a change: err = %v, want ErrStale", err)
	}
	if f.fake.Invoked("PutRolePolicy") != 1 {
		t.Errorf("%d PutRolePolicy calls, want only the test's own", f.fake.Invoked("PutRolePolicy"))
	}
	// A preview from an audit that no longer matches is refused too.
	if _, err := f.r.Preview(f.ctx, f.iam, "audit-1", ap); !errors.Is(err, ErrStale) {
		t.Errorf("preview of a stale audit: err = %v, want ErrStale", err)
	}
}

func TestNotApplicable(t *testing.T) {
	f := newFixture(t)
	for name, ap := range map[string]*result.Principal{
		"keep":         appPrincipal(rightsize.Keep, nil, nil, nil),
		"remove":       appPrincipal(rightsize.Remove, nil, nil, nil),
		"service":      {ARN: appARN, Editability: "service-linked", Recommendation: &result.Recommendation{Kind: rightsize.Rewrite}},
		"sso":          {ARN: appARN, Editability: "editable", Recommendation: &result.Recommendation{Kind: rightsize.Rewrite, AddressTo: "ReadOnly"}},
		"unreadable":   {ARN: appARN},
		"edit aws one": appPrincipal(rightsize.Rewrite, []result.Policy{{Name: awsReadARN, Status: "rewritten", Managed: true, Document: json.RawMessage(readOnlyRight)}}, []string{awsReadARN}, nil),
	} {
		if _, err := f.r.Preview(f.ctx, f.iam, "", ap); !errors.Is(err, ErrNotApplicable) {
			t.Errorf("%s: err = %v, want ErrNotApplicable", name, err)
		}
	}
}

// TestUserInlinePolicy: a user's inline policy goes through the user calls.
func TestUserInlinePolicy(t *testing.T) {
	f := newFixture(t)
	now := doc(`"cloudformation:CreateStack", "cloudformation:DeleteStack", "iam:PassRole"`, "*")
	right := doc(`"cloudformation:CreateStack", "iam:PassRole"`, "*")
	ap := &result.Principal{ARN: "arn:aws:iam::123456789012:user/deploy", Type: "user", Name: "deploy", Editability: "editable",
		Current: []result.Policy{{Name: "inline:deploy-policy", Status: "current", Document: json.RawMessage(now)}},
		Recommendation: &result.Recommendation{Kind: rightsize.Rewrite, Replace: []string{"inline:deploy-policy"},
			Policies: []result.Policy{{Name: "inline:deploy-policy", Status: "rewritten", Document: json.RawMessage(right)}}}}
	applyAndRollBack(t, f, ap, []string{"PutUserPolicy deploy-policy"}, []string{"PutUserPolicy deploy-policy"})
	got, ok, err := f.iam.InlinePolicy(f.ctx, "user", "deploy", "deploy-policy")
	if err != nil || !ok || !sameDocument(got, now) {
		t.Errorf("after rollback deploy-policy = %s, %v, %v", got, ok, err)
	}
}

// TestManagedPolicyQuota: a role at IAM's quota of 10 managed policies
// gets its shared policy detached before the new one is attached (attached
// first, IAM would answer LimitExceeded), with a note saying so.
func TestManagedPolicyQuota(t *testing.T) {
	f := newFixture(t)
	const busy = "arn:aws:iam::123456789012:role/busy"
	ap := &result.Principal{ARN: busy, Type: "role", Name: "busy", Editability: "editable",
		Current: []result.Policy{{Name: sharedARN, Status: "current", Managed: true, Document: json.RawMessage(sharedNow)}},
		Recommendation: &result.Recommendation{Kind: rightsize.DetachAndCreate, Detach: []string{sharedARN},
			Policies: []result.Policy{{Name: "busy-shared-read", Status: "new", Managed: true, Document: json.RawMessage(sharedRight)}}}}
	applied, _ := applyAndRollBack(t, f, ap,
		[]string{"CreatePolicy busy-shared-read", "DetachRolePolicy ", "AttachRolePolicy "},
		[]string{"DetachRolePolicy ", "AttachRolePolicy ", "DeletePolicy "})
	if !slices.ContainsFunc(applied.Notes, func(n string) bool { return strings.Contains(n, "10 managed policies attached") }) {
		t.Errorf("notes %q do not explain the order", applied.Notes)
	}
	// Attached first, the same calls hit the quota.
	_, err := f.iam.Do(f.ctx, awsapi.IAMCall{Operation: "AttachRolePolicy", Params: map[string]string{"RoleName": "busy", "PolicyArn": awsReadARN}})
	if awsapi.ErrorCode(err) != "LimitExceeded" {
		t.Errorf("an eleventh policy: err = %v, want LimitExceeded", err)
	}
}

// Package collecttest is test support for live collections: one account
// served by backend/awsapi/awsapitest's local AWS endpoints from the same
// exported files an offline import reads, so a test can check that a live
// collection equals the offline import.
package collecttest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aegis-iam/aegis/backend/audit"
	"github.com/aegis-iam/aegis/backend/audit/bundle"
	"github.com/aegis-iam/aegis/backend/audit/importer"
	"github.com/aegis-iam/aegis/backend/awsapi"
	"github.com/aegis-iam/aegis/backend/awsapi/awsapitest"
	"github.com/aegis-iam/aegis/backend/mcp/awsserver"
	"github.com/mark3labs/mcp-go/server"
)

// Profile is the shared-config profile the fakes accept (static keys).
const Profile = "static"

// CollectedAt stamps both the offline and the live snapshot.
var CollectedAt = time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)

// EventsEnd is the end of the window the CloudTrail fake holds Events
// management events for, one a minute before it.
var EventsEnd = time.Date(2026, 11, 20, 8, 0, 0, 0, time.UTC)

// Events is how many management events LookupEvents can return in each of
// the profile's region (eu-west-1) and OtherRegion.
const Events = 60

// OtherRegion is the second region the CloudTrail fake holds events of.
const OtherRegion = "us-east-1"

// Account is one account behind local endpoints, with its exports.
type Account struct {
	STS        *awsapitest.Fake
	IAM        *awsapitest.IAM
	CloudTrail *awsapitest.CloudTrail
	Org        *awsapitest.Organizations
	Resources  *awsapitest.Resources
	EC2        *awsapitest.EC2 // enabled regions: eu-west-1 and OtherRegion
	// Files are the exports the endpoints serve, as the offline importer
	// takes them.
	Files importer.Files
	// Home holds the shared config and credentials files.
	Home awsapitest.Home
}

// testdata is backend/audit/importer/testdata.
func testdata(t testing.TB, name string) []byte {
	t.Helper()
	_, here, _, _ := runtime.Caller(0)
	b, err := os.ReadFile(filepath.Join(filepath.Dir(here), "..", "..", "..", "audit", "importer", "testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// emptyAdvisor is what Access Advisor answers for an entity that used
// nothing (and what the IAM fake answers for an ARN it has no file for).
const emptyAdvisor = `{"JobStatus":"COMPLETED","JobType":"ACTION_LEVEL","JobCreationDate":"2026-11-20T08:00:00Z","JobCompletionDate":"2026-11-20T08:00:05Z","ServicesLastAccessed":[]}`

// New starts STS, IAM, CloudTrail and Organizations endpoints for the
// importer's test account and points the SDK at them through
// AWS_ENDPOINT_URL_* (so the test cannot run in parallel), with a HOME
// whose profile Profile has static keys.
func New(t testing.TB) *Account {
	t.Helper()
	a := &Account{Home: awsapitest.SetupHome(t)}
	a.STS = awsapitest.NewFake(t)
	gaad := testdata(t, "gaad.json")
	report := testdata(t, "credential-report.csv")
	password := testdata(t, "password-policy.json")
	orgFile := testdata(t, "org.json")
	selectors := testdata(t, "event-selectors.json")

	// Access Advisor answers for every user, group and role, as a full
	// export holds them.
	var s audit.Snapshot
	if err := importer.GAAD("gaad.json", gaad, &s); err != nil {
		t.Fatal(err)
	}
	var advisor map[string]json.RawMessage
	if err := json.Unmarshal(testdata(t, "access-advisor.json"), &advisor); err != nil {
		t.Fatal(err)
	}
	served := map[string][]byte{}
	for _, arn := range s.PrincipalARNs() {
		if _, ok := advisor[arn]; !ok {
			advisor[arn] = json.RawMessage(emptyAdvisor)
		}
		served[arn] = advisor[arn]
	}
	advisorFile, err := json.MarshalIndent(advisor, "", "  ")
	if err != nil {
		t.Fatal(err)
	}

	if err := importer.Organization("org.json", orgFile, &s); err != nil {
		t.Fatal(err)
	}

	// The trails whose selectors the export holds.
	var answers []json.RawMessage
	if err := json.Unmarshal(selectors, &answers); err != nil {
		t.Fatal(err)
	}
	bySelector := map[string][]byte{}
	var trails []string
	for _, ans := range answers {
		var v struct{ TrailARN string }
		if err := json.Unmarshal(ans, &v); err != nil {
			t.Fatal(err)
		}
		bySelector[v.TrailARN] = ans
		name := v.TrailARN[strings.LastIndex(v.TrailARN, "/")+1:]
		trails = append(trails, fmt.Sprintf(`{"Name":%q,"TrailARN":%q,"HomeRegion":"eu-west-1","S3BucketName":"trail-logs","IsMultiRegionTrail":true,"IsOrganizationTrail":false}`, name, v.TrailARN))
	}

	a.IAM = awsapitest.NewIAM(t, awsapitest.IAMAccount{GAAD: lists(t, gaad), CredentialReport: report, PasswordPolicy: password, AccessAdvisor: served}, 2)
	a.CloudTrail = awsapitest.NewCloudTrail(t, awsapitest.CloudTrailAccount{
		Trails:    []byte(`{"trailList":[` + strings.Join(trails, ",") + `]}`),
		Selectors: bySelector,
		Logs:      [][]byte{awsapitest.LogFile(Events, EventsEnd), awsapitest.LogFileIn(OtherRegion, Events, EventsEnd)},
	})
	a.Org = awsapitest.NewOrganizations(t, s.Account, s.Organization)
	a.Resources = awsapitest.NewResources(t, resourcePolicies(t))
	a.EC2 = awsapitest.NewEC2(t, "eu-west-1", OtherRegion, "ap-east-1 not-opted-in")
	t.Setenv("AWS_ENDPOINT_URL_IAM", a.IAM.URL)
	t.Setenv("AWS_ENDPOINT_URL_CLOUDTRAIL", a.CloudTrail.URL)
	t.Setenv("AWS_ENDPOINT_URL_ORGANIZATIONS", a.Org.URL)

	a.Files = importer.Files{
		Authz:            importer.File{Name: "gaad.json", Data: gaad},
		CredentialReport: importer.File{Name: "credential-report.csv", Data: report},
		PasswordPolicy:   importer.File{Name: "password-policy.json", Data: password},
		Organization:     importer.File{Name: "org.json", Data: orgFile},
		AccessAdvisor:    importer.File{Name: "access-advisor.json", Data: advisorFile},
		EventSelectors:   importer.File{Name: "event-selectors.json", Data: selectors},
		ResourcePolicies: importer.File{Name: "resource-policies.json", Data: resourceExport(t, resourcePolicies(t))},
	}
	return a
}

// resourcePolicies are the importer's test resource policies (policies as
// the services return them: JSON strings) plus one resource with a policy
// and one without in each other service the auditor reads, all in
// eu-west-1.
func resourcePolicies(t testing.TB) map[string]string {
	t.Helper()
	var list []struct {
		Arn    string
		Policy json.RawMessage
	}
	if err := json.Unmarshal(testdata(t, "resource-policies.json"), &list); err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, r := range list {
		var s string
		if json.Unmarshal(r.Policy, &s) != nil {
			s = string(r.Policy)
		}
		out[r.Arn] = s
	}
	for arn, action := range map[string]string{
		"arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab": "kms:Decrypt",
		"arn:aws:sns:eu-west-1:111122223333:alerts":                                   "sns:Publish",
		"arn:aws:lambda:eu-west-1:111122223333:function:resize":                       "lambda:InvokeFunction",
		"arn:aws:secretsmanager:eu-west-1:111122223333:secret:db-AbCdEf":              "secretsmanager:GetSecretValue",
		"arn:aws:ecr:eu-west-1:111122223333:repository/app":                           "ecr:BatchGetImage",
	} {
		out[arn] = fmt.Sprintf(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:root"},"Action":%q,"Resource":%q}]}`, action, arn)
	}
	for _, arn := range []string{"arn:aws:s3:::quiet", "arn:aws:kms:eu-west-1:111122223333:key/quiet", "arn:aws:sqs:eu-west-1:111122223333:quiet",
		"arn:aws:sns:eu-west-1:111122223333:quiet", "arn:aws:lambda:eu-west-1:111122223333:function:quiet",
		"arn:aws:secretsmanager:eu-west-1:111122223333:secret:quiet-GhIjKl", "arn:aws:ecr:eu-west-1:111122223333:repository/quiet"} {
		out[arn] = ""
	}
	return out
}

// resourceExport is the resource-policies export of policies: those with
// a policy, by service in the order the auditor reads them, then by ARN.
func resourceExport(t testing.TB, policies map[string]string) []byte {
	t.Helper()
	type entry struct{ Arn, Policy string }
	var list []entry
	for arn, p := range policies {
		if p != "" {
			list = append(list, entry{arn, p})
		}
	}
	service := func(arn string) int { return slices.Index(awsapi.ResourceServices, strings.Split(arn, ":")[2]) }
	slices.SortFunc(list, func(x, y entry) int {
		if n := service(x.Arn) - service(y.Arn); n != 0 {
			return n
		}
		return strings.Compare(x.Arn, y.Arn)
	})
	b, err := json.MarshalIndent(list, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// lists keeps GAAD's lists, which the IAM fake pages through (the export's
// IsTruncated and Marker describe the CLI's merged answer).
func lists(t testing.TB, gaad []byte) []byte {
	t.Helper()
	var m map[string]json.RawMessage
	if err := json.Unmarshal(gaad, &m); err != nil {
		t.Fatal(err)
	}
	delete(m, "IsTruncated")
	delete(m, "Marker")
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// Server is the built-in AWS MCP server with Profile's credentials.
func (a *Account) Server(t testing.TB) *server.MCPServer {
	t.Helper()
	profiles, err := awsapi.NewProfiles(awsapi.Options{Files: awsapi.SharedFiles{Config: a.Home.ConfigFile, Credentials: a.Home.CredentialsFile}})
	if err != nil {
		t.Fatal(err)
	}
	r, err := awsserver.FromProfile(context.Background(), profiles, Profile, "")
	if err != nil {
		t.Fatal(err)
	}
	s, err := awsserver.New(r, "test")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// Offline imports files (Files, or a variant) collected at CollectedAt.
func Offline(t testing.TB, files importer.Files) *audit.Snapshot {
	t.Helper()
	s, err := importer.Import(files, CollectedAt)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// Comparable is the bundle of s as a decoded JSON tree, for comparisons,
// without orgKnownDifferences.
func Comparable(t testing.TB, s *audit.Snapshot) any {
	t.Helper()
	var buf bytes.Buffer
	if err := bundle.Write(&buf, bundle.New(*s, nil), false); err != nil {
		t.Fatal(err)
	}
	var v any
	if err := json.Unmarshal(buf.Bytes(), &v); err != nil {
		t.Fatal(err)
	}
	return orgKnownDifferences(v)
}

// orgKnownDifferences removes what awsapi.OrgReader does not read the way
// an Organizations export holds it: the account's own name (it makes no
// DescribeAccount call) and the order of the policies (it lists them in
// path order; an export in its own). Neither changes what the evaluator
// sees: policies are looked up by ID.
func orgKnownDifferences(b any) any {
	org, _ := b.(map[string]any)["snapshot"].(map[string]any)["organization"].(map[string]any)
	if org == nil {
		return b
	}
	if path, _ := org["path"].([]any); len(path) > 0 {
		delete(path[len(path)-1].(map[string]any), "name")
	}
	if pols, _ := org["policies"].([]any); pols != nil {
		slices.SortFunc(pols, func(x, y any) int {
			return strings.Compare(x.(map[string]any)["id"].(string), y.(map[string]any)["id"].(string))
		})
	}
	return b
}

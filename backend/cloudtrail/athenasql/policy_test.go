package athenasql_test

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/aegis-iam/aegis/backend/cloudtrail/athenasql"
	"github.com/aegis-iam/aegis/backend/iamdb"
	"github.com/aegis-iam/aegis/backend/policy"
	"github.com/aegis-iam/aegis/backend/validate/validatetest"
)

// policyDoc is the example policy docs/live-audit.md shows.
const policyDoc = "../../../docs/athena-policy.json"

var docTable = athenasql.Table{Database: "default", Name: "aegis_cloudtrail", Bucket: "org-trail-logs",
	Org: "o-a1b2c3d4e5", Regions: []string{"us-east-1"}, Since: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)}

var docAccess = athenasql.Access{Region: "us-east-1", Account: "111122223333", Workgroup: "primary",
	Results: "s3://aegis-athena-results-111122223333/aegis/",
	KMSKey:  "arn:aws:kms:us-east-1:111122223333:key/0a1b2c3d-4e5f-6071-8293-a4b5c6d7e8f9"}

// TestPolicy: the generated policy is the documented one, names only
// actions of the IAM database, and passes Aegis's own validator with no
// error and no finding above low severity.
func TestPolicy(t *testing.T) {
	got, err := athenasql.Policy(docTable, docAccess)
	if err != nil {
		t.Fatal(err)
	}
	got = append(got, '\n')
	if os.Getenv("AEGIS_UPDATE_DOCS") != "" {
		if err := os.WriteFile(policyDoc, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(policyDoc)
	if err != nil {
		t.Fatal(err)
	}
	if string(want) != string(got) {
		t.Errorf("%s differs from the generated policy (AEGIS_UPDATE_DOCS=1 go test to rewrite):\n%s", policyDoc, got)
	}

	db, err := iamdb.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	doc, err := policy.Parse("athena-policy.json", got, policy.KindIdentity)
	if err != nil {
		t.Fatal(err)
	}
	for _, st := range doc.Statements {
		for _, a := range st.Action.Strings() {
			if _, ok := db.Action(a); !ok {
				t.Errorf("%s: %s is not an IAM action", st.Sid.Text, a)
			}
		}
	}
	validatetest.AtMostLow(t, validatetest.Identity(t, "athena-policy.json", got, time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)))
}

func TestPolicyRefusesBadSettings(t *testing.T) {
	_, err := athenasql.Policy(docTable, athenasql.Access{Region: "mars", Account: "1", Workgroup: "a b", Results: "s3://x", KMSKey: "alias/k"})
	for _, want := range []string{`region "mars"`, `account "1"`, `workgroup "a b"`, `results location "s3://x"`, `KMS key "alias/k"`} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q: %v", want, err)
		}
	}
}

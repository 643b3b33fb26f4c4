package ctgen

import (
	"crypto/sha256"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func treeHash(t *testing.T, dir string) map[string][32]byte {
	t.Helper()
	out := map[string][32]byte{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		rel, _ := filepath.Rel(dir, p)
		out[rel] = sha256.Sum256(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestWriteDeterministic(t *testing.T) {
	spec := Bulk(3, time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC), 3, 10, 200, 2, 100, []string{"us-east-1", "eu-west-1"})
	spec.Org, spec.AccountTrail, spec.Sidecars = "o-a1b2c3d4e5", []string{"111122223333"}, true
	a, b := t.TempDir(), t.TempDir()
	sa, err := Write(a, spec)
	if err != nil {
		t.Fatal(err)
	}
	sb, err := Write(b, spec)
	if err != nil {
		t.Fatal(err)
	}
	ha, hb := treeHash(t, a), treeHash(t, b)
	if sa != sb || len(ha) != len(hb) {
		t.Fatalf("stats %+v vs %+v, %d vs %d files", sa, sb, len(ha), len(hb))
	}
	for k, v := range ha {
		if hb[k] != v {
			t.Errorf("%s differs between two writes of the same spec", k)
		}
	}
}

func TestRecordFormat(t *testing.T) {
	at := time.Date(2025, 6, 1, 8, 0, 0, 0, time.UTC)
	for _, typ := range []string{"IAMUser", "AssumedRole", "Root", "FederatedUser", "AWSService", "AWSAccount", "SAMLUser", "WebIdentityUser"} {
		c := Call{Account: "111122223333", Region: "us-east-1", Source: "s3.amazonaws.com", Name: "GetObject", Data: true,
			Identity: Identity{Type: typ, ARN: "arn:aws:iam::111122223333:role/p/r"}}
		var r map[string]any
		if err := json.Unmarshal(Record(c, at, "3038ebd2-c98a-4c65-9b6e-e22506292313", 0), &r); err != nil {
			t.Fatal(err)
		}
		id := r["userIdentity"].(map[string]any)
		if id["type"] != typ || r["eventTime"] != "2025-06-01T08:00:00Z" || r["eventCategory"] != "Data" || r["managementEvent"] != false {
			t.Errorf("%s: %v", typ, r)
		}
	}
}

func TestWriteErrors(t *testing.T) {
	start := time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)
	call := Call{Account: "111122223333", Region: "us-east-1", Identity: Identity{Type: "IAMUser", ARN: "arn:aws:iam::111122223333:user/a"},
		Source: "iam.amazonaws.com", Name: "GetUser", Count: 1, Days: []int{0}}
	for name, s := range map[string]Spec{
		"no days":               {Start: start},
		"account trail, no org": {Start: start, Days: 1, AccountTrail: []string{"111122223333"}},
		"call on a missing day": {Start: start, Days: 1, Calls: []Call{call}, Missing: []Missing{{"111122223333", "us-east-1", 0}}},
		"call out of the window": {Start: start, Days: 1, Calls: []Call{{Account: "111122223333", Region: "us-east-1",
			Identity: call.Identity, Source: "iam.amazonaws.com", Name: "GetUser", Count: 1, Days: []int{3}}}},
	} {
		if _, err := Write(t.TempDir(), s); err == nil {
			t.Errorf("%s: want an error", name)
		}
	}
}

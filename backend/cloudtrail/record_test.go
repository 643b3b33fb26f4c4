package cloudtrail

import (
	"testing"
	"time"

	"github.com/aegis-iam/aegis/backend/audit"
)

func TestAttribute(t *testing.T) {
	role := "arn:aws:iam::111122223333:role/path/app"
	user := "arn:aws:iam::111122223333:user/alice"
	tests := []struct {
		name                      string
		typ, arn, issuerT, issuer string
		want, excluded            string
	}{
		{"iam user", "IAMUser", user, "", "", user, ""},
		{"iam user in another partition", "IAMUser", "arn:aws-us-gov:iam::111122223333:user/bob", "", "", "arn:aws-us-gov:iam::111122223333:user/bob", ""},
		{"root", "Root", "arn:aws:iam::111122223333:root", "", "", "arn:aws:iam::111122223333:root", ""},
		{"role session", "AssumedRole", "arn:aws:sts::111122223333:assumed-role/app/s", "Role", role, role, ""},
		{"role session without issuer", "AssumedRole", "arn:aws:sts::111122223333:assumed-role/app/s", "", "", "", "AssumedRole without sessionIssuer"},
		{"federated user", "FederatedUser", "arn:aws:sts::111122223333:federated-user/f", "IAMUser", user, user, ""},
		{"federated by root", "FederatedUser", "arn:aws:sts::111122223333:federated-user/f", "Root", "arn:aws:iam::111122223333:root", "arn:aws:iam::111122223333:root", ""},
		{"federated without issuer", "FederatedUser", "arn:aws:sts::111122223333:federated-user/f", "", "", "", "FederatedUser without sessionIssuer"},
		{"role", "Role", role, "", "", role, ""},
		{"user with a session ARN", "IAMUser", "arn:aws:sts::111122223333:assumed-role/app/s", "", "", "", "IAMUser without an IAM ARN"},
		{"root with a bad account", "Root", "arn:aws:iam::1111:root", "", "", "", "Root without an IAM ARN"},
		{"aws service", "AWSService", "", "", "", "", "AWSService"},
		{"aws account", "AWSAccount", "", "", "", "", "AWSAccount"},
		{"saml", "SAMLUser", "", "", "", "", "SAMLUser"},
		{"web identity", "WebIdentityUser", "", "", "", "", "WebIdentityUser"},
		{"identity center user", "IdentityCenterUser", "", "", "", "", "IdentityCenterUser"},
		{"none", "", "", "", "", "", "no userIdentity"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := &record{IdentityType: []byte(tt.typ), IdentityARN: []byte(tt.arn), IssuerType: []byte(tt.issuerT), IssuerARN: []byte(tt.issuer)}
			arn, excluded := attribute(r)
			if string(arn) != tt.want || excluded != tt.excluded {
				t.Errorf("attribute(%s %s / %s %s) = %q, %q; want %q, %q", tt.typ, tt.arn, tt.issuerT, tt.issuer, arn, excluded, tt.want, tt.excluded)
			}
		})
	}
}

func TestOutcome(t *testing.T) {
	for code, want := range map[string]audit.Outcome{
		"":                             audit.OutcomeOK,
		"AccessDenied":                 audit.OutcomeDenied,
		"AccessDeniedException":        audit.OutcomeDenied,
		"Client.UnauthorizedOperation": audit.OutcomeDenied,
		"UnauthorizedOperation":        audit.OutcomeDenied,
		"UnauthorizedException":        audit.OutcomeDenied,
		"NoSuchEntityException":        audit.OutcomeError,
		"ThrottlingException":          audit.OutcomeError,
		"Client.InvalidParameterValue": audit.OutcomeError,
	} {
		if got := outcome([]byte(code)); got != want {
			t.Errorf("outcome(%q) = %s, want %s", code, got, want)
		}
	}
}

func TestRecordKinds(t *testing.T) {
	tests := []struct {
		typ, category string
		mgmt          int8
		call, data    bool
	}{
		{"AwsApiCall", "Management", 1, true, false},
		{"AwsApiCall", "Data", 0, true, true},
		{"AwsApiCall", "", 0, true, true},   // eventVersion 1.06
		{"AwsApiCall", "", -1, true, false}, // older still
		{"", "", -1, true, false},
		{"AwsConsoleAction", "Management", 1, true, false},
		{"AwsServiceEvent", "Management", 1, false, false},
		{"AwsConsoleSignIn", "Management", 1, false, false},
		{"AwsVpceEvent", "NetworkActivity", 0, false, false},
		{"AwsCloudTrailInsight", "Insight", -1, false, false},
		{"AwsApiCall", "Insight", -1, false, false},
	}
	for _, tt := range tests {
		r := &record{EventType: []byte(tt.typ), EventCategory: []byte(tt.category), Management: tt.mgmt}
		if r.Call() != tt.call || r.Data() != tt.data {
			t.Errorf("%+v: call %v data %v, want %v %v", tt, r.Call(), r.Data(), tt.call, tt.data)
		}
	}
}

func TestParseTime(t *testing.T) {
	for _, s := range []string{"2025-06-01T08:15:02Z", "1970-01-01T00:00:00Z", "2024-02-29T23:59:59Z", "2000-03-01T00:00:00Z", "1969-12-31T23:59:59Z", "2100-12-31T12:00:00Z"} {
		want, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		got, ok := parseTime([]byte(s))
		if !ok || got != want.Unix() {
			t.Errorf("parseTime(%q) = %d, %v; want %d", s, got, ok, want.Unix())
		}
	}
	for _, s := range []string{"", "2025-06-01T08:15:02", "2025-06-01T08:15:02.123Z", "2025-13-01T08:15:02Z", "2023-02-29T08:15:02Z", "2025-06-01 08:15:02Z", "2025-06-0xT08:15:02Z", "2025-06-01T24:00:00Z"} {
		if _, ok := parseTime([]byte(s)); ok {
			t.Errorf("parseTime(%q) accepted", s)
		}
	}
}

func TestDedupKeys(t *testing.T) {
	d := newDedup()
	var c1, c2 dedupCursor
	const at = 1748765702 // 2025-06-01T08:15:02Z
	for _, id := range []string{"3038ebd2-c98a-4c65-9b6e-e22506292313", "not-a-uuid", "3038ebd2-c98a-4c65-9b6e-e2250629231g"} {
		// A second worker, coming from another hour, sees the first's ID.
		c2 = dedupCursor{}
		d.first([]byte("3038ebd2-c98a-4c65-9b6e-e22506292314"), at+7200, &c2)
		if !d.first([]byte(id), at, &c1) || d.first([]byte(id), at, &c2) {
			t.Errorf("%q: want first then duplicate", id)
		}
	}
	if !d.first(nil, at, &c1) || !d.first(nil, at, &c1) {
		t.Error("an empty ID is never a duplicate")
	}
}

func TestFieldTableLookup(t *testing.T) {
	tbl := newFieldTable(map[string]field{"arn": {id: fIdentityARN}, "type": {id: fIdentityType}, "tail": {id: fRegion}}, fRegion)
	for name, want := range map[string]fieldID{"arn": fIdentityARN, "type": fIdentityType, "tail": fRegion} {
		if f, ok := tbl.lookup([]byte(name)); !ok || f.id != want {
			t.Errorf("lookup(%q) = %v, %v; want %v", name, f.id, ok, want)
		}
	}
	for _, name := range []string{"", "a", "ar", "arN", "tape", "typo", "types", "sessionContextLonger"} {
		if _, ok := tbl.lookup([]byte(name)); ok {
			t.Errorf("lookup(%q) found a field", name)
		}
	}
	if tbl.each != fRegion {
		t.Errorf("each = %v", tbl.each)
	}
}

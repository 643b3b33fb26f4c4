package eventsql

import (
	"strings"
	"testing"
)

// TestDialects: the engines' texts differ in the function names alone;
// the record rules are tested end to end by athenasql's and lakesql's
// DuckDB tests against backend/cloudtrail's reader.
func TestDialects(t *testing.T) {
	trino, duck := Principal(Trino), Principal(DuckDB)
	if strings.Count(trino, "regexp_like(") != 6 || strings.Contains(trino, "regexp_matches") {
		t.Errorf("Trino:\n%s", trino)
	}
	if got := strings.ReplaceAll(duck, "regexp_matches(", "regexp_like("); got != trino {
		t.Errorf("DuckDB differs beyond the function name:\n%s", duck)
	}
	if got := Trino.RegexpLike("userIdentity.arn", "^x$"); got != "regexp_like(userIdentity.arn, '^x$')" {
		t.Errorf("Trino: %s", got)
	}
	rec := Record{Resources: "resources", Member: func(m string) string { return "p." + m }, Source: "src", Region: "reg", Recipient: "rcpt", Partition: "part"}
	trino, duck = ResourceARNs(Trino, rec), ResourceARNs(DuckDB, rec)
	if strings.Contains(trino, "list_transform") || strings.Contains(trino, "regexp_matches") {
		t.Errorf("Trino:\n%s", trino)
	}
	duckAsTrino := strings.ReplaceAll(strings.ReplaceAll(duck, "regexp_matches(", "regexp_like("), "list_transform(", "transform(")
	if duckAsTrino != trino {
		t.Errorf("DuckDB differs beyond the function names:\n%s", duck)
	}
	for _, m := range RequestMembers {
		if !strings.Contains(trino, "p."+m) {
			t.Errorf("member %s is not read", m)
		}
	}
}

// TestValues: only the documented shapes pass, since QuoteList does not
// escape.
func TestValues(t *testing.T) {
	for _, tc := range []struct {
		name, value     string
		account, region bool
	}{
		{"account", "111122223333", true, false},
		{"short account", "11112222333", false, false},
		{"account with a quote", "11112222333'", false, false},
		{"region", "us-east-1", false, true},
		{"GovCloud region", "us-gov-west-1", false, true},
		{"region with a quote", "us-east-1'", false, false},
		{"upper-case region", "US-EAST-1", false, false},
		{"empty", "", false, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := ValidAccount(tc.value); got != tc.account {
				t.Errorf("ValidAccount(%q) = %v, want %v", tc.value, got, tc.account)
			}
			if got := ValidRegion(tc.value); got != tc.region {
				t.Errorf("ValidRegion(%q) = %v, want %v", tc.value, got, tc.region)
			}
		})
	}
	if got, want := QuoteList([]string{"us-east-1", "eu-west-1"}), "'us-east-1', 'eu-west-1'"; got != want {
		t.Errorf("QuoteList = %s, want %s", got, want)
	}
}

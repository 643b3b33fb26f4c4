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

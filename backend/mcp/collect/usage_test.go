package collect

import (
	"strings"
	"testing"
	"time"

	"github.com/aegis-iam/aegis/backend/audit/unused"
	"github.com/aegis-iam/aegis/backend/cloudtrail/athenasql"
	"github.com/aegis-iam/aegis/backend/iamdb"
	"github.com/aegis-iam/aegis/backend/mcp/awsserver"
)

func cells(vals ...string) []*string {
	out := make([]*string, len(vals))
	for i := range vals {
		out[i] = &vals[i]
	}
	return out
}

// TestQueryUsage: Athena's rows over several accounts keep the asked
// account's principals and folders; a malformed answer from Athena or Lake
// makes every day of the window, in each account and region asked about,
// a read failure, with a note saying why.
func TestQueryUsage(t *testing.T) {
	db, err := iamdb.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	w := unused.Window{Start: time.Date(2026, 11, 19, 7, 0, 0, 0, time.UTC), End: time.Date(2026, 11, 20, 8, 0, 0, 0, time.UTC)}
	row := func(account string) []*string {
		return cells(account, "arn:aws:iam::"+account+":role/app", "sqs.amazonaws.com", "SendMessage", "ok", "1",
			"2026-11-20T07:10:00Z", "2026-11-20T07:10:00Z", "0")
	}
	a := &Athena{Args: awsserver.AthenaArgs{Database: "d", Table: "t", Accounts: []string{"444455556666"}, Regions: []string{"eu-west-1"}}, Rows: awsserver.AthenaUsage{
		Usage: awsserver.AthenaRows{Columns: athenasql.Columns, Rows: [][]*string{row("111122223333"), row("444455556666")}},
		Coverage: awsserver.AthenaRows{Columns: athenasql.CoverageColumns, Rows: [][]*string{
			cells("111122223333", "eu-west-1", "2026/11/20", "1", "1", "0"), cells("444455556666", "eu-west-1", "2026/11/20", "1", "1", "0")}},
	}}
	u, notes := a.Usage(db, w, "eu-west-1")
	if len(notes) != 0 || len(u.Rows) != 1 || u.Rows[0].Principal != "arn:aws:iam::444455556666:role/app" ||
		len(u.Coverage.Days) != 1 || u.Coverage.Days[0].Account != "444455556666" {
		t.Errorf("athena: notes %q, rows %+v, coverage %+v", notes, u.Rows, u.Coverage.Days)
	}

	a.Rows.Usage.Columns = []string{"nonsense"}
	u, notes = a.Usage(db, w, "eu-west-1")
	if len(notes) != 1 || !strings.Contains(notes[0], "athena_usage: malformed answer") || len(u.Rows) != 0 ||
		len(u.Coverage.Days) != 2 || len(u.Failures) != 2 || u.Failures[0].Source != "athena d.t" {
		t.Errorf("malformed athena: notes %q, rows %+v, coverage %+v, failures %+v", notes, u.Rows, u.Coverage.Days, u.Failures)
	}

	l := &Lake{Args: awsserver.LakeArgs{EventDataStore: "EXAMPLE", Accounts: []string{"111122223333"}}, Failed: true}
	u, gap := l.Usage(db, w, "us-east-1")
	if gap != "" || len(u.Coverage.Days) != 2 || u.Coverage.Days[0].Region != "us-east-1" || u.Coverage.Days[0].Failed != 1 || len(u.Failures) != 2 {
		t.Errorf("failed lake: gap %q, coverage %+v, failures %+v", gap, u.Coverage.Days, u.Failures)
	}
	res := &Result{Lake: l}
	if u2, notes, err := Usage(t.Context(), db, w, res, "us-east-1", nil); err != nil || len(notes) != 0 || len(u2.Failures) != 2 {
		t.Errorf("Usage of a failed Lake call: %v, notes %q, failures %+v", err, notes, u2.Failures)
	}
}

package athenasql

import (
	"fmt"
	"strings"
)

// DuckDBView returns the statements that make DuckDB read CloudTrail log
// files as t: a schema and a view with t's columns and partition columns
// (account, region and day taken from each file's path, as Athena's
// projection takes them from the S3 key; "$path", Athena's pseudo-column
// naming the file), over the files that glob matches
// (.json or .json.gz, each {"Records": [...]}). Query(w, DuckDB) then runs
// unchanged over local copies of the logs.
func (t Table) DuckDBView(glob string) (string, error) {
	if err := t.Validate(); err != nil {
		return "", err
	}
	if strings.ContainsAny(glob, "'\\") {
		return "", fmt.Errorf("glob %q: no quotes or backslashes", glob)
	}
	names := make([]string, len(logColumns))
	for i, c := range logColumns {
		names[i] = `r."` + c.name + `"`
	}
	records := structOf(logColumns...)
	return fmt.Sprintf(`CREATE SCHEMA IF NOT EXISTS "%[1]s";
CREATE OR REPLACE VIEW %[2]s AS
SELECT %[3]s,
  regexp_extract(filename, '/([0-9]{12})/CloudTrail/', 1) AS %[4]s,
  regexp_extract(filename, '/CloudTrail/([^/]+)/', 1) AS %[5]s,
  regexp_extract(filename, '/CloudTrail/[^/]+/([0-9]{4}/[0-9]{2}/[0-9]{2})/', 1) AS %[6]s,
  filename AS "$path"
FROM (
  SELECT unnest("Records") AS r, filename
  FROM read_json('%[7]s', filename = true, columns = {"Records": '%[8]s[]'})
)`, t.Database, t.ref(), strings.Join(names, ", "), colAccount, colRegion, colDay, glob, records.duckdb()), nil
}

// Package eventsql writes the SQL expressions that read one CloudTrail
// record as backend/cloudtrail reads it: whom a call is attributed to, how
// it ended, whether it was a data event and whether it was a call at all.
// The push-down queries that return the Go aggregator's rows from a SQL
// engine (Athena: athenasql, CloudTrail Lake: lakesql) build on them, so
// that one definition of each rule serves every engine; resources.go
// derives a call's resource ARNs, and values.go checks and quotes the
// accounts and regions a query names. Columns are named as CloudTrail's
// records name them
// (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-record-contents.html);
// Trino (Athena, Lake) and DuckDB match them without regard to case.
package eventsql

import "fmt"

// Dialect is the engine a text is written for: Trino (Athena, CloudTrail
// Lake), or DuckDB, which runs the same queries over local log files for
// testing. They spell a few functions differently.
type Dialect uint8

// Dialects.
const (
	Trino Dialect = iota
	DuckDB
)

// RegexpLike tests expr against a regular expression that matches
// anywhere in the text unless anchored: Trino's regexp_like, DuckDB's
// regexp_matches.
func (d Dialect) RegexpLike(expr, pattern string) string {
	fn := "regexp_like"
	if d == DuckDB {
		fn = "regexp_matches"
	}
	return fmt.Sprintf("%s(%s, '%s')", fn, expr, pattern)
}

// Transform is the function that maps a lambda over an array.
func (d Dialect) Transform() string {
	if d == DuckDB {
		return "list_transform"
	}
	return "transform"
}

// Cardinality is the number of elements of the array x.
func (d Dialect) Cardinality(x string) string {
	if d == DuckDB {
		return "len(" + x + ")"
	}
	return "cardinality(" + x + ")"
}

// JSONText is the array x as JSON text.
func (d Dialect) JSONText(x string) string {
	if d == DuckDB {
		return fmt.Sprintf("CAST(to_json(%s) AS VARCHAR)", x)
	}
	return fmt.Sprintf("json_format(CAST(%s AS JSON))", x)
}

// iamPrefix is the start of an IAM ARN as backend/cloudtrail's attribute
// checks it.
const iamPrefix = `^arn:[^:]*:iam::[0-9]{12}:`

// Principal is the IAM ARN a record is attributed to, NULL when none:
// the IAM user, the root, the role behind a role session (its
// sessionIssuer), the user or root behind a federated-user session, or a
// Role identity, each only with the ARN shape backend/cloudtrail accepts.
func Principal(d Dialect) string {
	re := d.RegexpLike
	const (
		itype  = "userIdentity.type"
		iarn   = "userIdentity.arn"
		istype = "userIdentity.sessionContext.sessionIssuer.type"
		isarn  = "userIdentity.sessionContext.sessionIssuer.arn"
	)
	return fmt.Sprintf(`CASE
      WHEN %[1]s = 'IAMUser' AND %[5]s THEN %[2]s
      WHEN %[1]s = 'Root' AND %[6]s THEN %[2]s
      WHEN %[1]s = 'AssumedRole' AND %[3]s = 'Role' AND %[7]s THEN %[4]s
      WHEN %[1]s = 'FederatedUser' AND (%[8]s OR %[9]s) THEN %[4]s
      WHEN %[1]s = 'Role' AND %[10]s THEN %[2]s
    END`, itype, iarn, istype, isarn,
		re(iarn, iamPrefix+"user/."),
		re(iarn, iamPrefix+"root$"),
		re(isarn, iamPrefix+"role/."),
		re(isarn, iamPrefix+"user/."),
		re(isarn, iamPrefix+"root$"),
		re(iarn, iamPrefix+"role/."))
}

// PrincipalField is field n (2 partition, 5 account) of Principal's ARN
// where Principal is not NULL: of the session issuer's ARN for a role or
// federated-user session, of the identity's own otherwise. It is shorter
// than Principal, for engines that cannot name Principal once.
func PrincipalField(n int) string {
	return fmt.Sprintf("split_part(CASE WHEN userIdentity.type IN ('AssumedRole', 'FederatedUser') THEN userIdentity.sessionContext.sessionIssuer.arn ELSE userIdentity.arn END, ':', %d)", n)
}

// Outcome is audit.Outcome of a record: ok without errorCode, denied when
// the code names AccessDenied or Unauthorized, error otherwise.
const Outcome = `CASE
      WHEN COALESCE(errorCode, '') = '' THEN 'ok'
      WHEN errorCode LIKE '%AccessDenied%' OR errorCode LIKE '%Unauthorized%' THEN 'denied'
      ELSE 'error'
    END`

// DataEvent is true for a data event: eventCategory Data, or, in records
// without a category, managementEvent false.
const DataEvent = `CASE
      WHEN COALESCE(eventCategory, '') <> '' THEN eventCategory = 'Data'
      ELSE COALESCE(managementEvent = false, false)
    END`

// Call holds for the records that are calls: eventType AwsApiCall or
// AwsConsoleAction (or absent, in old records), never Insight records.
const Call = `COALESCE(eventType, '') IN ('', 'AwsApiCall', 'AwsConsoleAction') AND COALESCE(eventCategory, '') <> 'Insight'`

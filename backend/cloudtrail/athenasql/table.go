// Package athenasql writes the SQL that pushes CloudTrail usage aggregation
// down to Amazon Athena: the table over a trail's S3 bucket with partition
// projection (account, region, day), one aggregate query returning a row per
// (account, principal, event, outcome) with its count and first and last
// time, and the IAM policy that running them needs. It does no I/O:
// backend/awsapi runs the statements.
//
// The query counts exactly the events backend/cloudtrail counts when it
// reads the same log files itself (same window, deduplication by eventID,
// calls only, the same attribution and outcome rules, the same resource
// ARNs per call). Mapping events to IAM
// actions stays in Go (cloudtrail.FromEvents): the IAM database's event
// tables do not fit in Athena's 262,144-byte query limit and change with
// `aegis data update`, while the rows to map number thousands, not
// billions. The same query text runs in DuckDB over the log files for
// testing; Dialect names the differences.
package athenasql

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/aegis-iam/aegis/backend/cloudtrail/eventsql"
)

// Table is the Athena (Glue) table over a trail's log files.
type Table struct {
	// Database and Name are the Glue database (which must exist, e.g.
	// "default") and the table's name.
	Database, Name string
	// Bucket and Prefix locate the logs: s3://Bucket/[Prefix/]AWSLogs/…
	// Prefix is the trail's S3 key prefix, without slashes at the ends.
	Bucket, Prefix string
	// Org is the organization ID ("o-…") of an organization trail, whose
	// logs are under AWSLogs/o-…/ACCOUNT/; empty for an account trail
	// (AWSLogs/ACCOUNT/).
	Org string
	// Accounts are the account IDs the table projects. Empty makes the
	// account an injected partition: every query must then name its
	// accounts (Window.Accounts), which suits organizations with many.
	Accounts []string
	// Regions are the regions the table projects. Required.
	Regions []string
	// Since is the first day the date projection covers.
	Since time.Time
}

// Partition columns: projected from the log file's S3 key, never stored.
const (
	colAccount = "accountid"
	colRegion  = "region"
	colDay     = "dt" // yyyy/MM/dd, the delivery folder's date
)

var (
	// The bounded repeats ({0,254}, {1,61}...) expand to large programs,
	// and most runs of the binary never validate a table: compiled on
	// first use.
	identRE  = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[a-z_][a-z0-9_]{0,254}$`) })
	bucketRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$`) })
	prefixRE = regexp.MustCompile(`^[A-Za-z0-9!_.*()/-]*$`)
	orgRE    = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^o-[a-z0-9]{10,32}$`) })
)

// Validate reports every problem with the table's settings. Values end up
// inside SQL literals, so anything outside the documented shapes is refused
// rather than escaped.
func (t Table) Validate() error {
	var errs []error
	if !identRE().MatchString(t.Database) {
		errs = append(errs, fmt.Errorf("database %q: want lower-case letters, digits and _", t.Database))
	}
	if !identRE().MatchString(t.Name) {
		errs = append(errs, fmt.Errorf("table %q: want lower-case letters, digits and _", t.Name))
	}
	if !bucketRE().MatchString(t.Bucket) {
		errs = append(errs, fmt.Errorf("bucket %q is not an S3 bucket name", t.Bucket))
	}
	if !prefixRE.MatchString(t.Prefix) || strings.HasPrefix(t.Prefix, "/") || strings.HasSuffix(t.Prefix, "/") || strings.Contains(t.Prefix, "//") {
		errs = append(errs, fmt.Errorf("prefix %q: want an S3 key prefix without slashes at the ends", t.Prefix))
	}
	if t.Org != "" && !orgRE().MatchString(t.Org) {
		errs = append(errs, fmt.Errorf("organization %q: want o- and 10 to 32 letters or digits", t.Org))
	}
	errs = append(errs, checkList("account", t.Accounts, eventsql.ValidAccount)...)
	if len(t.Regions) == 0 {
		errs = append(errs, errors.New("no region: the table projects a list of regions"))
	}
	errs = append(errs, checkList("region", t.Regions, eventsql.ValidRegion)...)
	if t.Since.IsZero() {
		errs = append(errs, errors.New("no first day (Since) for the date projection"))
	}
	return errors.Join(errs...)
}

// checkList reports each of vals that valid refuses, and each listed again.
func checkList(what string, vals []string, valid func(string) bool) []error {
	var errs []error
	for i, v := range vals {
		if !valid(v) {
			errs = append(errs, fmt.Errorf("%s %q is not valid", what, v))
		} else if slices.Contains(vals[:i], v) {
			errs = append(errs, fmt.Errorf("%s %q is listed twice", what, v))
		}
	}
	return errs
}

// logRoot is s3://bucket/[prefix/]AWSLogs/[o-…/].
func (t Table) logRoot() string {
	s := "s3://" + t.Bucket + "/"
	if t.Prefix != "" {
		s += t.Prefix + "/"
	}
	s += "AWSLogs/"
	if t.Org != "" {
		s += t.Org + "/"
	}
	return s
}

// ref is the table's name in a query.
func (t Table) ref() string { return `"` + t.Database + `"."` + t.Name + `"` }

// DDL returns the CREATE EXTERNAL TABLE statement: AWS's CloudTrail table
// (JSON SerDe, CloudTrailInputFormat unwrapping Records[]) partitioned by
// account, region and day, with partition projection over the trail's
// layout so that no crawler or ALTER TABLE ADD PARTITION is needed
// (https://docs.aws.amazon.com/athena/latest/ug/create-cloudtrail-table-partition-projection.html).
func (t Table) DDL() (string, error) {
	if err := t.Validate(); err != nil {
		return "", err
	}
	var b strings.Builder
	fmt.Fprintf(&b, "CREATE EXTERNAL TABLE IF NOT EXISTS `%s`.`%s` (\n", t.Database, t.Name)
	for i, c := range logColumns {
		sep := ","
		if i == len(logColumns)-1 {
			sep = ""
		}
		fmt.Fprintf(&b, "  `%s` %s%s\n", c.name, c.typ.hive(), sep)
	}
	fmt.Fprintf(&b, ")\nPARTITIONED BY (`%s` STRING, `%s` STRING, `%s` STRING)\n", colAccount, colRegion, colDay)
	b.WriteString("ROW FORMAT SERDE 'org.apache.hive.hcatalog.data.JsonSerDe'\n")
	b.WriteString("STORED AS INPUTFORMAT 'com.amazon.emr.cloudtrail.CloudTrailInputFormat'\n")
	b.WriteString("OUTPUTFORMAT 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat'\n")
	fmt.Fprintf(&b, "LOCATION '%s'\n", t.logRoot())
	props := [][2]string{{"projection.enabled", "true"}}
	if len(t.Accounts) > 0 {
		props = append(props, [2]string{"projection." + colAccount + ".type", "enum"},
			[2]string{"projection." + colAccount + ".values", strings.Join(t.Accounts, ",")})
	} else {
		props = append(props, [2]string{"projection." + colAccount + ".type", "injected"})
	}
	props = append(props,
		[2]string{"projection." + colRegion + ".type", "enum"},
		[2]string{"projection." + colRegion + ".values", strings.Join(t.Regions, ",")},
		[2]string{"projection." + colDay + ".type", "date"},
		[2]string{"projection." + colDay + ".format", "yyyy/MM/dd"},
		[2]string{"projection." + colDay + ".interval", "1"},
		[2]string{"projection." + colDay + ".interval.unit", "DAYS"},
		[2]string{"projection." + colDay + ".range", t.Since.UTC().Format(dayFormat) + ",NOW"},
		[2]string{"storage.location.template", t.logRoot() + "${" + colAccount + "}/CloudTrail/${" + colRegion + "}/${" + colDay + "}"},
	)
	b.WriteString("TBLPROPERTIES (\n")
	for i, p := range props {
		sep := ","
		if i == len(props)-1 {
			sep = ""
		}
		fmt.Fprintf(&b, "  '%s'='%s'%s\n", p[0], p[1], sep)
	}
	b.WriteString(")")
	return b.String(), nil
}

// dayFormat is the projected day's format, yyyy/MM/dd in Java terms.
const dayFormat = "2006/01/02"

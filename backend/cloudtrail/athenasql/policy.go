package athenasql

import (
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"sync"

	"github.com/aegis-iam/aegis/backend/cloudtrail/eventsql"
)

// Access is where Aegis runs the table's statements.
type Access struct {
	// Region and Account are those of the Athena workgroup and the Glue
	// catalog holding the table.
	Region, Account string
	// Workgroup is the Athena workgroup ("primary" by default in AWS).
	Workgroup string
	// Results is the S3 location for query results, s3://bucket/prefix/.
	Results string
	// KMSKey is the ARN of the KMS key the trail's log files are encrypted
	// with (SSE-KMS), if any.
	KMSKey string
}

var (
	// The bounded repeats below expand to large programs: compiled on
	// first use, like identRE.
	workgroupRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[A-Za-z0-9._-]{1,128}$`) })
	resultsRE   = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`^s3://([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])/([A-Za-z0-9!_.*()/-]*)$`)
	})
	kmsKeyRE = regexp.MustCompile(`^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[A-Za-z0-9-]+$`)
)

// statement is one IAM policy statement, in the order AWS prints them.
type statement struct {
	Sid       string                    `json:"Sid"`
	Effect    string                    `json:"Effect"`
	Action    []string                  `json:"Action"`
	Resource  []string                  `json:"Resource"`
	Condition map[string]map[string]any `json:"Condition,omitempty"`
}

// Policy returns the identity policy that creating the table and running
// the aggregate query need, and nothing more: Athena's query calls on the
// workgroup; the Glue catalog, database and table (CreateTable only for the
// one-time set-up); reading the trail's log files; writing and reading the
// query results (Athena writes them as the caller; Aegis reads each result
// file with s3:GetObject, the QueryResults statement); and decrypting the logs
// when they are SSE-KMS encrypted.
// (https://docs.aws.amazon.com/athena/latest/ug/fine-grained-access-to-glue-resources.html,
// https://docs.aws.amazon.com/athena/latest/ug/security-iam-athena.html.)
func Policy(t Table, a Access) ([]byte, error) {
	var errs []error
	if err := t.Validate(); err != nil {
		errs = append(errs, err)
	}
	if !eventsql.ValidRegion(a.Region) {
		errs = append(errs, fmt.Errorf("region %q is not valid", a.Region))
	}
	if !eventsql.ValidAccount(a.Account) {
		errs = append(errs, fmt.Errorf("account %q is not valid", a.Account))
	}
	if !workgroupRE().MatchString(a.Workgroup) {
		errs = append(errs, fmt.Errorf("workgroup %q is not valid", a.Workgroup))
	}
	m := resultsRE().FindStringSubmatch(a.Results)
	if m == nil || !strings.HasSuffix(a.Results, "/") {
		errs = append(errs, fmt.Errorf("results location %q: want s3://bucket/prefix/", a.Results))
	}
	if a.KMSKey != "" && !kmsKeyRE.MatchString(a.KMSKey) {
		errs = append(errs, fmt.Errorf("KMS key %q is not a key ARN", a.KMSKey))
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	glue := "arn:aws:glue:" + a.Region + ":" + a.Account + ":"
	logs := strings.TrimPrefix(t.logRoot(), "s3://"+t.Bucket+"/")
	resBucket, resPrefix := m[1], m[2]
	stmts := []statement{
		{Sid: "RunAthenaQueries", Effect: "Allow", Resource: []string{"arn:aws:athena:" + a.Region + ":" + a.Account + ":workgroup/" + a.Workgroup},
			Action: []string{"athena:GetQueryExecution", "athena:GetQueryResults", "athena:StartQueryExecution", "athena:StopQueryExecution"}},
		{Sid: "ReadTheTable", Effect: "Allow", Action: []string{"glue:GetDatabase", "glue:GetTable"},
			Resource: []string{glue + "catalog", glue + "database/" + t.Database, glue + "table/" + t.Database + "/" + t.Name}},
		{Sid: "CreateTheTableOnce", Effect: "Allow", Action: []string{"glue:CreateTable"},
			Resource: []string{glue + "catalog", glue + "database/" + t.Database, glue + "table/" + t.Database + "/" + t.Name}},
		{Sid: "LocateTrailBucket", Effect: "Allow", Action: []string{"s3:GetBucketLocation"},
			Resource: []string{"arn:aws:s3:::" + t.Bucket}},
		{Sid: "ListTrailLogs", Effect: "Allow", Action: []string{"s3:ListBucket"},
			Resource:  []string{"arn:aws:s3:::" + t.Bucket},
			Condition: map[string]map[string]any{"StringLike": {"s3:prefix": []string{logs + "*"}}}},
		{Sid: "ReadTrailLogs", Effect: "Allow", Action: []string{"s3:GetObject"},
			Resource: []string{"arn:aws:s3:::" + t.Bucket + "/" + logs + "*"}},
		{Sid: "QueryResultsBucket", Effect: "Allow", Action: []string{"s3:GetBucketLocation", "s3:ListBucket", "s3:ListBucketMultipartUploads"},
			Resource: []string{"arn:aws:s3:::" + resBucket}},
		{Sid: "QueryResults", Effect: "Allow",
			Action:   []string{"s3:AbortMultipartUpload", "s3:GetObject", "s3:ListMultipartUploadParts", "s3:PutObject"},
			Resource: []string{"arn:aws:s3:::" + resBucket + "/" + resPrefix + "*"}},
	}
	if a.KMSKey != "" {
		stmts = append(stmts, statement{Sid: "DecryptTrailLogs", Effect: "Allow", Action: []string{"kms:Decrypt"},
			Resource:  []string{a.KMSKey},
			Condition: map[string]map[string]any{"StringEquals": {"kms:ViaService": "s3." + a.Region + ".amazonaws.com"}}})
	}
	return json.MarshalIndent(struct {
		Version   string      `json:"Version"`
		Statement []statement `json:"Statement"`
	}{"2012-10-17", stmts}, "", "    ")
}

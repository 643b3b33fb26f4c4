package eventsql

import "fmt"

// The resource ARNs of a call, in SQL, as backend/cloudtrail's
// resourceARNs derives them from a record (resources.go there): each
// resources[].ARN that is a literal ARN, an S3 object generalised to its
// bucket's objects (arn:…:s3:::BUCKET/*); and the one ARN the
// requestParameters of S3, SQS, DynamoDB, Lambda, STS, SNS and Secrets
// Manager calls name unambiguously. A name is valid when it is not empty
// and holds no wildcard or blank (* ? space tab newline).

// RequestMembers are the requestParameters members resources are derived
// from.
var RequestMembers = []string{"bucketName", "key", "queueUrl", "tableName", "functionName", "roleArn", "topicArn", "secretId"}

// Record names the SQL expressions of one record that its call's
// resources are derived from; each may be a column or any expression.
type Record struct {
	// Resources is the record's resources array, of rows with an ARN field.
	Resources string
	// Member is the text of a member of RequestMembers of the record's
	// requestParameters, NULL when absent.
	Member func(name string) string
	// Source, Region and Recipient are eventSource, awsRegion and
	// recipientAccountId.
	Source, Region, Recipient string
	// Partition is the partition of the principal's ARN, which the ARNs
	// made up from requestParameters take.
	Partition string
}

// badName matches what makes a name invalid inside an ARN.
const badName = `[*? \t\n]`

// validName is the SQL of cloudtrail's validName.
func (d Dialect) validName(x string) string {
	return fmt.Sprintf("(%s <> '' AND NOT %s)", x, d.RegexpLike(x, badName))
}

// isARN is the SQL of cloudtrail's isARN: a literal ARN.
func (d Dialect) isARN(x string) string {
	return fmt.Sprintf("(%s LIKE 'arn:%%' AND NOT %s)", x, d.RegexpLike(x, badName))
}

// ResourceARNs is the sorted, distinct resource ARNs of the call of c, an array
// of text (empty when the record names none), on several lines.
func ResourceARNs(d Dialect, c Record) string {
	const s3Object = `^arn:[^:]*:s3:::[^/]+/`
	bucketOf := fmt.Sprintf("regexp_extract(r.ARN, '%s', 1)", `^(arn:[^:]*:s3:::[^/]+)/`)
	listed := fmt.Sprintf("%s(%s, r -> CASE\n"+
		"    WHEN %s AND NOT %s THEN %s || '/*'\n"+
		"    WHEN %s THEN r.ARN\n"+
		"  END)", d.Transform(), c.Resources, d.RegexpLike("r.ARN", s3Object), d.RegexpLike(bucketOf, badName), bucketOf, d.isARN("r.ARN"))

	bucket, key, queueURL, table := c.Member("bucketName"), c.Member("key"), c.Member("queueUrl"), c.Member("tableName")
	function, roleARN, topicARN, secretID := c.Member("functionName"), c.Member("roleArn"), c.Member("topicArn"), c.Member("secretId")
	acct := d.RegexpLike(c.Recipient, "^[0-9]{12}$")
	region := fmt.Sprintf("COALESCE(%s, '') <> ''", c.Region)
	host := fmt.Sprintf("regexp_extract(%s, '^https://([^/]*)/', 1)", queueURL)
	literal := func(col string) string { return fmt.Sprintf("CASE WHEN %s THEN %s END", d.isARN(col), col) }
	named := fmt.Sprintf("CASE %[17]s\n"+
		"    WHEN 's3.amazonaws.com' THEN CASE WHEN %[1]s AND strpos(%[18]s, '/') = 0\n"+
		"      THEN 'arn:' || %[2]s || ':s3:::' || %[18]s || CASE WHEN COALESCE(%[19]s, '') <> '' THEN '/*' ELSE '' END END\n"+
		"    WHEN 'sqs.amazonaws.com' THEN CASE WHEN %[3]s\n"+
		"      THEN 'arn:' || %[2]s || ':sqs:' || CASE\n"+
		"        WHEN %[4]s THEN split_part(%[5]s, '.', 2)\n"+
		"        WHEN %[6]s THEN split_part(%[5]s, '.', 1)\n"+
		"        ELSE COALESCE(%[20]s, '')\n"+
		"      END || ':' || regexp_extract(%[21]s, '^https://[^/]*/([0-9]{12})/', 1) || ':' || regexp_extract(%[21]s, '^https://[^/]*/[0-9]{12}/(.*)', 1) END\n"+
		"    WHEN 'dynamodb.amazonaws.com' THEN CASE WHEN %[7]s THEN %[22]s\n"+
		"      WHEN %[8]s AND %[9]s AND %[10]s THEN 'arn:' || %[2]s || ':dynamodb:' || %[20]s || ':' || %[23]s || ':table/' || %[22]s END\n"+
		"    WHEN 'lambda.amazonaws.com' THEN CASE WHEN %[11]s THEN %[24]s\n"+
		"      WHEN %[12]s AND %[9]s AND %[10]s AND NOT %[13]s THEN 'arn:' || %[2]s || ':lambda:' || %[20]s || ':' || %[23]s || ':function:' || %[24]s END\n"+
		"    WHEN 'sts.amazonaws.com' THEN %[14]s\n"+
		"    WHEN 'sns.amazonaws.com' THEN %[15]s\n"+
		"    WHEN 'secretsmanager.amazonaws.com' THEN %[16]s\n"+
		"  END",
		d.validName(bucket), c.Partition,
		d.RegexpLike(queueURL, `^https://[^/]*/[0-9]{12}/[^/?* \t\n]+$`),
		d.RegexpLike(host, `^sqs\.[^.]*\.[^.]*\.`), host, d.RegexpLike(host, `^[^.]*\.queue\.[^.]*\.`),
		d.isARN(table), d.validName(table), acct, region,
		d.isARN(function), d.validName(function), d.RegexpLike(function, ":[^:]*:"),
		literal(roleARN), literal(topicARN), literal(secretID),
		c.Source, bucket, key, c.Region, queueURL, table, c.Recipient, function)
	return fmt.Sprintf("array_sort(array_distinct(filter(\n"+
		"  COALESCE(%s, ARRAY[CAST(NULL AS VARCHAR)])\n"+
		"  || ARRAY[%s],\n"+
		"  x -> x IS NOT NULL)))", listed, named)
}

package athenasql

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/aegis-iam/aegis/backend/cloudtrail/eventsql"
)

// jsonMember is the member of the JSON object doc as the log reader takes
// it: the text of a string or a boolean; NULL for a number, an object, an
// array, null, an absent member or a document that is not JSON.
func (d Dialect) jsonMember(doc, member string) string {
	path := "'$." + member + "'"
	if d == DuckDB {
		// Nested: DuckDB's json functions fail on text that is not JSON,
		// and only CASE guarantees they are not called on it.
		return fmt.Sprintf("CASE WHEN json_valid(%[1]s) THEN CASE WHEN json_type(%[1]s, %[2]s) IN ('VARCHAR', 'BOOLEAN') THEN json_extract_string(%[1]s, %[2]s) END END", doc, path)
	}
	return fmt.Sprintf("CASE WHEN json_format(json_extract(%[1]s, %[2]s)) LIKE '\"%%' OR json_format(json_extract(%[1]s, %[2]s)) IN ('true', 'false') THEN json_extract_scalar(%[1]s, %[2]s) END", doc, path)
}

// requestColumn is the column the calls CTE gives each of
// eventsql.RequestMembers (jsonMember).
var requestColumn = map[string]string{
	"bucketName": "p_bucket", "key": "p_key", "queueUrl": "p_queue_url", "tableName": "p_table",
	"functionName": "p_function", "roleArn": "p_role_arn", "topicArn": "p_topic_arn", "secretId": "p_secret_id",
}

// requestColumns selects eventsql.RequestMembers from request_parameters,
// one per line, each line after the first starting with indent.
func (d Dialect) requestColumns(indent string) string {
	cols := make([]string, len(eventsql.RequestMembers))
	for i, m := range eventsql.RequestMembers {
		cols[i] = d.jsonMember("request_parameters", m) + " AS " + requestColumn[m]
	}
	return strings.Join(cols, ",\n"+indent)
}

// resourceARNs is eventsql.ResourceARNs over the columns of the calls
// CTE: resource_list (the resources array), the requestColumns,
// aws_region, recipient, event_source and principal (whose partition the
// ARNs made up here take). Each line after the first starts with indent.
func (d Dialect) resourceARNs(indent string) string {
	sql := eventsql.ResourceARNs(d.sql(), eventsql.Record{
		Resources: "resource_list",
		Member:    func(name string) string { return requestColumn[name] },
		Source:    "event_source", Region: "aws_region", Recipient: "recipient",
		Partition: "split_part(principal, ':', 2)",
	})
	return strings.ReplaceAll(sql, "\n", "\n"+indent)
}

// MaxResourceSets is backend/cloudtrail's bound on the distinct resource
// sets kept per (principal, event, outcome): with more, the calls'
// resources are unknown (resource_sets NULL).
const MaxResourceSets = 32

// decodeResourceSets reads resource_sets: a JSON array of the calls'
// distinct resource sets, each an array of ARNs (empty for calls whose
// records name none); NULL (nil) when unknown.
func decodeResourceSets(cell *string) ([][]string, error) {
	if cell == nil {
		return nil, nil
	}
	var sets [][]string
	if err := json.Unmarshal([]byte(*cell), &sets); err != nil || sets == nil {
		return nil, fmt.Errorf("resource_sets %q: want a JSON array of arrays of ARNs", *cell)
	}
	if len(sets) > MaxResourceSets {
		return nil, fmt.Errorf("resource_sets: %d sets, at most %d", len(sets), MaxResourceSets)
	}
	for _, s := range sets {
		if s == nil {
			return nil, fmt.Errorf("resource_sets %q: a set is null", *cell)
		}
		for _, arn := range s {
			if !strings.HasPrefix(arn, "arn:") {
				return nil, fmt.Errorf("resource_sets: %q is not an ARN", arn)
			}
		}
	}
	return sets, nil
}

package athenasql

import "strings"

// colType is a column type, written for Hive DDL (Athena) or DuckDB.
type colType struct {
	scalar string   // "STRING" or "BOOLEAN"; empty for a struct or array
	fields []column // a struct's members
	elem   *colType // an array's element
}

type column struct {
	name string // the record member's exact JSON name
	typ  colType
}

var (
	str     = colType{scalar: "STRING"}
	boolean = colType{scalar: "BOOLEAN"}
)

func structOf(fields ...column) colType { return colType{fields: fields} }

func col(name string, t colType) column { return column{name, t} }

func strs(names ...string) []column {
	cs := make([]column, len(names))
	for i, n := range names {
		cs[i] = col(n, str)
	}
	return cs
}

// logColumns are the members of a CloudTrail record as AWS's Athena table
// declares them
// (https://docs.aws.amazon.com/athena/latest/ug/create-cloudtrail-table-partition-projection.html),
// named as the records spell them: the JSON SerDe matches names without
// regard to case, DuckDB's JSON reader does not. Nested documents
// (requestParameters, responseElements…) are JSON text.
var logColumns = append(append([]column{
	col("eventVersion", str),
	col("userIdentity", structOf(append(strs("type", "principalId", "arn", "accountId", "invokedBy", "accessKeyId", "userName"),
		col("onBehalfOf", structOf(strs("userId", "identityStoreArn")...)),
		col("sessionContext", structOf(
			col("attributes", structOf(strs("mfaAuthenticated", "creationDate")...)),
			col("sessionIssuer", structOf(strs("type", "principalId", "arn", "accountId", "userName")...)),
			col("ec2RoleDelivery", str),
			col("webIdFederationData", structOf(col("federatedProvider", str))),
		)))...)),
}, strs("eventTime", "eventSource", "eventName", "awsRegion", "sourceIPAddress", "userAgent", "errorCode", "errorMessage",
	"requestParameters", "responseElements", "additionalEventData", "requestID", "eventID", "readOnly")...),
	col("resources", colType{elem: &colType{fields: strs("ARN", "accountId", "type")}}),
	col("eventType", str), col("apiVersion", str), col("recipientAccountId", str), col("serviceEventDetails", str),
	col("sharedEventID", str), col("vpcEndpointId", str), col("vpcEndpointAccountId", str), col("eventCategory", str),
	col("managementEvent", boolean),
	col("tlsDetails", structOf(strs("tlsVersion", "cipherSuite", "clientProvidedHostHeader")...)),
)

// hive writes the type for Athena DDL: STRUCT<name:T,…>, ARRAY<T>.
func (t colType) hive() string {
	switch {
	case t.scalar != "":
		return t.scalar
	case t.elem != nil:
		return "ARRAY<" + t.elem.hive() + ">"
	}
	parts := make([]string, len(t.fields))
	for i, f := range t.fields {
		parts[i] = f.name + ":" + f.typ.hive()
	}
	return "STRUCT<" + strings.Join(parts, ",") + ">"
}

// duckdb writes the type for DuckDB: STRUCT("name" T, …), T[].
func (t colType) duckdb() string {
	switch t.scalar {
	case "STRING":
		return "VARCHAR"
	case "BOOLEAN":
		return "BOOLEAN"
	}
	if t.elem != nil {
		return t.elem.duckdb() + "[]"
	}
	parts := make([]string, len(t.fields))
	for i, f := range t.fields {
		parts[i] = `"` + f.name + `" ` + f.typ.duckdb()
	}
	return "STRUCT(" + strings.Join(parts, ", ") + ")"
}

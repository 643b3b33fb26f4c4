package unused

import (
	"slices"
	"strings"

	"github.com/aegis-iam/aegis/backend/audit"
	"github.com/aegis-iam/aegis/backend/iamdb"
	"github.com/aegis-iam/aegis/backend/policy"
)

// dataEventTypes maps actions whose calls CloudTrail records as data events
// to the data resource type a trail must select to log them
// (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/logging-data-events-with-cloudtrail.html).
// Patterns are IAM action patterns. Calls of these actions are invisible in
// management events: without the trail logging the type they are unknown.
var dataEventTypes = []struct {
	pattern, resourceType string
}{
	{"s3:GetObject*", "AWS::S3::Object"},
	{"s3:PutObject*", "AWS::S3::Object"},
	{"s3:DeleteObject*", "AWS::S3::Object"},
	{"s3:RestoreObject", "AWS::S3::Object"},
	{"s3:AbortMultipartUpload", "AWS::S3::Object"},
	{"s3:ListMultipartUploadParts", "AWS::S3::Object"},
	{"s3:ListBucket", "AWS::S3::Object"}, // ListObjects(V2)
	{"s3:ListBucketVersions", "AWS::S3::Object"},
	{"s3:ListBucketMultipartUploads", "AWS::S3::Object"},
	{"s3:BypassGovernanceRetention", "AWS::S3::Object"},
	{"lambda:InvokeFunction", "AWS::Lambda::Function"},
	{"dynamodb:GetItem", "AWS::DynamoDB::Table"},
	{"dynamodb:BatchGetItem", "AWS::DynamoDB::Table"},
	{"dynamodb:PutItem", "AWS::DynamoDB::Table"},
	{"dynamodb:UpdateItem", "AWS::DynamoDB::Table"},
	{"dynamodb:DeleteItem", "AWS::DynamoDB::Table"},
	{"dynamodb:BatchWriteItem", "AWS::DynamoDB::Table"},
	{"dynamodb:ConditionCheckItem", "AWS::DynamoDB::Table"},
	{"dynamodb:Query", "AWS::DynamoDB::Table"},
	{"dynamodb:Scan", "AWS::DynamoDB::Table"},
	{"dynamodb:PartiQL*", "AWS::DynamoDB::Table"},
	{"dynamodb:GetRecords", "AWS::DynamoDB::Stream"},
	{"dynamodb:GetShardIterator", "AWS::DynamoDB::Stream"},
	{"sns:Publish", "AWS::SNS::Topic"},
	{"sqs:SendMessage", "AWS::SQS::Queue"},
	{"sqs:ReceiveMessage", "AWS::SQS::Queue"},
	{"sqs:DeleteMessage", "AWS::SQS::Queue"},
	{"sqs:ChangeMessageVisibility", "AWS::SQS::Queue"},
	{"kinesis:PutRecord*", "AWS::Kinesis::Stream"},
	{"kinesis:GetRecords", "AWS::Kinesis::Stream"},
	{"kinesis:GetShardIterator", "AWS::Kinesis::Stream"},
	{"kinesis:SubscribeToShard", "AWS::Kinesis::Consumer"},
	{"ebs:*", "AWS::EC2::Snapshot"},
	{"s3-object-lambda:*", "AWS::S3ObjectLambda::AccessPoint"},
}

// notLogged are actions no CloudTrail event records: permission-only
// actions checked as part of another call, and services whose requests
// CloudTrail does not log (OpenSearch HTTP, RDS IAM database
// authentication, API Gateway invocation, Session Manager channels).
var notLogged = []string{
	"iam:PassRole",
	"sts:TagSession", "sts:SetSourceIdentity", "sts:SetContext",
	"es:ESHttp*",
	"rds-db:connect",
	"execute-api:Invoke", "execute-api:ManageConnections",
	"ssmmessages:*", "ec2messages:*",
}

// excludable maps event sources a trail can exclude from management events
// to the IAM prefix of their actions.
var excludable = map[string]string{"kms.amazonaws.com": "kms", "rdsdata.amazonaws.com": "rds-data"}

// excludablePrefix reports whether a trail can exclude the prefix's events:
// without the trails' selectors, their absence proves nothing.
func excludablePrefix(prefix string) bool {
	for _, p := range excludable {
		if p == prefix {
			return true
		}
	}
	return false
}

// patterns compiles action patterns once, lower-cased: callers lower the
// action once rather than each pattern folding it again.
func patterns(ps ...string) []policy.Pattern {
	out := make([]policy.Pattern, len(ps))
	for i, p := range ps {
		out[i] = policy.CompilePattern(strings.ToLower(p), false)
	}
	return out
}

// matchAny reports whether the lower-cased action matches one of ps.
func matchAny(ps []policy.Pattern, lower string) bool {
	for _, p := range ps {
		if p.Match(lower) {
			return true
		}
	}
	return false
}

var (
	notLoggedPatterns = patterns(notLogged...)
	dataEventPatterns = func() []policy.Pattern {
		ps := make([]string, len(dataEventTypes))
		for i, d := range dataEventTypes {
			ps[i] = d.pattern
		}
		return patterns(ps...)
	}()
)

// dataEventType returns the data resource type of a lower-cased action
// recorded as a data event, "" for management actions.
func dataEventType(lower string) string {
	for i, p := range dataEventPatterns {
		if p.Match(lower) {
			return dataEventTypes[i].resourceType
		}
	}
	return ""
}

func isNotLogged(lower string) bool { return matchAny(notLoggedPatterns, lower) }

// ReasonReadWriteNotLogged: the trails log only read-only or only write
// events of the action's kind, and not the other.
const ReasonReadWriteNotLogged audit.UnknownReason = "read-write-not-logged"

// ReasonDataEventsPartlyLogged: the trails log the action's data events for
// some resources only (a selector names buckets, functions or ARNs), so
// calls on the other resources are not seen.
const ReasonDataEventsPartlyLogged audit.UnknownReason = "data-events-partly-logged"

// sides says which events a selector logs: read-only ones, writes, or both.
type sides uint8

const (
	readSide sides = 1 << iota
	writeSide
	bothSides = readSide | writeSide
)

// basicSides reads a basic selector's ReadWriteType.
func basicSides(rw string) sides {
	switch rw {
	case "ReadOnly":
		return readSide
	case "WriteOnly":
		return writeSide
	}
	return bothSides
}

// advancedSides reads an advanced selector's readOnly field.
func advancedSides(f audit.FieldSelector) sides {
	switch {
	case len(f.Equals) == 1 && f.Equals[0] == "true", len(f.NotEquals) == 1 && f.NotEquals[0] == "false":
		return readSide
	case len(f.Equals) == 1 && f.Equals[0] == "false", len(f.NotEquals) == 1 && f.NotEquals[0] == "true":
		return writeSide
	}
	return bothSides
}

// logging is what the trails say was logged.
type logging struct {
	known     bool             // trails were collected
	mgmt      sides            // management events some trail logs
	dataTypes map[string]sides // data resource types some trail logs
	// allData are the data resource types some trail logs for every
	// resource, not only for some buckets or functions.
	allData  map[string]sides
	excluded map[string]bool // IAM prefixes excluded from management events
}

func trailLogging(trails []audit.Trail) logging {
	l := logging{known: len(trails) > 0, dataTypes: map[string]sides{}, allData: map[string]sides{}, excluded: map[string]bool{}}
	excludedBy := map[string]int{}
	mgmtTrails := 0
	for _, t := range trails {
		trailMgmt := false
		trailExcl := map[string]bool{}
		for _, es := range t.EventSelectors {
			if es.IncludeManagementEvents {
				trailMgmt = true
				l.mgmt |= basicSides(es.ReadWriteType)
				for _, src := range es.ExcludeManagementEventSources {
					if p, ok := excludable[src]; ok {
						trailExcl[p] = true
					}
				}
			}
			for _, d := range es.DataResources {
				l.dataTypes[d.Type] |= basicSides(es.ReadWriteType)
				if slices.ContainsFunc(d.Values, everyResource) {
					l.allData[d.Type] |= basicSides(es.ReadWriteType)
				}
			}
		}
		for _, as := range t.AdvancedEventSelectors {
			category, types, excl, rw, scoped := "", []string(nil), []string(nil), bothSides, false
			for _, f := range as.FieldSelectors {
				switch f.Field {
				case "resources.ARN":
					scoped = true
				case "readOnly":
					rw = advancedSides(f)
				case "eventCategory":
					if len(f.Equals) > 0 {
						category = f.Equals[0]
					}
				case "resources.type":
					types = f.Equals
				case "eventSource":
					excl = f.NotEquals
				}
			}
			switch category {
			case "Data":
				for _, ty := range types {
					l.dataTypes[ty] |= rw
					if !scoped {
						l.allData[ty] |= rw
					}
				}
			case "Management":
				trailMgmt = true
				l.mgmt |= rw
				for _, src := range excl {
					if p, ok := excludable[src]; ok {
						trailExcl[p] = true
					}
				}
			}
		}
		if trailMgmt {
			mgmtTrails++
			for p := range trailExcl {
				excludedBy[p]++
			}
		}
	}
	// A source is excluded when every trail logging management events
	// excludes it: one trail logging it is enough.
	for p, n := range excludedBy {
		if n == mgmtTrails {
			l.excluded[p] = true
		}
	}
	return l
}

// reasons returns why the use of action cannot be seen in the logs. Its
// calls are read-only events when its access level is List or Read.
func (l *logging) reasons(a *iamdb.Action) []audit.UnknownReason {
	var out []audit.UnknownReason
	lower := strings.ToLower(a.FullName())
	side := sideOf(a)
	if isNotLogged(lower) {
		out = append(out, audit.ReasonNotLogged)
	}
	t := dataEventType(lower)
	switch {
	case t != "" && l.dataTypes[t] == 0:
		out = append(out, audit.ReasonDataEventsNotLogged)
	case t != "" && l.dataTypes[t]&side == 0, t == "" && l.known && l.mgmt&side == 0:
		out = append(out, ReasonReadWriteNotLogged)
	case t != "" && l.allData[t]&side == 0:
		out = append(out, ReasonDataEventsPartlyLogged)
	}
	prefix, _, _ := strings.Cut(lower, ":")
	if l.excluded[prefix] || !l.known && excludablePrefix(prefix) {
		out = append(out, audit.ReasonExcludedSource)
	}
	return out
}

// sideOf says whether the action's calls are read-only events (List and
// Read access) or write events.
func sideOf(a *iamdb.Action) sides {
	if lvl := a.Access.Primary(); lvl == iamdb.AccessList || lvl == iamdb.AccessRead {
		return readSide
	}
	return writeSide
}

// everyResource reports whether a basic selector's data resource value
// selects every resource of its type ("arn:aws:s3", "arn:aws:s3:::",
// "arn:aws:lambda"), not one bucket or function.
func everyResource(v string) bool {
	return len(strings.Split(strings.TrimRight(v, ":"), ":")) <= 3
}

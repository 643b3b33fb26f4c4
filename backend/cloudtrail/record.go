package cloudtrail

import (
	"bytes"

	"github.com/aegis-iam/aegis/backend/audit"
)

// fieldID names the record members the scanner keeps.
type fieldID uint8

const (
	fEventID fieldID = iota
	fEventTime
	fEventSource
	fEventName
	fEventType
	fEventCategory
	fManagementEvent
	fErrorCode
	fIdentityType
	fIdentityARN
	fIssuerType
	fIssuerARN
	fRegion
	fRecipient
	// requestParameters members that name the resource acted on.
	fBucketName
	fKey
	fQueueURL
	fTableName
	fFunctionName
	fRoleARN
	fTopicARN
	fSecretID
	fResourceARN // resources[].ARN, collected per element
	nFields
)

// field is one member of interest: a value to keep (id), an object to
// descend into (sub) or an array of objects to read each of (list).
type field struct {
	id   fieldID
	sub  *fieldTable
	list *fieldTable
}

// fieldTable maps the member names of one object level to fields, indexed
// by the name's length: most names of a record are looked up and not
// found, and a length with no candidate answers that without hashing. For
// the elements of a list, each names the field collected after every
// element (into scanner.listed).
type fieldTable struct {
	byLen [][]namedField
	each  fieldID
}

type namedField struct {
	name string
	field
}

func newFieldTable(byName map[string]field, each fieldID) *fieldTable {
	t := &fieldTable{each: each}
	for name, f := range byName {
		for len(t.byLen) <= len(name) {
			t.byLen = append(t.byLen, nil)
		}
		t.byLen[len(name)] = append(t.byLen[len(name)], namedField{name, f})
	}
	return t
}

func (t *fieldTable) lookup(name []byte) (field, bool) {
	if len(name) < len(t.byLen) {
		for _, f := range t.byLen[len(name)] {
			if name[0] == f.name[0] && string(name) == f.name {
				return f.field, true
			}
		}
	}
	return field{}, false
}

// The members read, by level, as CloudTrail names them
// (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-record-contents.html).
var (
	issuerFields   = newFieldTable(map[string]field{"type": {id: fIssuerType}, "arn": {id: fIssuerARN}}, 0)
	sessionFields  = newFieldTable(map[string]field{"sessionIssuer": {sub: issuerFields}}, 0)
	identityFields = newFieldTable(map[string]field{
		"type":           {id: fIdentityType},
		"arn":            {id: fIdentityARN},
		"sessionContext": {sub: sessionFields},
	}, 0)
	paramFields = newFieldTable(map[string]field{
		"bucketName":   {id: fBucketName},
		"key":          {id: fKey},
		"queueUrl":     {id: fQueueURL},
		"tableName":    {id: fTableName},
		"functionName": {id: fFunctionName},
		"roleArn":      {id: fRoleARN},
		"topicArn":     {id: fTopicARN},
		"secretId":     {id: fSecretID},
	}, 0)
	resourceFields = newFieldTable(map[string]field{"ARN": {id: fResourceARN}}, fResourceARN)
	topFields      = newFieldTable(map[string]field{
		"eventID":            {id: fEventID},
		"eventTime":          {id: fEventTime},
		"eventSource":        {id: fEventSource},
		"eventName":          {id: fEventName},
		"eventType":          {id: fEventType},
		"eventCategory":      {id: fEventCategory},
		"managementEvent":    {id: fManagementEvent},
		"errorCode":          {id: fErrorCode},
		"awsRegion":          {id: fRegion},
		"recipientAccountId": {id: fRecipient},
		"userIdentity":       {sub: identityFields},
		"requestParameters":  {sub: paramFields},
		"resources":          {list: resourceFields},
	}, 0)
)

// record is the part of a CloudTrail event that usage needs. Its slices
// point into the scanner's buffer: valid until the next record.
type record struct {
	EventID, EventTime, EventSource, EventName []byte
	EventType, EventCategory, ErrorCode        []byte
	// Management is the managementEvent member: 1 true, 0 false, -1 absent.
	Management int8
	// userIdentity and its sessionContext.sessionIssuer.
	IdentityType, IdentityARN []byte
	IssuerType, IssuerARN     []byte
	// Region is awsRegion; Recipient recipientAccountId, the account that
	// owns the resource acted on.
	Region, Recipient []byte
	// Params are the requestParameters members that name a resource.
	Params params
	// Resources are the ARNs of the resources array.
	Resources [][]byte
}

// params are the requestParameters members resources are derived from.
type params struct {
	BucketName, Key, QueueURL, TableName, FunctionName, RoleARN, TopicARN, SecretID []byte
}

func (r *record) set(s *scanner) {
	s.unesc = s.unesc[:0]
	r.EventID = s.text(fEventID)
	r.EventTime = s.text(fEventTime)
	r.EventSource = s.text(fEventSource)
	r.EventName = s.text(fEventName)
	r.EventType = s.text(fEventType)
	r.EventCategory = s.text(fEventCategory)
	r.ErrorCode = s.text(fErrorCode)
	r.IdentityType = s.text(fIdentityType)
	r.IdentityARN = s.text(fIdentityARN)
	r.IssuerType = s.text(fIssuerType)
	r.IssuerARN = s.text(fIssuerARN)
	r.Region = s.text(fRegion)
	r.Recipient = s.text(fRecipient)
	r.Params = params{s.text(fBucketName), s.text(fKey), s.text(fQueueURL), s.text(fTableName), s.text(fFunctionName),
		s.text(fRoleARN), s.text(fTopicARN), s.text(fSecretID)}
	r.Resources = r.Resources[:0]
	for _, sp := range s.listed {
		r.Resources = append(r.Resources, s.spanText(sp))
	}
	switch string(s.text(fManagementEvent)) {
	case "true":
		r.Management = 1
	case "false":
		r.Management = 0
	default:
		r.Management = -1
	}
}

// Data reports whether the event is a data event: eventCategory "Data", or,
// in records older than eventCategory (eventVersion < 1.07), managementEvent
// false.
func (r *record) Data() bool {
	if len(r.EventCategory) > 0 {
		return string(r.EventCategory) == "Data"
	}
	return r.Management == 0
}

// Call reports whether the event is a principal's call (eventType
// AwsApiCall or AwsConsoleAction; records without eventType predate it and
// are calls). AwsServiceEvent, AwsConsoleSignIn, AwsVpceEvent and Insight
// records are not permission use.
func (r *record) Call() bool {
	switch string(r.EventType) {
	case "", "AwsApiCall", "AwsConsoleAction":
		return string(r.EventCategory) != "Insight"
	}
	return false
}

// Outcome classifies errorCode: none is ok; an authorization failure
// (AccessDenied, AccessDeniedException, UnauthorizedOperation,
// Client.UnauthorizedOperation, UnauthorizedException…) is denied; any
// other code is an error raised after authorization. The Athena query uses
// the same rule (LIKE '%AccessDenied%' OR LIKE '%Unauthorized%').
func outcome(errorCode []byte) audit.Outcome {
	switch {
	case len(errorCode) == 0:
		return audit.OutcomeOK
	case bytes.Contains(errorCode, []byte("AccessDenied")), bytes.Contains(errorCode, []byte("Unauthorized")):
		return audit.OutcomeDenied
	}
	return audit.OutcomeError
}

// The userIdentity.type values that name an IAM principal
// (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-user-identity.html).
const (
	IdentityRoot          = "Root"
	IdentityIAMUser       = "IAMUser"
	IdentityAssumedRole   = "AssumedRole"
	IdentityRole          = "Role"
	IdentityFederatedUser = "FederatedUser"
)

// attribute returns the IAM ARN the event's permission use belongs to, or
// ok=false and the key under which the event is counted as excluded.
//
//   - IAMUser: userIdentity.arn (arn:aws:iam::ACCOUNT:user/path/name).
//   - Root: arn:aws:iam::ACCOUNT:root, from userIdentity.arn's account.
//   - AssumedRole (role sessions, Identity Center and SAML/OIDC federated
//     roles alike): sessionContext.sessionIssuer.arn, the role's ARN with
//     its path. userIdentity.arn (assumed-role/NAME/SESSION) has no path and
//     cannot name the role, so a session without its issuer is excluded.
//   - FederatedUser (GetFederationToken): the issuing IAM user or root,
//     sessionContext.sessionIssuer.arn.
//   - Role: userIdentity.arn when it is an IAM role ARN.
//   - AWSService, AWSAccount (a principal of another account, shown as its
//     account only), SAMLUser and WebIdentityUser (the AssumeRoleWith…
//     calls, authorized by the role's trust policy, not by a permission of
//     the caller), IdentityCenterUser, Directory, Unknown: excluded.
func attribute(r *record) (arn []byte, excluded string) {
	switch string(r.IdentityType) { // not bound to a variable: that would copy it for every record
	case IdentityIAMUser:
		if iamARN(r.IdentityARN, ":user/") {
			return r.IdentityARN, ""
		}
	case IdentityRoot:
		if iamARN(r.IdentityARN, ":root") {
			return r.IdentityARN, ""
		}
	case IdentityAssumedRole:
		if string(r.IssuerType) == "Role" && iamARN(r.IssuerARN, ":role/") {
			return r.IssuerARN, ""
		}
		return nil, "AssumedRole without sessionIssuer"
	case IdentityFederatedUser:
		if iamARN(r.IssuerARN, ":user/") || iamARN(r.IssuerARN, ":root") {
			return r.IssuerARN, ""
		}
		return nil, "FederatedUser without sessionIssuer"
	case IdentityRole:
		if iamARN(r.IdentityARN, ":role/") {
			return r.IdentityARN, ""
		}
	case "":
		return nil, "no userIdentity"
	default:
		return nil, string(r.IdentityType)
	}
	return nil, string(r.IdentityType) + " without an IAM ARN"
}

// iamARN reports whether b is arn:PARTITION:iam::ACCOUNT followed by kind
// (":user/", ":role/", ":root").
func iamARN(b []byte, kind string) bool {
	rest, ok := bytes.CutPrefix(b, []byte("arn:"))
	if !ok {
		return false
	}
	i := bytes.IndexByte(rest, ':')
	if i < 0 {
		return false
	}
	rest, ok = bytes.CutPrefix(rest[i+1:], []byte("iam::"))
	if !ok || len(rest) < 12+len(kind) {
		return false
	}
	for _, c := range rest[:12] {
		if c < '0' || c > '9' {
			return false
		}
	}
	rest = rest[12:]
	if kind == ":root" {
		return string(rest) == kind
	}
	return bytes.HasPrefix(rest, []byte(kind)) && len(rest) > len(kind)
}

// parseTime reads CloudTrail's eventTime, "2006-01-02T15:04:05Z", as Unix
// seconds; ok is false for any other shape.
func parseTime(b []byte) (int64, bool) {
	if len(b) != 20 || b[4] != '-' || b[7] != '-' || b[10] != 'T' || b[13] != ':' || b[16] != ':' || b[19] != 'Z' {
		return 0, false
	}
	num := func(i, n int) (int, bool) {
		v := 0
		for _, c := range b[i : i+n] {
			if c < '0' || c > '9' {
				return 0, false
			}
			v = v*10 + int(c-'0')
		}
		return v, true
	}
	y, ok1 := num(0, 4)
	mo, ok2 := num(5, 2)
	d, ok3 := num(8, 2)
	h, ok4 := num(11, 2)
	mi, ok5 := num(14, 2)
	sec, ok6 := num(17, 2)
	if !(ok1 && ok2 && ok3 && ok4 && ok5 && ok6) || mo < 1 || mo > 12 || d < 1 || d > daysIn(y, mo) || h > 23 || mi > 59 || sec > 60 {
		return 0, false
	}
	return daysFromCivil(y, mo, d)*86400 + int64(h*3600+mi*60+sec), true
}

func daysIn(y, m int) int {
	switch m {
	case 2:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// daysFromCivil is the number of days from 1970-01-01 to y-m-d (proleptic
// Gregorian; Howard Hinnant's algorithm).
func daysFromCivil(y, m, d int) int64 {
	if m <= 2 {
		y--
	}
	era := y / 400
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return int64(era*146097 + doe - 719468)
}

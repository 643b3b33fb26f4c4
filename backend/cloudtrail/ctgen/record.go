package ctgen

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"
)

// record is a CloudTrail event with its members in CloudTrail's order.
type record struct {
	EventVersion       string         `json:"eventVersion"`
	UserIdentity       map[string]any `json:"userIdentity"`
	EventTime          string         `json:"eventTime"`
	EventSource        string         `json:"eventSource"`
	EventName          string         `json:"eventName"`
	AWSRegion          string         `json:"awsRegion"`
	SourceIPAddress    string         `json:"sourceIPAddress"`
	UserAgent          string         `json:"userAgent"`
	ErrorCode          string         `json:"errorCode,omitempty"`
	ErrorMessage       string         `json:"errorMessage,omitempty"`
	RequestParameters  map[string]any `json:"requestParameters"`
	ResponseElements   map[string]any `json:"responseElements"`
	RequestID          string         `json:"requestID"`
	EventID            string         `json:"eventID"`
	ReadOnly           bool           `json:"readOnly"`
	EventType          string         `json:"eventType"`
	ManagementEvent    bool           `json:"managementEvent"`
	RecipientAccountID string         `json:"recipientAccountId"`
	EventCategory      string         `json:"eventCategory"`
	TLSDetails         map[string]any `json:"tlsDetails,omitempty"`
}

// Record returns one CloudTrail record, as JSON, of call c made at `at`
// with eventID id. padding adds about that many bytes of request and
// response content. The record depends only on its arguments.
func Record(c Call, at time.Time, id string, padding int) []byte {
	rng := rand.New(rand.NewPCG(binary.LittleEndian.Uint64(sum(id)), 1))
	r := record{
		EventVersion:       "1.09",
		UserIdentity:       identity(c, at),
		EventTime:          at.UTC().Format("2006-01-02T15:04:05Z"),
		EventSource:        c.Source,
		EventName:          c.Name,
		AWSRegion:          c.Region,
		SourceIPAddress:    fmt.Sprintf("198.51.100.%d", rng.IntN(254)+1),
		UserAgent:          "aws-cli/2.17.0 md/awscrt#0.20.11 ua/2.0 os/linux#6.5.0 md/arch#x86_64 lang/python#3.11.8 cfg/retry-mode#standard",
		ErrorCode:          c.ErrorCode,
		RequestParameters:  requestParameters(c, rng, padding/2),
		RequestID:          strings.ToUpper(id[24:]) + "EXAMPLE",
		EventID:            id,
		ReadOnly:           strings.HasPrefix(c.Name, "Get") || strings.HasPrefix(c.Name, "List") || strings.HasPrefix(c.Name, "Describe"),
		EventType:          "AwsApiCall",
		ManagementEvent:    !c.Data,
		RecipientAccountID: c.Account,
		EventCategory:      "Management",
		TLSDetails: map[string]any{"tlsVersion": "TLSv1.3", "cipherSuite": "TLS_AES_128_GCM_SHA256",
			"clientProvidedHostHeader": strings.TrimSuffix(c.Source, ".amazonaws.com") + "." + c.Region + ".amazonaws.com"},
	}
	if c.ErrorCode != "" {
		r.ErrorMessage = "User: " + arnOrType(c.Identity) + " is not authorized to perform: " + c.Name
	} else if padding > 0 {
		r.ResponseElements = filler(rng, padding/2)
	}
	if c.Data {
		r.EventCategory = "Data"
	}
	if c.Identity.Type == "SAMLUser" || c.Identity.Type == "WebIdentityUser" {
		r.UserAgent = "aws-sdk-go-v2/1.30.0"
	}
	b, err := json.Marshal(r)
	if err != nil {
		panic(err) // maps of strings and numbers always marshal
	}
	return b
}

func arnOrType(id Identity) string {
	if id.ARN != "" {
		return id.ARN
	}
	return id.Type
}

// identity builds userIdentity for each type as CloudTrail writes it
// (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-user-identity.html).
func identity(c Call, at time.Time) map[string]any {
	id := c.Identity
	acct := c.Account
	attrs := map[string]any{"creationDate": at.Add(-17 * time.Minute).UTC().Format("2006-01-02T15:04:05Z"), "mfaAuthenticated": "false"}
	name := id.ARN[strings.LastIndexByte(id.ARN, '/')+1:]
	if a := strings.Split(id.ARN, ":"); len(a) > 4 && len(a[4]) == 12 {
		acct = a[4]
	}
	switch id.Type {
	case "IAMUser":
		return map[string]any{"type": "IAMUser", "principalId": uniqueID("AIDA", id.ARN), "arn": id.ARN,
			"accountId": acct, "accessKeyId": uniqueID("AKIA", id.ARN), "userName": name}
	case "Root":
		return map[string]any{"type": "Root", "principalId": acct, "arn": id.ARN, "accountId": acct,
			"accessKeyId": uniqueID("ASIA", id.ARN), "sessionContext": map[string]any{"attributes": attrs}}
	case "AssumedRole":
		session := or(id.Session, "session-"+name)
		return map[string]any{"type": "AssumedRole",
			"principalId": uniqueID("AROA", id.ARN) + ":" + session,
			"arn":         "arn:aws:sts::" + acct + ":assumed-role/" + name + "/" + session,
			"accountId":   acct, "accessKeyId": uniqueID("ASIA", id.ARN+session),
			"sessionContext": map[string]any{
				"sessionIssuer": map[string]any{"type": "Role", "principalId": uniqueID("AROA", id.ARN),
					"arn": id.ARN, "accountId": acct, "userName": name},
				"webIdFederationData": map[string]any{}, "attributes": attrs}}
	case "FederatedUser":
		session := or(id.Session, "federated")
		return map[string]any{"type": "FederatedUser", "principalId": acct + ":" + session,
			"arn": "arn:aws:sts::" + acct + ":federated-user/" + session, "accountId": acct,
			"accessKeyId": uniqueID("ASIA", id.ARN+session),
			"sessionContext": map[string]any{
				"sessionIssuer": map[string]any{"type": "IAMUser", "principalId": uniqueID("AIDA", id.ARN),
					"arn": id.ARN, "accountId": acct, "userName": name},
				"attributes": attrs}}
	case "AWSService":
		return map[string]any{"type": "AWSService", "invokedBy": id.ARN}
	case "AWSAccount":
		return map[string]any{"type": "AWSAccount", "principalId": uniqueID("AIDA", id.ARN), "accountId": id.ARN}
	case "SAMLUser":
		return map[string]any{"type": "SAMLUser", "principalId": "SampleUkh1i4+ExampleuSf+hyEQo=:" + or(id.Session, "alice@example.com"),
			"userName": or(id.Session, "alice@example.com"), "identityProvider": id.ARN}
	case "WebIdentityUser":
		return map[string]any{"type": "WebIdentityUser", "principalId": id.ARN + ":app1:" + or(id.Session, "user1"),
			"userName": or(id.Session, "user1"), "identityProvider": id.ARN}
	}
	return map[string]any{"type": id.Type}
}

// serviceEvent is an AWS service's own event (eventType AwsServiceEvent),
// which every active region has and no principal made.
func serviceEvent(f folder, e event) record {
	return record{
		EventVersion: "1.08", UserIdentity: map[string]any{"type": "AWSService", "invokedBy": "cloudtrail.amazonaws.com"},
		EventTime: e.at.UTC().Format("2006-01-02T15:04:05Z"), EventSource: "kms.amazonaws.com", EventName: "RotateKey",
		AWSRegion: f.region, SourceIPAddress: "cloudtrail.amazonaws.com", UserAgent: "cloudtrail.amazonaws.com",
		RequestID: strings.ToUpper(e.id[:8]), EventID: e.id, EventType: "AwsServiceEvent",
		ManagementEvent: true, RecipientAccountID: f.account, EventCategory: "Management",
	}
}

func requestParameters(c Call, rng *rand.Rand, padding int) map[string]any {
	p := map[string]any{}
	switch c.Source {
	case "s3.amazonaws.com":
		p["bucketName"] = "example-bucket-" + c.Account
		p["Host"] = "example-bucket-" + c.Account + ".s3." + c.Region + ".amazonaws.com"
		if c.Data {
			p["key"] = fmt.Sprintf("reports/2025/part-%05d.csv", rng.IntN(100000))
		}
	case "lambda.amazonaws.com":
		p["functionName"] = "arn:aws:lambda:" + c.Region + ":" + c.Account + ":function:example"
	}
	if padding > 0 {
		p["filters"] = filler(rng, padding)["items"]
	}
	return p
}

// words make compressible filler, like real request content.
var words = strings.Fields(`instance volume subnet vpc security group tag key value name arn role policy
bucket object prefix stream shard table index function layer alias version state running stopped pending
available attached detached encrypted true false default primary secondary us-east-1 eu-west-1 ap-south-1`)

func filler(rng *rand.Rand, size int) map[string]any {
	var items []any
	for n := 0; n < size; {
		item := map[string]any{}
		for range 4 {
			k, v := words[rng.IntN(len(words))], words[rng.IntN(len(words))]+"-"+fmt.Sprint(rng.IntN(10000))
			item[k] = v
			n += len(k) + len(v) + 6
		}
		items = append(items, item)
	}
	return map[string]any{"items": items}
}

func uniqueID(prefix, seed string) string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
	h := sum(prefix, seed)
	b := []byte(prefix)
	for i := range 17 {
		b = append(b, alphabet[h[i]&31])
	}
	return string(b)
}

func or(s, def string) string {
	if s != "" {
		return s
	}
	return def
}

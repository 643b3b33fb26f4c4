package awsapitest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"
)

// CloudTrail is a local CloudTrail endpoint speaking the real awsJson1_1
// protocol (X-Amz-Target, SigV4-signed POSTs, epoch-second timestamps,
// NextToken paging of 50 events) for DescribeTrails, GetEventSelectors and
// LookupEvents over the records of CloudTrail log files; LookupEvents
// returns the events of the region the request was signed for, as each
// region's endpoint does. Throttling, AccessDenied (per operation or per
// region) and stalls (timeouts) can be injected.
type CloudTrail struct {
	URL string

	t         testing.TB
	trails    json.RawMessage            // describe-trails output
	selectors map[string]json.RawMessage // trail name or ARN → get-event-selectors output
	records   []ctRecord                 // newest first

	*faults
}

type ctRecord struct {
	raw  json.RawMessage
	time time.Time
	id   string
	name string
	src  string
	reg  string
}

// CloudTrailAccount is what a CloudTrail fake serves.
type CloudTrailAccount struct {
	Trails    []byte            // `aws cloudtrail describe-trails` output
	Selectors map[string][]byte // trail name or ARN → `aws cloudtrail get-event-selectors` output
	Logs      [][]byte          // CloudTrail log files ({"Records": [...]}), whose management events LookupEvents returns
}

// NewCloudTrail starts the endpoint.
func NewCloudTrail(t testing.TB, acct CloudTrailAccount) *CloudTrail {
	f := &CloudTrail{t: t, trails: acct.Trails, selectors: map[string]json.RawMessage{},
		faults: newFaults()}
	for k, v := range acct.Selectors {
		f.selectors[k] = v
	}
	for _, log := range acct.Logs {
		var file struct{ Records []json.RawMessage }
		if err := json.Unmarshal(log, &file); err != nil {
			t.Fatalf("awsapitest: log file: %v", err)
		}
		for _, raw := range file.Records {
			var r struct {
				EventTime       time.Time `json:"eventTime"`
				EventID         string    `json:"eventID"`
				EventName       string    `json:"eventName"`
				EventSource     string    `json:"eventSource"`
				ManagementEvent *bool     `json:"managementEvent"`
				AWSRegion       string    `json:"awsRegion"`
			}
			if err := json.Unmarshal(raw, &r); err != nil {
				t.Fatalf("awsapitest: record: %v", err)
			}
			if r.ManagementEvent != nil && !*r.ManagementEvent {
				continue // LookupEvents returns management events only
			}
			f.records = append(f.records, ctRecord{raw: raw, time: r.EventTime, id: r.EventID, name: r.EventName, src: r.EventSource, reg: r.AWSRegion})
		}
	}
	sort.SliceStable(f.records, func(i, j int) bool { return f.records[i].time.After(f.records[j].time) })
	srv := httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(srv.Close)
	f.URL = srv.URL
	return f
}

var ctSigV4 = signedBy("cloudtrail")

// ctTarget matches X-Amz-Target in the form current SDKs send
// ("CloudTrail_20131101.LookupEvents") and the older fully qualified one.
var ctTarget = regexp.MustCompile(`^(?:com\.amazonaws\.cloudtrail\.v20131101\.)?CloudTrail_20131101\.([A-Za-z]+)$`)

// ctError answers an error in CloudTrail's shape, which its Lake APIs
// share.
func ctError(w http.ResponseWriter, typ, msg string) {
	jsonReply(w, http.StatusBadRequest, "", map[string]string{"__type": typ, "message": msg})
}

// ctRefused records a CloudTrail call of op signed for region, waits as
// Stall asked, and answers the failure asked for in CloudTrail's shape:
// ThrottlingException, or AccessDeniedException with the message denied.
// It returns false when the call goes through.
func (f *faults) ctRefused(w http.ResponseWriter, r *http.Request, op, region, denied string) bool {
	throttled, deny := f.hitIn(r, op, region)
	f.stall(r, op)
	switch {
	case throttled:
		ctError(w, "ThrottlingException", "Rate exceeded")
	case deny:
		ctError(w, "AccessDeniedException", denied)
	default:
		return false
	}
	return true
}

func (f *CloudTrail) serve(w http.ResponseWriter, r *http.Request) {
	m := ctTarget.FindStringSubmatch(r.Header.Get("X-Amz-Target"))
	ok := m != nil
	op := ""
	if ok {
		op = m[1]
	}
	if r.Method != http.MethodPost || !ok || r.Header.Get("Content-Type") != "application/x-amz-json-1.1" {
		jsonReply(w, http.StatusBadRequest, "", map[string]string{"__type": "UnknownOperationException"})
		return
	}
	in, ok := readJSON(w, r, ctSigV4, ctError)
	if !ok {
		return
	}
	region := signedRegion(r.Header.Get("Authorization"))
	if f.ctRefused(w, r, op, region, "User: arn:aws:iam::123456789012:user/auditor is not authorized to perform: cloudtrail:"+op+" in "+region) {
		return
	}
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	switch op {
	case "DescribeTrails":
		w.Write(f.trails)
	case "GetEventSelectors":
		name, _ := in["TrailName"].(string)
		sel, ok := f.selectors[name]
		if !ok {
			jsonReply(w, http.StatusBadRequest, "", map[string]string{"__type": "TrailNotFoundException", "message": "Unknown trail: " + name})
			return
		}
		w.Write(sel)
	case "LookupEvents":
		f.lookup(w, in, region)
	default:
		jsonReply(w, http.StatusBadRequest, "", map[string]string{"__type": "UnknownOperationException"})
	}
}

func epoch(v any) time.Time {
	x, _ := v.(float64)
	sec := int64(x)
	return time.Unix(sec, int64((x-float64(sec))*1e9)).UTC()
}

func (f *CloudTrail) lookup(w http.ResponseWriter, in map[string]any, region string) {
	start, end := epoch(in["StartTime"]), epoch(in["EndTime"])
	max := 50
	if m, ok := in["MaxResults"].(float64); ok && int(m) < max {
		max = int(m)
	}
	from := 0
	if tok, ok := in["NextToken"].(string); ok {
		from, _ = strconv.Atoi(strings.TrimPrefix(tok, "t"))
	}
	var events []map[string]any
	next := ""
	seen := 0
	for _, r := range f.records {
		if r.time.Before(start) || !r.time.Before(end) || r.reg != region {
			continue
		}
		if seen >= from && len(events) < max {
			events = append(events, map[string]any{"EventId": r.id, "EventName": r.name, "EventSource": r.src,
				"EventTime": float64(r.time.UnixNano()) / 1e9, "CloudTrailEvent": string(r.raw), "Resources": []any{}})
		} else if seen >= from {
			next = fmt.Sprintf("t%d", seen)
			break
		}
		seen++
	}
	out := map[string]any{"Events": events}
	if events == nil {
		out["Events"] = []any{}
	}
	if next != "" {
		out["NextToken"] = next
	}
	json.NewEncoder(w).Encode(out)
}

// LogFile is a CloudTrail log file of n management events in eu-west-1, one
// a minute back from end, plus one data event (which LookupEvents never
// returns).
func LogFile(n int, end time.Time) []byte { return LogFileIn("eu-west-1", n, end) }

// LogFileIn is LogFile for region: its events' awsRegion, and their IDs
// and request IDs prefixed with it unless it is eu-west-1.
func LogFileIn(region string, n int, end time.Time) []byte {
	prefix := ""
	if region != "eu-west-1" {
		prefix = region + "-"
	}
	var recs []string
	for i := range n {
		at := end.Add(-time.Duration(i+1) * time.Minute)
		recs = append(recs, fmt.Sprintf(`{"eventVersion":"1.09","userIdentity":{"type":"AssumedRole","principalId":"AROAEXAMPLE:app","arn":"arn:aws:sts::111122223333:assumed-role/app/i-0abc","accountId":"111122223333","sessionContext":{"sessionIssuer":{"type":"Role","principalId":"AROAEXAMPLE","arn":"arn:aws:iam::111122223333:role/app","accountId":"111122223333","userName":"app"}}},"eventTime":"%s","eventSource":"sqs.amazonaws.com","eventName":"GetQueueAttributes","awsRegion":"%s","sourceIPAddress":"10.0.0.1","userAgent":"aws-sdk-go-v2","requestParameters":{"queueUrl":"https://sqs.%[2]s.amazonaws.com/111122223333/jobs"},"responseElements":null,"requestID":"%[3]sreq-%[4]d","eventID":"%[3]sevt-%04[4]d","readOnly":true,"eventType":"AwsApiCall","managementEvent":true,"recipientAccountId":"111122223333","eventCategory":"Management"}`,
			at.Format(time.RFC3339), region, prefix, i))
	}
	recs = append(recs, fmt.Sprintf(`{"eventVersion":"1.09","userIdentity":{"type":"AssumedRole","arn":"arn:aws:sts::111122223333:assumed-role/app/i-0abc"},"eventTime":"%s","eventSource":"s3.amazonaws.com","eventName":"GetObject","awsRegion":"%s","eventID":"%sdata-1","readOnly":true,"eventType":"AwsApiCall","managementEvent":false,"eventCategory":"Data","recipientAccountId":"111122223333"}`,
		end.Add(-30*time.Second).Format(time.RFC3339), region, prefix))
	return []byte(`{"Records":[` + strings.Join(recs, ",") + `]}`)
}

package awsapitest

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// IAM is a local IAM endpoint speaking the real awsQuery protocol (a
// form-encoded POST signed with SigV4, XML answers, URL-encoded policy
// documents, Marker/IsTruncated pagination) over one account described by
// the files the AWS CLI exports: a GAAD JSON, a credential report CSV, a
// password policy JSON and Access Advisor JSON per ARN. Requests without a
// well-formed SigV4 Authorization header are refused as AWS refuses them;
// throttling and AccessDenied can be injected per action.
type IAM struct {
	// URL is the endpoint (the SDK's BaseEndpoint).
	URL string

	t        testing.TB
	gaad     map[string][]json.RawMessage // list name → entries
	report   []byte
	password json.RawMessage
	advisor  map[string]json.RawMessage // ARN → get-service-last-accessed-details output

	*faults
	writes   *iamWrites
	mu       sync.Mutex
	jobs     map[string]string // job ID → ARN
	polls    map[string]int    // job ID → GetServiceLastAccessedDetails calls
	reports  int               // GenerateCredentialReport calls
	pageSize int
}

// IAMAccount is the account an IAM fake serves. GAAD is required.
type IAMAccount struct {
	GAAD             []byte            // `aws iam get-account-authorization-details` output
	CredentialReport []byte            // the CSV; nil: ReportNotPresent
	PasswordPolicy   []byte            // `aws iam get-account-password-policy` output; nil: NoSuchEntity
	AccessAdvisor    map[string][]byte // ARN → `aws iam get-service-last-accessed-details` output
}

// NewIAM starts the endpoint; pageSize is how many GAAD entries one page
// holds at most (the real service decides its own sizes too).
func NewIAM(t testing.TB, acct IAMAccount, pageSize int) *IAM {
	f := &IAM{t: t, gaad: map[string][]json.RawMessage{}, report: acct.CredentialReport, password: acct.PasswordPolicy,
		advisor: map[string]json.RawMessage{}, faults: newFaults(),
		jobs: map[string]string{}, polls: map[string]int{}, pageSize: pageSize}
	if err := json.Unmarshal(acct.GAAD, &f.gaad); err != nil {
		t.Fatalf("awsapitest: GAAD: %v", err)
	}
	f.writes = newIAMWrites(t, f.gaad)
	for arn, b := range acct.AccessAdvisor {
		f.advisor[arn] = b
	}
	srv := httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(srv.Close)
	f.URL = srv.URL
	return f
}

// sigV4 is the shape of a SigV4 Authorization header.
var sigV4 = signedBy("iam")

func (f *IAM) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	form, err := url.ParseQuery(string(body))
	if r.Method != http.MethodPost || err != nil || form.Get("Version") != "2010-05-08" {
		iamError(w, http.StatusBadRequest, "MalformedQueryString", "not an IAM query request")
		return
	}
	if !sigV4.MatchString(r.Header.Get("Authorization")) || r.Header.Get("X-Amz-Date") == "" {
		iamError(w, http.StatusForbidden, "IncompleteSignature", "Authorization header requires a SigV4 signature.")
		return
	}
	action := form.Get("Action")
	throttled, denied := f.hit(r, action)
	switch {
	case throttled:
		iamError(w, http.StatusBadRequest, "Throttling", "Rate exceeded")
		return
	case denied:
		iamError(w, http.StatusForbidden, "AccessDenied", "User: arn:aws:iam::123456789012:user/auditor is not authorized to perform: iam:"+action)
		return
	}
	var b strings.Builder
	switch action {
	case "GetAccountAuthorizationDetails":
		f.authorizationDetails(&b, form)
	case "GetAccountPasswordPolicy":
		if f.password == nil {
			iamError(w, http.StatusNotFound, "NoSuchEntity", "The Password Policy with domain name 123456789012 cannot be found.")
			return
		}
		var pp struct{ PasswordPolicy map[string]any }
		if err := json.Unmarshal(f.password, &pp); err != nil {
			f.t.Fatalf("awsapitest: password policy: %v", err)
		}
		b.WriteString("<PasswordPolicy>")
		writeXML(&b, pp.PasswordPolicy)
		b.WriteString("</PasswordPolicy>")
	case "GenerateCredentialReport":
		// The first call starts the report, later ones find it complete.
		state := f.perCall(r, func() string {
			f.mu.Lock()
			defer f.mu.Unlock()
			f.reports++
			if f.reports == 1 {
				return "STARTED"
			}
			return "COMPLETE"
		})
		fmt.Fprintf(&b, "<State>%s</State><Description>No report exists. Starting a new report generation task</Description>", state)
	case "GetCredentialReport":
		if f.report == nil {
			iamError(w, http.StatusGone, "ReportNotPresent", "Credential report not present.")
			return
		}
		fmt.Fprintf(&b, "<Content>%s</Content><ReportFormat>text/csv</ReportFormat><GeneratedTime>2026-11-20T08:00:00Z</GeneratedTime>",
			base64.StdEncoding.EncodeToString(f.report))
	case "GenerateServiceLastAccessedDetails":
		arn := form.Get("Arn")
		f.mu.Lock()
		id := fmt.Sprintf("job-%d", len(f.jobs)+1)
		f.jobs[id] = arn
		f.mu.Unlock()
		fmt.Fprintf(&b, "<JobId>%s</JobId>", id)
	case "GetServiceLastAccessedDetails":
		if !f.lastAccessed(w, r, &b, form.Get("JobId")) {
			return
		}
	default:
		if !writeOperations[action] {
			iamError(w, http.StatusBadRequest, "InvalidAction", "Could not find operation "+action)
			return
		}
		if fault := f.writes.serve(&b, action, form); fault != nil {
			iamError(w, fault.status, fault.code, fault.message)
			return
		}
	}
	w.Header().Set("Content-Type", "text/xml")
	fmt.Fprintf(w, `<%[1]sResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><%[1]sResult>%[2]s</%[1]sResult><ResponseMetadata><RequestId>7a62c49f-347e-4fc4-9331-6e8eEXAMPLE</RequestId></ResponseMetadata></%[1]sResponse>`,
		action, b.String())
}

// gaadLists are GAAD's lists in the order pages walk them.
var gaadLists = []string{"UserDetailList", "GroupDetailList", "RoleDetailList", "Policies"}

func (f *IAM) authorizationDetails(b *strings.Builder, form url.Values) {
	start, _ := strconv.Atoi(strings.TrimPrefix(form.Get("Marker"), "m"))
	size := f.pageSize
	if n, err := strconv.Atoi(form.Get("MaxItems")); err == nil && n < size {
		size = n
	}
	total := 0
	for _, l := range gaadLists {
		total += len(f.gaad[l])
	}
	end := min(start+size, total)
	i := 0
	for _, l := range gaadLists {
		fmt.Fprintf(b, "<%s>", l)
		for _, e := range f.gaad[l] {
			if i >= start && i < end {
				var v map[string]any
				dec := json.NewDecoder(bytes.NewReader(e))
				dec.UseNumber()
				if err := dec.Decode(&v); err != nil {
					f.t.Fatalf("awsapitest: GAAD %s: %v", l, err)
				}
				b.WriteString("<member>")
				writeXML(b, v)
				b.WriteString("</member>")
			}
			i++
		}
		fmt.Fprintf(b, "</%s>", l)
	}
	if end < total {
		fmt.Fprintf(b, "<IsTruncated>true</IsTruncated><Marker>m%d</Marker>", end)
	} else {
		b.WriteString("<IsTruncated>false</IsTruncated>")
	}
}

// lastAccessed answers one poll of an Access Advisor job: in progress the
// first time, then the ARN's report.
func (f *IAM) lastAccessed(w http.ResponseWriter, r *http.Request, b *strings.Builder, id string) bool {
	f.mu.Lock()
	arn, ok := f.jobs[id]
	f.mu.Unlock()
	first := f.perCall(r, func() string {
		f.mu.Lock()
		defer f.mu.Unlock()
		f.polls[id]++
		return strconv.FormatBool(f.polls[id] == 1)
	}) == "true"
	if !ok {
		iamError(w, http.StatusNotFound, "NoSuchEntity", "No such job: "+id)
		return false
	}
	if first {
		b.WriteString("<JobStatus>IN_PROGRESS</JobStatus><JobType>ACTION_LEVEL</JobType><JobCreationDate>2026-11-20T08:00:00Z</JobCreationDate><ServicesLastAccessed/><IsTruncated>false</IsTruncated>")
		return true
	}
	report, ok := f.advisor[arn]
	if !ok {
		report = json.RawMessage(`{"JobStatus":"COMPLETED","JobType":"ACTION_LEVEL","JobCreationDate":"2026-11-20T08:00:00Z","JobCompletionDate":"2026-11-20T08:00:05Z","ServicesLastAccessed":[]}`)
	}
	var v map[string]any
	dec := json.NewDecoder(bytes.NewReader(report))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		f.t.Fatalf("awsapitest: Access Advisor %s: %v", arn, err)
	}
	writeXML(b, v)
	b.WriteString("<IsTruncated>false</IsTruncated>")
	return true
}

// documentKeys hold policies, which IAM sends URL-encoded.
var documentKeys = map[string]bool{"PolicyDocument": true, "AssumeRolePolicyDocument": true, "Document": true}

// writeXML renders a JSON object as awsQuery XML: members as elements in
// sorted order, lists as <member> items, policy documents URL-encoded.
func writeXML(b *strings.Builder, v map[string]any) {
	keys := make([]string, 0, len(v))
	for k := range v {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Fprintf(b, "<%s>", k)
		writeValue(b, k, v[k])
		fmt.Fprintf(b, "</%s>", k)
	}
}

func writeValue(b *strings.Builder, key string, v any) {
	switch x := v.(type) {
	case map[string]any:
		if documentKeys[key] {
			doc, _ := json.Marshal(x)
			xmlText(b, strings.ReplaceAll(url.QueryEscape(string(doc)), "+", "%20"))
			return
		}
		writeXML(b, x)
	case []any:
		for _, e := range x {
			b.WriteString("<member>")
			writeValue(b, key, e)
			b.WriteString("</member>")
		}
	case string: // an export that kept a document URL-encoded is sent as is
		xmlText(b, x)
	case nil:
	default:
		fmt.Fprint(b, x)
	}
}

func xmlText(b *strings.Builder, s string) {
	r := strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;")
	b.WriteString(r.Replace(s))
}

func iamError(w http.ResponseWriter, status int, code, msg string) {
	w.Header().Set("Content-Type", "text/xml")
	w.WriteHeader(status)
	fmt.Fprintf(w, `<ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><Error><Type>Sender</Type><Code>%s</Code><Message>%s</Message></Error><RequestId>7a62c49f-347e-4fc4-9331-6e8eEXAMPLE</RequestId></ErrorResponse>`, code, msg)
}

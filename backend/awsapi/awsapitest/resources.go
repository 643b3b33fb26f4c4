package awsapitest

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// Resources is one local endpoint for the services whose resource-based
// policies an audit reads, each in its real protocol, told apart by the
// service in the request's SigV4 credential scope: S3 (REST-XML, path
// style), KMS, Secrets Manager and ECR (awsJson1_1), SQS (awsJson1_0), SNS
// (awsQuery) and Lambda (REST-JSON). Regional services list only the
// resources of the region the request was signed for. Requests without a
// well-formed SigV4 signature are refused; throttling and AccessDenied can
// be injected per operation ("s3:GetBucketPolicy") or region.
type Resources struct {
	URL string

	t   testing.TB
	res []resource

	*faults
}

// resource is one resource the fake serves, from its ARN.
type resource struct {
	arn, service, region, account, name string
	policy                              string // empty: no policy
}

// NewResources starts the endpoint for resources (ARN → policy as the
// service returns it, a JSON string; "" for a resource without one) and
// points the SDK's S3, KMS, SQS, SNS, Lambda, Secrets Manager and ECR
// clients at it (t.Setenv).
func NewResources(t testing.TB, resources map[string]string) *Resources {
	f := &Resources{t: t, faults: newFaults()}
	for arn, policy := range resources {
		parts := strings.SplitN(arn, ":", 6)
		if len(parts) != 6 {
			t.Fatalf("awsapitest: bad ARN %q", arn)
		}
		r := resource{arn: arn, service: parts[2], region: parts[3], account: parts[4], policy: policy}
		switch r.service {
		case "s3":
			r.name = parts[5]
		case "kms", "ecr":
			r.name = parts[5][strings.IndexByte(parts[5], '/')+1:]
		case "lambda", "secretsmanager":
			r.name = parts[5][strings.IndexByte(parts[5], ':')+1:]
		default:
			r.name = parts[5]
		}
		f.res = append(f.res, r)
	}
	slices.SortFunc(f.res, func(a, b resource) int { return strings.Compare(a.arn, b.arn) })
	srv := httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(srv.Close)
	f.URL = srv.URL
	for _, svc := range []string{"S3", "KMS", "SQS", "SNS", "LAMBDA", "SECRETS_MANAGER", "ECR"} {
		t.Setenv("AWS_ENDPOINT_URL_"+svc, srv.URL)
	}
	return f
}

var scopeServiceRE = regexp.MustCompile(`Credential=[^/]+/\d{8}/([a-z0-9-]+)/([a-z0-9-]+)/aws4_request`)

// of lists the resources of service in region ("" for every region).
func (f *Resources) of(service, region string) []resource {
	var out []resource
	for _, r := range f.res {
		if r.service == service && (region == "" || r.region == region) {
			out = append(out, r)
		}
	}
	return out
}

// find returns the resource of service in region named by key (its ARN,
// name or queue URL).
func (f *Resources) find(service, region, key string) (resource, bool) {
	for _, r := range f.of(service, region) {
		if key == r.arn || key == r.name || key == queueURL(r) {
			return r, true
		}
	}
	return resource{}, false
}

func queueURL(r resource) string {
	return "https://sqs." + r.region + ".amazonaws.com/" + r.account + "/" + r.name
}

func (f *Resources) serve(w http.ResponseWriter, r *http.Request) {
	auth := r.Header.Get("Authorization")
	m := scopeServiceRE.FindStringSubmatch(auth)
	if m == nil || !signedBy(m[2]).MatchString(auth) {
		w.WriteHeader(http.StatusForbidden)
		fmt.Fprint(w, `<Error><Code>IncompleteSignature</Code><Message>Authorization header requires a SigV4 signature.</Message></Error>`)
		return
	}
	region, service := m[1], m[2]
	body, _ := io.ReadAll(r.Body)
	switch service {
	case "s3":
		f.s3(w, r, region)
	case "kms":
		f.jsonService(w, r, body, region, "TrentService.", "application/x-amz-json-1.1", f.kms)
	case "secretsmanager":
		f.jsonService(w, r, body, region, "secretsmanager.", "application/x-amz-json-1.1", f.secrets)
	case "ecr":
		f.jsonService(w, r, body, region, "AmazonEC2ContainerRegistry_V20150921.", "application/x-amz-json-1.1", f.ecr)
	case "sqs":
		f.jsonService(w, r, body, region, "AmazonSQS.", "application/x-amz-json-1.0", f.sqs)
	case "sns":
		f.sns(w, r, body, region)
	case "lambda":
		f.lambda(w, r, region)
	default:
		w.WriteHeader(http.StatusBadRequest)
	}
}

// fault answers an injected failure in the service's error shape; false
// when the call goes through.
func (f *Resources) fault(r *http.Request, op, region string, reply func(status int, code, msg string)) bool {
	throttled, denied := f.hitIn(r, op, region)
	switch {
	case throttled:
		reply(http.StatusBadRequest, "throttle", "Rate exceeded")
	case denied:
		reply(http.StatusForbidden, "denied", "User: arn:aws:iam::111122223333:user/auditor is not authorized to perform: "+op+" in "+region)
	default:
		return false
	}
	return true
}

func (f *Resources) s3(w http.ResponseWriter, r *http.Request, region string) {
	xmlErr := func(status int, code, msg string) {
		switch code {
		case "throttle":
			status, code = http.StatusServiceUnavailable, "SlowDown"
		case "denied":
			code = "AccessDenied"
		}
		w.Header().Set("Content-Type", "application/xml")
		w.WriteHeader(status)
		fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?><Error><Code>%s</Code><Message>%s</Message><RequestId>4442587FB7D0A2F9</RequestId></Error>`, code, xmlEscape(msg))
	}
	bucket := strings.Trim(r.URL.Path, "/")
	switch {
	case r.Method == http.MethodGet && bucket == "":
		if f.fault(r, "s3:ListBuckets", region, xmlErr) {
			return
		}
		var b strings.Builder
		for _, res := range f.of("s3", "") {
			fmt.Fprintf(&b, `<Bucket><Name>%s</Name><CreationDate>2026-01-01T00:00:00.000Z</CreationDate><BucketRegion>eu-west-1</BucketRegion></Bucket>`, res.name)
		}
		w.Header().Set("Content-Type", "application/xml")
		fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?><ListAllMyBucketsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Owner><ID>owner</ID></Owner><Buckets>%s</Buckets></ListAllMyBucketsResult>`, b.String())
	case r.Method == http.MethodGet && r.URL.Query().Has("policy"):
		if f.fault(r, "s3:GetBucketPolicy", region, xmlErr) {
			return
		}
		res, ok := f.find("s3", "", bucket)
		switch {
		case !ok:
			xmlErr(http.StatusNotFound, "NoSuchBucket", "The specified bucket does not exist")
		case res.policy == "":
			xmlErr(http.StatusNotFound, "NoSuchBucketPolicy", "The bucket policy does not exist")
		default:
			w.Header().Set("Content-Type", "application/json")
			io.WriteString(w, res.policy)
		}
	default:
		xmlErr(http.StatusMethodNotAllowed, "MethodNotAllowed", "unsupported request "+r.Method+" "+r.URL.String())
	}
}

func xmlEscape(s string) string {
	var b strings.Builder
	xml.EscapeText(&b, []byte(s))
	return b.String()
}

// jsonService serves an awsJson protocol: X-Amz-Target prefix+operation,
// a JSON body, errors as {"__type", "message"}.
func (f *Resources) jsonService(w http.ResponseWriter, r *http.Request, body []byte, region, prefix, contentType string,
	op func(op, region string, in map[string]any) (any, string, string)) {
	reply := func(status int, code, msg string) {
		switch code {
		case "throttle":
			code = "ThrottlingException"
		case "denied":
			code = "AccessDeniedException"
		}
		w.Header().Set("Content-Type", contentType)
		w.WriteHeader(status)
		json.NewEncoder(w).Encode(map[string]string{"__type": code, "message": msg})
	}
	target, ok := strings.CutPrefix(r.Header.Get("X-Amz-Target"), prefix)
	if r.Method != http.MethodPost || !ok || r.Header.Get("Content-Type") != contentType {
		reply(http.StatusBadRequest, "UnknownOperationException", "unknown operation "+r.Header.Get("X-Amz-Target"))
		return
	}
	var in map[string]any
	if err := json.Unmarshal(body, &in); err != nil {
		reply(http.StatusBadRequest, "SerializationException", err.Error())
		return
	}
	svc := map[string]string{"TrentService.": "kms", "secretsmanager.": "secretsmanager", "AmazonEC2ContainerRegistry_V20150921.": "ecr", "AmazonSQS.": "sqs"}[prefix]
	if f.fault(r, svc+":"+target, region, reply) {
		return
	}
	out, code, msg := op(target, region, in)
	if code != "" {
		reply(http.StatusBadRequest, code, msg)
		return
	}
	w.Header().Set("Content-Type", contentType)
	json.NewEncoder(w).Encode(out)
}

func str(in map[string]any, k string) string { s, _ := in[k].(string); return s }

func (f *Resources) kms(op, region string, in map[string]any) (any, string, string) {
	switch op {
	case "ListKeys":
		keys := []map[string]string{}
		for _, r := range f.of("kms", region) {
			keys = append(keys, map[string]string{"KeyId": r.name, "KeyArn": r.arn})
		}
		return map[string]any{"Keys": keys, "Truncated": false}, "", ""
	case "GetKeyPolicy":
		r, ok := f.find("kms", region, str(in, "KeyId"))
		if !ok {
			return nil, "NotFoundException", "Key '" + str(in, "KeyId") + "' does not exist"
		}
		return map[string]string{"Policy": r.policy, "PolicyName": "default"}, "", ""
	}
	return nil, "UnknownOperationException", op
}

func (f *Resources) secrets(op, region string, in map[string]any) (any, string, string) {
	switch op {
	case "ListSecrets":
		list := []map[string]string{}
		for _, r := range f.of("secretsmanager", region) {
			list = append(list, map[string]string{"ARN": r.arn, "Name": r.name})
		}
		return map[string]any{"SecretList": list}, "", ""
	case "GetResourcePolicy":
		r, ok := f.find("secretsmanager", region, str(in, "SecretId"))
		if !ok {
			return nil, "ResourceNotFoundException", "Secrets Manager can't find the specified secret."
		}
		out := map[string]string{"ARN": r.arn, "Name": r.name}
		if r.policy != "" {
			out["ResourcePolicy"] = r.policy
		}
		return out, "", ""
	}
	return nil, "UnknownOperationException", op
}

func (f *Resources) ecr(op, region string, in map[string]any) (any, string, string) {
	switch op {
	case "DescribeRepositories":
		repos := []map[string]string{}
		for _, r := range f.of("ecr", region) {
			repos = append(repos, map[string]string{"repositoryArn": r.arn, "repositoryName": r.name, "registryId": r.account})
		}
		return map[string]any{"repositories": repos}, "", ""
	case "GetRepositoryPolicy":
		r, ok := f.find("ecr", region, str(in, "repositoryName"))
		switch {
		case !ok:
			return nil, "RepositoryNotFoundException", "The repository does not exist"
		case r.policy == "":
			return nil, "RepositoryPolicyNotFoundException", "Repository policy does not exist for the repository with name '" + r.name + "'"
		}
		return map[string]string{"registryId": r.account, "repositoryName": r.name, "policyText": r.policy}, "", ""
	}
	return nil, "UnknownOperationException", op
}

func (f *Resources) sqs(op, region string, in map[string]any) (any, string, string) {
	switch op {
	case "ListQueues":
		urls := []string{}
		for _, r := range f.of("sqs", region) {
			urls = append(urls, queueURL(r))
		}
		return map[string]any{"QueueUrls": urls}, "", ""
	case "GetQueueAttributes":
		r, ok := f.find("sqs", region, str(in, "QueueUrl"))
		if !ok {
			return nil, "com.amazonaws.sqs#QueueDoesNotExist", "The specified queue does not exist."
		}
		attrs := map[string]string{"QueueArn": r.arn}
		if r.policy != "" {
			attrs["Policy"] = r.policy
		}
		return map[string]any{"Attributes": attrs}, "", ""
	}
	return nil, "UnknownOperationException", op
}

func (f *Resources) sns(w http.ResponseWriter, r *http.Request, body []byte, region string) {
	form, err := url.ParseQuery(string(body))
	reply := func(status int, code, msg string) {
		switch code {
		case "throttle":
			code = "Throttling"
		case "denied":
			code = "AuthorizationError"
		}
		w.Header().Set("Content-Type", "text/xml")
		w.WriteHeader(status)
		fmt.Fprintf(w, `<ErrorResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><Error><Type>Sender</Type><Code>%s</Code><Message>%s</Message></Error><RequestId>9f1bd5d0-1c0a-5b4c-9f3c-0f6bd0f0e2a1</RequestId></ErrorResponse>`, code, xmlEscape(msg))
	}
	if r.Method != http.MethodPost || err != nil || form.Get("Version") != "2010-03-31" {
		reply(http.StatusBadRequest, "InvalidAction", "not an SNS query request")
		return
	}
	op := form.Get("Action")
	if f.fault(r, "sns:"+op, region, reply) {
		return
	}
	w.Header().Set("Content-Type", "text/xml")
	const meta = `<ResponseMetadata><RequestId>9f1bd5d0-1c0a-5b4c-9f3c-0f6bd0f0e2a1</RequestId></ResponseMetadata>`
	switch op {
	case "ListTopics":
		var b strings.Builder
		for _, t := range f.of("sns", region) {
			fmt.Fprintf(&b, `<member><TopicArn>%s</TopicArn></member>`, t.arn)
		}
		fmt.Fprintf(w, `<ListTopicsResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><ListTopicsResult><Topics>%s</Topics></ListTopicsResult>%s</ListTopicsResponse>`, b.String(), meta)
	case "GetTopicAttributes":
		t, ok := f.find("sns", region, form.Get("TopicArn"))
		if !ok {
			reply(http.StatusNotFound, "NotFound", "Topic does not exist")
			return
		}
		entries := `<entry><key>TopicArn</key><value>` + t.arn + `</value></entry>`
		if t.policy != "" {
			entries += `<entry><key>Policy</key><value>` + xmlEscape(t.policy) + `</value></entry>`
		}
		fmt.Fprintf(w, `<GetTopicAttributesResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><GetTopicAttributesResult><Attributes>%s</Attributes></GetTopicAttributesResult>%s</GetTopicAttributesResponse>`, entries, meta)
	default:
		reply(http.StatusBadRequest, "InvalidAction", "unsupported action "+op)
	}
}

var lambdaPolicyPath = regexp.MustCompile(`^/2015-03-31/functions/([^/]+)/policy$`)

func (f *Resources) lambda(w http.ResponseWriter, r *http.Request, region string) {
	reply := func(status int, code, msg string) {
		switch code {
		case "throttle":
			status, code = http.StatusTooManyRequests, "TooManyRequestsException"
		case "denied":
			code = "AccessDeniedException"
		}
		jsonReply(w, status, code, map[string]string{"Type": "User", "Message": msg})
	}
	path := r.URL.EscapedPath()
	switch m := lambdaPolicyPath.FindStringSubmatch(path); {
	case r.Method == http.MethodGet && strings.TrimSuffix(path, "/") == "/2015-03-31/functions":
		if f.fault(r, "lambda:ListFunctions", region, reply) {
			return
		}
		fns := []map[string]string{}
		for _, fn := range f.of("lambda", region) {
			fns = append(fns, map[string]string{"FunctionName": fn.name, "FunctionArn": fn.arn})
		}
		jsonReply(w, http.StatusOK, "", map[string]any{"Functions": fns})
	case r.Method == http.MethodGet && m != nil:
		if f.fault(r, "lambda:GetPolicy", region, reply) {
			return
		}
		name, _ := url.PathUnescape(m[1])
		fn, ok := f.find("lambda", region, name)
		switch {
		case !ok:
			reply(http.StatusNotFound, "ResourceNotFoundException", "Function not found: "+name)
		case fn.policy == "":
			reply(http.StatusNotFound, "ResourceNotFoundException", "The resource you requested does not exist.")
		default:
			jsonReply(w, http.StatusOK, "", map[string]string{"Policy": fn.policy, "RevisionId": "4f2a6f6b-0000-4000-8000-000000000001"})
		}
	default:
		reply(http.StatusNotFound, "UnknownOperationException", "unsupported request "+r.Method+" "+path)
	}
}

package awsapitest

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// EC2 is a local EC2 endpoint speaking the real ec2 query protocol
// (form-encoded POST, Version 2016-11-15, XML answers) for DescribeRegions
// over a list of enabled regions. Requests without a well-formed SigV4
// signature are refused; throttling and AccessDenied can be injected.
type EC2 struct {
	URL string

	regions []string

	*faults
}

var ec2SigV4 = signedBy("ec2")

// NewEC2 starts the endpoint with the account's enabled regions and points
// the SDK's EC2 client at it (t.Setenv). A region of another opt-in status
// ("ap-east-1 not-opted-in") is listed by DescribeRegions with AllRegions
// only.
func NewEC2(t testing.TB, regions ...string) *EC2 {
	f := &EC2{regions: regions, faults: newFaults()}
	srv := httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(srv.Close)
	f.URL = srv.URL
	t.Setenv("AWS_ENDPOINT_URL_EC2", srv.URL)
	return f
}

func ec2Error(w http.ResponseWriter, status int, code, msg string) {
	w.Header().Set("Content-Type", "text/xml;charset=UTF-8")
	w.WriteHeader(status)
	fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?><Response><Errors><Error><Code>%s</Code><Message>%s</Message></Error></Errors><RequestID>ea966190-f9aa-478e-9ede-example</RequestID></Response>`, code, xmlEscape(msg))
}

func (f *EC2) serve(w http.ResponseWriter, r *http.Request) {
	if !ec2SigV4.MatchString(r.Header.Get("Authorization")) {
		ec2Error(w, http.StatusUnauthorized, "AuthFailure", "AWS was not able to validate the provided access credentials")
		return
	}
	body, _ := io.ReadAll(r.Body)
	form, err := url.ParseQuery(string(body))
	if r.Method != http.MethodPost || err != nil || form.Get("Version") != "2016-11-15" {
		ec2Error(w, http.StatusBadRequest, "InvalidAction", "not an EC2 query request")
		return
	}
	op := form.Get("Action")
	throttled, denied := f.hitIn(r, op, signedRegion(r.Header.Get("Authorization")))
	switch {
	case throttled:
		ec2Error(w, http.StatusServiceUnavailable, "RequestLimitExceeded", "Request limit exceeded.")
		return
	case denied:
		ec2Error(w, http.StatusForbidden, "UnauthorizedOperation", "You are not authorized to perform this operation. User: arn:aws:iam::111122223333:user/auditor is not authorized to perform: ec2:"+op)
		return
	case op != "DescribeRegions":
		ec2Error(w, http.StatusBadRequest, "InvalidAction", "The action "+op+" is not valid for this web service.")
		return
	}
	all := form.Get("AllRegions") == "true"
	var items strings.Builder
	for _, reg := range f.regions {
		name, status, ok := strings.Cut(reg, " ")
		if !ok {
			status = "opt-in-not-required"
		}
		if status == "not-opted-in" && !all {
			continue
		}
		fmt.Fprintf(&items, `<item><regionName>%s</regionName><regionEndpoint>ec2.%[1]s.amazonaws.com</regionEndpoint><optInStatus>%s</optInStatus></item>`, name, status)
	}
	w.Header().Set("Content-Type", "text/xml;charset=UTF-8")
	fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?><DescribeRegionsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>59dbff89-35bd-4eac-99ed-be587EXAMPLE</requestId><regionInfo>%s</regionInfo></DescribeRegionsResponse>`, items.String())
}

package awsapitest

import (
	"fmt"
	"net/http"
	"regexp"
	"sync"
	"time"
)

// faults counts a fake endpoint's calls per operation and injects the
// failures an audit must survive: throttling (for a number of calls, or for
// good from one call on) and AccessDenied. The fakes embed it, so their
// Throttle, ThrottleFrom, Deny and Calls are these.
type faults struct {
	mu       sync.Mutex
	calls    map[string]int
	throttle map[string]int // operation → calls still to throttle
	from     map[string]int // operation → first call (1-based) throttled for good
	denied   map[string]bool
	regions  map[string]bool // regions where every call is denied
	stalls   map[string]time.Duration
	answers  map[string]string          // SDK invocation ID → its first attempt's answer
	invoked  map[string]map[string]bool // operation → SDK invocation IDs seen
}

func newFaults() *faults {
	return &faults{calls: map[string]int{}, throttle: map[string]int{}, from: map[string]int{}, denied: map[string]bool{}, regions: map[string]bool{}, stalls: map[string]time.Duration{}, answers: map[string]string{}, invoked: map[string]map[string]bool{}}
}

// Throttle makes the next n calls of operation fail with the service's
// throttling error.
func (f *faults) Throttle(operation string, n int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.throttle[operation] = n
}

// ThrottleFrom makes every call of operation from the nth on (1-based,
// counted as Invoked counts) fail with the service's throttling error, as a
// quota exhausted for the rest of a run.
func (f *faults) ThrottleFrom(operation string, n int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.from[operation] = n
}

// Deny makes every call of operation fail with AccessDenied.
func (f *faults) Deny(operation string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.denied[operation] = true
}

// DenyRegion makes every call signed for region fail with AccessDenied, as
// an SCP denying the region does.
func (f *faults) DenyRegion(region string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.regions[region] = true
}

// Stall makes every call of operation wait d before it is answered, as an
// endpoint that does not respond in time.
func (f *faults) Stall(operation string, d time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.stalls[operation] = d
}

// stall waits as long as Stall asked for operation, or until the client
// gives up.
func (f *faults) stall(r *http.Request, operation string) {
	f.mu.Lock()
	d := f.stalls[operation]
	f.mu.Unlock()
	if d > 0 {
		select {
		case <-time.After(d):
		case <-r.Context().Done():
		}
	}
}

// Calls counts the calls of operation, failed ones included.
func (f *faults) Calls(operation string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls[operation]
}

// perCall returns the answer the first attempt of r's API call got,
// calling answer only for that first attempt. An SDK sends every attempt of
// one call with the same amz-sdk-invocation-id header. When a response is
// lost in transit (a loaded machine drops connections), the retryer sends
// the call again; a fake that moved its state on per request would then skip
// a state the client never saw. A request without the header is a call of
// its own.
func (f *faults) perCall(r *http.Request, answer func() string) string {
	id := r.Header.Get("Amz-Sdk-Invocation-Id")
	if id == "" {
		return answer()
	}
	f.mu.Lock()
	v, ok := f.answers[id]
	f.mu.Unlock()
	if ok {
		return v
	}
	v = answer()
	f.mu.Lock()
	f.answers[id] = v
	f.mu.Unlock()
	return v
}

// Invoked counts the API calls of operation that reached the endpoint: one
// per call however many of its attempts did (see perCall), so a response
// lost in transit and sent again is not a second call.
func (f *faults) Invoked(operation string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.invoked[operation])
}

// hit records a request of operation and says how it must fail, if at all.
func (f *faults) hit(r *http.Request, operation string) (throttled, denied bool) {
	return f.hitIn(r, operation, "")
}

// hitIn is hit for a request signed for region.
func (f *faults) hitIn(r *http.Request, operation, region string) (throttled, denied bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls[operation]++
	id := r.Header.Get("Amz-Sdk-Invocation-Id")
	if id == "" {
		id = fmt.Sprintf("request-%d", f.calls[operation])
	}
	if f.invoked[operation] == nil {
		f.invoked[operation] = map[string]bool{}
	}
	f.invoked[operation][id] = true
	// ThrottleFrom counts API calls: a retried attempt of a call that got
	// through is the same call.
	throttled = f.throttle[operation] > 0 || (f.from[operation] > 0 && len(f.invoked[operation]) >= f.from[operation])
	if f.throttle[operation] > 0 {
		f.throttle[operation]--
	}
	return throttled, f.denied[operation] || f.regions[region]
}

// scopeRE takes the region out of a SigV4 credential scope.
var scopeRE = regexp.MustCompile(`Credential=[^/]+/\d{8}/([a-z0-9-]+)/`)

// signedRegion is the region a request was signed for; empty when unsigned.
func signedRegion(authorization string) string {
	if m := scopeRE.FindStringSubmatch(authorization); m != nil {
		return m[1]
	}
	return ""
}

// signedBy matches a well-formed SigV4 Authorization header for service:
// the fakes refuse any request without one, as AWS does.
func signedBy(service string) *regexp.Regexp {
	return regexp.MustCompile(fmt.Sprintf(`^AWS4-HMAC-SHA256 Credential=[A-Z0-9]{16,128}/\d{8}/[a-z0-9-]+/%s/aws4_request, SignedHeaders=[a-z0-9;-]+, Signature=[0-9a-f]{64}$`, service))
}

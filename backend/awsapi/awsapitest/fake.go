// Package awsapitest is test support for code that uses backend/awsapi:
// local servers speaking the real wire protocols of STS, the IAM Identity
// Center portal and SSO OIDC, and a temporary HOME with a shared config
// holding every kind of profile.
package awsapitest

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
)

// Call is one request a fake AWS endpoint received.
type Call struct {
	Service   string // sts, sso, oidc
	Action    string // STS Action, or the REST path
	AccessKey string // from the SigV4 Authorization header; empty when unsigned
	Params    map[string]string
}

// Fake serves STS (awsQuery: form-encoded POST, XML responses), the SSO
// portal (REST-JSON GetRoleCredentials) and SSO OIDC (REST-JSON
// RegisterClient, StartDeviceAuthorization, CreateToken) on three local
// servers, the SDK being pointed at them through AWS_ENDPOINT_URL_*.
type Fake struct {
	t testing.TB

	mu           sync.Mutex
	calls        []Call
	invocations  map[string]bool   // SDK invocation IDs of the calls recorded
	users        map[string]string // static access key -> caller ARN
	mfa          map[string]string // role ARN -> MFA serial it requires
	webID        string            // the accepted web identity token
	bearer       map[string]bool   // SSO access tokens the portal accepts
	tokenReplies []string
	noRefresh    bool
	issued       int
	noAssume     map[string]bool // roles whose trust policy refuses every caller
}

// DenyAssume makes AssumeRole of roleARN fail with AccessDenied, as when
// the role's trust policy does not name the caller (or the role does not
// exist: AWS answers the same).
func (f *Fake) DenyAssume(roleARN string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.noAssume[roleARN] = true
}

// RejectRefresh makes CreateToken refuse refresh tokens (InvalidGrant),
// as after the user's IAM Identity Center session ended.
func (f *Fake) RejectRefresh() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.noRefresh = true
}

// ReplyToToken sets the next answers of CreateToken for the device grant,
// in order: "pending", "slow", "expired", "denied" or "ok" (also the answer
// once the list is used up).
func (f *Fake) ReplyToToken(replies ...string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.tokenReplies = replies
}

// Deactivate makes STS reject an access key, as after its deletion.
func (f *Fake) Deactivate(accessKey string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	delete(f.users, accessKey)
}

const (
	// MFACode is the one code the fake accepts for an MFA-protected role.
	MFACode = "123456"
)

// NewFake starts the servers and points the SDK at them for the rest of
// the test (t.Setenv, so the test cannot run in parallel). It knows the
// static keys AKIASTATICEXAMPLE (user alice) and AKIAPROCESSEXAMPLE, the
// MFA-protected role arn:aws:iam::222222222222:role/Admin, the web identity
// token of Home, and the SSO tokens it grants itself.
func NewFake(t testing.TB) *Fake {
	f := &Fake{
		t:        t,
		users:    map[string]string{"AKIASTATICEXAMPLE": "arn:aws:iam::111111111111:user/alice", "AKIAPROCESSEXAMPLE": "arn:aws:iam::111111111111:user/process"},
		mfa:      map[string]string{"arn:aws:iam::222222222222:role/Admin": "arn:aws:iam::111111111111:mfa/alice"},
		webID:    "eyJ.web.identity",
		bearer:   map[string]bool{},
		noAssume: map[string]bool{},
	}
	for name, h := range map[string]http.HandlerFunc{"STS": f.sts, "SSO": f.sso, "SSO_OIDC": f.oidc} {
		srv := httptest.NewServer(h)
		t.Cleanup(srv.Close)
		t.Setenv("AWS_ENDPOINT_URL_"+name, srv.URL)
	}
	return f
}

// record adds the call r makes, once per API call: an SDK sends every
// attempt of a call with the same amz-sdk-invocation-id, and a response
// lost in transit makes it send the call again.
func (f *Fake) record(r *http.Request, c Call) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if id := r.Header.Get("Amz-Sdk-Invocation-Id"); id != "" {
		if f.invocations[id] {
			return
		}
		if f.invocations == nil {
			f.invocations = map[string]bool{}
		}
		f.invocations[id] = true
	}
	f.calls = append(f.calls, c)
}

// Take returns and forgets the calls so far.
func (f *Fake) Take() []Call {
	f.mu.Lock()
	defer f.mu.Unlock()
	c := f.calls
	f.calls = nil
	return c
}

var credentialRE = regexp.MustCompile(`Credential=([^/]+)/`)

func accessKey(r *http.Request) string {
	if m := credentialRE.FindStringSubmatch(r.Header.Get("Authorization")); m != nil {
		return m[1]
	}
	return ""
}

// Assumed-role credentials encode the role they were issued for, so the
// fake knows who signs the next request: ASIA<n> -> role ARN.
func (f *Fake) issue(arn string) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.issued++
	key := fmt.Sprintf("ASIA%016d", f.issued)
	f.users[key] = arn
	return key
}

func (f *Fake) caller(key string) (string, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	arn, ok := f.users[key]
	return arn, ok
}

func stsError(w http.ResponseWriter, status int, code, msg string) {
	w.Header().Set("Content-Type", "text/xml")
	w.WriteHeader(status)
	fmt.Fprintf(w, `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>%s</Code><Message>%s</Message></Error><RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId></ErrorResponse>`, code, msg)
}

func credentialsXML(key string) string {
	return `<Credentials><AccessKeyId>` + key + `</AccessKeyId><SecretAccessKey>secret-` + key +
		`</SecretAccessKey><SessionToken>token-` + key + `</SessionToken><Expiration>2099-01-01T00:00:00Z</Expiration></Credentials>`
}

func (f *Fake) sts(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost || r.Header.Get("Content-Type") != "application/x-www-form-urlencoded" {
		f.t.Errorf("STS: %s %s with Content-Type %q, want a form POST", r.Method, r.URL, r.Header.Get("Content-Type"))
	}
	body, _ := io.ReadAll(r.Body)
	form, err := url.ParseQuery(string(body))
	if err != nil || form.Get("Version") != "2011-06-15" {
		f.t.Errorf("STS body %q: %v", body, err)
	}
	c := Call{Service: "sts", Action: form.Get("Action"), AccessKey: accessKey(r), Params: map[string]string{}}
	for k := range form {
		c.Params[k] = form.Get(k)
	}
	f.record(r, c)
	w.Header().Set("Content-Type", "text/xml")
	switch c.Action {
	case "GetCallerIdentity":
		arn, ok := f.caller(c.AccessKey)
		if !ok {
			stsError(w, http.StatusForbidden, "InvalidClientTokenId", "The security token included in the request is invalid.")
			return
		}
		fmt.Fprintf(w, `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult><Arn>%s</Arn><UserId>AIDA%s</UserId><Account>%s</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>01234567-89ab-cdef-0123-456789abcdef</RequestId></ResponseMetadata></GetCallerIdentityResponse>`,
			arn, c.AccessKey, strings.Split(arn, ":")[4])
	case "AssumeRole":
		if _, ok := f.caller(c.AccessKey); !ok {
			stsError(w, http.StatusForbidden, "InvalidClientTokenId", "The security token included in the request is invalid.")
			return
		}
		role := c.Params["RoleArn"]
		f.mu.Lock()
		refused := f.noAssume[role]
		f.mu.Unlock()
		if refused {
			arn, _ := f.caller(c.AccessKey)
			stsError(w, http.StatusForbidden, "AccessDenied", "User: "+arn+" is not authorized to perform: sts:AssumeRole on resource: "+role)
			return
		}
		if serial, ok := f.mfa[role]; ok && (c.Params["SerialNumber"] != serial || c.Params["TokenCode"] != MFACode) {
			stsError(w, http.StatusForbidden, "AccessDenied", "MultiFactorAuthentication failed with invalid MFA one time pass code.")
			return
		}
		f.assumed(w, "AssumeRole", role, c.Params["RoleSessionName"], "")
	case "AssumeRoleWithWebIdentity":
		if c.AccessKey != "" || c.Params["WebIdentityToken"] != f.webID {
			stsError(w, http.StatusBadRequest, "InvalidIdentityToken", "Couldn't retrieve verification key from your identity provider.")
			return
		}
		f.assumed(w, "AssumeRoleWithWebIdentity", c.Params["RoleArn"], c.Params["RoleSessionName"], "<SubjectFromWebIdentityToken>sub</SubjectFromWebIdentityToken>")
	default:
		stsError(w, http.StatusBadRequest, "InvalidAction", "unsupported action "+c.Action)
	}
}

func (f *Fake) assumed(w http.ResponseWriter, action, role, session, extra string) {
	parts := strings.SplitN(role, ":", 6) // arn:aws:iam::ACCOUNT:role/NAME
	arn := fmt.Sprintf("arn:aws:sts::%s:assumed-role/%s/%s", parts[4], strings.TrimPrefix(parts[5], "role/"), session)
	key := f.issue(arn)
	fmt.Fprintf(w, `<%[1]sResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><%[1]sResult>%[4]s<AssumedRoleUser><Arn>%[2]s</Arn><AssumedRoleId>AROA:%[3]s</AssumedRoleId></AssumedRoleUser>%[5]s</%[1]sResult><ResponseMetadata><RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId></ResponseMetadata></%[1]sResponse>`,
		action, arn, session, extra, credentialsXML(key))
}

// readJSON checks a JSON-protocol request as AWS does before running it:
// signed (its Authorization header matches sigV4), with a JSON body, which
// it returns. Otherwise it answers 403 IncompleteSignatureException, or a
// SerializationException in the service's error shape (fail), and returns
// false.
func readJSON(w http.ResponseWriter, r *http.Request, sigV4 *regexp.Regexp, fail func(w http.ResponseWriter, typ, msg string)) (map[string]any, bool) {
	if !sigV4.MatchString(r.Header.Get("Authorization")) {
		jsonReply(w, http.StatusForbidden, "", map[string]string{"__type": "IncompleteSignatureException", "message": "Authorization header requires a SigV4 signature."})
		return nil, false
	}
	var in map[string]any
	body, _ := io.ReadAll(r.Body)
	if err := json.Unmarshal(body, &in); err != nil {
		fail(w, "SerializationException", err.Error())
		return nil, false
	}
	return in, true
}

func jsonReply(w http.ResponseWriter, status int, errType string, v any) {
	w.Header().Set("Content-Type", "application/json")
	if errType != "" {
		w.Header().Set("X-Amzn-ErrorType", errType)
	}
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

func (f *Fake) sso(w http.ResponseWriter, r *http.Request) {
	tok := r.Header.Get("X-Amz-Sso_bearer_token")
	f.record(r, Call{Service: "sso", Action: r.Method + " " + r.URL.Path, Params: map[string]string{
		"account_id": r.URL.Query().Get("account_id"), "role_name": r.URL.Query().Get("role_name"), "token": tok}})
	if r.Method != http.MethodGet || r.URL.Path != "/federation/credentials" {
		jsonReply(w, http.StatusNotFound, "ResourceNotFoundException", map[string]string{"message": "no route"})
		return
	}
	f.mu.Lock()
	ok := f.bearer[tok]
	f.mu.Unlock()
	if !ok {
		jsonReply(w, http.StatusUnauthorized, "UnauthorizedException", map[string]string{"message": "Session token not found or invalid"})
		return
	}
	q := r.URL.Query()
	key := f.issue(fmt.Sprintf("arn:aws:sts::%s:assumed-role/AWSReservedSSO_%s_0123456789abcdef/alice", q.Get("account_id"), q.Get("role_name")))
	jsonReply(w, http.StatusOK, "", map[string]any{"roleCredentials": map[string]any{
		"accessKeyId": key, "secretAccessKey": "secret-" + key, "sessionToken": "token-" + key, "expiration": int64(4070908800000)}})
}

func (f *Fake) oidc(w http.ResponseWriter, r *http.Request) {
	var in map[string]any
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
		f.t.Errorf("OIDC %s: %v", r.URL.Path, err)
	}
	params := map[string]string{}
	for k, v := range in {
		params[k] = fmt.Sprint(v)
	}
	f.record(r, Call{Service: "oidc", Action: r.Method + " " + r.URL.Path, AccessKey: accessKey(r), Params: params})
	switch r.URL.Path {
	case "/client/register":
		jsonReply(w, http.StatusOK, "", map[string]any{"clientId": "client-1", "clientSecret": "client-secret-1",
			"clientIdIssuedAt": 1764000000, "clientSecretExpiresAt": 4070908800})
	case "/device_authorization":
		jsonReply(w, http.StatusOK, "", map[string]any{"deviceCode": "device-1", "userCode": "ABCD-EFGH",
			"verificationUri":         "https://device.sso.eu-west-1.amazonaws.com/",
			"verificationUriComplete": "https://device.sso.eu-west-1.amazonaws.com/?user_code=ABCD-EFGH",
			"expiresIn":               600, "interval": 1})
	case "/token":
		if params["grantType"] == "refresh_token" {
			f.mu.Lock()
			reject := f.noRefresh
			f.mu.Unlock()
			if reject {
				jsonReply(w, http.StatusBadRequest, "InvalidGrantException", map[string]any{"error": "invalid_grant", "error_description": "Invalid refresh token provided"})
				return
			}
			f.grant(w, "refreshed-token")
			return
		}
		f.mu.Lock()
		reply := "ok"
		if len(f.tokenReplies) > 0 {
			reply, f.tokenReplies = f.tokenReplies[0], f.tokenReplies[1:]
		}
		f.mu.Unlock()
		switch reply {
		case "pending":
			jsonReply(w, http.StatusBadRequest, "AuthorizationPendingException", map[string]any{"error": "authorization_pending", "error_description": nil})
		case "slow":
			jsonReply(w, http.StatusBadRequest, "SlowDownException", map[string]any{"error": "slow_down", "error_description": nil})
		case "expired":
			jsonReply(w, http.StatusBadRequest, "ExpiredTokenException", map[string]any{"error": "expired_token", "error_description": nil})
		case "denied":
			jsonReply(w, http.StatusBadRequest, "AccessDeniedException", map[string]any{"error": "access_denied", "error_description": nil})
		default:
			f.grant(w, "sso-access-token")
		}
	default:
		jsonReply(w, http.StatusNotFound, "ResourceNotFoundException", map[string]string{"message": "no route"})
	}
}

func (f *Fake) grant(w http.ResponseWriter, token string) {
	f.mu.Lock()
	f.bearer[token] = true
	f.mu.Unlock()
	jsonReply(w, http.StatusOK, "", map[string]any{"accessToken": token, "tokenType": "Bearer", "expiresIn": 28800, "refreshToken": "refresh-1"})
}

package eval

import (
	"fmt"
	"sort"
	"strings"
)

// Request is one AWS request to authorize.
type Request struct {
	// Principal is the caller: an IAM user, role or root ARN, an
	// assumed-role session ARN (arn:aws:sts::111122223333:assumed-role/R/S),
	// a federated-user ARN, a service principal name (s3.amazonaws.com), a
	// web-identity or SAML provider (accounts.google.com, a saml-provider
	// ARN), or "*" / "anonymous" for an unauthenticated caller.
	Principal string
	// Action is "service:Name", e.g. "s3:GetObject".
	Action string
	// Resource is the resource ARN, or "*" for actions without resource types.
	Resource string
	// ResourceAccount owns the resource. Empty means the account of the
	// resource ARN, or, when the ARN names none (S3), the caller's account.
	ResourceAccount string
	// Context is the request context. Keys AWS derives from the principal
	// (aws:PrincipalArn, aws:PrincipalAccount, aws:PrincipalType,
	// aws:username, aws:userid where derivable, aws:PrincipalIsAWSService,
	// aws:PrincipalServiceName, aws:ResourceAccount) are added unless given.
	Context Context
}

// Context is a request context: condition keys with one or more values.
// Keys are case-insensitive. A key set with no values is present but empty
// (an empty multi-valued key).
type Context struct {
	entries []contextEntry
}

type contextEntry struct {
	key    string // lower case
	name   string // as given
	values []string
}

// Set sets key to values, replacing an earlier value of the key.
func (c *Context) Set(key string, values ...string) {
	lk := strings.ToLower(key)
	for i := range c.entries {
		if c.entries[i].key == lk {
			c.entries[i].values = values
			return
		}
	}
	c.entries = append(c.entries, contextEntry{key: lk, name: key, values: values})
}

// Get returns the values of key and whether it is present.
func (c *Context) Get(key string) ([]string, bool) {
	return c.lookup(strings.ToLower(key))
}

func (c *Context) lookup(lower string) ([]string, bool) {
	for i := range c.entries {
		if c.entries[i].key == lower {
			return c.entries[i].values, true
		}
	}
	return nil, false
}

// Keys returns the context's keys as given, sorted.
func (c *Context) Keys() []string {
	out := make([]string, len(c.entries))
	for i, e := range c.entries {
		out[i] = e.name
	}
	sort.Strings(out)
	return out
}

// Len is the number of keys.
func (c *Context) Len() int { return len(c.entries) }

// PrincipalKind is the kind of caller.
type PrincipalKind uint8

// The kinds of caller.
const (
	PrincipalUser          PrincipalKind = iota + 1 // arn:aws:iam::A:user/N
	PrincipalRole                                   // arn:aws:iam::A:role/N: a session of the role, name unknown
	PrincipalAssumedRole                            // arn:aws:sts::A:assumed-role/R/S
	PrincipalFederatedUser                          // arn:aws:sts::A:federated-user/N
	PrincipalRoot                                   // arn:aws:iam::A:root
	PrincipalService                                // s3.amazonaws.com
	PrincipalWebIdentity                            // accounts.google.com, a saml-provider or oidc-provider ARN
	PrincipalAnonymous                              // "*" or "anonymous"
)

var principalKindNames = [...]string{"", "user", "role", "assumed-role", "federated-user", "root", "service", "web-identity", "anonymous"}

func (k PrincipalKind) String() string {
	if int(k) < len(principalKindNames) {
		return principalKindNames[k]
	}
	return fmt.Sprintf("PrincipalKind(%d)", k)
}

// caller is a parsed principal.
type caller struct {
	kind      PrincipalKind
	arn       string // the caller's own ARN (session ARN for sessions); the name for services and providers
	partition string
	account   string
	name      string // user, role, federated-user name; session name for sessions
	roleARN   string // for roles and sessions: arn:P:iam::A:role/R
	roleName  string
	path      string // IAM path of users and roles ("/" when none)
}

// webIdentityProviders are the identity providers AWS names without an ARN.
var webIdentityProviders = map[string]bool{
	"cognito-identity.amazonaws.com": true, "accounts.google.com": true,
	"graph.facebook.com": true, "www.amazon.com": true,
}

// parseCaller parses Request.Principal.
func parseCaller(p string) (caller, error) {
	switch {
	case p == "*" || strings.EqualFold(p, "anonymous"):
		return caller{kind: PrincipalAnonymous, arn: "*"}, nil
	case webIdentityProviders[strings.ToLower(p)]:
		return caller{kind: PrincipalWebIdentity, arn: strings.ToLower(p)}, nil
	case !strings.HasPrefix(p, "arn:"):
		if strings.HasSuffix(p, ".amazonaws.com") || strings.HasSuffix(p, ".amazonaws.com.cn") {
			return caller{kind: PrincipalService, arn: p}, nil
		}
		if isAccountID(p) {
			return caller{kind: PrincipalRoot, arn: "arn:aws:iam::" + p + ":root", partition: "aws", account: p}, nil
		}
		return caller{}, fmt.Errorf("principal %q: want an IAM or STS ARN, an account ID, a service principal (name.amazonaws.com), an identity provider, or \"*\"", p)
	}
	parts, ok := arnFields(p)
	if !ok || parts[1] == "" || !isAccountID(parts[4]) || (parts[2] != "iam" && parts[2] != "sts") {
		return caller{}, fmt.Errorf("principal %q: want an ARN of the form arn:PARTITION:iam::ACCOUNT:TYPE/NAME or arn:PARTITION:sts::ACCOUNT:TYPE/NAME", p)
	}
	c := caller{arn: p, partition: parts[1], account: parts[4]}
	res := parts[5]
	typ, rest, _ := strings.Cut(res, "/")
	switch {
	case parts[2] == "iam" && res == "root":
		c.kind = PrincipalRoot
	case parts[2] == "iam" && typ == "user" && rest != "":
		c.kind = PrincipalUser
		c.path, c.name = splitPath(rest)
	case parts[2] == "iam" && typ == "role" && rest != "":
		c.kind = PrincipalRole
		c.path, c.roleName = splitPath(rest)
		c.roleARN = p
	case parts[2] == "iam" && (typ == "saml-provider" || typ == "oidc-provider") && rest != "":
		c.kind = PrincipalWebIdentity
	case parts[2] == "sts" && typ == "assumed-role":
		role, session, ok := strings.Cut(rest, "/")
		if !ok || role == "" || session == "" {
			return caller{}, fmt.Errorf("principal %q: an assumed-role ARN is arn:PARTITION:sts::ACCOUNT:assumed-role/ROLE/SESSION", p)
		}
		c.kind, c.roleName, c.name, c.path = PrincipalAssumedRole, role, session, "/"
		c.roleARN = "arn:" + c.partition + ":iam::" + c.account + ":role/" + role
	case parts[2] == "sts" && typ == "federated-user" && rest != "":
		c.kind, c.name = PrincipalFederatedUser, rest
	default:
		return caller{}, fmt.Errorf("principal %q: unsupported principal type %q (want user, role, root, assumed-role, federated-user, saml-provider or oidc-provider)", p, typ)
	}
	return c, nil
}

// splitPath splits "path/to/name" into ("/path/to/", "name").
func splitPath(s string) (path, name string) {
	i := strings.LastIndexByte(s, '/')
	if i < 0 {
		return "/", s
	}
	return "/" + s[:i+1], s[i+1:]
}

func isAccountID(s string) bool {
	if len(s) != 12 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// serviceLinked reports whether the caller is a service-linked role or one
// of its sessions. Service-linked roles live under the path
// /aws-service-role/ and are named AWSServiceRoleFor...; a session ARN carries
// no path, so the name prefix decides there.
func (c *caller) serviceLinked() bool {
	if c.kind != PrincipalRole && c.kind != PrincipalAssumedRole {
		return false
	}
	return strings.HasPrefix(c.path, "/aws-service-role/") || strings.HasPrefix(c.roleName, "AWSServiceRoleFor")
}

// hasIdentity reports whether the caller is an IAM identity of an account,
// with identity-based policies and subject to SCPs.
func (c *caller) hasIdentity() bool {
	switch c.kind {
	case PrincipalService, PrincipalWebIdentity, PrincipalAnonymous:
		return false
	}
	return true
}

// principalType is the aws:PrincipalType value.
func (c *caller) principalType() string {
	switch c.kind {
	case PrincipalUser:
		return "User"
	case PrincipalRole, PrincipalAssumedRole:
		return "AssumedRole"
	case PrincipalFederatedUser:
		return "FederatedUser"
	case PrincipalRoot:
		return "Account"
	case PrincipalAnonymous:
		return "Anonymous"
	}
	return ""
}

// principalARN is the aws:PrincipalArn value: the role ARN for sessions.
func (c *caller) principalARN() string {
	switch c.kind {
	case PrincipalUser, PrincipalRoot, PrincipalFederatedUser:
		return c.arn
	case PrincipalRole, PrincipalAssumedRole:
		return c.roleARN
	}
	return ""
}

// derivedEntries computes the context keys AWS derives from the caller.
func (c *caller) derivedEntries() []contextEntry {
	var out []contextEntry
	add := func(k, v string) {
		if v != "" {
			out = append(out, contextEntry{key: derivedLower[k], name: k, values: []string{v}})
		}
	}
	add("aws:PrincipalArn", c.principalARN())
	add("aws:PrincipalAccount", c.account)
	add("aws:PrincipalType", c.principalType())
	if c.kind == PrincipalUser {
		add("aws:username", c.name)
	}
	switch c.kind {
	case PrincipalRoot:
		add("aws:userid", c.account)
	case PrincipalFederatedUser:
		add("aws:userid", c.account+":"+c.name)
	}
	if c.kind == PrincipalService {
		add("aws:PrincipalIsAWSService", "true")
		add("aws:PrincipalServiceName", c.arn)
	} else {
		add("aws:PrincipalIsAWSService", "false")
	}
	return out
}

// addDefault appends e to ctx unless ctx has its key.
func (ctx *Context) addDefault(e contextEntry) {
	if _, ok := ctx.lookup(e.key); !ok {
		ctx.entries = append(ctx.entries, e)
	}
}

// callerCache keeps the last parsed principal and resource account of an
// Evaluator: batches and benchmarks repeat them, and parsing them is most
// of the cost of preparing a request.
type callerCache struct {
	principal string
	c         caller
	derived   []contextEntry
	err       error
	valid     bool
	resAcct   string
	resEntry  contextEntry
}

func (cc *callerCache) get(principal string) (*caller, []contextEntry, error) {
	if !cc.valid || cc.principal != principal {
		cc.c, cc.err = parseCaller(principal)
		cc.derived = cc.c.derivedEntries()
		cc.principal, cc.valid = principal, true
	}
	return &cc.c, cc.derived, cc.err
}

func (cc *callerCache) resourceAccount(acct string) contextEntry {
	if cc.resEntry.key == "" || cc.resAcct != acct {
		cc.resAcct = acct
		cc.resEntry = contextEntry{key: derivedLower["aws:ResourceAccount"], name: "aws:ResourceAccount", values: []string{acct}}
	}
	return cc.resEntry
}

// derivedLower maps the derived keys to their lower-case forms, so deriving
// them costs no case conversion.
var derivedLower = func() map[string]string {
	m := map[string]string{}
	for _, k := range []string{"aws:PrincipalArn", "aws:PrincipalAccount", "aws:PrincipalType", "aws:username",
		"aws:userid", "aws:PrincipalIsAWSService", "aws:PrincipalServiceName", "aws:ResourceAccount"} {
		m[k] = strings.ToLower(k)
	}
	return m
}()

// prepared is a request ready to evaluate: parsed, lowered, with derived keys.
type prepared struct {
	req         *Request
	caller      caller
	action      string // as given
	service     string // service prefix as given
	resource    string
	resAccount  string
	crossAcct   bool
	ctx         *Context
	mode        Mode
	trustPolicy bool // an sts:AssumeRole* request on a role
	keyPolicy   bool // a KMS request on a key
	hasBoundary bool // the caller has a permissions boundary
}

// prepare parses req into p, building the context (given keys plus
// derived ones) in ctx, whose buffer it reuses.
func prepare(req *Request, mode Mode, p *prepared, ctx *Context, cc *callerCache) error {
	c, derived, err := cc.get(req.Principal)
	if err != nil {
		return err
	}
	svc, name, ok := strings.Cut(req.Action, ":")
	if !ok || svc == "" || name == "" {
		return fmt.Errorf("action %q: want service:Name", req.Action)
	}
	if req.Resource == "" {
		return fmt.Errorf("resource is empty: give the resource ARN, or \"*\" for actions without resource types")
	}
	*p = prepared{req: req, caller: *c, action: req.Action, service: svc, resource: req.Resource, mode: mode}
	p.resAccount = req.ResourceAccount
	if p.resAccount == "" {
		if parts, ok := arnFields(req.Resource); ok && isAccountID(parts[4]) {
			p.resAccount = parts[4]
		} else {
			p.resAccount = c.account
		}
	}
	p.crossAcct = c.account != "" && p.resAccount != "" && c.account != p.resAccount
	ctx.entries = append(ctx.entries[:0], req.Context.entries...)
	for _, e := range derived {
		ctx.addDefault(e)
	}
	if p.resAccount != "" {
		ctx.addDefault(cc.resourceAccount(p.resAccount))
	}
	p.ctx = ctx
	if strings.EqualFold(svc, "sts") && strings.Contains(req.Resource, ":role/") {
		p.trustPolicy = hasPrefixFold(name, "AssumeRole") || strings.EqualFold(name, "TagSession") ||
			strings.EqualFold(name, "SetSourceIdentity") || strings.EqualFold(name, "SetContext")
	}
	// Only a key has a key policy: CreateKey, List* and aliases ("alias/…")
	// are governed by IAM policies alone.
	p.keyPolicy = strings.EqualFold(svc, "kms") && strings.Contains(req.Resource, ":key/")
	return nil
}

func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}

// MarshalJSON writes the context as an object: each key with its value, or
// an array when it has none or several.
func (c Context) MarshalJSON() ([]byte, error) {
	keys := make([]contextEntry, len(c.entries))
	copy(keys, c.entries)
	sort.Slice(keys, func(i, j int) bool { return keys[i].name < keys[j].name })
	buf := []byte{'{'}
	for i, e := range keys {
		if i > 0 {
			buf = append(buf, ',')
		}
		buf = appendJSONString(buf, e.name)
		buf = append(buf, ':')
		if len(e.values) == 1 {
			buf = appendJSONString(buf, e.values[0])
			continue
		}
		buf = append(buf, '[')
		for j, v := range e.values {
			if j > 0 {
				buf = append(buf, ',')
			}
			buf = appendJSONString(buf, v)
		}
		buf = append(buf, ']')
	}
	return append(buf, '}'), nil
}

// MarshalJSON writes the request in the simulate case format.
func (r *Request) MarshalJSON() ([]byte, error) {
	ctx, _ := r.Context.MarshalJSON()
	buf := []byte(`{"principal":`)
	buf = appendJSONString(buf, r.Principal)
	buf = append(buf, `,"action":`...)
	buf = appendJSONString(buf, r.Action)
	buf = append(buf, `,"resource":`...)
	buf = appendJSONString(buf, r.Resource)
	if r.ResourceAccount != "" {
		buf = append(buf, `,"resourceAccount":`...)
		buf = appendJSONString(buf, r.ResourceAccount)
	}
	buf = append(buf, `,"context":`...)
	buf = append(buf, ctx...)
	return append(buf, '}'), nil
}

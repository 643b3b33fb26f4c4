package awsapitest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// iamWrites is the mutable side of the IAM fake: the users', roles' and
// managed policies' identity policies, loaded from the GAAD export and
// changed by the write calls remediation makes (PutRolePolicy,
// CreatePolicyVersion, AttachRolePolicy…), with the reads that verify them
// (GetRolePolicy, ListAttachedRolePolicies, GetPolicy, ListPolicyVersions,
// GetPolicyVersion). IAM's rules and error codes apply: at most 5 versions
// per policy and 10 managed policies per user or role (LimitExceeded), the default version cannot be deleted and an
// attached policy neither (DeleteConflict), unknown names give
// NoSuchEntity. GetAccountAuthorizationDetails keeps serving the export as
// loaded.
type iamWrites struct {
	mu       sync.Mutex
	account  string
	entities map[string]*iamEntity // "role/NAME", "user/NAME"
	policies map[string]*iamPolicy // by ARN
	clock    time.Time             // CreateDate of the next version, one second per write
	ids      int
}

type iamEntity struct {
	inline   map[string]string // name → JSON text
	attached []string          // ARNs in attachment order
}

type iamPolicy struct {
	name, path, id  string
	defaultVersion  string
	attachments     int
	boundaryUses    int
	versions        []*iamVersion
	next            int // number of the next version ID
	created, update string
}

type iamVersion struct {
	id, doc, created string
}

// gaadEntity is the part of a GAAD user or role entry the writes model.
type gaadEntity struct {
	RoleName, UserName, Arn string
	RolePolicyList          []gaadInline
	UserPolicyList          []gaadInline
	AttachedManagedPolicies []struct{ PolicyArn string }
}

type gaadInline struct {
	PolicyName     string
	PolicyDocument json.RawMessage
}

type gaadPolicy struct {
	PolicyName, PolicyId, Arn, Path, DefaultVersionId string
	AttachmentCount, PermissionsBoundaryUsageCount    int
	CreateDate, UpdateDate                            string
	PolicyVersionList                                 []struct {
		Document   json.RawMessage
		VersionId  string
		CreateDate string
	}
}

func newIAMWrites(t testing.TB, gaad map[string][]json.RawMessage) *iamWrites {
	m := &iamWrites{account: "123456789012", entities: map[string]*iamEntity{}, policies: map[string]*iamPolicy{},
		clock: time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)}
	for _, list := range []string{"UserDetailList", "RoleDetailList"} {
		for _, raw := range gaad[list] {
			var e gaadEntity
			if err := json.Unmarshal(raw, &e); err != nil {
				t.Fatalf("awsapitest: GAAD %s: %v", list, err)
			}
			key, inline := "role/"+e.RoleName, e.RolePolicyList
			if list == "UserDetailList" {
				key, inline = "user/"+e.UserName, e.UserPolicyList
			}
			if parts := strings.Split(e.Arn, ":"); len(parts) > 4 {
				m.account = parts[4]
			}
			ent := &iamEntity{inline: map[string]string{}}
			for _, ip := range inline {
				ent.inline[ip.PolicyName] = documentJSON(t, ip.PolicyDocument)
			}
			for _, a := range e.AttachedManagedPolicies {
				ent.attached = append(ent.attached, a.PolicyArn)
			}
			m.entities[key] = ent
		}
	}
	for _, raw := range gaad["Policies"] {
		var gp gaadPolicy
		if err := json.Unmarshal(raw, &gp); err != nil {
			t.Fatalf("awsapitest: GAAD Policies: %v", err)
		}
		p := &iamPolicy{name: gp.PolicyName, path: gp.Path, id: gp.PolicyId, defaultVersion: gp.DefaultVersionId,
			attachments: gp.AttachmentCount, boundaryUses: gp.PermissionsBoundaryUsageCount, created: gp.CreateDate, update: gp.UpdateDate}
		for _, v := range gp.PolicyVersionList {
			p.versions = append(p.versions, &iamVersion{id: v.VersionId, doc: documentJSON(t, v.Document), created: v.CreateDate})
			if n, err := strconv.Atoi(strings.TrimPrefix(v.VersionId, "v")); err == nil && n >= p.next {
				p.next = n + 1
			}
		}
		sort.Slice(p.versions, func(i, j int) bool { return versionNo(p.versions[i].id) < versionNo(p.versions[j].id) })
		m.policies[gp.Arn] = p
	}
	return m
}

func versionNo(id string) int {
	n, _ := strconv.Atoi(strings.TrimPrefix(id, "v"))
	return n
}

// documentJSON returns a GAAD document (a JSON object, or a URL-encoded
// string as the raw API gives it) as JSON text.
func documentJSON(t testing.TB, raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) != nil {
		return string(raw)
	}
	if strings.HasPrefix(strings.TrimSpace(s), "{") {
		return s
	}
	text, err := url.QueryUnescape(s)
	if err != nil {
		t.Fatalf("awsapitest: GAAD document %q: %v", s, err)
	}
	return text
}

// encodeDocument URL-encodes a document as IAM sends it.
func encodeDocument(doc string) string {
	return strings.ReplaceAll(url.QueryEscape(doc), "+", "%20")
}

// managedPerEntity is IAM's default quota of managed policies attached to
// one user or role.
const managedPerEntity = 10

// iamFault is an IAM error answer.
type iamFault struct {
	status        int
	code, message string
}

func noSuch(format string, args ...any) *iamFault {
	return &iamFault{http.StatusNotFound, "NoSuchEntity", fmt.Sprintf(format, args...)}
}

func conflict(code, format string, args ...any) *iamFault {
	return &iamFault{http.StatusConflict, code, fmt.Sprintf(format, args...)}
}

// writeOperations are the operations iamWrites answers.
var writeOperations = map[string]bool{
	"GetRolePolicy": true, "GetUserPolicy": true, "ListAttachedRolePolicies": true, "ListAttachedUserPolicies": true,
	"GetPolicy": true, "ListPolicyVersions": true, "GetPolicyVersion": true,
	"PutRolePolicy": true, "PutUserPolicy": true, "DeleteRolePolicy": true, "DeleteUserPolicy": true,
	"AttachRolePolicy": true, "AttachUserPolicy": true, "DetachRolePolicy": true, "DetachUserPolicy": true,
	"CreatePolicy": true, "CreatePolicyVersion": true, "DeletePolicyVersion": true, "SetDefaultPolicyVersion": true, "DeletePolicy": true,
}

// serve answers one call of writeOperations into b, or returns its fault.
func (m *iamWrites) serve(b *strings.Builder, action string, form url.Values) *iamFault {
	m.mu.Lock()
	defer m.mu.Unlock()
	kind, nameParam := "role", "RoleName"
	if strings.Contains(action, "User") {
		kind, nameParam = "user", "UserName"
	}
	switch action {
	case "GetRolePolicy", "GetUserPolicy":
		e, f := m.entity(kind, form.Get(nameParam))
		if f != nil {
			return f
		}
		doc, ok := e.inline[form.Get("PolicyName")]
		if !ok {
			return noSuch("The %s policy with name %s cannot be found.", kind, form.Get("PolicyName"))
		}
		fmt.Fprintf(b, "<%[1]s>%[2]s</%[1]s><PolicyName>%[3]s</PolicyName><PolicyDocument>%[4]s</PolicyDocument>",
			nameParam, form.Get(nameParam), form.Get("PolicyName"), encodeDocument(doc))
	case "ListAttachedRolePolicies", "ListAttachedUserPolicies":
		e, f := m.entity(kind, form.Get(nameParam))
		if f != nil {
			return f
		}
		b.WriteString("<AttachedPolicies>")
		for _, arn := range e.attached {
			fmt.Fprintf(b, "<member><PolicyName>%s</PolicyName><PolicyArn>%s</PolicyArn></member>", arn[strings.LastIndexByte(arn, '/')+1:], arn)
		}
		b.WriteString("</AttachedPolicies><IsTruncated>false</IsTruncated>")
	case "GetPolicy":
		p, f := m.policy(form.Get("PolicyArn"))
		if f != nil {
			return f
		}
		m.writePolicy(b, form.Get("PolicyArn"), p)
	case "ListPolicyVersions":
		p, f := m.policy(form.Get("PolicyArn"))
		if f != nil {
			return f
		}
		b.WriteString("<Versions>")
		for i := len(p.versions) - 1; i >= 0; i-- { // newest first, as IAM lists them
			v := p.versions[i]
			fmt.Fprintf(b, "<member><VersionId>%s</VersionId><IsDefaultVersion>%t</IsDefaultVersion><CreateDate>%s</CreateDate></member>", v.id, v.id == p.defaultVersion, v.created)
		}
		b.WriteString("</Versions><IsTruncated>false</IsTruncated>")
	case "GetPolicyVersion":
		p, f := m.policy(form.Get("PolicyArn"))
		if f != nil {
			return f
		}
		v := p.version(form.Get("VersionId"))
		if v == nil {
			return noSuch("Policy %s version %s does not exist or is not attachable.", form.Get("PolicyArn"), form.Get("VersionId"))
		}
		fmt.Fprintf(b, "<PolicyVersion><Document>%s</Document><VersionId>%s</VersionId><IsDefaultVersion>%t</IsDefaultVersion><CreateDate>%s</CreateDate></PolicyVersion>",
			encodeDocument(v.doc), v.id, v.id == p.defaultVersion, v.created)
	case "PutRolePolicy", "PutUserPolicy":
		e, f := m.entity(kind, form.Get(nameParam))
		if f != nil {
			return f
		}
		doc := form.Get("PolicyDocument")
		if f := malformed(doc); f != nil {
			return f
		}
		e.inline[form.Get("PolicyName")] = doc
	case "DeleteRolePolicy", "DeleteUserPolicy":
		e, f := m.entity(kind, form.Get(nameParam))
		if f != nil {
			return f
		}
		if _, ok := e.inline[form.Get("PolicyName")]; !ok {
			return noSuch("The %s policy with name %s cannot be found.", kind, form.Get("PolicyName"))
		}
		delete(e.inline, form.Get("PolicyName"))
	case "AttachRolePolicy", "AttachUserPolicy":
		e, f := m.entity(kind, form.Get(nameParam))
		if f != nil {
			return f
		}
		arn := form.Get("PolicyArn")
		p, f := m.policy(arn)
		if f != nil {
			return f
		}
		if !slices.Contains(e.attached, arn) { // attaching twice changes nothing, as in IAM
			if len(e.attached) >= managedPerEntity {
				return conflict("LimitExceeded", "Cannot exceed quota for PoliciesPer%s: %d.", strings.TrimSuffix(strings.TrimPrefix(action, "Attach"), "Policy"), managedPerEntity)
			}
			e.attached = append(e.attached, arn)
			p.attachments++
		}
	case "DetachRolePolicy", "DetachUserPolicy":
		e, f := m.entity(kind, form.Get(nameParam))
		if f != nil {
			return f
		}
		arn := form.Get("PolicyArn")
		if !slices.Contains(e.attached, arn) {
			return noSuch("Policy %s was not found.", arn)
		}
		e.attached = slices.DeleteFunc(e.attached, func(a string) bool { return a == arn })
		if p := m.policies[arn]; p != nil {
			p.attachments--
		}
	case "CreatePolicy":
		return m.createPolicy(b, form)
	case "CreatePolicyVersion":
		p, f := m.policy(form.Get("PolicyArn"))
		if f != nil {
			return f
		}
		if len(p.versions) >= 5 {
			return conflict("LimitExceeded", "A managed policy can have up to 5 versions. Before you create a new version, you must delete an existing version.")
		}
		if f := malformed(form.Get("PolicyDocument")); f != nil {
			return f
		}
		v := m.addVersion(p, form.Get("PolicyDocument"))
		setDefault := form.Get("SetAsDefault") == "true"
		if setDefault {
			p.defaultVersion = v.id
		}
		fmt.Fprintf(b, "<PolicyVersion><VersionId>%s</VersionId><IsDefaultVersion>%t</IsDefaultVersion><CreateDate>%s</CreateDate></PolicyVersion>", v.id, setDefault, v.created)
	case "DeletePolicyVersion":
		p, f := m.policy(form.Get("PolicyArn"))
		if f != nil {
			return f
		}
		id := form.Get("VersionId")
		if p.version(id) == nil {
			return noSuch("Policy %s version %s does not exist or is not attachable.", form.Get("PolicyArn"), id)
		}
		if id == p.defaultVersion {
			return conflict("DeleteConflict", "Cannot delete the default version of a policy.")
		}
		for i, v := range p.versions {
			if v.id == id {
				p.versions = append(p.versions[:i], p.versions[i+1:]...)
				break
			}
		}
	case "SetDefaultPolicyVersion":
		p, f := m.policy(form.Get("PolicyArn"))
		if f != nil {
			return f
		}
		if p.version(form.Get("VersionId")) == nil {
			return noSuch("Policy %s version %s does not exist or is not attachable.", form.Get("PolicyArn"), form.Get("VersionId"))
		}
		p.defaultVersion = form.Get("VersionId")
	case "DeletePolicy":
		arn := form.Get("PolicyArn")
		p, f := m.policy(arn)
		if f != nil {
			return f
		}
		switch {
		case p.attachments > 0:
			return conflict("DeleteConflict", "Cannot delete a policy attached to entities.")
		case len(p.versions) > 1:
			return conflict("DeleteConflict", "This policy has more than one version. Before you delete a policy, you must delete the policy's versions. The default version is deleted with the policy.")
		}
		delete(m.policies, arn)
	}
	return nil
}

func (m *iamWrites) createPolicy(b *strings.Builder, form url.Values) *iamFault {
	name, path := form.Get("PolicyName"), form.Get("Path")
	if path == "" {
		path = "/"
	}
	arn := "arn:aws:iam::" + m.account + ":policy" + path + name
	if _, ok := m.policies[arn]; ok {
		return conflict("EntityAlreadyExists", "A policy called %s already exists. Duplicate names are not allowed.", name)
	}
	if f := malformed(form.Get("PolicyDocument")); f != nil {
		return f
	}
	m.ids++
	p := &iamPolicy{name: name, path: path, id: fmt.Sprintf("ANPAREMEDIATE%07d", m.ids), next: 1}
	v := m.addVersion(p, form.Get("PolicyDocument"))
	p.defaultVersion, p.created, p.update = v.id, v.created, v.created
	m.policies[arn] = p
	m.writePolicy(b, arn, p)
	return nil
}

func (m *iamWrites) addVersion(p *iamPolicy, doc string) *iamVersion {
	m.clock = m.clock.Add(time.Second)
	v := &iamVersion{id: fmt.Sprintf("v%d", p.next), doc: doc, created: m.clock.Format(time.RFC3339)}
	p.next++
	p.versions = append(p.versions, v)
	p.update = v.created
	return v
}

func (m *iamWrites) writePolicy(b *strings.Builder, arn string, p *iamPolicy) {
	fmt.Fprintf(b, "<Policy><PolicyName>%s</PolicyName><PolicyId>%s</PolicyId><Arn>%s</Arn><Path>%s</Path><DefaultVersionId>%s</DefaultVersionId>"+
		"<AttachmentCount>%d</AttachmentCount><PermissionsBoundaryUsageCount>%d</PermissionsBoundaryUsageCount><IsAttachable>true</IsAttachable>"+
		"<CreateDate>%s</CreateDate><UpdateDate>%s</UpdateDate></Policy>",
		p.name, p.id, arn, p.path, p.defaultVersion, p.attachments, p.boundaryUses, p.created, p.update)
}

func (m *iamWrites) entity(kind, name string) (*iamEntity, *iamFault) {
	e := m.entities[kind+"/"+name]
	if e == nil {
		return nil, noSuch("The %s with name %s cannot be found.", kind, name)
	}
	return e, nil
}

func (m *iamWrites) policy(arn string) (*iamPolicy, *iamFault) {
	p := m.policies[arn]
	if p == nil {
		return nil, noSuch("Policy %s does not exist or is not attachable.", arn)
	}
	return p, nil
}

func (p *iamPolicy) version(id string) *iamVersion {
	for _, v := range p.versions {
		if v.id == id {
			return v
		}
	}
	return nil
}

// malformed checks a policy document as IAM does first: it must be JSON.
func malformed(doc string) *iamFault {
	if !json.Valid([]byte(doc)) {
		return &iamFault{http.StatusBadRequest, "MalformedPolicyDocument", "Syntax errors in policy."}
	}
	return nil
}

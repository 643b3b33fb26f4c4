package source

import (
	"bytes"
	"encoding/base64"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/aegis-iam/aegis/backend/check"
	"github.com/aegis-iam/aegis/backend/policy"
)

// credentialColumns are the columns of the IAM credential report, in AWS's
// order (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_getting-report.html#getting-credential-reports-format).
var credentialColumns = [...]string{
	"user", "arn", "user_creation_time", "password_enabled", "password_last_used", "password_last_changed",
	"password_next_rotation", "mfa_active",
	"access_key_1_active", "access_key_1_last_rotated", "access_key_1_last_used_date", "access_key_1_last_used_region", "access_key_1_last_used_service",
	"access_key_2_active", "access_key_2_last_rotated", "access_key_2_last_used_date", "access_key_2_last_used_region", "access_key_2_last_used_service",
	"cert_1_active", "cert_1_last_rotated", "cert_2_active", "cert_2_last_rotated",
}

// ReadCredentialReport reads an IAM credential report: the CSV itself, or
// the JSON `aws iam get-credential-report` prints (its Content is the CSV,
// base64-encoded; positions then point at Content). Every problem — a
// missing column, a cell that is not the column's type — is in the returned
// policy.ErrorList, positioned in file; the report holds every row, with
// the cells that could not be read left zero.
func ReadCredentialReport(file string, src []byte) (*check.CredentialReport, error) {
	ln := newLines(src)
	rep := &check.CredentialReport{}
	csvText, at := src, -1 // at ≥ 0: every position is that offset (base64 content)
	if t := trimLeading(src); len(t) > 0 && t[0] == '{' {
		root, jerr := readJSON(src)
		if jerr != nil {
			return nil, fileError(file, ln, jerr.off, "json-syntax", "%s", jerr.msg)
		}
		content := root.get("Content")
		if content == nil || content.kind != stringNode {
			return nil, fileError(file, ln, root.off, "credential-report", "not a get-credential-report answer: no Content string")
		}
		if g := root.get("GeneratedTime").str(); g != "" {
			rep.Generated, _ = time.Parse(time.RFC3339, g)
		}
		dec, err := base64.StdEncoding.DecodeString(content.text)
		if err != nil {
			return nil, fileError(file, ln, content.off, "credential-report", "Content is not base64: %v", err)
		}
		csvText, at = dec, content.off
	}
	r := &credentialReader{file: file, ln: ln, at: at}
	cr := csv.NewReader(bytes.NewReader(csvText))
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = false
	header, err := cr.Read()
	if err != nil {
		return nil, r.csvError(err, cr)
	}
	cols := map[string]int{}
	for i, h := range header {
		if i == 0 {
			h = strings.TrimPrefix(h, "\ufeff") // a byte order mark, as spreadsheets save CSV
		}
		if _, dup := cols[h]; dup {
			r.errorf(r.pos(cr, i), "column %q appears twice", h)
		}
		cols[h] = i
	}
	for _, c := range credentialColumns {
		if _, ok := cols[c]; !ok {
			r.errorf(r.pos(cr, 0), "the header lacks column %q: not an IAM credential report", c)
		}
	}
	if len(r.errs) > 0 {
		return nil, r.errs
	}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			r.errs = append(r.errs, r.csvError(err, cr)...)
			break
		}
		if len(rec) == 1 && rec[0] == "" {
			continue
		}
		rep.Users = append(rep.Users, r.row(cr, cols, rec))
	}
	if len(r.errs) > 0 {
		r.errs.Sort()
		return rep, r.errs
	}
	return rep, nil
}

// credentialReader reads the rows of one credential report.
type credentialReader struct {
	file string
	ln   *lines
	at   int
	errs policy.ErrorList
}

// pos returns the position of field i of the record cr last read.
func (r *credentialReader) pos(cr *csv.Reader, i int) policy.Pos {
	if r.at >= 0 {
		return r.ln.pos(r.at)
	}
	line, col := cr.FieldPos(i)
	return r.lineCol(line, col)
}

// lineCol turns encoding/csv's 1-based line and byte column into a position.
func (r *credentialReader) lineCol(line, col int) policy.Pos {
	if line < 1 || line > len(r.ln.starts) {
		return r.ln.pos(len(r.ln.src))
	}
	return r.ln.pos(r.ln.starts[line-1] + col - 1)
}

func (r *credentialReader) errorf(pos policy.Pos, format string, args ...any) {
	r.errs = append(r.errs, &policy.Error{Filename: r.file, Pos: pos, Code: "credential-report", Msg: fmt.Sprintf(format, args...)})
}

// csvError turns an encoding/csv error into a positioned error list.
func (r *credentialReader) csvError(err error, cr *csv.Reader) policy.ErrorList {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		pos := r.lineCol(pe.Line, pe.Column)
		if r.at >= 0 {
			pos = r.ln.pos(r.at)
		}
		return policy.ErrorList{{Filename: r.file, Pos: pos, Code: "credential-report", Msg: pe.Err.Error()}}
	}
	return policy.ErrorList{{Filename: r.file, Pos: r.ln.pos(max(r.at, 0)), Code: "credential-report", Msg: "empty file: not an IAM credential report"}}
}

// row reads one record.
func (r *credentialReader) row(cr *csv.Reader, cols map[string]int, rec []string) check.CredentialUser {
	u := check.CredentialUser{Pos: r.pos(cr, 0), Cells: make(map[string]policy.Pos, len(credentialColumns))}
	if len(rec) < len(cols) {
		r.errorf(u.Pos, "the row has %d cells, the header %d", len(rec), len(cols))
	}
	cell := func(name string) (string, policy.Pos, bool) {
		i := cols[name]
		if i >= len(rec) {
			return "", u.Pos, false
		}
		p := r.pos(cr, i)
		u.Cells[name] = p
		return rec[i], p, true
	}
	text := func(name string) string { s, _, _ := cell(name); return s }
	boolean := func(name string, notSupported bool) bool {
		s, p, ok := cell(name)
		if !ok || notSupported && s == check.NotSupported {
			return false
		}
		b, err := strconv.ParseBool(s)
		if err != nil || (s != "true" && s != "false") {
			r.errorf(p, "%s: %q is neither true nor false", name, s)
		}
		return b
	}
	stamp := func(name string, allowed ...string) check.Timestamp {
		s, p, ok := cell(name)
		var t check.Timestamp
		if !ok {
			return t
		}
		if err := t.UnmarshalText([]byte(s)); err != nil {
			r.errorf(p, "%s: %v", name, err)
			return check.Timestamp{}
		}
		if !t.Known() && !contains(allowed, t.Missing) {
			r.errorf(p, "%s: %q does not occur in this column (want a time or %s)", name, s, strings.Join(allowed, ", "))
		}
		return t
	}
	u.User = text("user")
	u.ARN = text("arn")
	if !strings.HasPrefix(u.ARN, "arn:") {
		r.errorf(u.At("arn"), "arn: %q is not an ARN", u.ARN)
	}
	u.Created = stamp("user_creation_time", check.NotApplicable)
	u.PasswordEnabled = boolean("password_enabled", true)
	u.PasswordLastUsed = stamp("password_last_used", check.NotApplicable, check.NoInformation)
	u.PasswordLastChanged = stamp("password_last_changed", check.NotApplicable, check.NotSupported)
	u.PasswordNextRotation = stamp("password_next_rotation", check.NotApplicable, check.NotSupported)
	u.MFAActive = boolean("mfa_active", false)
	for i := range u.AccessKeys {
		k := &u.AccessKeys[i]
		k.Active = boolean(k.Column(i, "active"), false)
		k.LastRotated = stamp(k.Column(i, "last_rotated"), check.NotApplicable)
		k.LastUsed = stamp(k.Column(i, "last_used_date"), check.NotApplicable)
		k.LastUsedRegion = text(k.Column(i, "last_used_region"))
		k.LastUsedService = text(k.Column(i, "last_used_service"))
	}
	for i := range u.Certificates {
		c := &u.Certificates[i]
		c.Active = boolean(fmt.Sprintf("cert_%d_active", i+1), false)
		c.LastRotated = stamp(fmt.Sprintf("cert_%d_last_rotated", i+1), check.NotApplicable)
	}
	return u
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// passwordPolicyFields are the fields of GetAccountPasswordPolicy's
// PasswordPolicy, with whether each is a number (else a boolean).
var passwordPolicyFields = map[string]bool{
	"MinimumPasswordLength": true, "MaxPasswordAge": true, "PasswordReusePrevention": true,
	"RequireSymbols": false, "RequireNumbers": false, "RequireUppercaseCharacters": false, "RequireLowercaseCharacters": false,
	"AllowUsersToChangePassword": false, "ExpirePasswords": false, "HardExpiry": false,
}

// ReadPasswordPolicy reads what `aws iam get-account-password-policy`
// prints: {"PasswordPolicy": {...}} (or the inner object alone). The error
// the CLI prints for an account without a password policy — "An error
// occurred (NoSuchEntity) when calling the GetAccountPasswordPolicy
// operation: ..." — reads as a policy that does not exist. Problems are a
// policy.ErrorList positioned in file.
func ReadPasswordPolicy(file string, src []byte) (*check.PasswordPolicy, error) {
	ln := newLines(src)
	if bytes.Contains(src, []byte("(NoSuchEntity)")) && bytes.Contains(src, []byte("GetAccountPasswordPolicy")) {
		return &check.PasswordPolicy{Pos: ln.pos(len(src) - len(trimLeading(src)))}, nil
	}
	root, jerr := readJSON(src)
	if jerr != nil {
		return nil, fileError(file, ln, jerr.off, "json-syntax", "%s", jerr.msg)
	}
	obj := root
	if inner := root.get("PasswordPolicy"); inner != nil {
		obj = inner
	}
	if obj.kind != objectNode {
		return nil, fileError(file, ln, obj.off, "password-policy", "not a get-account-password-policy answer: want a PasswordPolicy object")
	}
	pp := &check.PasswordPolicy{Exists: true, Pos: ln.pos(obj.off), Fields: map[string]policy.Pos{}}
	var errs policy.ErrorList
	known := 0
	for i, k := range obj.keys {
		number, ok := passwordPolicyFields[k.text]
		if !ok {
			continue // a field added after this reader: nothing to judge
		}
		known++
		v := obj.elems[i]
		pp.Fields[k.text] = ln.pos(k.off)
		switch {
		case number && v.kind == numberNode:
			n, err := strconv.Atoi(v.text)
			if err != nil || n < 0 {
				errs = append(errs, &policy.Error{Filename: file, Pos: ln.pos(v.off), Code: "password-policy", Msg: fmt.Sprintf("%s: %s is not a whole number of at least 0", k.text, v.text)})
				continue
			}
			setPasswordNumber(pp, k.text, n)
		case !number && v.kind == boolNode:
			setPasswordBool(pp, k.text, v.text == "true")
		default:
			want := "true or false"
			if number {
				want = "a number"
			}
			errs = append(errs, &policy.Error{Filename: file, Pos: ln.pos(v.off), Code: "password-policy", Msg: fmt.Sprintf("%s: want %s", k.text, want)})
		}
	}
	if known == 0 {
		return nil, fileError(file, ln, obj.off, "password-policy", "not a get-account-password-policy answer: no password policy field")
	}
	if len(errs) > 0 {
		errs.Sort()
		return pp, errs
	}
	return pp, nil
}

func setPasswordNumber(pp *check.PasswordPolicy, field string, n int) {
	switch field {
	case "MinimumPasswordLength":
		pp.MinimumPasswordLength = n
	case "MaxPasswordAge":
		pp.MaxPasswordAge = n
	case "PasswordReusePrevention":
		pp.PasswordReusePrevention = n
	}
}

func setPasswordBool(pp *check.PasswordPolicy, field string, b bool) {
	switch field {
	case "RequireSymbols":
		pp.RequireSymbols = b
	case "RequireNumbers":
		pp.RequireNumbers = b
	case "RequireUppercaseCharacters":
		pp.RequireUppercaseCharacters = b
	case "RequireLowercaseCharacters":
		pp.RequireLowercaseCharacters = b
	case "AllowUsersToChangePassword":
		pp.AllowUsersToChangePassword = b
	case "ExpirePasswords":
		pp.ExpirePasswords = b
	case "HardExpiry":
		pp.HardExpiry = b
	}
}

// ReadAuthorization reads the principals of what `aws iam
// get-account-authorization-details` prints: users with their groups and
// policies, groups, and roles with their trust policy (an object or, as the
// API returns it, a URL-encoded string), creation date and last use. Bad
// dates and trust-policy problems are a policy.ErrorList positioned in
// file, returned with everything that could be read.
func ReadAuthorization(file string, src []byte) (*check.Authorization, error) {
	ln := newLines(src)
	root, jerr := readJSON(src)
	if jerr != nil {
		return nil, fileError(file, ln, jerr.off, "json-syntax", "%s", jerr.msg)
	}
	if root.get("UserDetailList") == nil && root.get("GroupDetailList") == nil && root.get("RoleDetailList") == nil {
		return nil, fileError(file, ln, root.off, "authorization-details", "not a get-account-authorization-details answer: no UserDetailList, GroupDetailList or RoleDetailList")
	}
	var errs policy.ErrorList
	date := func(n *node) time.Time {
		if n == nil {
			return time.Time{}
		}
		t, err := time.Parse(time.RFC3339, n.str())
		if err != nil {
			errs = append(errs, &policy.Error{Filename: file, Pos: ln.pos(n.off), Code: "authorization-details", Msg: fmt.Sprintf("%q is not an ISO 8601 time", n.str())})
		}
		return t
	}
	read := func(n *node, nameKey, policiesKey string) check.Principal {
		pr := check.Principal{Name: n.get(nameKey).str(), ARN: n.get("Arn").str(), Pos: ln.pos(n.off), Created: date(n.get("CreateDate"))}
		for _, a := range elems(n.get("AttachedManagedPolicies")) {
			pr.AttachedPolicies = append(pr.AttachedPolicies, a.get("PolicyArn").str())
		}
		for _, ip := range elems(n.get(policiesKey)) {
			pr.InlinePolicies = append(pr.InlinePolicies, ip.get("PolicyName").str())
			if doc := cleanDocument(file, pr.ARN+" inline:"+ip.get("PolicyName").str(), ln, ip.get("PolicyDocument")); doc != nil {
				pr.Inline = append(pr.Inline, doc)
			}
		}
		pr.Boundary = n.get("PermissionsBoundary").get("PermissionsBoundaryArn").str()
		for _, g := range elems(n.get("GroupList")) {
			pr.Groups = append(pr.Groups, g.str())
		}
		pr.LastUsed = date(n.get("RoleLastUsed").get("LastUsedDate"))
		if t := n.get("AssumeRolePolicyDocument"); t != nil {
			if t.kind == stringNode {
				t = urlDecoded(t)
			}
			var c collector
			p := document(file, pr.ARN+" trust", policy.KindTrust, ln, t, &c)
			e := p.finish()
			pr.Trust = e.Document
			errs = append(errs, e.Errors...)
		}
		return pr
	}
	auth := &check.Authorization{}
	for _, u := range elems(root.get("UserDetailList")) {
		auth.Users = append(auth.Users, read(u, "UserName", "UserPolicyList"))
	}
	for _, g := range elems(root.get("GroupDetailList")) {
		auth.Groups = append(auth.Groups, read(g, "GroupName", "GroupPolicyList"))
	}
	for _, r := range elems(root.get("RoleDetailList")) {
		auth.Roles = append(auth.Roles, read(r, "RoleName", "RolePolicyList"))
	}
	auth.Managed = map[string]*policy.Document{}
	for _, mp := range elems(root.get("Policies")) {
		for _, v := range elems(mp.get("PolicyVersionList")) {
			if d := v.get("IsDefaultVersion"); d == nil || d.kind != boolNode || d.text != "true" {
				continue
			}
			if doc := cleanDocument(file, mp.get("Arn").str(), ln, v.get("Document")); doc != nil {
				auth.Managed[mp.get("Arn").str()] = doc
			}
		}
	}
	if len(errs) > 0 {
		errs.Sort()
		return auth, errs
	}
	return auth, nil
}

// cleanDocument parses a policy document of an authorization-details
// answer (an object or a URL-encoded string) for evaluation: nil when
// there is none or it has problems, which validating the file itself
// reports (see extractGAAD).
func cleanDocument(file, name string, ln *lines, n *node) *policy.Document {
	if n == nil {
		return nil
	}
	if n.kind == stringNode {
		n = urlDecoded(n)
	}
	var c collector
	p := document(file, name, policy.KindIdentity, ln, n, &c)
	e := p.finish()
	if len(e.Errors) > 0 {
		return nil
	}
	return e.Document
}

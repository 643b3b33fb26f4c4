package importer

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/aegis-iam/aegis/backend/audit"
	"github.com/aegis-iam/aegis/backend/audit/internal/jsonpos"
	"github.com/aegis-iam/aegis/backend/policy"
	"github.com/aegis-iam/aegis/backend/source"
)

// The shapes of `aws iam get-account-authorization-details` output
// (https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetAccountAuthorizationDetails.html).
// Policy documents are not decoded here: backend/source extracts them,
// URL-encoded or not, with positions in the file.
type gaadFile struct {
	Users       []gaadUser   `json:"UserDetailList"`
	Groups      []gaadGroup  `json:"GroupDetailList"`
	Roles       []gaadRole   `json:"RoleDetailList"`
	Policies    []gaadPolicy `json:"Policies"`
	IsTruncated bool         `json:"IsTruncated"`
}

type gaadEntity struct {
	Path     string         `json:"Path"`
	ID       string         `json:"-"`
	ARN      string         `json:"Arn"`
	Created  time.Time      `json:"CreateDate"`
	Tags     []gaadTag      `json:"Tags"`
	Attached []gaadAttached `json:"AttachedManagedPolicies"`
}

type gaadTag struct{ Key, Value string }

type gaadAttached struct {
	PolicyArn string `json:"PolicyArn"`
}

type gaadInline struct {
	PolicyName string `json:"PolicyName"`
}

type gaadBoundary struct {
	PermissionsBoundaryArn string `json:"PermissionsBoundaryArn"`
}

type gaadUser struct {
	gaadEntity
	UserName string        `json:"UserName"`
	UserID   string        `json:"UserId"`
	Inline   []gaadInline  `json:"UserPolicyList"`
	Groups   []string      `json:"GroupList"`
	Boundary *gaadBoundary `json:"PermissionsBoundary"`
}

type gaadGroup struct {
	gaadEntity
	GroupName string       `json:"GroupName"`
	GroupID   string       `json:"GroupId"`
	Inline    []gaadInline `json:"GroupPolicyList"`
}

type gaadRole struct {
	gaadEntity
	RoleName         string        `json:"RoleName"`
	RoleID           string        `json:"RoleId"`
	Inline           []gaadInline  `json:"RolePolicyList"`
	Boundary         *gaadBoundary `json:"PermissionsBoundary"`
	InstanceProfiles []struct {
		InstanceProfileName string `json:"InstanceProfileName"`
		InstanceProfileID   string `json:"InstanceProfileId"`
		ARN                 string `json:"Arn"`
		Path                string `json:"Path"`
	} `json:"InstanceProfileList"`
	LastUsed struct {
		LastUsedDate *time.Time `json:"LastUsedDate"`
		Region       string     `json:"Region"`
	} `json:"RoleLastUsed"`
}

type gaadPolicy struct {
	PolicyName                    string    `json:"PolicyName"`
	PolicyID                      string    `json:"PolicyId"`
	ARN                           string    `json:"Arn"`
	Path                          string    `json:"Path"`
	DefaultVersionID              string    `json:"DefaultVersionId"`
	AttachmentCount               int       `json:"AttachmentCount"`
	PermissionsBoundaryUsageCount int       `json:"PermissionsBoundaryUsageCount"`
	IsAttachable                  bool      `json:"IsAttachable"`
	CreateDate                    time.Time `json:"CreateDate"`
	UpdateDate                    time.Time `json:"UpdateDate"`
	Versions                      []struct {
		VersionID        string    `json:"VersionId"`
		IsDefaultVersion bool      `json:"IsDefaultVersion"`
		CreateDate       time.Time `json:"CreateDate"`
	} `json:"PolicyVersionList"`
}

// GAAD reads `aws iam get-account-authorization-details` output (every page
// merged, as the CLI prints it; documents URL-encoded or decoded) into s:
// users, groups, roles and managed policies with every version, and the
// account ID from the principals' ARNs. A truncated export (IsTruncated)
// is an error: it is missing principals. Problems in policy documents are
// a policy.ErrorList positioned in the file; the documents that could be
// read are kept.
func GAAD(name string, src []byte, s *audit.Snapshot) error {
	docs, err := source.Extract(name, src, source.Options{Format: source.FormatGAAD, AllVersions: true})
	if err != nil {
		return err
	}
	var f gaadFile
	if err := json.Unmarshal(src, &f); err != nil {
		return jsonpos.Error(name, src, err)
	}
	if f.IsTruncated {
		return fmt.Errorf("%s: the export is truncated (IsTruncated is true): read every page (the AWS CLI does unless --max-items is given)", name)
	}
	byName := make(map[string]*source.Extracted, len(docs))
	var errs policy.ErrorList
	for i := range docs {
		d := &docs[i]
		key := d.Name
		if strings.HasPrefix(key, "policy/") {
			key = d.Owner + " " + key[strings.LastIndexByte(key, ' ')+1:]
		}
		byName[key] = d
		errs = append(errs, d.Errors...)
	}
	doc := func(key string) json.RawMessage {
		d := byName[key]
		if d == nil || d.Document == nil {
			return nil
		}
		return compact(d.Source)
	}
	inline := func(owner string, list []gaadInline) []audit.InlinePolicy {
		var out []audit.InlinePolicy
		for _, p := range list {
			out = append(out, audit.InlinePolicy{Name: p.PolicyName, Document: doc(owner + " inline:" + p.PolicyName)})
		}
		return out
	}
	entity := func(e *gaadEntity, name, id, prefix string, list []gaadInline) audit.Entity {
		out := audit.Entity{Name: name, ID: id, ARN: e.ARN, Path: e.Path, Created: e.Created, Inline: inline(prefix+name, list)}
		for _, t := range e.Tags {
			out.Tags = append(out.Tags, audit.Tag{Key: t.Key, Value: t.Value})
		}
		for _, a := range e.Attached {
			out.Attached = append(out.Attached, a.PolicyArn)
		}
		return out
	}
	for i := range f.Users {
		u := &f.Users[i]
		au := audit.User{Entity: entity(&u.gaadEntity, u.UserName, u.UserID, "user/", u.Inline), Groups: u.Groups}
		if u.Boundary != nil {
			au.Boundary = u.Boundary.PermissionsBoundaryArn
		}
		s.Users = append(s.Users, au)
	}
	for i := range f.Groups {
		g := &f.Groups[i]
		s.Groups = append(s.Groups, audit.Group{Entity: entity(&g.gaadEntity, g.GroupName, g.GroupID, "group/", g.Inline)})
	}
	for i := range f.Roles {
		r := &f.Roles[i]
		ar := audit.Role{Entity: entity(&r.gaadEntity, r.RoleName, r.RoleID, "role/", r.Inline), Trust: doc("role/" + r.RoleName + " trust")}
		if r.Boundary != nil {
			ar.Boundary = r.Boundary.PermissionsBoundaryArn
		}
		if r.LastUsed.LastUsedDate != nil {
			ar.LastUsed = &audit.LastUsed{Date: *r.LastUsed.LastUsedDate, Region: r.LastUsed.Region}
		}
		for _, ip := range r.InstanceProfiles {
			ar.InstanceProfiles = append(ar.InstanceProfiles, audit.InstanceProfile{Name: ip.InstanceProfileName, ID: ip.InstanceProfileID, ARN: ip.ARN, Path: ip.Path})
		}
		s.Roles = append(s.Roles, ar)
	}
	for _, p := range f.Policies {
		mp := audit.ManagedPolicy{
			Name: p.PolicyName, ID: p.PolicyID, ARN: p.ARN, Path: p.Path, DefaultVersion: p.DefaultVersionID,
			AttachmentCount: p.AttachmentCount, BoundaryUsageCount: p.PermissionsBoundaryUsageCount,
			Attachable: p.IsAttachable, Created: p.CreateDate, Updated: p.UpdateDate,
		}
		for _, v := range p.Versions {
			mp.Versions = append(mp.Versions, audit.PolicyVersion{ID: v.VersionID, Default: v.IsDefaultVersion, Created: v.CreateDate, Document: doc(p.ARN + " " + v.VersionID)})
		}
		s.Policies = append(s.Policies, mp)
	}
	if s.Account == "" {
		s.Account = accountOf(s)
	}
	if len(errs) > 0 {
		errs.Sort()
		return errs
	}
	return nil
}

// accountOf returns the account of the first principal or customer
// managed policy ARN.
func accountOf(s *audit.Snapshot) string {
	arns := s.PrincipalARNs()
	for _, p := range s.Policies {
		arns = append(arns, p.ARN)
	}
	for _, arn := range arns {
		if a, err := policy.ParseARN(arn); err == nil && a.Account != "aws" && a.Account != "" {
			return a.Account
		}
	}
	return ""
}

// compact returns a document's JSON without insignificant space; text that
// is not JSON is returned as it is (the bundle check rejects it).
func compact(src []byte) json.RawMessage {
	var buf bytes.Buffer
	if err := json.Compact(&buf, src); err != nil {
		return json.RawMessage(src)
	}
	return buf.Bytes()
}

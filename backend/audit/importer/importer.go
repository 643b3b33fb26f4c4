// Package importer builds an audit snapshot (audit.Snapshot) from the files
// the AWS CLI exports: get-account-authorization-details, the credential
// report, get-account-password-policy, an Organizations export,
// resource-based policies, Access Advisor answers and trail event
// selectors. The accepted shapes are documented in docs/bundle.md
// ("Importing AWS exports"). Every error names the file, and the line and
// column where the file says where.
package importer

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/aegis-iam/aegis/backend/audit"
	"github.com/aegis-iam/aegis/backend/audit/internal/jsonpos"
	"github.com/aegis-iam/aegis/backend/source"
)

// File is one exported file: its name (for messages) and content.
type File struct {
	Name string
	Data []byte
}

// Files are the exports of one account. Authz is required; the others
// are optional (a zero File is "not given").
type Files struct {
	Authz            File // get-account-authorization-details
	CredentialReport File // the CSV, or get-credential-report's JSON
	PasswordPolicy   File // get-account-password-policy
	Organization     File // see docs/bundle.md
	ResourcePolicies File // see docs/bundle.md
	AccessAdvisor    File // see docs/bundle.md
	EventSelectors   File // get-event-selectors, one answer or a list
}

// Import reads every given file into one snapshot collected at
// collectedAt. It reads them all and returns every file's problems joined;
// the snapshot then holds what could be read.
func Import(f Files, collectedAt time.Time) (*audit.Snapshot, error) {
	s := &audit.Snapshot{CollectedAt: collectedAt.UTC()}
	if f.Authz.Name == "" {
		return nil, errors.New("the authorization details export (get-account-authorization-details) is required")
	}
	errs := []error{GAAD(f.Authz.Name, f.Authz.Data, s)}
	for _, r := range []struct {
		f    File
		read func(string, []byte, *audit.Snapshot) error
	}{
		{f.CredentialReport, CredentialReport},
		{f.PasswordPolicy, PasswordPolicy},
		{f.Organization, Organization},
		{f.ResourcePolicies, ResourcePolicies},
		{f.AccessAdvisor, AccessAdvisor},
		{f.EventSelectors, EventSelectors},
	} {
		if r.f.Name != "" {
			errs = append(errs, r.read(r.f.Name, r.f.Data, s))
		}
	}
	return s, errors.Join(errs...)
}

// CredentialReport reads the IAM credential report (with backend/source's
// reader) into s.
func CredentialReport(name string, src []byte, s *audit.Snapshot) error {
	rep, err := source.ReadCredentialReport(name, src)
	if rep != nil {
		s.CredentialReport = rep
	}
	return err
}

// PasswordPolicy reads get-account-password-policy output (or its
// NoSuchEntity error) into s.
func PasswordPolicy(name string, src []byte, s *audit.Snapshot) error {
	pp, err := source.ReadPasswordPolicy(name, src)
	if pp != nil {
		s.PasswordPolicy = pp
	}
	return err
}

// decode unmarshals src into v, positioning errors in the file.
func decode(name string, src []byte, v any) error {
	if len(bytes.TrimSpace(src)) == 0 {
		return fmt.Errorf("%s: empty file", name)
	}
	if err := json.Unmarshal(src, v); err != nil {
		return jsonpos.Error(name, src, err)
	}
	return nil
}

// policyText turns a policy as AWS CLI answers carry it — a JSON object, a
// string of JSON (get-bucket-policy, describe-policy's Content), or a
// URL-encoded string (the IAM API) — into the document's JSON. what names
// the value in messages.
func policyText(name, what string, raw json.RawMessage) (json.RawMessage, error) {
	t := bytes.TrimSpace(raw)
	if len(t) > 0 && t[0] == '"' {
		var s string
		if err := json.Unmarshal(t, &s); err != nil {
			return nil, fmt.Errorf("%s: %s: %w", name, what, err)
		}
		if strings.HasPrefix(s, "%7B") || strings.HasPrefix(s, "%7b") {
			dec, err := url.QueryUnescape(s)
			if err != nil {
				return nil, fmt.Errorf("%s: %s: not URL-encoded JSON: %w", name, what, err)
			}
			s = dec
		}
		t = []byte(s)
	}
	if len(t) == 0 || t[0] != '{' || !json.Valid(t) {
		return nil, fmt.Errorf("%s: %s: not a policy document (want a JSON object or a string holding one)", name, what)
	}
	return compact(t), nil
}

// Organizations' answers (aws organizations describe-organization,
// list-policies-for-target, describe-policy).
type orgFile struct {
	Organization *struct {
		ID              string `json:"Id"`
		MasterAccountID string `json:"MasterAccountId"`
	} `json:"Organization"`
	Path []struct {
		ID       string          `json:"Id"`
		Name     string          `json:"Name"`
		Policies []policySummary `json:"Policies"`
	} `json:"Path"`
	Policies []struct {
		Policy struct {
			Summary policySummary   `json:"PolicySummary"`
			Content json.RawMessage `json:"Content"`
		} `json:"Policy"`
	} `json:"Policies"`
}

type policySummary struct {
	ID         string `json:"Id"`
	ARN        string `json:"Arn"`
	Name       string `json:"Name"`
	Type       string `json:"Type"`
	AwsManaged bool   `json:"AwsManaged"`
}

// Organization reads an Organizations export into s: describe-organization's
// Organization, the Path from the root to the account (each node's Id, Name
// and list-policies-for-target's Policies for both policy types), and the
// describe-policy answer of every policy named on the path.
func Organization(name string, src []byte, s *audit.Snapshot) error {
	var f orgFile
	if err := decode(name, src, &f); err != nil {
		return err
	}
	if f.Organization == nil || f.Organization.ID == "" {
		return fmt.Errorf("%s: no Organization (describe-organization's answer) with an Id", name)
	}
	if len(f.Path) == 0 {
		return fmt.Errorf("%s: no Path from the root to the account", name)
	}
	o := &audit.Organization{ID: f.Organization.ID, ManagementAccount: f.Organization.MasterAccountID}
	var errs []error
	for i, p := range f.Policies {
		sum := p.Policy.Summary
		doc, err := policyText(name, fmt.Sprintf("Policies[%d].Policy.Content", i), p.Policy.Content)
		if err != nil {
			errs = append(errs, err)
		}
		o.Policies = append(o.Policies, audit.OrgPolicy{ID: sum.ID, ARN: sum.ARN, Name: sum.Name, Type: sum.Type, AWSManaged: sum.AwsManaged, Document: doc})
	}
	for i, n := range f.Path {
		node := audit.OrgNode{ID: n.ID, Name: n.Name, Type: nodeType(n.ID), Policies: []string{}}
		if node.Type == "" {
			errs = append(errs, fmt.Errorf("%s: Path[%d].Id: %q is neither a root (r-…), an OU (ou-…) nor an account ID", name, i, n.ID))
		}
		for _, p := range n.Policies {
			node.Policies = append(node.Policies, p.ID)
		}
		o.Path = append(o.Path, node)
	}
	if last := o.Path[len(o.Path)-1]; last.Type == audit.NodeAccount {
		if s.Account != "" && last.ID != s.Account {
			errs = append(errs, fmt.Errorf("%s: the path ends at account %s, not at the audited account %s", name, last.ID, s.Account))
		}
	}
	s.Organization = o
	return errors.Join(errs...)
}

// nodeType tells a root, an OU and an account apart by their ID's form.
func nodeType(id string) string {
	switch {
	case strings.HasPrefix(id, "r-"):
		return audit.NodeRoot
	case strings.HasPrefix(id, "ou-"):
		return audit.NodeOU
	case len(id) == 12 && strings.Trim(id, "0123456789") == "":
		return audit.NodeAccount
	}
	return ""
}

// ResourcePolicies reads a list of resource-based policies into s:
// [{"Arn": ARN, "Policy": POLICY}], POLICY as the service's CLI answer
// carries it (a JSON string for get-bucket-policy, get-key-policy,
// get-queue-attributes' Attributes.Policy, get-topic-attributes,
// get-resource-policy, lambda get-policy, ecr get-repository-policy's
// policyText; or the document itself).
func ResourcePolicies(name string, src []byte, s *audit.Snapshot) error {
	var list []struct {
		ARN    string          `json:"Arn"`
		Policy json.RawMessage `json:"Policy"`
	}
	if err := decode(name, src, &list); err != nil {
		return err
	}
	var errs []error
	for i, r := range list {
		if r.ARN == "" {
			errs = append(errs, fmt.Errorf("%s: [%d].Arn: missing", name, i))
			continue
		}
		doc, err := policyText(name, fmt.Sprintf("[%d].Policy", i), r.Policy)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		s.ResourcePolicies = append(s.ResourcePolicies, audit.ResourcePolicy{ARN: r.ARN, Document: doc})
	}
	return errors.Join(errs...)
}

// lastAccessedAnswer is `aws iam get-service-last-accessed-details` output.
type lastAccessedAnswer struct {
	JobStatus         string     `json:"JobStatus"`
	JobCompletionDate *time.Time `json:"JobCompletionDate"`
	IsTruncated       bool       `json:"IsTruncated"`
	Services          []struct {
		ServiceName             string     `json:"ServiceName"`
		ServiceNamespace        string     `json:"ServiceNamespace"`
		LastAuthenticated       *time.Time `json:"LastAuthenticated"`
		LastAuthenticatedEntity string     `json:"LastAuthenticatedEntity"`
		LastAuthenticatedRegion string     `json:"LastAuthenticatedRegion"`
		Tracked                 []struct {
			ActionName         string     `json:"ActionName"`
			LastAccessedEntity string     `json:"LastAccessedEntity"`
			LastAccessedTime   *time.Time `json:"LastAccessedTime"`
			LastAccessedRegion string     `json:"LastAccessedRegion"`
		} `json:"TrackedActionsLastAccessed"`
	} `json:"ServicesLastAccessed"`
}

// AccessAdvisor reads Access Advisor answers into s: a JSON object mapping
// each user, group, role or policy ARN to its
// get-service-last-accessed-details output (every page merged). A job that
// did not complete, or a truncated answer, is an error: its entity's data
// would read as "never accessed".
func AccessAdvisor(name string, src []byte, s *audit.Snapshot) error {
	var m map[string]lastAccessedAnswer
	if err := decode(name, src, &m); err != nil {
		return err
	}
	arns := make([]string, 0, len(m))
	for arn := range m {
		arns = append(arns, arn)
	}
	sort.Strings(arns)
	var errs []error
	for _, arn := range arns {
		a := m[arn]
		switch {
		case a.JobStatus != "COMPLETED":
			errs = append(errs, fmt.Errorf("%s: %s: JobStatus %q: only a COMPLETED job's answer says what was not accessed", name, arn, a.JobStatus))
			continue
		case a.IsTruncated:
			errs = append(errs, fmt.Errorf("%s: %s: the answer is truncated (IsTruncated): merge every page", name, arn))
			continue
		}
		la := audit.LastAccessed{ARN: arn, Services: []audit.ServiceAccessed{}}
		if a.JobCompletionDate != nil {
			la.Completed = *a.JobCompletionDate
		}
		for _, sv := range a.Services {
			out := audit.ServiceAccessed{Namespace: sv.ServiceNamespace, Name: sv.ServiceName, Entity: sv.LastAuthenticatedEntity, Region: sv.LastAuthenticatedRegion}
			if sv.LastAuthenticated != nil {
				out.LastAuthenticated = *sv.LastAuthenticated
			}
			for _, t := range sv.Tracked {
				aa := audit.ActionAccessed{Action: t.ActionName, Entity: t.LastAccessedEntity, Region: t.LastAccessedRegion}
				if t.LastAccessedTime != nil {
					aa.Last = *t.LastAccessedTime
				}
				out.Tracked = append(out.Tracked, aa)
			}
			la.Services = append(la.Services, out)
		}
		s.LastAccessed = append(s.LastAccessed, la)
	}
	return errors.Join(errs...)
}

// eventSelectorsAnswer is `aws cloudtrail get-event-selectors` output.
type eventSelectorsAnswer struct {
	TrailARN       string `json:"TrailARN"`
	EventSelectors []struct {
		ReadWriteType                 string   `json:"ReadWriteType"`
		IncludeManagementEvents       bool     `json:"IncludeManagementEvents"`
		ExcludeManagementEventSources []string `json:"ExcludeManagementEventSources"`
		DataResources                 []struct {
			Type   string   `json:"Type"`
			Values []string `json:"Values"`
		} `json:"DataResources"`
	} `json:"EventSelectors"`
	AdvancedEventSelectors []struct {
		Name           string `json:"Name"`
		FieldSelectors []struct {
			Field         string   `json:"Field"`
			Equals        []string `json:"Equals"`
			StartsWith    []string `json:"StartsWith"`
			EndsWith      []string `json:"EndsWith"`
			NotEquals     []string `json:"NotEquals"`
			NotStartsWith []string `json:"NotStartsWith"`
			NotEndsWith   []string `json:"NotEndsWith"`
		} `json:"FieldSelectors"`
	} `json:"AdvancedEventSelectors"`
}

// EventSelectors reads get-event-selectors output — one trail's answer, or
// a JSON list of them — into s.
func EventSelectors(name string, src []byte, s *audit.Snapshot) error {
	var list []eventSelectorsAnswer
	if t := bytes.TrimSpace(src); len(t) > 0 && t[0] == '{' {
		list = make([]eventSelectorsAnswer, 1)
		if err := decode(name, src, &list[0]); err != nil {
			return err
		}
	} else if err := decode(name, src, &list); err != nil {
		return err
	}
	var errs []error
	for i, a := range list {
		if a.TrailARN == "" {
			errs = append(errs, fmt.Errorf("%s: answer %d has no TrailARN: not get-event-selectors output", name, i))
			continue
		}
		t := audit.Trail{ARN: a.TrailARN}
		for _, es := range a.EventSelectors {
			out := audit.EventSelector{ReadWriteType: es.ReadWriteType, IncludeManagementEvents: es.IncludeManagementEvents, ExcludeManagementEventSources: es.ExcludeManagementEventSources}
			for _, d := range es.DataResources {
				out.DataResources = append(out.DataResources, audit.DataResource{Type: d.Type, Values: d.Values})
			}
			t.EventSelectors = append(t.EventSelectors, out)
		}
		for _, as := range a.AdvancedEventSelectors {
			out := audit.AdvancedEventSelector{Name: as.Name}
			for _, f := range as.FieldSelectors {
				out.FieldSelectors = append(out.FieldSelectors, audit.FieldSelector(f))
			}
			t.AdvancedEventSelectors = append(t.AdvancedEventSelectors, out)
		}
		s.Trails = append(s.Trails, t)
	}
	return errors.Join(errs...)
}

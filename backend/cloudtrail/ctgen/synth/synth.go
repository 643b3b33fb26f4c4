// Package synth generates a synthetic AWS account from a hand-written
// ground truth: the account's IAM exports as the AWS CLI writes them
// (get-account-authorization-details, the credential report,
// get-event-selectors, the Organizations export of docs/bundle.md) and its
// CloudTrail log tree (written with ctgen). The truth also states what an
// audit of the account must find, so a test can run the real audit over
// the files and compare. It lives under backend/cloudtrail because it
// writes logs with ctgen, which backend/audit may not import.
package synth

import (
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/aegis-iam/aegis/backend/audit"
	"github.com/aegis-iam/aegis/backend/audit/rightsize"
	"github.com/aegis-iam/aegis/backend/cloudtrail/ctgen"
)

// Truth is a synthetic account and what its audit must find.
type Truth struct {
	Seed    uint64
	Account string
	Region  string
	// End is the end of the audit window (UTC midnight); the window is
	// the Days days before it.
	End  time.Time
	Days int
	// Org is the organization's ID; SCP is a policy the account's node
	// attaches next to FullAWSAccess.
	Org, SCP string
	// Missing are window days (0 = the first) without log files.
	Missing    []int
	Managed    []Managed
	Principals []Principal
	// Paths are the escalation paths the audit must find.
	Paths []Path
}

// Managed is a managed policy, customer or AWS managed.
type Managed struct {
	Name, Path string
	AWS        bool
	// Created is when the default version (v1) was written.
	Created  time.Time
	Document string
}

// ARN returns the policy's ARN in account.
func (m Managed) ARN(account string) string {
	owner := account
	if m.AWS {
		owner = "aws"
	}
	return "arn:aws:iam::" + owner + ":policy" + m.Path + m.Name
}

// Inline is an inline policy.
type Inline struct{ Name, Document string }

// Call is Count identical CloudTrail management events of a principal (the
// trail logs no data events, so the truth has none).
type Call struct {
	Source, Name string // eventSource, eventName
	Error        string // errorCode; empty for a success
	Count        int
}

// Principal is a user or role, the calls it made, and its expected audit.
type Principal struct {
	User          bool
	Name, Path    string
	Created       time.Time
	Trust         string   // roles: the trust policy
	Inline        []Inline // inline policies
	Attached      []string // managed policy names
	Boundary      string   // permissions boundary policy name
	AccessKeyUsed time.Time
	Calls         []Call

	// Expected. Activity is whether the principal was used at all.
	Activity                           audit.UsageState
	Used, Unused, TooNew, Dead, Denied []string
	// Unknown maps each unknown permission to its reasons, sorted.
	Unknown map[string][]audit.UnknownReason
	// GapUnknown are the permissions a missing day of logs turns from
	// unused to unknown (log-gap) when the account is generated with one.
	GapUnknown     []string
	Recommendation rightsize.Kind
	// Detach are the managed policies (names) the recommendation detaches;
	// AddressTo is who applies it when not the principal's own account
	// (an Identity Center permission set).
	Detach    []string
	AddressTo string
	// Admin: the principal can grant itself anything.
	Admin bool
}

// ARN returns the principal's ARN in account.
func (p *Principal) ARN(account string) string {
	kind := "role"
	if p.User {
		kind = "user"
	}
	return "arn:aws:iam::" + account + ":" + kind + or(p.Path, "/") + p.Name
}

// Path is an expected escalation path: its ends and each hop's Via.
type Path struct {
	From, To string // principal names
	Via      []string
}

// Files are the paths Write wrote.
type Files struct {
	Authz, CredentialReport, EventSelectors, Organization, Logs string
}

// Start returns the window's first day.
func (t *Truth) Start() time.Time { return t.End.AddDate(0, 0, -t.Days) }

// Write writes the account's exports and log tree under dir.
func Write(dir string, t *Truth) (Files, error) {
	f := Files{
		Authz: filepath.Join(dir, "gaad.json"), CredentialReport: filepath.Join(dir, "credential-report.csv"),
		EventSelectors: filepath.Join(dir, "event-selectors.json"), Organization: filepath.Join(dir, "org.json"),
		Logs: filepath.Join(dir, "logs"),
	}
	for _, w := range []struct {
		path string
		data func(*Truth) ([]byte, error)
	}{{f.Authz, gaad}, {f.CredentialReport, credentialReport}, {f.EventSelectors, eventSelectors}, {f.Organization, organization}} {
		data, err := w.data(t)
		if err != nil {
			return f, err
		}
		if err := os.WriteFile(w.path, data, 0o644); err != nil {
			return f, err
		}
	}
	_, err := ctgen.Write(f.Logs, t.spec())
	return f, err
}

// spec is the log tree: every principal's calls spread over the window.
func (t *Truth) spec() ctgen.Spec {
	// An organization trail with the account's own trail delivering the
	// same events again, two files a day, digest and Insight folders: what
	// a reader must cope with, none of which changes the truth.
	s := ctgen.Spec{Seed: t.Seed, Start: t.Start(), Days: t.Days, Org: t.Org, AccountTrail: []string{t.Account}, FilesPerDay: 2, Sidecars: true}
	for _, d := range t.Missing {
		s.Missing = append(s.Missing, ctgen.Missing{Account: t.Account, Region: t.Region, Day: d})
	}
	for i := range t.Principals {
		p := &t.Principals[i]
		id := ctgen.Identity{Type: "AssumedRole", ARN: p.ARN(t.Account)}
		if p.User {
			id.Type = "IAMUser"
		}
		// A principal created in the window calls from the day after its
		// creation on, on the days with logs.
		var days []int
		if first := int(p.Created.Sub(t.Start()).Hours() / 24); first > 0 {
			for d := first + 1; d < t.Days; d++ {
				if !slices.Contains(t.Missing, d) {
					days = append(days, d)
				}
			}
		}
		for _, c := range p.Calls {
			s.Calls = append(s.Calls, ctgen.Call{Account: t.Account, Region: t.Region, Identity: id,
				Source: c.Source, Name: c.Name, ErrorCode: c.Error, Count: c.Count, Days: days})
		}
	}
	return s
}

// managed returns the managed policy named name.
func (t *Truth) managed(name string) (*Managed, error) {
	for i := range t.Managed {
		if t.Managed[i].Name == name {
			return &t.Managed[i], nil
		}
	}
	return nil, fmt.Errorf("synth: no managed policy %q", name)
}

// gaad renders get-account-authorization-details' output: trust policies
// URL-encoded as IAM returns them, policy documents as objects.
func gaad(t *Truth) ([]byte, error) {
	type obj = map[string]any
	users, roles, policies := []obj{}, []obj{}, []obj{}
	counts := map[string][2]int{} // attachments, boundary uses
	for i := range t.Principals {
		p := &t.Principals[i]
		var inline, attached []obj
		for _, in := range p.Inline {
			inline = append(inline, obj{"PolicyName": in.Name, "PolicyDocument": json.RawMessage(in.Document)})
		}
		for _, name := range p.Attached {
			m, err := t.managed(name)
			if err != nil {
				return nil, err
			}
			c := counts[name]
			c[0]++
			counts[name] = c
			attached = append(attached, obj{"PolicyName": name, "PolicyArn": m.ARN(t.Account)})
		}
		e := obj{"Path": or(p.Path, "/"), "Arn": p.ARN(t.Account), "CreateDate": p.Created, "AttachedManagedPolicies": attached, "Tags": []obj{}}
		if p.Boundary != "" {
			m, err := t.managed(p.Boundary)
			if err != nil {
				return nil, err
			}
			c := counts[p.Boundary]
			c[1]++
			counts[p.Boundary] = c
			e["PermissionsBoundary"] = obj{"PermissionsBoundaryType": "Policy", "PermissionsBoundaryArn": m.ARN(t.Account)}
		}
		id := fmt.Sprintf("SYNTH%011d", i) // unique IDs: a prefix and 16 characters
		if p.User {
			e["UserName"], e["UserId"], e["UserPolicyList"], e["GroupList"] = p.Name, "AIDA"+id, inline, []string{}
			users = append(users, e)
			continue
		}
		e["RoleName"], e["RoleId"], e["RolePolicyList"], e["InstanceProfileList"] = p.Name, "AROA"+id, inline, []obj{}
		e["AssumeRolePolicyDocument"] = url.QueryEscape(p.Trust)
		e["RoleLastUsed"] = obj{}
		roles = append(roles, e)
	}
	for i := range t.Managed {
		m := &t.Managed[i]
		c := counts[m.Name]
		policies = append(policies, obj{
			"PolicyName": m.Name, "PolicyId": fmt.Sprintf("ANPASYNTH%011d", i), "Arn": m.ARN(t.Account), "Path": m.Path,
			"DefaultVersionId": "v1", "AttachmentCount": c[0], "PermissionsBoundaryUsageCount": c[1], "IsAttachable": true,
			"CreateDate": m.Created, "UpdateDate": m.Created,
			"PolicyVersionList": []obj{{"Document": json.RawMessage(m.Document), "VersionId": "v1", "IsDefaultVersion": true, "CreateDate": m.Created}},
		})
	}
	return json.MarshalIndent(obj{"UserDetailList": users, "GroupDetailList": []obj{}, "RoleDetailList": roles, "Policies": policies, "IsTruncated": false}, "", "  ")
}

// credentialReport renders the IAM credential report (CSV): the root user
// and every user, with its access key's last use.
func credentialReport(t *Truth) ([]byte, error) {
	var b strings.Builder
	b.WriteString("user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active," +
		"access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service," +
		"access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service," +
		"cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated\n")
	ts := func(x time.Time) string { return x.UTC().Format("2006-01-02T15:04:05+00:00") }
	fmt.Fprintf(&b, "<root_account>,arn:aws:iam::%s:root,%s,not_supported,N/A,not_supported,not_supported,true,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A\n",
		t.Account, ts(time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)))
	for i := range t.Principals {
		p := &t.Principals[i]
		if !p.User {
			continue
		}
		used := "N/A,N/A,N/A"
		if !p.AccessKeyUsed.IsZero() {
			used = ts(p.AccessKeyUsed) + "," + t.Region + ",ec2"
		}
		fmt.Fprintf(&b, "%s,%s,%s,false,N/A,N/A,N/A,false,true,%s,%s,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A\n",
			p.Name, p.ARN(t.Account), ts(p.Created), ts(p.Created), used)
	}
	return []byte(b.String()), nil
}

// eventSelectors renders get-event-selectors for the account's one trail:
// every management event, no data events.
func eventSelectors(t *Truth) ([]byte, error) {
	return json.MarshalIndent([]map[string]any{{
		"TrailARN": "arn:aws:cloudtrail:" + t.Region + ":" + t.Account + ":trail/management",
		"EventSelectors": []map[string]any{{"ReadWriteType": "All", "IncludeManagementEvents": true,
			"DataResources": []any{}, "ExcludeManagementEventSources": []string{}}},
	}}, "", "  ")
}

// organization renders the Organizations export (docs/bundle.md): root →
// account, FullAWSAccess at both, the truth's SCP at the account.
func organization(t *Truth) ([]byte, error) {
	const mgmt = "999988887777"
	type obj = map[string]any
	summary := func(id, name string, awsManaged bool) obj {
		return obj{"Id": id, "Arn": "arn:aws:organizations::" + mgmt + ":policy/" + t.Org + "/service_control_policy/" + id,
			"Name": name, "Description": "", "Type": audit.SCP, "AwsManaged": awsManaged}
	}
	full, scp := summary("p-FullAWSAccess", "FullAWSAccess", true), summary("p-synthscp1", "synthetic-guardrail", false)
	return json.MarshalIndent(obj{
		"Organization": obj{"Id": t.Org, "MasterAccountId": mgmt, "FeatureSet": "ALL"},
		"Path": []obj{
			{"Id": "r-sy01", "Name": "Root", "Policies": []obj{full}},
			{"Id": t.Account, "Name": "synthetic", "Policies": []obj{full, scp}},
		},
		"Policies": []obj{
			{"Policy": obj{"PolicySummary": full, "Content": `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`}},
			{"Policy": obj{"PolicySummary": scp, "Content": t.SCP}},
		},
	}, "", "  ")
}

func or(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

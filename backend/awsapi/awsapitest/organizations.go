package awsapitest

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"testing"

	"github.com/aegis-iam/aegis/backend/audit"
)

// Organizations is a local AWS Organizations endpoint speaking awsJson1_1
// (SigV4-signed POSTs, X-Amz-Target) for the read calls an audit makes,
// over one account's path in an organization as the audit bundle records it.
type Organizations struct {
	URL string

	t        testing.TB
	org      *audit.Organization // nil: the account is not in an organization
	account  string
	accounts []OrgAccount

	*faults
}

// OrgAccount is an account ListAccounts lists.
type OrgAccount struct {
	ID, Name string
	State    string // ACTIVE, SUSPENDED, PENDING_CLOSURE or CLOSED
}

// SetAccounts sets the organization's accounts, which ListAccounts lists
// two per page; by default, the audited account alone.
func (f *Organizations) SetAccounts(accounts ...OrgAccount) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.accounts = accounts
}

// NewOrganizations starts the endpoint for account's place in org.
func NewOrganizations(t testing.TB, account string, org *audit.Organization) *Organizations {
	f := &Organizations{t: t, org: org, account: account, faults: newFaults(),
		accounts: []OrgAccount{{ID: account, Name: "audited", State: "ACTIVE"}}}
	srv := httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(srv.Close)
	f.URL = srv.URL
	return f
}

var orgTarget = regexp.MustCompile(`^(?:com\.amazonaws\.organizations\.v20161128\.)?AWSOrganizationsV20161128\.([A-Za-z]+)$`)
var orgSigV4 = signedBy("organizations")

func orgError(w http.ResponseWriter, typ, msg string) {
	jsonReply(w, http.StatusBadRequest, "", map[string]string{"__type": typ, "Message": msg})
}

func (f *Organizations) serve(w http.ResponseWriter, r *http.Request) {
	m := orgTarget.FindStringSubmatch(r.Header.Get("X-Amz-Target"))
	if r.Method != http.MethodPost || m == nil {
		orgError(w, "UnknownOperationException", "unknown operation")
		return
	}
	in, ok := readJSON(w, r, orgSigV4, orgError)
	if !ok {
		return
	}
	op := m[1]
	throttled, denied := f.hit(r, op)
	if throttled {
		orgError(w, "TooManyRequestsException", "AWS Organizations can't complete your request because another request is already in progress.")
		return
	}
	if denied {
		orgError(w, "AccessDeniedException", "You don't have permissions to access this resource.")
		return
	}
	if f.org == nil {
		orgError(w, "AWSOrganizationsNotInUseException", "Your account is not a member of an organization.")
		return
	}
	str := func(k string) string { s, _ := in[k].(string); return s }
	path := f.org.Path
	switch op {
	case "DescribeOrganization":
		jsonReply(w, http.StatusOK, "", map[string]any{"Organization": map[string]any{"Id": f.org.ID, "MasterAccountId": f.org.ManagementAccount,
			"Arn": "arn:aws:organizations::" + f.org.ManagementAccount + ":organization/" + f.org.ID, "FeatureSet": "ALL"}})
	case "ListParents":
		for i := 1; i < len(path); i++ {
			if path[i].ID == str("ChildId") {
				jsonReply(w, http.StatusOK, "", map[string]any{"Parents": []any{map[string]any{"Id": path[i-1].ID, "Type": path[i-1].Type}}})
				return
			}
		}
		orgError(w, "ChildNotFoundException", "We can't find an organizational unit (OU) or AWS account with the ChildId that you specified.")
	case "DescribeOrganizationalUnit":
		for _, n := range path {
			if n.ID == str("OrganizationalUnitId") && n.Type == audit.NodeOU {
				jsonReply(w, http.StatusOK, "", map[string]any{"OrganizationalUnit": map[string]any{"Id": n.ID, "Name": n.Name}})
				return
			}
		}
		orgError(w, "OrganizationalUnitNotFoundException", "We can't find an OU with the OrganizationalUnitId that you specified.")
	case "ListRoots":
		var types []any
		for _, typ := range []string{audit.SCP, audit.RCP} {
			for _, p := range f.org.Policies {
				if p.Type == typ {
					types = append(types, map[string]any{"Type": typ, "Status": "ENABLED"})
					break
				}
			}
		}
		jsonReply(w, http.StatusOK, "", map[string]any{"Roots": []any{map[string]any{"Id": path[0].ID, "Name": path[0].Name,
			"Arn": "arn:aws:organizations::" + f.org.ManagementAccount + ":root/" + f.org.ID + "/" + path[0].ID, "PolicyTypes": types}}})
	case "ListPoliciesForTarget":
		var out []any
		for _, n := range path {
			if n.ID != str("TargetId") {
				continue
			}
			for _, id := range n.Policies {
				if p := f.policy(id); p != nil && p.Type == str("Filter") {
					out = append(out, summary(p))
				}
			}
		}
		if out == nil {
			out = []any{}
		}
		jsonReply(w, http.StatusOK, "", map[string]any{"Policies": out})
	case "ListAccounts":
		f.mu.Lock()
		accounts := f.accounts
		f.mu.Unlock()
		from := 0
		if tok := str("NextToken"); tok != "" {
			fmt.Sscanf(tok, "page-%d", &from)
		}
		to := min(from+2, len(accounts))
		list := []any{}
		for _, a := range accounts[from:to] {
			list = append(list, map[string]any{"Id": a.ID, "Name": a.Name, "State": a.State,
				"Arn":   "arn:aws:organizations::" + f.org.ManagementAccount + ":account/" + f.org.ID + "/" + a.ID,
				"Email": a.ID + "@example.com", "JoinedMethod": "CREATED", "JoinedTimestamp": 1.7e9})
		}
		out := map[string]any{"Accounts": list}
		if to < len(accounts) {
			out["NextToken"] = fmt.Sprintf("page-%d", to)
		}
		jsonReply(w, http.StatusOK, "", out)
	case "DescribePolicy":
		p := f.policy(str("PolicyId"))
		if p == nil {
			orgError(w, "PolicyNotFoundException", "We can't find a policy with the PolicyId that you specified.")
			return
		}
		jsonReply(w, http.StatusOK, "", map[string]any{"Policy": map[string]any{"PolicySummary": summary(p), "Content": string(p.Document)}})
	default:
		orgError(w, "UnknownOperationException", "unsupported operation "+op)
	}
}

func (f *Organizations) policy(id string) *audit.OrgPolicy {
	for i := range f.org.Policies {
		if f.org.Policies[i].ID == id {
			return &f.org.Policies[i]
		}
	}
	return nil
}

func summary(p *audit.OrgPolicy) map[string]any {
	return map[string]any{"Id": p.ID, "Arn": p.ARN, "Name": p.Name, "Type": p.Type, "AwsManaged": p.AWSManaged}
}

package awsapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/aegis-iam/aegis/backend/audit"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/aws/aws-sdk-go-v2/service/organizations/types"
)

// OrgReader reads an account's place in AWS Organizations — the path from
// the root to the account and the SCPs and RCPs attached along it — with
// read-only calls. It needs the management account's credentials or a
// delegated administrator's.
type OrgReader struct {
	client *organizations.Client
}

// NewOrgReader returns a reader using cfg's credentials.
func NewOrgReader(cfg aws.Config, opts ...func(*organizations.Options)) *OrgReader {
	return &OrgReader{client: organizations.NewFromConfig(cfg, opts...)}
}

// ErrNoOrganization says the account is not in an organization: no SCP or
// RCP applies to it.
var ErrNoOrganization = errors.New("the account is not a member of an organization")

// AccountOrganization returns account's organization: its ID and
// management account, the path from the root (with every policy type the
// root has enabled, SCPs and RCPs, attached at each node) and those
// policies' documents.
func (r *OrgReader) AccountOrganization(ctx context.Context, account string) (*audit.Organization, error) {
	desc, err := r.client.DescribeOrganization(ctx, &organizations.DescribeOrganizationInput{})
	var notInUse *types.AWSOrganizationsNotInUseException
	if errors.As(err, &notInUse) {
		return nil, ErrNoOrganization
	}
	if err != nil {
		return nil, fmt.Errorf("organizations DescribeOrganization: %w", err)
	}
	org := &audit.Organization{ID: aws.ToString(desc.Organization.Id), ManagementAccount: aws.ToString(desc.Organization.MasterAccountId)}

	// Walk up from the account to the root.
	path := []audit.OrgNode{{ID: account, Type: audit.NodeAccount}}
	for child := account; ; {
		out, err := r.client.ListParents(ctx, &organizations.ListParentsInput{ChildId: aws.String(child)})
		if err != nil {
			return nil, fmt.Errorf("organizations ListParents %s: %w", child, err)
		}
		if len(out.Parents) != 1 {
			return nil, fmt.Errorf("organizations ListParents %s: %d parents, want 1", child, len(out.Parents))
		}
		p := out.Parents[0]
		node := audit.OrgNode{ID: aws.ToString(p.Id), Type: string(p.Type)}
		if p.Type == types.ParentTypeOrganizationalUnit {
			ou, err := r.client.DescribeOrganizationalUnit(ctx, &organizations.DescribeOrganizationalUnitInput{OrganizationalUnitId: p.Id})
			if err != nil {
				return nil, fmt.Errorf("organizations DescribeOrganizationalUnit %s: %w", node.ID, err)
			}
			node.Name = aws.ToString(ou.OrganizationalUnit.Name)
		}
		path = append([]audit.OrgNode{node}, path...)
		if p.Type == types.ParentTypeRoot {
			break
		}
		if len(path) > 7 { // a root, at most five levels of OUs, the account
			return nil, fmt.Errorf("organizations: the path above %s is deeper than Organizations allows", account)
		}
		child = node.ID
	}

	enabled, rootName, err := r.rootPolicyTypes(ctx, path[0].ID)
	if err != nil {
		return nil, err
	}
	path[0].Name = rootName
	seen := map[string]bool{}
	for i := range path {
		path[i].Policies = []string{}
		for _, typ := range enabled {
			summaries, err := r.policiesFor(ctx, path[i].ID, typ)
			if err != nil {
				return nil, err
			}
			for _, s := range summaries {
				id := aws.ToString(s.Id)
				path[i].Policies = append(path[i].Policies, id)
				if seen[id] {
					continue
				}
				seen[id] = true
				p, err := r.policy(ctx, s)
				if err != nil {
					return nil, err
				}
				org.Policies = append(org.Policies, p)
			}
		}
	}
	org.Path = path
	if org.Policies == nil {
		org.Policies = []audit.OrgPolicy{}
	}
	return org, nil
}

// rootPolicyTypes lists the authorization policy types enabled at the root
// (SCPs, RCPs) and the root's name.
func (r *OrgReader) rootPolicyTypes(ctx context.Context, rootID string) ([]types.PolicyType, string, error) {
	p := organizations.NewListRootsPaginator(r.client, &organizations.ListRootsInput{})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, "", fmt.Errorf("organizations ListRoots: %w", err)
		}
		for _, root := range page.Roots {
			if aws.ToString(root.Id) != rootID {
				continue
			}
			var enabled []types.PolicyType
			for _, pt := range root.PolicyTypes {
				if pt.Status == types.PolicyTypeStatusEnabled &&
					(pt.Type == types.PolicyTypeServiceControlPolicy || pt.Type == types.PolicyTypeResourceControlPolicy) {
					enabled = append(enabled, pt.Type)
				}
			}
			return enabled, aws.ToString(root.Name), nil
		}
	}
	return nil, "", fmt.Errorf("organizations ListRoots: root %s not listed", rootID)
}

func (r *OrgReader) policiesFor(ctx context.Context, target string, typ types.PolicyType) ([]types.PolicySummary, error) {
	var out []types.PolicySummary
	p := organizations.NewListPoliciesForTargetPaginator(r.client, &organizations.ListPoliciesForTargetInput{TargetId: aws.String(target), Filter: typ})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("organizations ListPoliciesForTarget %s %s: %w", target, typ, err)
		}
		out = append(out, page.Policies...)
	}
	return out, nil
}

func (r *OrgReader) policy(ctx context.Context, s types.PolicySummary) (audit.OrgPolicy, error) {
	out, err := r.client.DescribePolicy(ctx, &organizations.DescribePolicyInput{PolicyId: s.Id})
	if err != nil {
		return audit.OrgPolicy{}, fmt.Errorf("organizations DescribePolicy %s: %w", aws.ToString(s.Id), err)
	}
	content := aws.ToString(out.Policy.Content)
	if !json.Valid([]byte(content)) {
		return audit.OrgPolicy{}, fmt.Errorf("organizations DescribePolicy %s: the content is not JSON", aws.ToString(s.Id))
	}
	return audit.OrgPolicy{ID: aws.ToString(s.Id), ARN: aws.ToString(s.Arn), Name: aws.ToString(s.Name), Type: string(s.Type),
		AWSManaged: s.AwsManaged, Document: json.RawMessage(content)}, nil
}

// OrgAccount is one account of an organization.
type OrgAccount struct {
	ID   string
	Name string
}

// Accounts lists the organization's active accounts (suspended and closing
// ones cannot be audited), in the order Organizations returns them. It
// needs the management account's credentials or a delegated
// administrator's.
func (r *OrgReader) Accounts(ctx context.Context) ([]OrgAccount, error) {
	var out []OrgAccount
	pages := organizations.NewListAccountsPaginator(r.client, &organizations.ListAccountsInput{})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("organizations ListAccounts: %w", err)
		}
		for _, a := range page.Accounts {
			if a.State == types.AccountStateActive || (a.State == "" && a.Status == types.AccountStatusActive) {
				out = append(out, OrgAccount{ID: aws.ToString(a.Id), Name: aws.ToString(a.Name)})
			}
		}
	}
	return out, nil
}

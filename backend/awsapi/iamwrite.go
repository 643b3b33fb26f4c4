package awsapi

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/smithy-go"
)

// IAMCall is one IAM API call: the operation and its request parameters,
// named as the IAM API names them (RoleName, PolicyArn, PolicyDocument…).
// Boolean parameters are "true" or "false".
type IAMCall struct {
	Operation string            `json:"operation"`
	Params    map[string]string `json:"params"`
}

// PolicyVersion is one version of a managed policy with its document as
// JSON text.
type PolicyVersion struct {
	ID       string    `json:"id"`
	Document string    `json:"document"`
	Default  bool      `json:"default"`
	Created  time.Time `json:"created"`
}

// ManagedPolicy is a managed policy with every version's document.
type ManagedPolicy struct {
	ARN                string          `json:"arn"`
	Name               string          `json:"name"`
	Path               string          `json:"path"`
	DefaultVersion     string          `json:"defaultVersion"`
	AttachmentCount    int32           `json:"attachmentCount"`
	BoundaryUsageCount int32           `json:"boundaryUsageCount"`
	Versions           []PolicyVersion `json:"versions"`
}

// IAMWriter changes a user's or a role's identity policies, and reads the
// state those changes touch (one inline policy, the attached managed
// policies, one managed policy's versions) so that it can be saved before
// and verified after. It is a type apart from IAMReader: the audit holds
// only a reader and can never write.
type IAMWriter struct {
	client *iam.Client
}

// NewIAMWriter returns a writer using cfg's credentials; opts may set a
// BaseEndpoint for tests.
func NewIAMWriter(cfg aws.Config, opts ...func(*iam.Options)) *IAMWriter {
	return &IAMWriter{client: iam.NewFromConfig(cfg, opts...)}
}

// InlinePolicy returns the document of a user's or role's inline policy
// (kind "user" or "role") as JSON text, and false when the principal has
// no inline policy of that name.
func (w *IAMWriter) InlinePolicy(ctx context.Context, kind, principal, name string) (string, bool, error) {
	var doc *string
	var err error
	switch kind {
	case "role":
		var out *iam.GetRolePolicyOutput
		if out, err = w.client.GetRolePolicy(ctx, &iam.GetRolePolicyInput{RoleName: &principal, PolicyName: &name}); err == nil {
			doc = out.PolicyDocument
		}
	case "user":
		var out *iam.GetUserPolicyOutput
		if out, err = w.client.GetUserPolicy(ctx, &iam.GetUserPolicyInput{UserName: &principal, PolicyName: &name}); err == nil {
			doc = out.PolicyDocument
		}
	default:
		return "", false, fmt.Errorf("principal kind %q: want user or role", kind)
	}
	if IsNoSuchEntity(err) {
		return "", false, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("iam Get%sPolicy %s/%s: %w", title(kind), principal, name, err)
	}
	text, err := documentText(aws.ToString(doc))
	if err != nil {
		return "", false, fmt.Errorf("iam Get%sPolicy %s/%s: %w", title(kind), principal, name, err)
	}
	return text, true, nil
}

// AttachedPolicies returns the ARNs of the managed policies attached to a
// user or role, sorted.
func (w *IAMWriter) AttachedPolicies(ctx context.Context, kind, principal string) ([]string, error) {
	var arns []string
	var marker *string
	for {
		var list []types.AttachedPolicy
		var more bool
		var err error
		switch kind {
		case "role":
			var out *iam.ListAttachedRolePoliciesOutput
			if out, err = w.client.ListAttachedRolePolicies(ctx, &iam.ListAttachedRolePoliciesInput{RoleName: &principal, Marker: marker}); err == nil {
				list, more, marker = out.AttachedPolicies, out.IsTruncated, out.Marker
			}
		case "user":
			var out *iam.ListAttachedUserPoliciesOutput
			if out, err = w.client.ListAttachedUserPolicies(ctx, &iam.ListAttachedUserPoliciesInput{UserName: &principal, Marker: marker}); err == nil {
				list, more, marker = out.AttachedPolicies, out.IsTruncated, out.Marker
			}
		default:
			return nil, fmt.Errorf("principal kind %q: want user or role", kind)
		}
		if err != nil {
			return nil, fmt.Errorf("iam ListAttached%sPolicies %s: %w", title(kind), principal, err)
		}
		for _, p := range list {
			arns = append(arns, aws.ToString(p.PolicyArn))
		}
		if !more {
			break
		}
	}
	sort.Strings(arns)
	return nonNil(arns), nil
}

// ManagedPolicy reads a managed policy and every version's document; it
// returns nil when no policy has that ARN.
func (w *IAMWriter) ManagedPolicy(ctx context.Context, arn string) (*ManagedPolicy, error) {
	got, err := w.client.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: &arn})
	if IsNoSuchEntity(err) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("iam GetPolicy %s: %w", arn, err)
	}
	p := got.Policy
	out := &ManagedPolicy{ARN: arn, Name: aws.ToString(p.PolicyName), Path: aws.ToString(p.Path), DefaultVersion: aws.ToString(p.DefaultVersionId),
		AttachmentCount: aws.ToInt32(p.AttachmentCount), BoundaryUsageCount: aws.ToInt32(p.PermissionsBoundaryUsageCount), Versions: []PolicyVersion{}}
	pages := iam.NewListPolicyVersionsPaginator(w.client, &iam.ListPolicyVersionsInput{PolicyArn: &arn})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("iam ListPolicyVersions %s: %w", arn, err)
		}
		for _, v := range page.Versions {
			pv, err := w.client.GetPolicyVersion(ctx, &iam.GetPolicyVersionInput{PolicyArn: &arn, VersionId: v.VersionId})
			if err != nil {
				return nil, fmt.Errorf("iam GetPolicyVersion %s %s: %w", arn, aws.ToString(v.VersionId), err)
			}
			text, err := documentText(aws.ToString(pv.PolicyVersion.Document))
			if err != nil {
				return nil, fmt.Errorf("iam GetPolicyVersion %s %s: %w", arn, aws.ToString(v.VersionId), err)
			}
			out.Versions = append(out.Versions, PolicyVersion{ID: aws.ToString(v.VersionId), Document: text,
				Default: v.IsDefaultVersion, Created: aws.ToTime(v.CreateDate)})
		}
	}
	sort.Slice(out.Versions, func(i, j int) bool { return versionNumber(out.Versions[i].ID) < versionNumber(out.Versions[j].ID) })
	return out, nil
}

// versionNumber orders IAM's version IDs ("v2" before "v10").
func versionNumber(id string) int {
	n, err := strconv.Atoi(strings.TrimPrefix(id, "v"))
	if err != nil {
		return -1
	}
	return n
}

// Do makes one write call and returns the identifiers IAM assigned: Arn
// for CreatePolicy, VersionId for CreatePolicyVersion, nothing otherwise.
func (w *IAMWriter) Do(ctx context.Context, c IAMCall) (map[string]string, error) {
	p := params(c.Params)
	var out map[string]string
	var err error
	switch c.Operation {
	case "PutRolePolicy":
		_, err = w.client.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: p.get("RoleName"), PolicyName: p.get("PolicyName"), PolicyDocument: p.get("PolicyDocument")})
	case "PutUserPolicy":
		_, err = w.client.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: p.get("UserName"), PolicyName: p.get("PolicyName"), PolicyDocument: p.get("PolicyDocument")})
	case "DeleteRolePolicy":
		_, err = w.client.DeleteRolePolicy(ctx, &iam.DeleteRolePolicyInput{RoleName: p.get("RoleName"), PolicyName: p.get("PolicyName")})
	case "DeleteUserPolicy":
		_, err = w.client.DeleteUserPolicy(ctx, &iam.DeleteUserPolicyInput{UserName: p.get("UserName"), PolicyName: p.get("PolicyName")})
	case "AttachRolePolicy":
		_, err = w.client.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: p.get("RoleName"), PolicyArn: p.get("PolicyArn")})
	case "AttachUserPolicy":
		_, err = w.client.AttachUserPolicy(ctx, &iam.AttachUserPolicyInput{UserName: p.get("UserName"), PolicyArn: p.get("PolicyArn")})
	case "DetachRolePolicy":
		_, err = w.client.DetachRolePolicy(ctx, &iam.DetachRolePolicyInput{RoleName: p.get("RoleName"), PolicyArn: p.get("PolicyArn")})
	case "DetachUserPolicy":
		_, err = w.client.DetachUserPolicy(ctx, &iam.DetachUserPolicyInput{UserName: p.get("UserName"), PolicyArn: p.get("PolicyArn")})
	case "CreatePolicy":
		var o *iam.CreatePolicyOutput
		in := &iam.CreatePolicyInput{PolicyName: p.get("PolicyName"), PolicyDocument: p.get("PolicyDocument"), Path: p.opt("Path"), Description: p.opt("Description")}
		if o, err = w.client.CreatePolicy(ctx, in); err == nil {
			out = map[string]string{"Arn": aws.ToString(o.Policy.Arn)}
		}
	case "CreatePolicyVersion":
		var o *iam.CreatePolicyVersionOutput
		in := &iam.CreatePolicyVersionInput{PolicyArn: p.get("PolicyArn"), PolicyDocument: p.get("PolicyDocument"), SetAsDefault: aws.ToString(p.opt("SetAsDefault")) == "true"}
		if o, err = w.client.CreatePolicyVersion(ctx, in); err == nil {
			out = map[string]string{"VersionId": aws.ToString(o.PolicyVersion.VersionId)}
		}
	case "DeletePolicyVersion":
		_, err = w.client.DeletePolicyVersion(ctx, &iam.DeletePolicyVersionInput{PolicyArn: p.get("PolicyArn"), VersionId: p.get("VersionId")})
	case "SetDefaultPolicyVersion":
		_, err = w.client.SetDefaultPolicyVersion(ctx, &iam.SetDefaultPolicyVersionInput{PolicyArn: p.get("PolicyArn"), VersionId: p.get("VersionId")})
	case "DeletePolicy":
		_, err = w.client.DeletePolicy(ctx, &iam.DeletePolicyInput{PolicyArn: p.get("PolicyArn")})
	default:
		return nil, fmt.Errorf("iam %s: not a write call this writer makes", c.Operation)
	}
	if p.missing != nil {
		// The SDK rejected the call before sending it; name the parameter.
		return nil, fmt.Errorf("iam %s: missing parameter %s", c.Operation, strings.Join(p.missing, ", "))
	}
	if err != nil {
		return nil, fmt.Errorf("iam %s: %w", c.Operation, err)
	}
	return out, nil
}

// paramReader reads a call's parameters, remembering the required ones
// absent.
type paramReader struct {
	m       map[string]string
	missing []string
}

func params(m map[string]string) *paramReader { return &paramReader{m: m} }

// get returns a required parameter, nil (and noted) when absent.
func (p *paramReader) get(name string) *string {
	v, ok := p.m[name]
	if !ok {
		p.missing = append(p.missing, name)
		return nil
	}
	return &v
}

// opt returns an optional parameter, nil when absent.
func (p *paramReader) opt(name string) *string {
	if v, ok := p.m[name]; ok {
		return &v
	}
	return nil
}

// IsNoSuchEntity reports whether err is IAM answering that the named
// entity (a policy, a version, a user, a role) does not exist.
func IsNoSuchEntity(err error) bool {
	var nse *types.NoSuchEntityException
	return errors.As(err, &nse)
}

// ErrorCode returns the AWS error code of err ("AccessDenied",
// "LimitExceeded", "NoSuchEntity"…), or "" when err is not an AWS API error.
func ErrorCode(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

// documentText returns a policy document IAM sent (URL-encoded) as JSON
// text, checking that it is JSON.
func documentText(s string) (string, error) {
	if _, err := decodeDocument(s); err != nil {
		return "", err
	}
	if strings.HasPrefix(strings.TrimSpace(s), "{") {
		return s, nil
	}
	return url.QueryUnescape(s)
}

func title(kind string) string {
	if kind == "" {
		return ""
	}
	return strings.ToUpper(kind[:1]) + kind[1:]
}

package awsapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/smithy-go"
)

// IAMReader reads an account's IAM configuration with read-only IAM calls,
// and returns it in the JSON shapes the AWS CLI prints (policy documents
// decoded into JSON objects), which are also what the offline importer
// reads: a live audit and an audit of exported files see the same bytes.
type IAMReader struct {
	client *iam.Client
	// poll is how long to wait between polls of an asynchronous report.
	poll time.Duration
}

// NewIAMReader returns a reader using cfg's credentials. The SDK's adaptive
// retryer handles throttling; opts may set a BaseEndpoint for tests.
func NewIAMReader(cfg aws.Config, opts ...func(*iam.Options)) *IAMReader {
	return &IAMReader{client: iam.NewFromConfig(cfg, opts...), poll: 2 * time.Second}
}

// AuthorizationDetails reads every page of GetAccountAuthorizationDetails
// (users, groups, roles, managed policies with all versions) and returns
// the merged result as `aws iam get-account-authorization-details` prints it.
func (r *IAMReader) AuthorizationDetails(ctx context.Context) ([]byte, error) {
	var all iam.GetAccountAuthorizationDetailsOutput
	p := iam.NewGetAccountAuthorizationDetailsPaginator(r.client, &iam.GetAccountAuthorizationDetailsInput{MaxItems: aws.Int32(1000)})
	pages := 0
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("iam GetAccountAuthorizationDetails (page %d): %w", pages+1, err)
		}
		pages++
		all.UserDetailList = append(all.UserDetailList, page.UserDetailList...)
		all.GroupDetailList = append(all.GroupDetailList, page.GroupDetailList...)
		all.RoleDetailList = append(all.RoleDetailList, page.RoleDetailList...)
		all.Policies = append(all.Policies, page.Policies...)
	}
	return cliJSON(struct {
		UserDetailList  []types.UserDetail          `json:"UserDetailList"`
		GroupDetailList []types.GroupDetail         `json:"GroupDetailList"`
		RoleDetailList  []types.RoleDetail          `json:"RoleDetailList"`
		Policies        []types.ManagedPolicyDetail `json:"Policies"`
	}{nonNil(all.UserDetailList), nonNil(all.GroupDetailList), nonNil(all.RoleDetailList), nonNil(all.Policies)})
}

// ErrNoPasswordPolicy says the account has no custom password policy (IAM
// answers NoSuchEntity): AWS's defaults apply.
var ErrNoPasswordPolicy = errors.New("the account has no password policy")

// PasswordPolicy returns `aws iam get-account-password-policy` output, or
// ErrNoPasswordPolicy.
func (r *IAMReader) PasswordPolicy(ctx context.Context) ([]byte, error) {
	out, err := r.client.GetAccountPasswordPolicy(ctx, &iam.GetAccountPasswordPolicyInput{})
	var nse *types.NoSuchEntityException
	if errors.As(err, &nse) {
		return nil, ErrNoPasswordPolicy
	}
	if err != nil {
		return nil, fmt.Errorf("iam GetAccountPasswordPolicy: %w", err)
	}
	return cliJSON(struct {
		PasswordPolicy *types.PasswordPolicy `json:"PasswordPolicy"`
	}{out.PasswordPolicy})
}

// CredentialReport asks IAM to generate the credential report, waits until
// it is ready and returns the CSV. IAM reuses a report younger than four
// hours.
func (r *IAMReader) CredentialReport(ctx context.Context) ([]byte, error) {
	for {
		gen, err := r.client.GenerateCredentialReport(ctx, &iam.GenerateCredentialReportInput{})
		if err != nil {
			return nil, fmt.Errorf("iam GenerateCredentialReport: %w", err)
		}
		if gen.State == types.ReportStateTypeComplete {
			break
		}
		if err := sleepContext(ctx, r.poll); err != nil {
			return nil, err
		}
	}
	out, err := r.client.GetCredentialReport(ctx, &iam.GetCredentialReportInput{})
	if err != nil {
		return nil, fmt.Errorf("iam GetCredentialReport: %w", err)
	}
	if out.ReportFormat != types.ReportFormatTypeTextCsv {
		return nil, fmt.Errorf("iam GetCredentialReport: format %q, want text/csv", out.ReportFormat)
	}
	return out.Content, nil
}

// ServiceLastAccessed runs an Access Advisor job at action level for the
// user, group, role or policy arn, waits for it and returns every page of
// `aws iam get-service-last-accessed-details` merged. A failed job is an
// error carrying IAM's reason.
func (r *IAMReader) ServiceLastAccessed(ctx context.Context, arn string) ([]byte, error) {
	job, err := r.client.GenerateServiceLastAccessedDetails(ctx, &iam.GenerateServiceLastAccessedDetailsInput{
		Arn: aws.String(arn), Granularity: types.AccessAdvisorUsageGranularityTypeActionLevel})
	if err != nil {
		return nil, fmt.Errorf("iam GenerateServiceLastAccessedDetails %s: %w", arn, err)
	}
	var merged *iam.GetServiceLastAccessedDetailsOutput
	var marker *string
	for {
		page, err := r.client.GetServiceLastAccessedDetails(ctx, &iam.GetServiceLastAccessedDetailsInput{JobId: job.JobId, Marker: marker})
		if err != nil {
			return nil, fmt.Errorf("iam GetServiceLastAccessedDetails %s: %w", arn, err)
		}
		switch page.JobStatus {
		case types.JobStatusTypeInProgress:
			if err := sleepContext(ctx, r.poll); err != nil {
				return nil, err
			}
			continue
		case types.JobStatusTypeFailed:
			reason := "no reason given"
			if page.Error != nil && page.Error.Message != nil {
				reason = *page.Error.Message
			}
			return nil, fmt.Errorf("iam Access Advisor job for %s failed: %s", arn, reason)
		}
		if merged == nil {
			merged = page
		} else {
			merged.ServicesLastAccessed = append(merged.ServicesLastAccessed, page.ServicesLastAccessed...)
		}
		if !page.IsTruncated {
			break
		}
		marker = page.Marker
	}
	return cliJSON(struct {
		JobStatus            types.JobStatusType                     `json:"JobStatus"`
		JobType              types.AccessAdvisorUsageGranularityType `json:"JobType"`
		JobCreationDate      *time.Time                              `json:"JobCreationDate"`
		JobCompletionDate    *time.Time                              `json:"JobCompletionDate"`
		ServicesLastAccessed []types.ServiceLastAccessed             `json:"ServicesLastAccessed"`
	}{merged.JobStatus, merged.JobType, merged.JobCreationDate, merged.JobCompletionDate, nonNil(merged.ServicesLastAccessed)})
}

// IsAccessDenied reports whether err is AWS refusing the call for lack of
// permission (the caller's policies, an SCP or a boundary), which an audit
// records as a coverage gap rather than a failure.
func IsAccessDenied(err error) bool {
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		return false
	}
	switch ae.ErrorCode() {
	case "AccessDenied", "AccessDeniedException", "UnauthorizedOperation", "UnauthorizedAccess", "AuthorizationError":
		return true
	}
	return false
}

// IsThrottled reports whether err is AWS throttling the call (a rate
// limit still exceeded after the SDK's retries), which an audit records as
// a coverage gap.
func IsThrottled(err error) bool {
	for _, t := range retry.DefaultThrottles {
		if t.IsErrorThrottle(err) == aws.TrueTernary {
			return true
		}
	}
	return false
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// cliJSON marshals an SDK value as the AWS CLI prints it: the SDK's field
// names (which are the API's), times in ISO 8601, and the URL-encoded
// policy documents the IAM API returns decoded into JSON objects, as
// botocore does.
func cliJSON(v any) ([]byte, error) {
	raw, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	var tree any
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&tree); err != nil {
		return nil, err
	}
	if err := decodeDocuments(tree); err != nil {
		return nil, err
	}
	return json.MarshalIndent(tree, "", "    ")
}

// documentKeys are the fields in which IAM returns URL-encoded policies.
var documentKeys = map[string]bool{"PolicyDocument": true, "AssumeRolePolicyDocument": true, "Document": true}

// decodeDocuments decodes the policy documents in a JSON tree and drops
// null members (the SDK's absent fields, which the CLI does not print).
func decodeDocuments(v any) error {
	switch x := v.(type) {
	case map[string]any:
		for k, val := range x {
			if val == nil {
				delete(x, k)
				continue
			}
			if s, ok := val.(string); ok && documentKeys[k] {
				doc, err := decodeDocument(s)
				if err != nil {
					return fmt.Errorf("%s: %w", k, err)
				}
				x[k] = doc
				continue
			}
			if err := decodeDocuments(val); err != nil {
				return err
			}
		}
	case []any:
		for _, e := range x {
			if err := decodeDocuments(e); err != nil {
				return err
			}
		}
	}
	return nil
}

// decodeDocument turns an RFC 3986-encoded policy into a JSON value. IAM
// percent-encodes every reserved character (a '+' in a policy arrives as
// %2B), so url.QueryUnescape decodes it exactly, as botocore does; a
// document that is already JSON is taken as is.
func decodeDocument(s string) (any, error) {
	text := s
	if !strings.HasPrefix(strings.TrimSpace(s), "{") {
		var err error
		if text, err = url.QueryUnescape(s); err != nil {
			return nil, fmt.Errorf("not URL-encoded: %w", err)
		}
	}
	var doc any
	dec := json.NewDecoder(strings.NewReader(text))
	dec.UseNumber()
	if err := dec.Decode(&doc); err != nil {
		return nil, fmt.Errorf("policy document is not JSON: %w", err)
	}
	return doc, nil
}

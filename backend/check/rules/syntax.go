package rules

import (
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/aegis-iam/aegis/backend/check"
	"github.com/aegis-iam/aegis/backend/iamdb"
	"github.com/aegis-iam/aegis/backend/policy"
)

// Syntax and grammar rules (catalogue group 1): the parser's own positioned
// errors, and what only the IAM database can tell — unknown services,
// actions and condition keys, ARNs no listed action can use, operators that
// do not fit the key's type.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html
// https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html

const (
	refGrammar    = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html"
	refElements   = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements.html"
	refAAChecks   = "https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html"
	refActions    = "https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html"
	refOperators  = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html"
	refGlobalKeys = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html"
	refVariables  = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html"
	refARNs       = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html"
	refQuotas     = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html"
	refSCPSyntax  = "https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps_syntax.html"
	refRCPSyntax  = "https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps_syntax.html"
	refParliament = "https://github.com/duo-labs/parliament"
)

// parseRule names the syntax rule that reports a parser error of a policy
// of kind k.
func parseRule(e *policy.Error, k policy.Kind) string {
	switch e.Code {
	case policy.CodeSyntax, policy.CodeInvalidUTF8, policy.CodeTooLarge, policy.CodeTooDeep,
		policy.CodeTooManyErrors, policy.CodeURLEncoding:
		return "AEG-SYN-001"
	case policy.CodeWrongType, policy.CodeUnknownElement, policy.CodeDuplicateKey:
		return "AEG-SYN-002"
	case policy.CodeInvalidVersion:
		return "AEG-SYN-004"
	case policy.CodeInvalidEffect:
		return "AEG-SYN-005"
	case policy.CodeConflict:
		return "AEG-SYN-006"
	case policy.CodeInvalidPrinc, policy.CodeUnknownPrinc:
		return "AEG-SYN-008"
	case policy.CodeUnknownOp:
		return "AEG-SYN-014"
	case policy.CodeDuplicateSid:
		return "AEG-SYN-017"
	case policy.CodeEmpty:
		if e.Path == "Statement" {
			return "AEG-SYN-003"
		}
		return "AEG-SYN-020"
	case policy.CodeMissing:
		switch {
		case e.Path == "":
			return "AEG-SYN-003"
		case strings.HasPrefix(e.Msg, "missing Effect"):
			return "AEG-SYN-005"
		case strings.HasPrefix(e.Msg, "missing Principal"):
			return "AEG-SYN-007"
		}
		return "AEG-SYN-006"
	case policy.CodeForbidden:
		if !strings.HasSuffix(e.Path, "Principal") {
			return "AEG-SYN-006"
		}
		if k == policy.KindSCP || k == policy.KindRCP {
			return "AEG-SYN-022"
		}
		return "AEG-SYN-007"
	}
	return "AEG-SYN-002"
}

// errorStatement returns the statement a parser error lies in, or nil for
// a document-level error.
func errorStatement(doc *policy.Document, e *policy.Error) *policy.Statement {
	if doc == nil {
		return nil
	}
	if !doc.StatementList && len(doc.Statements) == 1 && (e.Path == "Statement" || strings.HasPrefix(e.Path, "Statement.")) {
		return doc.Statements[0] // a single statement object
	}
	if !strings.HasPrefix(e.Path, "Statement[") {
		return nil
	}
	end := strings.IndexByte(e.Path, ']')
	i, err := strconv.Atoi(e.Path[len("Statement["):max(end, len("Statement["))])
	if err != nil || i < 0 || i >= len(doc.Statements) {
		return nil
	}
	return doc.Statements[i]
}

// reportParseErrors reports the parser errors that belong to the running
// rule. Each finding's remediation is the parser's own explanation.
func reportParseErrors(p *check.Pass) {
	id := p.Rule().ID
	for _, e := range p.Errors {
		if parseRule(e, p.Kind) != id {
			continue
		}
		msg := e.Msg
		if e.Path != "" {
			msg = e.Path + ": " + msg
		}
		p.Report(errorStatement(p.Doc, e), e.Pos, e.Path, msg, p.Rule().Remediation+" ("+e.Msg+")", check.Exposure{})
	}
}

// Version values. 2008-10-17 predates policy variables.
const (
	version2012 = "2012-10-17"
	version2008 = "2008-10-17"
)

// readReports is a valid identity policy: the good example of most syntax
// rules.
const readReports = `{"Version":"2012-10-17","Statement":[{"Sid":"ReadReports","Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::example-reports/*"}]}`

// syntaxRule completes a syntax rule's metadata: its category and, unless
// given, the parser's own errors as its check (reportParseErrors) and
// readReports as its good example.
func syntaxRule(r check.Rule) *check.Rule {
	r.Category = check.CategorySyntax
	if r.Run == nil {
		r.Run = reportParseErrors
	}
	if r.Good == nil {
		r.Good = []check.Example{{Kind: policy.KindIdentity, Policy: readReports}}
	}
	return &r
}

func syntaxRules() []*check.Rule {
	bucket := `{"Version":"2012-10-17","Statement":[{"Sid":"ReadReports","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:role/reporting"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::example-reports/*"}]}`
	ident := policy.KindIdentity
	fits := &typeMatcher{}
	return []*check.Rule{
		syntaxRule(check.Rule{
			ID: "AEG-SYN-001", Severity: check.SeverityHigh,
			Title:       "Policy is not valid JSON",
			Description: "IAM rejects a policy that is not well-formed JSON (a trailing comma, a missing quote, a stray byte order mark); the parts after the error are not checked at all.",
			Remediation: "Fix the JSON at the reported position",
			References:  []string{refGrammar, "Access Analyzer JSON_SYNTAX_ERROR", "Parliament MALFORMED_JSON"},
			Controls:    ctrls("nist CM-6"),
			Bad:         []check.Example{{Kind: ident, Note: "trailing comma", Policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::example-reports/*",}]}`}},
		}),
		syntaxRule(check.Rule{
			ID: "AEG-SYN-002", Severity: check.SeverityHigh,
			Title:       "Unknown element, wrong type or duplicate key",
			Description: "A policy may hold only Version, Id and Statement, and a statement only Sid, Effect, Principal/NotPrincipal, Action/NotAction, Resource/NotResource and Condition, each of its JSON type. IAM rejects anything else, and keys repeated in one object (even in a different letter case) make one of the values silently disappear.",
			Remediation: "Remove or rename the element, or give it the JSON type the grammar expects",
			References:  []string{refGrammar, refElements, "Access Analyzer INVALID_POLICY_ELEMENT, DATA_TYPE_MISMATCH, DUPLICATE_KEYS_WITH_DIFFERENT_CASE"},
			Controls:    ctrls("nist CM-6"),
			Bad: []check.Example{
				{Kind: ident, Note: "misspelt element", Policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Actions":"s3:GetObject","Action":"s3:GetObject","Resource":"arn:aws:s3:::example-reports/*"}]}`},
				{Kind: ident, Note: "duplicate key", Policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::a/*","resource":"arn:aws:s3:::b/*"}]}`},
			},
		}),
		syntaxRule(check.Rule{
			ID: "AEG-SYN-003", Severity: check.SeverityHigh,
			Title:       "Statement missing or empty",
			Description: "A policy without statements grants and denies nothing; IAM rejects it.",
			Remediation: "Add a Statement element holding at least one statement",
			References:  []string{refGrammar, "Access Analyzer MISSING_STATEMENT"},
			Bad:         []check.Example{{Kind: ident, Policy: `{"Version":"2012-10-17","Statement":[]}`}},
		}),
		syntaxRule(check.Rule{
			ID: "AEG-SYN-004", Severity: check.SeverityLow,
			Title:       "Version missing, outdated or invalid",
			Description: "Without Version, or with the 2008-10-17 version, IAM does not substitute policy variables such as ${aws:username}: they are matched literally. Any other value is rejected.",
			Remediation: `Add "Version": "2012-10-17" as the first element of the policy`,
			References:  []string{"https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_version.html", "Access Analyzer MISSING_VERSION, INVALID_VERSION", "Parliament NO_VERSION, OLD_VERSION"},
			Bad: []check.Example{
				{Kind: ident, Note: "no Version", Policy: `{"Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::example-reports/*"}]}`},
				{Kind: ident, Note: "invalid value", Policy: `{"Version":"2012-10-18","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::example-reports/*"}]}`},
			},
			Run: runVersion,
		}),
		syntaxRule(check.Rule{
			ID: "AEG-SYN-005", Severity: check.SeverityHigh,
			Title:       "Effect missing or invalid",
			Description: `Every statement needs "Effect": "Allow" or "Deny", spelt exactly so; IAM rejects anything else.`,
			Remediation: `Set "Effect" to "Allow" or "Deny"`,
			References:  []string{"https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_effect.html", "Access Analyzer MISSING_EFFECT, INVALID_EFFECT"},
			Bad:         []check.Example{{Kind: ident, Policy: `{"Version":"2012-10-17","Statement":[{"Effect":"allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::example-reports/*"}]}`}},
		}),
		syntaxRule(check.Rule{
			ID: "AEG-SYN-006", Severity: check.SeverityHigh,
			Title:       "Required element missing or conflicting pair",
			Description: "A statement needs exactly one of Action/NotAction and, in identity policies, exactly one of Resource/NotResource; Principal and NotPrincipal exclude each other; a trust policy names no Resource. IAM rejects other combinations.",
			Remediation: "Keep exactly one element of each pair",
			References:  []string{refGrammar, "Access Analyzer MISSING_ACTION, MISSING_RESOURCE, UNSUPPORTED_ELEMENT_COMBINATION"},
			Bad: []check.Example{
				{Kind: ident, Note: "no Resource", Policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject"}]}`},
				{Kind: ident, Note: "Action and NotAction", Policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"s3:DeleteObject","NotAction":"s3:GetObject","Resource":"*"}]}`},
			},
		}),
		syntaxRule(check.Rule{
			ID: "AEG-SYN-007", Severity: check.SeverityHigh,
			Title:       "Principal where the policy type forbids it, or missing where required",
			Description: "Identity policies, permissions boundaries and session policies apply to the principal they are attached to and cannot name one; resource-based and trust policies must say whom they apply to.",
			Remediation: "Remove Principal from identity-style policies; add it to resource-based and trust policies",
			References:  []string{"https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html", "Access Analyzer UNSUPPORTED_PRINCIPAL, MISSING_PRINCIPAL"},
			Bad: []check.Example{
				{Kind: ident, Policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::example-reports/*"}]}`},
				{Kind: policy.KindResource, Policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::example-reports/*"}]}`},
			},
			Good: []check.Example{{Kind: ident, Policy: readReports}, {Kind: policy.KindResource, Policy: bucket}},
		}),
		syntaxRule(check.Rule{
			ID: "AEG-SYN-008", Severity: check.SeverityMedium,
			Title:       "Malformed principal",
			Description: `A principal is "*" or an object whose keys are AWS, Service, Federated or CanonicalUser; other keys and bare strings are rejected. Unique IDs (AIDA…, AROA…) left in a policy point at a user or role that was deleted — recreating it with the same name does not restore access.`,
			Remediation: `Write the principal as {"AWS": "arn:aws:iam::ACCOUNT:role/NAME"}, {"Service": "SERVICE.amazonaws.com"} or {"Federated": "PROVIDER"}`,
			References:  []string{"https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html", "Access Analyzer INVALID_PRINCIPAL_KEY, INVALID_PRINCIPAL_FORMAT, INVALID_ROLE_REFERENCE"},
			Bad: []check.Example{
				{Kind: policy.KindResource, Note: "unknown principal type", Policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"IAM":"arn:aws:iam::123456789012:role/reporting"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::example-reports/*"}]}`},
				{Kind: policy.KindResource, Note: "dangling unique ID", Policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"AROAEXAMPLEID1234567"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::example-reports/*"}]}`},
			},
			Good: []check.Example{{Kind: policy.KindResource, Policy: bucket}},
			Run:  runPrincipalFormat,
		}),
		syntaxRule(check.Rule{
			ID: "AEG-SYN-009", Severity: check.SeverityMedium,
			Title:       "Unknown service prefix",
			Description: "The action or condition key names a service prefix the Service Authorization Reference does not define, so the element matches nothing.",
			Remediation: "Use the service's IAM prefix",
			References:  []string{refActions, "Access Analyzer INVALID_SERVICE", "Parliament UNKNOWN_PREFIX"},
			Bad: []check.Example{
				{Kind: ident, Policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s4:GetObject","Resource":"arn:aws:s3:::example-reports/*"}]}`},
				{Kind: ident, Note: "condition key", Policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::example-reports/*","Condition":{"StringEquals":{"s4:ExistingObjectTag/team":"finance"}}}]}`},
			},
			Good: []check.Example{
				{Kind: ident, Policy: readReports},
				{Kind: policy.KindTrust, Note: "EKS IRSA trust: the OIDC provider URL prefixes its claims", Policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::111122223333:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE:aud":"sts.amazonaws.com","oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE:sub":"system:serviceaccount:default:my-service-account"}}}]}`},
			},
			Run: runUnknownService,
		}),
		syntaxRule(check.Rule{
			ID: "AEG-SYN-010", Severity: check.SeverityMedium,
			Title:       "Unknown action",
			Description: "The action does not exist for its service (a typo or a retired API), so it grants nothing — and in a Deny statement it silently denies nothing, which is why the finding is high there.",
			Remediation: "Use an action the service defines",
			References:  []string{refActions, "Access Analyzer INVALID_ACTION", "Parliament UNKNOWN_ACTION"},
			Controls:    ctrls("nist AC-3"),
			Bad: []check.Example{
				{Kind: ident, Policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObjects","Resource":"arn:aws:s3:::example-reports/*"}]}`},
				{Kind: ident, Note: "Deny that denies nothing", Policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"s3:DeleteBuckets","Resource":"*"}]}`},
			},
			Run: runUnknownAction,
		}),
		syntaxRule(check.Rule{
			ID: "AEG-SYN-011", Severity: check.SeverityMedium,
			Title:       "Malformed resource ARN",
			Description: "A Resource value is \"*\" or an ARN arn:partition:service:region:account:resource with a known partition, a 12-digit account and a lower-case service; anything else matches no resource.",
			Remediation: "Write the ARN in the service's documented format",
			References:  []string{refARNs, "Access Analyzer INVALID_ARN_PREFIX, MISSING_ARN_FIELD, INVALID_PARTITION, INVALID_ARN_ACCOUNT, INVALID_ARN_REGION, INVALID_ARN_SERVICE_CASE", "Parliament INVALID_ARN"},
			Bad: []check.Example{
				{Kind: ident, Note: "missing field", Policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:example-reports/*"}]}`},
				{Kind: ident, Note: "bad account", Policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sqs:SendMessage","Resource":"arn:aws:sqs:eu-west-1:12345:orders"}]}`},
			},
			Good: []check.Example{{Kind: ident, Policy: readReports}, {Kind: ident, Policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sqs:SendMessage","Resource":"arn:aws:sqs:*:123456789012:orders-*"}]}`}},
			Run:  runARNFormat,
		}),
		syntaxRule(check.Rule{
			ID: "AEG-SYN-012", Severity: check.SeverityMedium,
			Title:       "Resource matches no resource type of the actions",
			Description: "Each action applies to some resource types (s3:ListBucket to buckets, s3:GetObject to objects) or only to \"*\". A Resource no listed action can use, or an action none of the listed resources fits, makes that part of the statement dead: it never applies.",
			Remediation: "Name resources of the types the actions take",
			References:  []string{refActions, "Parliament RESOURCE_MISMATCH", "Access Analyzer INVALID_ARN_RESOURCE"},
			Bad: []check.Example{
				{Kind: ident, Note: "bucket action on object ARN", Policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:ListBucket","s3:GetObject"],"Resource":"arn:aws:s3:::example-reports/*"}]}`},
				{Kind: ident, Note: "wildcard-only action given an ARN", Policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:ListAllMyBuckets","Resource":"arn:aws:s3:::example-reports"}]}`},
			},
			Good: []check.Example{{Kind: ident, Policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:ListBucket","s3:GetObject"],"Resource":["arn:aws:s3:::example-reports","arn:aws:s3:::example-reports/*"]}]}`}},
			Run:  func(p *check.Pass) { runResourceMismatch(p, fits) },
		}),
		syntaxRule(check.Rule{
			ID: "AEG-SYN-013", Severity: check.SeverityMedium,
			Title:       "Action of another service in a resource-based policy",
			Description: "A resource-based policy governs only its own resource: a bucket policy cannot grant KMS or SQS actions. Such actions are rejected or never apply.",
			Remediation: "Move the action to the policy of the resource it acts on, or to an identity policy",
			References:  []string{"https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_identity-vs-resource.html", "Access Analyzer UNSUPPORTED_ACTION_IN_POLICY, UNSUPPORTED_RESOURCE_ARN_IN_POLICY"},
			Kinds:       []policy.Kind{policy.KindResource},
			Bad:         []check.Example{{Kind: policy.KindResource, Policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:role/reporting"},"Action":["s3:GetObject","kms:Decrypt"],"Resource":"arn:aws:s3:::example-reports/*"}]}`}},
			Good:        []check.Example{{Kind: policy.KindResource, Policy: bucket}},
			Run:         runForeignActions,
		}),
		syntaxRule(check.Rule{
			ID: "AEG-SYN-014", Severity: check.SeverityMedium,
			Title:       "Unknown condition operator",
			Description: "The condition operator is not one IAM defines; IAM rejects the policy.",
			Remediation: "Use a documented operator such as StringEquals, ArnLike, IpAddress or Bool",
			References:  []string{refOperators, "Access Analyzer INVALID_CONDITION_OPERATOR", "Parliament UNKNOWN_OPERATOR"},
			Bad:         []check.Example{{Kind: ident, Policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::example-reports/*","Condition":{"StringEqual":{"aws:PrincipalOrgID":"o-a1b2c3d4e5"}}}]}`}},
			Good:        []check.Example{{Kind: ident, Policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::example-reports/*","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-a1b2c3d4e5"}}}]}`}},
		}),
		syntaxRule(check.Rule{
			ID: "AEG-SYN-015", Severity: check.SeverityMedium,
			Title:       "Unknown or malformed condition key",
			Description: "The condition key is not a global key nor one its service defines, or a tag key pattern lacks the tag name. A request never carries such a key, so the condition never matches (or always matches under a negated operator or IfExists).",
			Remediation: "Use a documented condition key",
			References:  []string{refGlobalKeys, refActions, "Access Analyzer INVALID_GLOBAL_CONDITION_KEY, INVALID_SERVICE_CONDITION_KEY, MISSING_TAG_KEY_IN_CONDITION"},
			Bad: []check.Example{
				{Kind: ident, Note: "misspelt global key", Policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::example-reports/*","Condition":{"StringEquals":{"aws:PrincipalOrgId2":"o-a1b2c3d4e5"}}}]}`},
				{Kind: ident, Note: "tag key without a name", Policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ec2:StartInstances","Resource":"*","Condition":{"StringEquals":{"aws:ResourceTag/":"dev"}}}]}`},
			},
			Good: []check.Example{{Kind: ident, Policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ec2:StartInstances","Resource":"*","Condition":{"StringEquals":{"aws:ResourceTag/env":"dev"}}}]}`}},
			Run:  runUnknownKey,
		}),
		syntaxRule(check.Rule{
			ID: "AEG-SYN-016", Severity: check.SeverityMedium,
			Title:       "Condition operator or value does not fit the key's type",
			Description: "Each condition key has a type (String, ARN, Numeric, Date, Bool, IP address, Binary) and each operator compares one type; a mismatched pair or a value that is not of the type never matches as intended. A String operator on an ARN key works but loses ARN matching, so it is reported as low.",
			Remediation: "Use the operator family of the key's type and values of that type",
			References:  []string{refOperators, refGlobalKeys, "Access Analyzer TYPE_MISMATCH, INVALID_CONDITION_DATA_TYPE", "Parliament MISMATCHED_TYPE"},
			Bad: []check.Example{
				{Kind: ident, Note: "numeric operator on a date key", Policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::example-reports/*","Condition":{"NumericLessThan":{"aws:CurrentTime":"2027-01-01T00:00:00Z"}}}]}`},
				{Kind: ident, Note: "non-boolean value", Policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::example-reports/*","Condition":{"Bool":{"aws:SecureTransport":"yes"}}}]}`},
			},
			Good: []check.Example{{Kind: ident, Policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::example-reports/*","Condition":{"DateLessThan":{"aws:CurrentTime":"2027-01-01T00:00:00Z"},"Bool":{"aws:SecureTransport":"true"}}}]}`}},
			Run:  runTypeMismatch,
		}),
		syntaxRule(check.Rule{
			ID: "AEG-SYN-017", Severity: check.SeverityLow,
			Title:       "Invalid, empty or duplicate Sid",
			Description: "IAM policies accept only ASCII letters and digits in a Sid; several resource-based policies require unique Sids, and an empty Sid helps no one.",
			Remediation: "Give each statement a unique alphanumeric Sid",
			References:  []string{"https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_sid.html", "Access Analyzer UNSUPPORTED_SID, UNIQUE_SIDS_REQUIRED, EMPTY_SID_VALUE", "Parliament INVALID_SID, DUPLICATE_SID"},
			Bad: []check.Example{
				{Kind: ident, Note: "space and dash", Policy: `{"Version":"2012-10-17","Statement":[{"Sid":"read reports-1","Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::example-reports/*"}]}`},
				{Kind: ident, Note: "duplicate", Policy: `{"Version":"2012-10-17","Statement":[{"Sid":"Read","Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::a/*"},{"Sid":"Read","Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]}`},
			},
			Run: runSid,
		}),
		syntaxRule(check.Rule{
			ID: "AEG-SYN-018", Severity: check.SeverityMedium,
			Title:       "Malformed or unsupported policy variable",
			Description: "Policy variables are written ${key}, without spaces, and are substituted only in Resource and Condition values of Version 2012-10-17 policies, with string and ARN operators. Elsewhere they are plain text that matches nothing.",
			Remediation: `Write the variable as ${aws:username}, use it only in Resource or Condition values, and set "Version": "2012-10-17"`,
			References:  []string{refVariables, "Access Analyzer MISSING_BRACE_IN_VARIABLE, UNSUPPORTED_SPACE_IN_VARIABLE, EMPTY_VARIABLE, VARIABLE_UNSUPPORTED_IN_ELEMENT, VARIABLE_UNSUPPORTED_IN_VERSION"},
			Bad: []check.Example{
				{Kind: ident, Note: "missing brace", Policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::home/${aws:username/*"}]}`},
				{Kind: ident, Note: "old version", Policy: `{"Version":"2008-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::home/${aws:username}/*"}]}`},
			},
			Good: []check.Example{{Kind: ident, Policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::home/${aws:username}/*"}]}`}},
			Run:  runVariables,
		}),
		syntaxRule(check.Rule{
			ID: "AEG-SYN-019", Severity: check.SeverityMedium,
			Title:       "Policy exceeds its size quota",
			Description: "IAM and Organizations cap policy size, counting characters other than whitespace: 6,144 for a managed policy or boundary, 2,048 for a role trust policy or session policy, 5,120 for an SCP or RCP, 20,480 for an S3 bucket or VPC endpoint policy. A larger policy is rejected.",
			Remediation: "Split the policy or merge statements with the same effect, resources and conditions",
			References:  []string{refQuotas, "Access Analyzer POLICY_SIZE_EXCEEDS_IDENTITY_POLICY_QUOTA"},
			Bad:         []check.Example{{Kind: policy.KindTrust, Policy: bigTrustPolicy()}},
			Run:         runSize,
		}),
		syntaxRule(check.Rule{
			ID: "AEG-SYN-020", Severity: check.SeverityLow,
			Title:       "Empty array or object",
			Description: "An empty Action, Resource, Principal or Condition array or object grants nothing or, for a condition, tests nothing; IAM rejects most of them.",
			Remediation: "Fill the element or remove it",
			References:  []string{refGrammar, "Access Analyzer EMPTY_ARRAY_ACTION, EMPTY_ARRAY_RESOURCE, EMPTY_OBJECT_PRINCIPAL, EMPTY_ARRAY_CONDITION"},
			Bad:         []check.Example{{Kind: ident, Policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":[],"Resource":"arn:aws:s3:::example-reports/*"}]}`}},
		}),
		syntaxRule(check.Rule{
			ID: "AEG-SYN-021", Severity: check.SeverityInfo,
			Title:       "Redundant action, resource or statement",
			Description: "An action or resource already covered by a wildcard of the same statement, or a statement identical to another, adds nothing and hides the policy's real scope.",
			Remediation: "Remove the redundant entry",
			References:  []string{refAAChecks, "Access Analyzer REDUNDANT_ACTION, REDUNDANT_RESOURCE, REDUNDANT_STATEMENT"},
			Bad: []check.Example{
				{Kind: ident, Policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:Get*","s3:GetObject"],"Resource":"arn:aws:s3:::example-reports/*"}]}`},
				{Kind: ident, Note: "duplicate statement", Policy: `{"Version":"2012-10-17","Statement":[{"Sid":"A","Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::r/*"},{"Sid":"B","Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::r/*"}]}`},
			},
			Run: runRedundant,
		}),
		syntaxRule(check.Rule{
			ID: "AEG-SYN-022", Severity: check.SeverityHigh,
			Title:       "SCP or RCP grammar violation",
			Description: "Service control policies accept an action wildcard only at the end of the action name and name no principal; resource control policies deny only (RCPFullAWSAccess aside), name Principal \"*\", have no NotAction and cover only the services RCPs support.",
			Remediation: "Follow the Organizations policy syntax",
			References:  []string{refSCPSyntax, refRCPSyntax, "Access Analyzer SCP_SYNTAX_ERROR_ACTION_WILDCARD, RCP_SYNTAX_ERROR_ALLOW, RCP_SYNTAX_ERROR_NOT_ACTION"},
			Controls:    ctrls("cis 2.1.2"),
			Kinds:       []policy.Kind{policy.KindSCP, policy.KindRCP},
			Bad: []check.Example{
				{Kind: policy.KindSCP, Policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"iam:*AccessKey","Resource":"*"}]}`},
				{Kind: policy.KindRCP, Policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","NotAction":"s3:GetObject","Resource":"*"}]}`},
			},
			Good: []check.Example{
				{Kind: policy.KindSCP, Policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"iam:CreateAccessKey","Resource":"*"}]}`},
				{Kind: policy.KindRCP, Policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}`},
			},
			Run: runOrgGrammar,
		}),
	}
}

// runVersion reports a missing or 2008-10-17 Version (low) and the parser's
// invalid-version errors (high).
func runVersion(p *check.Pass) {
	for _, e := range p.Errors {
		if e.Code == policy.CodeInvalidVersion {
			p.ReportSeverity(check.SeverityHigh, nil, e.Pos, "Version", e.Msg, `Set "Version": "2012-10-17".`, check.Exposure{})
		}
	}
	if p.Doc == nil {
		return
	}
	switch p.Doc.Version.Text {
	case "":
		p.Report(nil, p.Doc.Pos, "Version", "the policy has no Version, so IAM treats it as 2008-10-17 and matches policy variables literally", `Add "Version": "2012-10-17" as the first element.`, check.Exposure{})
	case version2008:
		p.Report(nil, p.Doc.Version.Pos, "Version", "Version 2008-10-17 predates policy variables and newer features", `Change the value to "2012-10-17".`, check.Exposure{})
	}
}

// uniqueIDPattern matches the unique IDs IAM writes into a policy in place
// of a deleted user's or role's ARN.
var uniqueIDPattern = regexp.MustCompile(`^A(IDA|ROA|GPA|NPA|IPA)[A-Z0-9]{12,}$`)

// runPrincipalFormat reports the parser's principal errors and dangling
// unique IDs.
func runPrincipalFormat(p *check.Pass) {
	reportParseErrors(p)
	if p.Doc == nil {
		return
	}
	for _, st := range p.Doc.Statements {
		for _, pr := range []*policy.Principal{st.Principal, st.NotPrincipal} {
			if pr == nil || pr.AWS == nil {
				continue
			}
			for _, v := range pr.AWS.Values {
				if uniqueIDPattern.MatchString(v.Text) {
					p.Report(st, v.Pos, "Principal.AWS", fmt.Sprintf("principal %q is a unique ID: the user or role it named was deleted, and a new one of the same name is a different principal", v.Text),
						`Replace it with the ARN of the principal, e.g. "arn:aws:iam::ACCOUNT:role/NAME".`, check.Exposure{})
				}
			}
		}
	}
}

// actionValues returns a statement's Action or NotAction values and the
// element's name.
func actionValues(st *policy.Statement) ([]policy.Value, string) {
	if st.NotAction != nil {
		return st.NotAction.Values, "NotAction"
	}
	if st.Action != nil {
		return st.Action.Values, "Action"
	}
	return nil, ""
}

// resourceValues returns a statement's Resource or NotResource values and
// the element's name.
func resourceValues(st *policy.Statement) ([]policy.Value, string) {
	if st.NotResource != nil {
		return st.NotResource.Values, "NotResource"
	}
	if st.Resource != nil {
		return st.Resource.Values, "Resource"
	}
	return nil, ""
}

// knownKeyPrefix reports whether a condition key's prefix is "aws", a
// service prefix, or a prefix a service defines keys under ("saml").
func knownKeyPrefix(db *iamdb.DB, prefix string) bool {
	if strings.EqualFold(prefix, "aws") {
		return true
	}
	if _, ok := db.Service(prefix); ok {
		return true
	}
	return len(db.KeyPrefixServices(prefix)) > 0
}

// webIdentityKey reports whether key is a claim of an IAM OIDC identity
// provider, named by the provider's URL without "https://":
// "oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE:sub"
// (an EKS cluster's IRSA trust), "token.example.com:aud". The prefix is the
// provider's, not a service's, so the database cannot list it.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_iam-condition-keys.html#condition-keys-wif
func webIdentityKey(key string) bool {
	i := strings.LastIndexByte(key, ':')
	if i <= 0 || !oidcClaims[strings.ToLower(key[i+1:])] {
		return false
	}
	url := key[:i]
	host, _, _ := strings.Cut(url, "/")
	return strings.Contains(host, ".") && !strings.HasPrefix(host, ".") && !strings.HasSuffix(host, ".") &&
		!strings.ContainsAny(url, ":*?${} ")
}

func runUnknownService(p *check.Pass) {
	if p.Doc == nil || p.DB == nil {
		return
	}
	for _, st := range p.Doc.Statements {
		vals, elem := actionValues(st)
		for _, v := range vals {
			prefix, ok := servicePrefix(v.Text)
			if !ok || hasWildcard(prefix) || p.HasPlaceholder(v.Text) {
				continue
			}
			if _, known := p.DB.Service(prefix); !known {
				p.Report(st, v.Pos, elem, fmt.Sprintf("%q: no AWS service has the IAM prefix %q", v.Text, prefix),
					fmt.Sprintf("Replace %q with the service's prefix (see the Service Authorization Reference).", prefix), check.Exposure{})
			}
		}
		for _, b := range st.Condition {
			for _, e := range b.Entries {
				prefix, ok := servicePrefix(e.Key.Text)
				if ok && !knownKeyPrefix(p.DB, prefix) && !webIdentityKey(e.Key.Text) {
					p.Report(st, e.Key.Pos, "Condition."+b.Operator.Text+"."+e.Key.Text,
						fmt.Sprintf("condition key %q: no AWS service defines keys under %q", e.Key.Text, prefix),
						"Use a global aws: key or a key of the action's service.", check.Exposure{})
				}
			}
		}
	}
}

func runUnknownAction(p *check.Pass) {
	if p.Doc == nil || p.DB == nil {
		return
	}
	for _, st := range p.Doc.Statements {
		vals, elem := actionValues(st)
		for _, v := range vals {
			if v.Text == "*" || p.HasPlaceholder(v.Text) {
				continue // a deploy-time placeholder's value is unknown here
			}
			prefix, _, ok := strings.Cut(v.Text, ":")
			if ok && !hasWildcard(prefix) {
				if _, known := p.DB.Service(prefix); !known {
					continue // AEG-SYN-009
				}
			}
			var msg string
			switch err := iamdb.CheckActionPattern(v.Text); {
			case err != nil:
				msg = fmt.Sprintf("%q is not a valid action: %v", v.Text, err)
			case hasWildcard(v.Text):
				if len(p.DB.Expand(v.Text)) > 0 {
					continue
				}
				msg = fmt.Sprintf("%q matches no action", v.Text)
			default:
				if _, known := p.DB.Action(v.Text); known {
					continue
				}
				msg = fmt.Sprintf("%q is not an action of %s", v.Text, prefix)
			}
			sev := p.Rule().Severity
			if st.Effect == policy.EffectDeny && elem == "Action" {
				sev = check.SeverityHigh
				msg += ": this Deny denies nothing for it"
			}
			p.ReportSeverity(sev, st, v.Pos, elem, msg, fmt.Sprintf("Replace %q with an existing action%s.", v.Text, suggestAction(p.DB, v.Text)), check.Exposure{})
		}
	}
}

// suggestAction names the action of the same service whose name differs
// least from name, as " such as \"s3:GetObject\"", or "".
func suggestAction(db *iamdb.DB, name string) string {
	prefix, rest, ok := strings.Cut(name, ":")
	svc, known := db.Service(prefix)
	if !ok || !known || hasWildcard(rest) {
		return ""
	}
	best, bestDist := "", 4 // suggest only close matches
	for _, a := range svc.Actions {
		if d := iamdb.EditDistance(strings.ToLower(rest), strings.ToLower(a.Name)); d < bestDist {
			best, bestDist = a.FullName(), d
		}
	}
	if best == "" {
		return ""
	}
	return fmt.Sprintf(" such as %q", best)
}

var (
	accountPattern = regexp.MustCompile(`^[0-9]{12}$`)
	regionPattern  = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-[0-9]$`)
)

// arnProblem says what is wrong with a Resource ARN, or "".
func arnProblem(s string) string {
	a, err := policy.ParseARN(variablesAsWildcards(s))
	if err != nil {
		return err.Error()
	}
	wild := func(f string) bool { return hasWildcard(f) || hasVariable(f) }
	switch {
	case !wild(a.Partition) && !slices.Contains(policy.Partitions, a.Partition):
		return fmt.Sprintf("unknown partition %q (want one of %s)", a.Partition, strings.Join(policy.Partitions, ", "))
	case a.Service != strings.ToLower(a.Service):
		return fmt.Sprintf("service %q must be lower-case", a.Service)
	case a.Account != "" && a.Account != "aws" && !wild(a.Account) && !accountPattern.MatchString(a.Account):
		return fmt.Sprintf("account %q is not a 12-digit account ID", a.Account)
	case a.Region != "" && !wild(a.Region) && !regionPattern.MatchString(a.Region):
		return fmt.Sprintf("region %q is not a region name such as us-east-1", a.Region)
	}
	return ""
}

func runARNFormat(p *check.Pass) {
	if p.Doc == nil {
		return
	}
	for _, st := range p.Doc.Statements {
		vals, elem := resourceValues(st)
		for _, v := range vals {
			text := p.WithoutPlaceholders(v.Text)
			if text == "*" || (text != v.Text && strings.HasPrefix(text, "*")) {
				continue // a placeholder stands for the ARN's leading fields
			}
			if problem := arnProblem(text); problem != "" {
				p.Report(st, v.Pos, elem, fmt.Sprintf("%q: %s", v.Text, problem),
					`Write the resource as "arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE", e.g. "arn:aws:s3:::BUCKET/*" or "arn:aws:sqs:us-east-1:123456789012:QUEUE".`, check.Exposure{})
			}
		}
	}
}

// literalAction reports whether an Action value names one action.
func literalAction(s string) bool { return !hasWildcard(s) }

func runResourceMismatch(p *check.Pass, m *typeMatcher) {
	if p.DB == nil {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.use(p.DB)
	for _, f := range statementFacts(p) {
		st := f.st
		if st.Action == nil || st.Resource == nil || isStar(st.Resource) || len(f.actions()) == 0 {
			continue
		}
		var arns []policy.Value
		for _, v := range st.Resource.Values {
			v.Text = p.WithoutPlaceholders(v.Text)
			if arnProblem(v.Text) == "" {
				v.Text = variablesAsWildcards(v.Text)
				arns = append(arns, v)
			}
		}
		if len(arns) == 0 {
			continue
		}
		// Each ARN some action of its service can use.
		checkARNs := !allWildcardOnly(f.actions())
		for _, v := range arns {
			if checkARNs && !usableARN(m, f.actions(), v.Text) {
				p.Report(st, v.Pos, "Resource", fmt.Sprintf("%q is not a resource type any of the statement's %d %s applies to", v.Text, len(f.actions()), actionsWord(len(f.actions()))),
					fmt.Sprintf("Replace %q with an ARN of a resource type the actions take (%s).", v.Text, resourceTypeNames(f.actions())), check.Exposure{})
			}
		}
		// Each literally named action fits some ARN.
		for _, v := range st.Action.Values {
			if !literalAction(v.Text) {
				continue
			}
			a, ok := p.DB.Action(v.Text)
			if !ok {
				continue
			}
			if a.WildcardOnly() {
				p.Report(st, v.Pos, "Action", fmt.Sprintf("%s supports only \"Resource\": \"*\"; with the listed ARNs it never applies", a.FullName()),
					fmt.Sprintf(`Move %q to a statement with "Resource": "*".`, a.FullName()), check.Exposure{})
				continue
			}
			fits := false
			for _, r := range arns {
				if m.fits(a, r.Text) {
					fits = true
					break
				}
			}
			if !fits {
				p.Report(st, v.Pos, "Action", fmt.Sprintf("%s applies to %s resources, and none of the listed ARNs is one", a.FullName(), resourceTypeNames([]*iamdb.Action{a})),
					fmt.Sprintf("Add an ARN of a resource of type %s for %q, e.g. %s.", resourceTypeNames([]*iamdb.Action{a}), a.FullName(), exampleARN(a)), check.Exposure{})
			}
		}
	}
}

// variablesAsWildcards replaces each policy variable of an ARN with '*',
// the set of values it can take.
func variablesAsWildcards(s string) string {
	for {
		i := strings.Index(s, "${")
		if i < 0 {
			return s
		}
		end := strings.IndexByte(s[i:], '}')
		if end < 0 {
			return s
		}
		s = s[:i] + "*" + s[i+end+1:]
	}
}

// usableARN reports whether some action can use arn, or whether arn's
// service is a pattern that cannot be judged. Only actions of the ARN's
// service are asked (the database matches formats of their own service).
func usableARN(m *typeMatcher, acts []*iamdb.Action, arn string) bool {
	parsed, err := policy.ParseARN(arn)
	if err != nil || hasWildcard(parsed.Service) {
		return true
	}
	needle := ":" + parsed.Service + ":"
	byType := m.forARN(arn)
	for _, a := range acts {
		if !strings.EqualFold(a.Service.Prefix, parsed.Service) && !sharesARNService(a, needle) {
			continue
		}
		if a.WildcardOnly() || fitsType(byType, a, arn) {
			return true
		}
	}
	return false
}

// typeMatcher answers "can this ARN name a resource of this type" once per
// pair for every policy a rule checks against one database: the actions of
// a statement share few resource types, policies repeat their ARNs
// ("arn:aws:ec2:*:*:instance/*" in hundreds of managed policies), and ARN
// matching dominates the cost of AEG-SYN-012. The answers are kept by ARN,
// then by type, so asking about the many actions of one ARN hashes the ARN
// once. Callers hold mu.
type typeMatcher struct {
	mu   sync.Mutex
	db   *iamdb.DB
	memo map[string]map[*iamdb.ResourceType]bool
}

// typeMatcherMax bounds the ARNs a typeMatcher remembers: a long-lived
// registry forgets them all when it reaches the bound.
const typeMatcherMax = 1 << 14

// use prepares m for db, forgetting the answers about another database (or
// all of them at the bound).
func (m *typeMatcher) use(db *iamdb.DB) {
	if m.db != db || m.memo == nil || len(m.memo) >= typeMatcherMax {
		m.db, m.memo = db, map[string]map[*iamdb.ResourceType]bool{}
	}
}

// forARN returns the answers about arn.
func (m *typeMatcher) forARN(arn string) map[*iamdb.ResourceType]bool {
	byType, ok := m.memo[arn]
	if !ok {
		byType = map[*iamdb.ResourceType]bool{}
		m.memo[arn] = byType
	}
	return byType
}

// fits reports whether arn can name a resource of one of a's types (what
// iamdb.DB.ResourceTypesFor answers, memoized by type).
func (m *typeMatcher) fits(a *iamdb.Action, arn string) bool {
	return fitsType(m.forARN(arn), a, arn)
}

// fitsType is fits with the answers about arn at hand.
func fitsType(byType map[*iamdb.ResourceType]bool, a *iamdb.Action, arn string) bool {
	for _, r := range a.Resources {
		ok, seen := byType[r.Type]
		if !seen {
			ok = r.Type.MatchARN(arn)
			byType[r.Type] = ok
		}
		if ok {
			return true
		}
	}
	return false
}

// sharesARNService reports whether some resource type of a has ARNs of the
// service named by needle, ":svc:" (ssmmessages actions act on ssm ARNs,
// for example).
func sharesARNService(a *iamdb.Action, needle string) bool {
	for _, r := range a.Resources {
		for _, f := range r.Type.ARNFormats {
			if strings.Contains(f, needle) {
				return true
			}
		}
	}
	return false
}

func allWildcardOnly(as []*iamdb.Action) bool {
	for _, a := range as {
		if !a.WildcardOnly() {
			return false
		}
	}
	return true
}

// resourceTypeNames lists the resource types actions take, e.g.
// "bucket or object".
func resourceTypeNames(as []*iamdb.Action) string {
	var names []string
	seen := map[string]bool{}
	for _, a := range as {
		for _, r := range a.Resources {
			if !seen[r.Type.Name] {
				seen[r.Type.Name] = true
				names = append(names, r.Type.Name)
			}
		}
	}
	return summarizeOr(names, 4)
}

func summarizeOr(names []string, n int) string {
	if len(names) > n {
		return strings.Join(names[:n], ", ") + fmt.Sprintf(" or %d more", len(names)-n)
	}
	if len(names) <= 1 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}

// exampleARN is the ARN format of a's first resource type, with the
// partition filled in.
func exampleARN(a *iamdb.Action) string {
	for _, r := range a.Resources {
		if len(r.Type.ARNFormats) > 0 {
			return fmt.Sprintf("%q", strings.ReplaceAll(r.Type.ARNFormats[0], "${Partition}", "aws"))
		}
	}
	return `"*"`
}

func runForeignActions(p *check.Pass) {
	if p.Doc == nil || p.DB == nil {
		return
	}
	for _, st := range p.Doc.Statements {
		if st.Action == nil || st.Resource == nil || isStar(st.Resource) {
			continue
		}
		svcs := map[string]bool{}
		for _, v := range st.Resource.Values {
			a, err := policy.ParseARN(p.WithoutPlaceholders(v.Text))
			if err != nil || hasWildcard(a.Service) {
				svcs = nil
				break
			}
			svcs[a.Service] = true
		}
		if svcs == nil {
			continue
		}
		for _, v := range st.Action.Values {
			prefix, ok := servicePrefix(v.Text)
			if !ok || hasWildcard(prefix) || svcs[strings.ToLower(prefix)] {
				continue
			}
			if _, known := p.DB.Service(prefix); !known {
				continue
			}
			p.Report(st, v.Pos, "Action", fmt.Sprintf("%q acts on %s resources, but this policy's resources are %s", v.Text, prefix, strings.Join(sortedKeys(svcs), ", ")),
				fmt.Sprintf("Remove %q here and grant it in the %s resource's own policy or in the caller's identity policy.", v.Text, prefix), check.Exposure{})
		}
	}
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func runUnknownKey(p *check.Pass) {
	if p.Doc == nil || p.DB == nil {
		return
	}
	for _, st := range p.Doc.Statements {
		for _, b := range st.Condition {
			for _, e := range b.Entries {
				key := e.Key.Text
				prefix, ok := servicePrefix(key)
				if !ok {
					p.Report(st, e.Key.Pos, "Condition."+b.Operator.Text+"."+key, fmt.Sprintf("condition key %q has no service prefix", key),
						`Write the key as "prefix:Name", e.g. "aws:SourceIp".`, check.Exposure{})
					continue
				}
				if !knownKeyPrefix(p.DB, prefix) || hasVariable(key) {
					continue // AEG-SYN-009, or a variable the database cannot resolve
				}
				if strings.Contains(prefix, ".") {
					continue // a web identity provider's claim ("HOST:sub"): each provider has its own
				}
				if strings.HasSuffix(key, "/") {
					p.Report(st, e.Key.Pos, "Condition."+b.Operator.Text+"."+key, fmt.Sprintf("condition key %q lacks the tag or attribute name after '/'", key),
						fmt.Sprintf("Name the tag, e.g. %q.", key+"team"), check.Exposure{})
					continue
				}
				if !knownKey(p.DB, key) {
					p.Report(st, e.Key.Pos, "Condition."+b.Operator.Text+"."+key, fmt.Sprintf("condition key %q is neither a global key nor one its service defines, so requests never carry it", key),
						"Use a documented key; see the Service Authorization Reference for the service's keys.", check.Exposure{})
				}
			}
		}
	}
}

// knownKey reports whether the database defines key. Tag and attribute
// keys ("prefix:ResourceTag/NAME") accept any name, including names with
// ':' ("aws:cloudformation:stack-name") that the database's patterns do not
// match, so they are looked up with a plain name.
func knownKey(db *iamdb.DB, key string) bool {
	if _, ok := db.ConditionKey(key); ok {
		return true
	}
	base, _, ok := strings.Cut(key, "/")
	if !ok {
		return false
	}
	_, ok = db.ConditionKey(base + "/name")
	return ok
}

// operatorType is the key type an operator compares, KeyUnknown for Null
// (which takes any key).
func operatorType(op policy.BaseOperator) iamdb.KeyType {
	switch op {
	case policy.OpStringEquals, policy.OpStringNotEquals, policy.OpStringEqualsIgnoreCase, policy.OpStringNotEqualsIgnoreCase,
		policy.OpStringLike, policy.OpStringNotLike:
		return iamdb.KeyString
	case policy.OpNumericEquals, policy.OpNumericNotEquals, policy.OpNumericLessThan, policy.OpNumericLessThanEquals,
		policy.OpNumericGreaterThan, policy.OpNumericGreaterThanEquals:
		return iamdb.KeyNumeric
	case policy.OpDateEquals, policy.OpDateNotEquals, policy.OpDateLessThan, policy.OpDateLessThanEquals,
		policy.OpDateGreaterThan, policy.OpDateGreaterThanEquals:
		return iamdb.KeyDate
	case policy.OpBool:
		return iamdb.KeyBool
	case policy.OpBinaryEquals:
		return iamdb.KeyBinary
	case policy.OpIPAddress, policy.OpNotIPAddress:
		return iamdb.KeyIPAddress
	case policy.OpArnEquals, policy.OpArnNotEquals, policy.OpArnLike, policy.OpArnNotLike:
		return iamdb.KeyARN
	}
	return iamdb.KeyUnknown
}

// valueProblem says why v is not a value of type t, or "".
func valueProblem(t iamdb.KeyType, v policy.Value) string {
	if hasVariable(v.Text) {
		return ""
	}
	switch t {
	case iamdb.KeyNumeric:
		if _, err := strconv.ParseFloat(v.Text, 64); err != nil {
			return "is not a number"
		}
	case iamdb.KeyBool:
		if !strings.EqualFold(v.Text, "true") && !strings.EqualFold(v.Text, "false") {
			return `is not "true" or "false"`
		}
	case iamdb.KeyDate:
		if _, err := strconv.ParseInt(v.Text, 10, 64); err == nil {
			return ""
		}
		for _, layout := range []string{time.RFC3339, "2006-01-02T15:04:05Z0700", "2006-01-02T15:04Z07:00", "2006-01-02"} {
			if _, err := time.Parse(layout, v.Text); err == nil {
				return ""
			}
		}
		return "is not an ISO 8601 date or epoch time"
	}
	return ""
}

func runTypeMismatch(p *check.Pass) {
	if p.Doc == nil || p.DB == nil {
		return
	}
	for _, st := range p.Doc.Statements {
		for _, b := range st.Condition {
			op, err := policy.ParseOperator(b.Operator.Text)
			if err != nil {
				continue // AEG-SYN-014
			}
			want := operatorType(op.Base)
			for _, e := range b.Entries {
				elem := "Condition." + b.Operator.Text + "." + e.Key.Text
				if op.Base == policy.OpNull {
					for _, v := range e.Values.Values {
						if problem := valueProblem(iamdb.KeyBool, v); problem != "" {
							p.Report(st, v.Pos, elem, fmt.Sprintf("Null takes \"true\" (key absent) or \"false\" (key present); %q %s", v.Text, problem),
								fmt.Sprintf(`Write {"Null": {%q: "false"}} to require the key.`, e.Key.Text), check.Exposure{})
						}
					}
					continue
				}
				if want == iamdb.KeyIPAddress {
					continue // IP values: AEG-COND-011
				}
				for _, v := range e.Values.Values {
					if problem := valueProblem(want, v); problem != "" {
						p.Report(st, v.Pos, elem, fmt.Sprintf("%s compares %s values; %q %s", op.Base, strings.ToLower(want.String()), v.Text, problem),
							fmt.Sprintf("Give %s a %s value.", e.Key.Text, strings.ToLower(want.String())), check.Exposure{})
					}
				}
				k, ok := p.DB.ConditionKey(e.Key.Text)
				if !ok || k.Type == iamdb.KeyUnknown {
					continue
				}
				have := k.Type
				if have.IsArray() {
					have = have.Elem()
				}
				switch {
				case have == want:
				case have == iamdb.KeyARN && want == iamdb.KeyString:
					p.ReportSeverity(check.SeverityLow, st, b.Operator.Pos, elem, fmt.Sprintf("%s is an ARN key compared with %s; it works, but Arn operators match ARNs field by field", e.Key.Text, op.Base),
						fmt.Sprintf("Use %s instead of %s for %s.", arnOperatorFor(op), op.Base, e.Key.Text), check.Exposure{})
				case usableMismatch(have, want):
					// A Bool key's "true"/"false" compared as strings, or an
					// ARN held in a String key compared with an Arn
					// operator: IAM compares the text and it works.
				default:
					p.Report(st, b.Operator.Pos, elem, fmt.Sprintf("%s is a %s key but %s compares %s values, so the condition does not compare as intended", e.Key.Text, have, op.Base, want),
						fmt.Sprintf("Use a %s operator for %s.", have, e.Key.Text), check.Exposure{})
				}
			}
		}
	}
}

// usableMismatch reports the key/operator type pairs IAM evaluates as text
// comparisons that behave as the author meant.
func usableMismatch(key, op iamdb.KeyType) bool {
	return key == iamdb.KeyBool && op == iamdb.KeyString || key == iamdb.KeyString && op == iamdb.KeyARN
}

// arnOperatorFor maps a String operator to its Arn counterpart.
func arnOperatorFor(op policy.Operator) string {
	switch op.Base {
	case policy.OpStringNotEquals, policy.OpStringNotEqualsIgnoreCase:
		return "ArnNotEquals"
	case policy.OpStringLike:
		return "ArnLike"
	case policy.OpStringNotLike:
		return "ArnNotLike"
	}
	return "ArnEquals"
}

// sidPattern is what IAM accepts in a Sid.
var sidPattern = regexp.MustCompile(`^[A-Za-z0-9]*$`)

func runSid(p *check.Pass) {
	reportParseErrors(p)
	if p.Doc == nil {
		return
	}
	for _, st := range p.Doc.Statements {
		switch {
		case !st.Sid.Pos.IsValid():
		case st.Sid.Text == "":
			p.Report(st, st.Sid.Pos, "Sid", "the Sid is empty", "Remove the Sid or give it an alphanumeric name.", check.Exposure{})
		case !sidPattern.MatchString(st.Sid.Text) && p.Kind != policy.KindResource && !p.HasPlaceholder(st.Sid.Text):
			p.Report(st, st.Sid.Pos, "Sid", fmt.Sprintf("Sid %q holds characters other than ASCII letters and digits, which IAM rejects", st.Sid.Text),
				fmt.Sprintf(`Rename it to %q.`, cleanSid(st.Sid.Text)), check.Exposure{})
		}
	}
}

// cleanSid drops the characters IAM rejects in a Sid.
func cleanSid(s string) string {
	return strings.Map(func(r rune) rune {
		if r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)) {
			return r
		}
		return -1
	}, s)
}

// variableProblem says what is wrong with the policy variables of s, or "".
func variableProblem(s string) string {
	rest := s
	for {
		i := strings.Index(rest, "${")
		if i < 0 {
			return ""
		}
		end := strings.IndexByte(rest[i:], '}')
		if end < 0 {
			return "a variable lacks its closing '}'"
		}
		name := rest[i+2 : i+end]
		switch {
		case name == "":
			return "the variable ${} is empty"
		case strings.ContainsAny(name, " \t"):
			return fmt.Sprintf("the variable ${%s} contains a space", name)
		case strings.Contains(name, "${"):
			return "a variable lacks its closing '}'"
		}
		rest = rest[i+end+1:]
	}
}

func runVariables(p *check.Pass) {
	if p.Doc == nil {
		return
	}
	substituted := p.Doc.Version.Text == version2012
	fix := `Write the variable as ${aws:username} (no spaces, closing brace).`
	for _, st := range p.Doc.Statements {
		inspect := func(v policy.Value, elem string, allowed bool) {
			if !hasVariable(v.Text) {
				return
			}
			switch problem := variableProblem(v.Text); {
			case problem != "":
				p.Report(st, v.Pos, elem, fmt.Sprintf("%q: %s", v.Text, problem), fix, check.Exposure{})
			case !allowed:
				p.Report(st, v.Pos, elem, fmt.Sprintf("%q: IAM does not substitute variables in %s, so it is matched literally", v.Text, elem),
					"Move the variable to a Resource or Condition value.", check.Exposure{})
			case !substituted:
				p.Report(st, v.Pos, elem, fmt.Sprintf("%q: variables are substituted only with Version 2012-10-17; this policy's Version is %q, so it is matched literally", v.Text, p.Doc.Version.Text),
					`Set "Version": "2012-10-17".`, check.Exposure{})
			}
		}
		vals, elem := actionValues(st)
		for _, v := range vals {
			inspect(v, elem, false)
		}
		vals, elem = resourceValues(st)
		for _, v := range vals {
			inspect(v, elem, true)
		}
		for _, b := range st.Condition {
			op, _ := policy.ParseOperator(b.Operator.Text)
			t := operatorType(op.Base)
			allowed := t == iamdb.KeyString || t == iamdb.KeyARN || t == iamdb.KeyUnknown
			for _, e := range b.Entries {
				elem := "Condition." + b.Operator.Text + "." + e.Key.Text
				inspect(e.Key, elem, strings.Contains(e.Key.Text, "/"))
				for _, v := range e.Values.Values {
					inspect(v, elem, allowed)
				}
			}
		}
	}
}

// sizeQuota is the character quota of a policy kind, 0 when none applies.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html
// https://docs.aws.amazon.com/organizations/latest/userguide/orgs_reference_limits.html
func sizeQuota(k policy.Kind) (int, string) {
	switch k {
	case policy.KindIdentity, policy.KindBoundary:
		return 6144, "a managed policy"
	case policy.KindTrust:
		return 2048, "a role trust policy (default quota)"
	case policy.KindSession:
		return 2048, "a session policy"
	case policy.KindSCP:
		return 5120, "a service control policy"
	case policy.KindRCP:
		return 5120, "a resource control policy"
	case policy.KindResource, policy.KindVPCEndpoint:
		return 20480, "an S3 bucket or VPC endpoint policy"
	}
	return 0, ""
}

// policySize counts the characters of the canonical document other than
// whitespace, as IAM counts against its quotas.
func policySize(doc *policy.Document) int {
	n := 0
	text := policy.Format(doc)
	for i := 0; i < len(text); {
		if c := text[i]; c < utf8.RuneSelf { // unicode.IsSpace without the call
			if c != ' ' && (c < '\t' || c > '\r') {
				n++
			}
			i++
			continue
		}
		r, size := utf8.DecodeRune(text[i:])
		if !unicode.IsSpace(r) {
			n++
		}
		i += size
	}
	return n
}

// sizeBound is an upper bound of policySize computed without printing
// the document: a byte of a string other than printable ASCII prints as at
// most a six-character escape, and each element adds at most its key,
// quotes, brackets and separators. Most policies are far below their
// quota, and printing every one of them to count its characters was a
// tenth of a run.
func sizeBound(doc *policy.Document) int {
	const perElement = 20 // `"NotPrincipal":` or `"Condition":` with brackets and a comma
	str := func(s string) int {
		n := 3 // quotes and a comma
		for i := 0; i < len(s); i++ {
			if c := s[i]; c >= 0x20 && c < utf8.RuneSelf && c != '"' && c != '\\' {
				n++
			} else {
				n += 6
			}
		}
		return n
	}
	n := 32 + str(doc.Version.Text) + str(doc.ID.Text) + 2*perElement
	list := func(l *policy.List) {
		if l == nil {
			return
		}
		n += perElement
		for _, v := range l.Values {
			n += str(v.Text)
		}
	}
	for _, st := range doc.Statements {
		n += 3*perElement + str(st.Sid.Text) // braces, Sid, Effect and its value
		for _, pr := range [...]*policy.Principal{st.Principal, st.NotPrincipal} {
			if pr != nil {
				n += perElement + 3
				for _, l := range [...]*policy.List{pr.AWS, pr.CanonicalUser, pr.Federated, pr.Service} {
					list(l)
				}
			}
		}
		for _, l := range [...]*policy.List{st.Action, st.NotAction, st.Resource, st.NotResource} {
			list(l)
		}
		if st.Condition != nil {
			n += perElement
			for _, b := range st.Condition {
				n += perElement + str(b.Operator.Text)
				for _, e := range b.Entries {
					n += str(e.Key.Text)
					list(e.Values)
				}
			}
		}
	}
	return n
}

func runSize(p *check.Pass) {
	quota, what := sizeQuota(p.Kind)
	if p.Doc == nil || quota == 0 || sizeBound(p.Doc) <= quota {
		return
	}
	if n := policySize(p.Doc); n > quota {
		p.Report(nil, p.Doc.Pos, "", fmt.Sprintf("the policy has %d characters (whitespace excluded); the quota for %s is %d", n, what, quota),
			fmt.Sprintf("Remove %d characters: merge statements sharing Effect, Resource and Condition, replace action lists with a narrow prefix wildcard, or split the policy in two.", n-quota), check.Exposure{})
	}
}

// statementShape is what two equal statements share, cheap to compare:
// only statements of the same shape are printed to compare them whole.
type statementShape struct {
	effect                  policy.Effect
	principal, notPrincipal bool
	lists                   [4]int
	firstValues             [4]string
	condition               int
}

func shapeOf(st *policy.Statement) statementShape {
	sh := statementShape{effect: st.Effect, principal: st.Principal != nil, notPrincipal: st.NotPrincipal != nil, condition: len(st.Condition)}
	for i, l := range [...]*policy.List{st.Action, st.NotAction, st.Resource, st.NotResource} {
		if l == nil {
			sh.lists[i] = -1
			continue
		}
		sh.lists[i] = len(l.Values)
		if len(l.Values) > 0 {
			sh.firstValues[i] = l.Values[0].Text
		}
	}
	return sh
}

func runRedundant(p *check.Pass) {
	if p.Doc == nil {
		return
	}
	shapes := make(map[statementShape]int, len(p.Doc.Statements))
	for _, st := range p.Doc.Statements {
		shapes[shapeOf(st)]++
	}
	seen := map[string]int{}
	for _, st := range p.Doc.Statements {
		for _, l := range []struct {
			list *policy.List
			elem string
			fold bool
		}{{st.Action, "Action", true}, {st.NotAction, "NotAction", true}, {st.Resource, "Resource", false}, {st.NotResource, "NotResource", false}} {
			reportCovered(p, st, l.list, l.elem, l.fold)
		}
		if shapes[shapeOf(st)] < 2 {
			continue // no other statement can repeat it
		}
		one := *st
		one.Sid = policy.Value{}
		key := string(policy.Format(&policy.Document{Version: p.Doc.Version, Statements: []*policy.Statement{&one}}))
		if first, dup := seen[key]; dup {
			p.Report(st, st.Pos, "", fmt.Sprintf("statement %d repeats statement %d", st.Index, first),
				fmt.Sprintf("Delete statement %d.", st.Index), check.Exposure{})
			continue
		}
		seen[key] = st.Index
	}
}

// reportCovered reports values of l that another value of l already
// matches (case-insensitively for actions). Only wildcard values can
// cover others, so the work is values × wildcard values.
func reportCovered(p *check.Pass, st *policy.Statement, l *policy.List, elem string, fold bool) {
	if l == nil || len(l.Values) < 2 {
		return
	}
	var patterns []int
	for i, v := range l.Values {
		if hasWildcard(v.Text) {
			patterns = append(patterns, i)
		}
	}
	if len(patterns) == 0 {
		return
	}
	norm := make([]string, len(l.Values))
	for i, v := range l.Values {
		norm[i] = v.Text
		if fold {
			norm[i] = strings.ToLower(v.Text)
		}
	}
	for i, v := range l.Values {
		for _, j := range patterns {
			if i == j || norm[i] == norm[j] || !policy.Glob(norm[j], norm[i]) {
				continue
			}
			p.Report(st, v.Pos, elem, fmt.Sprintf("%q is already covered by %q in the same %s", v.Text, l.Values[j].Text, elem),
				fmt.Sprintf("Remove %q.", v.Text), check.Exposure{})
			break
		}
	}
}

// rcpServices are the services resource control policies support.
// https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps.html
var rcpServices = map[string]bool{"s3": true, "sts": true, "sqs": true, "secretsmanager": true, "kms": true,
	"ecr": true, "aoss": true, "cognito-identity": true, "logs": true, "dynamodb": true}

func runOrgGrammar(p *check.Pass) {
	reportParseErrors(p)
	if p.Doc == nil {
		return
	}
	for _, st := range p.Doc.Statements {
		vals, elem := actionValues(st)
		if p.Kind == policy.KindSCP {
			for _, v := range vals {
				if i := strings.IndexAny(v.Text, "*?"); i >= 0 && i != len(v.Text)-1 {
					p.Report(st, v.Pos, elem, fmt.Sprintf("%q: an SCP accepts a wildcard only at the end of an action", v.Text),
						"List the actions explicitly, or end the pattern with the single '*'.", check.Exposure{})
				}
			}
			continue
		}
		if st.Effect == policy.EffectAllow && !(isStar(st.Action) && isStar(st.Resource) && st.Principal != nil && st.Principal.Wildcard) {
			p.Report(st, st.EffectPos, "Effect", "a resource control policy can only Deny (RCPFullAWSAccess aside)", `Rewrite the statement as "Effect": "Deny" with a Condition naming what to block.`, check.Exposure{})
		}
		if st.NotAction != nil {
			p.Report(st, st.NotAction.Pos, "NotAction", "a resource control policy does not support NotAction", "List the denied actions in Action.", check.Exposure{})
		}
		if st.Principal != nil && !st.Principal.Wildcard {
			p.Report(st, st.Principal.Pos, "Principal", `a resource control policy must name "Principal": "*"`, `Set "Principal": "*" and restrict callers with a Condition on aws:PrincipalOrgID or aws:PrincipalAccount.`, check.Exposure{})
		}
		if st.Action == nil {
			continue
		}
		for _, v := range st.Action.Values {
			prefix, _ := servicePrefix(v.Text)
			if v.Text != "*" && !rcpServices[strings.ToLower(prefix)] {
				p.Report(st, v.Pos, "Action", fmt.Sprintf("%q: resource control policies do not support the %s service", v.Text, prefix),
					"Keep only actions of services RCPs support ("+strings.Join(sortedKeys(rcpServices), ", ")+").", check.Exposure{})
			}
		}
	}
}

// bigTrustPolicy builds a trust policy over the 2,048-character quota.
func bigTrustPolicy() string {
	var arns []string
	for i := range 40 {
		arns = append(arns, fmt.Sprintf(`"arn:aws:iam::1234567890%02d:role/deployment-pipeline-role"`, i))
	}
	return `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":[` + strings.Join(arns, ",") + `]},"Action":"sts:AssumeRole"}]}`
}

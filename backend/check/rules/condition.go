package rules

import (
	"fmt"
	"net/netip"
	"regexp"
	"strings"

	"github.com/aegis-iam/aegis/backend/check"
	"github.com/aegis-iam/aegis/backend/iamdb"
	"github.com/aegis-iam/aegis/backend/policy"
)

// Condition rules (catalogue group 3): condition blocks that do not test
// what they seem to (set operators on single-valued keys, exact operators
// with wildcards, MFA and IP pitfalls, tag keys some actions never carry)
// and sensitive grants that lack the condition that should guard them.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition.html
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html

const refMultiValued = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html"

// condEntry is one key of one condition block, with its parsed operator.
type condEntry struct {
	st    *policy.Statement
	block *policy.ConditionBlock
	op    policy.Operator
	entry *policy.ConditionEntry
}

// element names the entry as findings locate it.
func (c condEntry) element() string {
	return "Condition." + c.block.Operator.Text + "." + c.entry.Key.Text
}

// report records a finding of the running rule on the entry at pos, with
// the exposure of the entry's statement.
func (c condEntry) report(p *check.Pass, pos policy.Pos, message, remediation string) {
	c.reportSeverity(p, p.Rule().Severity, pos, message, remediation)
}

// reportSeverity is report with an explicit severity.
func (c condEntry) reportSeverity(p *check.Pass, sev check.Severity, pos policy.Pos, message, remediation string) {
	p.ReportSeverity(sev, c.st, pos, c.element(), message, remediation, exposureOf(c.st))
}

// is reports whether the entry tests key (case-insensitive).
func (c condEntry) is(key string) bool { return strings.EqualFold(c.entry.Key.Text, key) }

// conditionEntries returns every condition entry of the policy whose
// operator parses (unknown operators are AEG-SYN-014's), collected once
// per input for the condition rules, which only read it.
func conditionEntries(p *check.Pass) []condEntry {
	out, _ := p.Memo(condEntriesKey{}, func() any { return collectConditionEntries(p.Doc) }).([]condEntry)
	return out
}

// condEntriesKey is the Memo key of an input's condition entries.
type condEntriesKey struct{}

func collectConditionEntries(doc *policy.Document) []condEntry {
	if doc == nil {
		return nil
	}
	var out []condEntry
	for _, st := range doc.Statements {
		for _, b := range st.Condition {
			op, err := policy.ParseOperator(b.Operator.Text)
			if err != nil {
				continue
			}
			for _, e := range b.Entries {
				out = append(out, condEntry{st, b, op, e})
			}
		}
	}
	return out
}

// keyType returns the database type of a condition key, KeyUnknown when
// the key is unknown.
func keyType(db *iamdb.DB, key string) iamdb.KeyType {
	if db == nil {
		return iamdb.KeyUnknown
	}
	if k, ok := db.ConditionKey(key); ok {
		return k.Type
	}
	return iamdb.KeyUnknown
}

// exposureOf is the exposure of a statement's grant.
func exposureOf(st *policy.Statement) check.Exposure {
	return check.Exposure{AllResources: isStar(st.Resource) || st.NotResource != nil, Conditioned: len(st.Condition) > 0}
}

// mfaKeys are the keys that establish multi-factor authentication.
var mfaKeys = []string{"aws:MultiFactorAuthPresent", "aws:MultiFactorAuthAge"}

// sensitiveIAMActions are identity-administration actions that should
// require MFA (PMapper's sensitive actions; Trivy AWS-0123).
var sensitiveIAMActions = []string{"iam:CreateUser", "iam:DeleteUser", "iam:CreateAccessKey", "iam:CreateLoginProfile", "iam:UpdateLoginProfile",
	"iam:AttachUserPolicy", "iam:AttachRolePolicy", "iam:AttachGroupPolicy", "iam:PutUserPolicy", "iam:PutRolePolicy", "iam:PutGroupPolicy",
	"iam:CreatePolicyVersion", "iam:UpdateAssumeRolePolicy", "iam:AddUserToGroup", "iam:DeactivateMFADevice", "organizations:LeaveOrganization"}

// privateRanges are the RFC 1918 ranges; requests from them reach AWS
// through a VPC endpoint, where aws:SourceIp is not set.
var privateRanges = []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("172.16.0.0/12"), netip.MustParsePrefix("192.168.0.0/16")}

// parseIPValue parses an IP condition value: an address or a CIDR block.
func parseIPValue(s string) (netip.Prefix, error) {
	if strings.Contains(s, "/") {
		return netip.ParsePrefix(s)
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Prefix{}, err
	}
	return netip.PrefixFrom(a, a.BitLen()), nil
}

func isPrivate(pfx netip.Prefix) bool {
	for _, r := range privateRanges {
		if r.Bits() <= pfx.Bits() && r.Contains(pfx.Addr()) {
			return true
		}
	}
	return false
}

var (
	vpcID  = regexp.MustCompile(`^vpc-([0-9a-f]{8}|[0-9a-f]{17})$`)
	vpceID = regexp.MustCompile(`^vpce-([0-9a-f]{8}|[0-9a-f]{17})$`)
)

// tagKey reports whether key is a tag condition key.
func tagKey(key string) bool {
	l := strings.ToLower(key)
	return strings.Contains(l, ":resourcetag/") || strings.Contains(l, ":requesttag/") || strings.HasSuffix(l, ":tagkeys")
}

// conditionRule completes a condition rule's metadata with its category.
func conditionRule(r check.Rule) *check.Rule {
	r.Category = check.CategoryCondition
	return &r
}

func conditionRules() []*check.Rule {
	ident, res := policy.KindIdentity, policy.KindResource
	stmt := func(cond string) string {
		return `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::example-reports/*","Condition":` + cond + `}]}`
	}
	bucketPolicy := func(extra string) string {
		return `{"Version":"2012-10-17","Statement":[{"Sid":"ReadReports","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:role/reporting"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::example-reports/*"}` + extra + `]}`
	}
	tlsDeny := `,{"Sid":"TLSOnly","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::example-reports","arn:aws:s3:::example-reports/*"],"Condition":{"Bool":{"aws:SecureTransport":"false"}}}`
	return []*check.Rule{
		conditionRule(check.Rule{
			ID: "AEG-COND-001", Severity: check.SeverityMedium,
			Title:       "Set operator on a single-valued key",
			Description: "ForAllValues and ForAnyValue compare sets; on a single-valued key such as aws:SourceIp or aws:PrincipalOrgID they are at best redundant, and ForAllValues also matches when the key is absent, so an Allow matches requests that lack it.",
			Remediation: "Drop the ForAllValues:/ForAnyValue: prefix",
			References:  []string{refMultiValued, "Access Analyzer FORALLVALUES_WITH_SINGLE_VALUED_KEY", "Parliament SINGLE_VALUE_CONDITION_TOO_PERMISSIVE"},
			Controls:    ctrls("nist AC-3"),
			Bad:         []check.Example{{Kind: ident, Policy: stmt(`{"ForAllValues:StringEquals":{"aws:PrincipalOrgID":"o-a1b2c3d4e5"}}`)}},
			Good:        []check.Example{{Kind: ident, Policy: stmt(`{"StringEquals":{"aws:PrincipalOrgID":"o-a1b2c3d4e5"},"ForAllValues:StringEquals":{"aws:TagKeys":["team"]}}`)}},
			Run: func(p *check.Pass) {
				for _, c := range conditionEntries(p) {
					t := keyType(p.DB, c.entry.Key.Text)
					if c.op.Qualifier == policy.QualifierNone || t == iamdb.KeyUnknown || t.IsArray() {
						continue
					}
					plain := policy.Operator{Base: c.op.Base, IfExists: c.op.IfExists}
					c.report(p, c.block.Operator.Pos, fmt.Sprintf("%s is single-valued, but %s treats it as a set%s", c.entry.Key.Text, c.block.Operator.Text, forAllNote(c.op)),
						fmt.Sprintf(`Replace %q with %q: {%q: {%q: %s}}.`, c.block.Operator.Text, plain.String(), plain.String(), c.entry.Key.Text, jsonValues(c.entry.Values)))
				}
			},
		}),
		conditionRule(check.Rule{
			ID: "AEG-COND-002", Severity: check.SeverityMedium,
			Title:       "ForAllValues without a Null check",
			Description: "ForAllValues is true when the request carries no value for the key, so an Allow on ForAllValues:… aws:TagKeys also matches requests that send no tags at all.",
			Remediation: "Add a Null condition requiring the key",
			References:  []string{refMultiValued, "Access Analyzer EMPTY_ARRAY_CONDITION_FORALLVALUES"},
			Controls:    ctrls("nist AC-3"),
			Bad:         []check.Example{{Kind: ident, Policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ec2:CreateTags","Resource":"*","Condition":{"ForAllValues:StringEquals":{"aws:TagKeys":["team","env"]}}}]}`}},
			Good:        []check.Example{{Kind: ident, Policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ec2:CreateTags","Resource":"*","Condition":{"ForAllValues:StringEquals":{"aws:TagKeys":["team","env"]},"Null":{"aws:TagKeys":"false"}}}]}`}},
			Run: func(p *check.Pass) {
				for _, c := range conditionEntries(p) {
					if c.st.Effect != policy.EffectAllow || c.op.Qualifier != policy.QualifierForAllValues || c.op.Base.IsNegated() || !keyType(p.DB, c.entry.Key.Text).IsArray() || nullChecked(c.st, c.entry.Key.Text) {
						continue
					}
					c.report(p, c.block.Operator.Pos, fmt.Sprintf("%s also matches requests without %s", c.block.Operator.Text, c.entry.Key.Text),
						fmt.Sprintf(`Add {"Null": {%q: "false"}} to the statement's Condition.`, c.entry.Key.Text))
				}
			},
		}),
		conditionRule(check.Rule{
			ID: "AEG-COND-003", Severity: check.SeverityMedium,
			Title:       "MFA condition that does not test MFA",
			Description: `aws:MultiFactorAuthPresent is absent for long-term access keys. "Bool": false in an Allow grants to sessions without MFA; "Null": false only says the key is present; a Deny on "Bool": false (without IfExists) never applies to access keys.`,
			Remediation: `Allow with {"Bool": {"aws:MultiFactorAuthPresent": "true"}}, or deny with {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}}`,
			References:  []string{"https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-multifactorauthpresent", "Parliament BAD_PATTERN_FOR_MFA"},
			Controls:    ctrls("nist IA-2(1)", "pci 8.4.2"),
			Bad: []check.Example{
				{Kind: ident, Note: "Null used as MFA check", Policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:*","Resource":"*","Condition":{"Null":{"aws:MultiFactorAuthPresent":"false"}}}]}`},
				{Kind: ident, Note: "Deny without IfExists", Policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ec2:*","Resource":"*"},{"Effect":"Deny","Action":"ec2:TerminateInstances","Resource":"*","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"false"}}}]}`},
			},
			Good: []check.Example{{Kind: ident, Policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ec2:*","Resource":"*"},{"Effect":"Deny","Action":"ec2:TerminateInstances","Resource":"*","Condition":{"BoolIfExists":{"aws:MultiFactorAuthPresent":"false"}}}]}`}},
			Run: func(p *check.Pass) {
				for _, c := range conditionEntries(p) {
					if !c.is("aws:MultiFactorAuthPresent") || !hasValue(c.entry.Values, "false") {
						continue
					}
					var msg, fix string
					switch {
					case c.op.Base == policy.OpNull && c.st.Effect == policy.EffectAllow:
						msg, fix = `"Null": false only says the key is present; sessions without MFA carry it as "false"`, `Replace it with {"Bool": {"aws:MultiFactorAuthPresent": "true"}}.`
					case c.op.Base == policy.OpBool && c.st.Effect == policy.EffectAllow:
						msg, fix = "the Allow applies to sessions authenticated without MFA", `Use {"Bool": {"aws:MultiFactorAuthPresent": "true"}} to require MFA.`
					case c.op.Base == policy.OpBool && c.st.Effect == policy.EffectDeny && !c.op.IfExists:
						msg, fix = "long-term access keys carry no aws:MultiFactorAuthPresent, so this Deny never applies to them", `Replace "Bool" with "BoolIfExists": {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}}.`
					default:
						continue
					}
					c.report(p, c.entry.Key.Pos, msg, fix)
				}
			},
		}),
		conditionRule(check.Rule{
			ID: "AEG-COND-004", Severity: check.SeverityMedium,
			Title:       "Sensitive identity actions without MFA",
			Description: "Creating users and access keys, attaching policies, changing trust or deactivating MFA are allowed without requiring multi-factor authentication, so a leaked access key is enough.",
			Remediation: "Require MFA for identity administration",
			References:  []string{"https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_mfa_configure-api-require.html", "PMapper sensitive actions without MFA", "Trivy AWS-0123"},
			Controls:    ctrls("nist IA-2(1) IA-2(2)", "pci 8.4.1 8.4.2", "hipaa 164.312(d)"),
			Kinds:       identityKinds(),
			Bad:         []check.Example{{Kind: ident, Policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:CreateUser","iam:AttachUserPolicy"],"Resource":"*"}]}`}},
			Good:        []check.Example{{Kind: ident, Policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:CreateUser","iam:AttachUserPolicy"],"Resource":"*","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}}]}`}},
			Run: func(p *check.Pass) {
				e := newEngine(p)
				if e == nil {
					return
				}
				noMFA := func(g *grant) bool { return !hasConditionKey(g.conditions, mfaKeys...) }
				reportGroups(p, e.broadGrants(sensitiveIAMActions, noMFA), func(names []string, g *grant) (string, string) {
					return fmt.Sprintf("%s allowed %s without requiring MFA", strings.Join(names, ", "), g.where()),
						fmt.Sprintf(`Add {"Bool": {"aws:MultiFactorAuthPresent": "true"}} to the statement granting %s (or move them to a role assumed with MFA).`, summarize(names, 3))
				})
			},
		}),
		conditionRule(check.Rule{
			ID: "AEG-COND-005", Severity: check.SeverityMedium,
			Title:       "Condition key without its partner key",
			Description: "aws:VpcSourceIp holds an address inside some VPC; without aws:SourceVpc or aws:SourceVpce the same private address from any VPC — including another account's — passes.",
			Remediation: "Add the partner key to the same statement",
			References:  []string{"https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-vpcsourceip", "Access Analyzer MISSING_PAIRED_CONDITION_KEYS"},
			Controls:    ctrls("nist AC-3"),
			Bad:         []check.Example{{Kind: ident, Policy: stmt(`{"IpAddress":{"aws:VpcSourceIp":"10.1.0.0/16"}}`)}},
			Good:        []check.Example{{Kind: ident, Policy: stmt(`{"IpAddress":{"aws:VpcSourceIp":"10.1.0.0/16"},"StringEquals":{"aws:SourceVpc":"vpc-1a2b3c4d"}}`)}},
			Run: func(p *check.Pass) {
				for _, c := range conditionEntries(p) {
					if c.is("aws:VpcSourceIp") && !hasAnyKey(conditionKeys(c.st), "aws:sourcevpc", "aws:sourcevpce") {
						c.report(p, c.entry.Key.Pos, "aws:VpcSourceIp is tested without aws:SourceVpc or aws:SourceVpce, so the address may come from any VPC",
							`Add {"StringEquals": {"aws:SourceVpc": "vpc-XXXXXXXX"}} to the same statement.`)
					}
				}
			},
		}),
		conditionRule(check.Rule{
			ID: "AEG-COND-006", Severity: check.SeverityHigh,
			Title:       "Deny on a tag key some actions do not carry",
			Description: "A Deny conditioned on a tag key applies only to actions whose requests carry that key; for the others the condition is false and nothing is denied (fail-open).",
			Remediation: "Split the Deny so tag conditions cover only actions that support them",
			References:  []string{"https://docs.aws.amazon.com/IAM/latest/UserGuide/access_tags.html", "Access Analyzer DENY_WITH_UNSUPPORTED_TAG_CONDITION_KEY_FOR_SERVICE"},
			Controls:    ctrls("nist AC-3 AC-6"),
			Bad:         []check.Example{{Kind: ident, Policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ec2:*","Resource":"*"},{"Effect":"Deny","Action":["ec2:TerminateInstances","ec2:DeleteKeyPair","ec2:DescribeInstances"],"Resource":"*","Condition":{"StringEquals":{"aws:ResourceTag/env":"prod"}}}]}`}},
			Good:        []check.Example{{Kind: ident, Policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ec2:*","Resource":"*"},{"Effect":"Deny","Action":"ec2:TerminateInstances","Resource":"*","Condition":{"StringEquals":{"aws:ResourceTag/env":"prod"}}}]}`}},
			Run: func(p *check.Pass) {
				fs := statementFacts(p)
				for _, c := range conditionEntries(p) {
					if c.st.Effect != policy.EffectDeny || c.op.IfExists || c.op.Base.IsNegated() || c.op.Base == policy.OpNull || !tagKey(c.entry.Key.Text) {
						continue
					}
					missing := unsupportedFor(p.DB, fs[c.st.Index], c.entry.Key.Text)
					if len(missing) > 0 {
						c.report(p, c.entry.Key.Pos, fmt.Sprintf("%s is not carried by %d denied %s (%s), so the Deny does not apply to %s", c.entry.Key.Text, len(missing), actionsWord(len(missing)), summarize(missing, 4), pronoun(len(missing))),
							fmt.Sprintf("Move %s to a separate Deny without the %s condition, or with a condition they support.", summarize(missing, 3), c.entry.Key.Text))
					}
				}
			},
		}),
		conditionRule(check.Rule{
			ID: "AEG-COND-007", Severity: check.SeverityLow,
			Title:       "Condition key the actions do not support",
			Description: "No request of the statement's actions carries the service condition key, so the Allow never matches for them (the condition is always false).",
			Remediation: "Use a key the actions support, or move the actions to another statement",
			References:  []string{refActions, "Parliament UNKNOWN_CONDITION_FOR_ACTION", "Access Analyzer ALLOW_WITH_UNSUPPORTED_TAG_CONDITION_KEY_FOR_SERVICE"},
			Bad:         []check.Example{{Kind: ident, Policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"StringEquals":{"ec2:InstanceType":"t3.micro"}}}]}`}},
			Good:        []check.Example{{Kind: ident, Policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ec2:RunInstances","Resource":"*","Condition":{"StringEquals":{"ec2:InstanceType":"t3.micro"}}}]}`}},
			Run: func(p *check.Pass) {
				fs := statementFacts(p)
				for _, c := range conditionEntries(p) {
					if c.st.Effect != policy.EffectAllow || c.op.IfExists || c.op.Base.IsNegated() || c.op.Base == policy.OpNull || c.st.NotAction != nil {
						continue
					}
					missing := unsupportedFor(p.DB, fs[c.st.Index], c.entry.Key.Text)
					if len(missing) == 0 || len(missing) < len(fs[c.st.Index].actions()) && !tagKey(c.entry.Key.Text) {
						continue // a key some actions carry narrows those; AWS's own policies mix them
					}
					c.report(p, c.entry.Key.Pos, fmt.Sprintf("%s is not carried by %s, so the statement never allows %s", c.entry.Key.Text, summarize(missing, 4), pronoun(len(missing))),
						fmt.Sprintf("Use a condition key of %s (see its Service Authorization Reference page), or move %s to a statement without this condition.", summarize(missing, 1), summarize(missing, 3)))
				}
			},
		}),
		conditionRule(check.Rule{
			ID: "AEG-COND-008", Severity: check.SeverityMedium,
			Title:       "Wildcard with an exact-match operator",
			Description: "StringEquals compares literally: a '*' or '?' in the value matches only that character, so an Allow never matches and a Deny never fires. (ArnEquals, unlike StringEquals, matches wildcards.)",
			Remediation: "Use StringLike for patterns",
			References:  []string{refOperators, "Access Analyzer WILDCARD_WITHOUT_LIKE_OPERATOR"},
			Controls:    ctrls("nist AC-3"),
			Bad:         []check.Example{{Kind: ident, Policy: stmt(`{"StringEquals":{"aws:PrincipalTag/team":"data-*"}}`)}},
			Good: []check.Example{
				{Kind: ident, Policy: stmt(`{"StringLike":{"aws:PrincipalTag/team":"data-*"}}`)},
				{Kind: ident, Note: "ArnEquals matches wildcards", Policy: stmt(`{"ArnEquals":{"aws:PrincipalArn":"arn:aws:iam::123456789012:role/reporting-*"}}`)},
			},
			Run: func(p *check.Pass) {
				for _, c := range conditionEntries(p) {
					like := likeOperator(c.op.Base)
					if like == policy.OpInvalid {
						continue
					}
					for _, v := range c.entry.Values.Values {
						if hasWildcard(strings.ReplaceAll(v.Text, "${*}", "")) {
							fixed := c.op
							fixed.Base = like
							c.report(p, v.Pos, fmt.Sprintf("%q contains a wildcard, but %s compares literally", v.Text, c.block.Operator.Text),
								fmt.Sprintf(`Replace %q with %q.`, c.block.Operator.Text, fixed.String()))
						}
					}
				}
			},
		}),
		conditionRule(check.Rule{
			ID: "AEG-COND-009", Severity: check.SeverityMedium,
			Title:       "Null or set-qualifier misuse",
			Description: "Null tests presence and takes no ForAllValues/ForAnyValue prefix; a multivalued key such as aws:TagKeys compared without a set qualifier does not compare as a set.",
			Remediation: "Use Null alone; compare multivalued keys with ForAllValues or ForAnyValue",
			References:  []string{refMultiValued, "Access Analyzer NULL_WITH_QUALIFIER, MISSING_QUALIFIER"},
			Bad: []check.Example{
				{Kind: ident, Note: "multivalued key without qualifier", Policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ec2:CreateTags","Resource":"*","Condition":{"StringEquals":{"aws:TagKeys":["team"]}}}]}`},
				{Kind: ident, Note: "Null with qualifier", Policy: stmt(`{"ForAnyValue:Null":{"aws:TagKeys":"false"}}`)},
			},
			Good: []check.Example{{Kind: ident, Policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ec2:CreateTags","Resource":"*","Condition":{"ForAllValues:StringEquals":{"aws:TagKeys":["team"]},"Null":{"aws:TagKeys":"false"}}}]}`}},
			Run: func(p *check.Pass) {
				for _, c := range conditionEntries(p) {
					switch {
					case c.op.Base == policy.OpNull && c.op.Qualifier != policy.QualifierNone:
						c.report(p, c.block.Operator.Pos, fmt.Sprintf("%s: Null takes no set qualifier", c.block.Operator.Text),
							fmt.Sprintf(`Write {"Null": {%q: %s}}.`, c.entry.Key.Text, jsonValues(c.entry.Values)))
					case c.op.Base != policy.OpNull && c.op.Qualifier == policy.QualifierNone && keyType(p.DB, c.entry.Key.Text).IsArray():
						c.report(p, c.block.Operator.Pos, fmt.Sprintf("%s is multivalued but %s compares it without ForAllValues or ForAnyValue", c.entry.Key.Text, c.block.Operator.Text),
							fmt.Sprintf(`Write {"ForAllValues:%s": {%q: %s}} (every value allowed) or "ForAnyValue:%s" (at least one).`, c.block.Operator.Text, c.entry.Key.Text, jsonValues(c.entry.Values), c.block.Operator.Text))
					}
				}
			},
		}),
		conditionRule(check.Rule{
			ID: "AEG-COND-010", Severity: check.SeverityMedium,
			Title:       "aws:SourceIp tested against private addresses",
			Description: "Requests from private (RFC 1918) addresses reach AWS through VPC endpoints, where aws:SourceIp is not set: IpAddress on private ranges never matches and NotIpAddress always does. A list mixing public and private ranges is reported as low.",
			Remediation: "Use aws:VpcSourceIp with aws:SourceVpc, or aws:SourceVpce, for private networks",
			References:  []string{"https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-sourceip", "Access Analyzer PRIVATE_IP_ADDRESS, PRIVATE_NOT_IP_ADDRESS"},
			Bad:         []check.Example{{Kind: ident, Policy: stmt(`{"IpAddress":{"aws:SourceIp":["10.0.0.0/8","192.168.1.0/24"]}}`)}},
			Good:        []check.Example{{Kind: ident, Policy: stmt(`{"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}}`)}},
			Run: func(p *check.Pass) {
				for _, c := range conditionEntries(p) {
					if !c.is("aws:SourceIp") || operatorType(c.op.Base) != iamdb.KeyIPAddress {
						continue
					}
					var private []string
					for _, v := range c.entry.Values.Values {
						if pfx, err := parseIPValue(v.Text); err == nil && isPrivate(pfx) {
							private = append(private, v.Text)
						}
					}
					if len(private) == 0 {
						continue
					}
					sev := p.Rule().Severity
					if len(private) < len(c.entry.Values.Values) {
						sev = check.SeverityLow
					}
					c.reportSeverity(p, sev, c.entry.Key.Pos, fmt.Sprintf("aws:SourceIp is never a private address, so %s never matches for them", strings.Join(private, ", ")),
						fmt.Sprintf(`Replace the private ranges with {"IpAddress": {"aws:VpcSourceIp": [%s]}, "StringEquals": {"aws:SourceVpc": "vpc-XXXXXXXX"}}.`, quoteJoin(private)))
				}
			},
		}),
		conditionRule(check.Rule{
			ID: "AEG-COND-011", Severity: check.SeverityLow,
			Title:       "Malformed network condition value",
			Description: "An IP operator value must be an address or a CIDR block (host bits zero), aws:SourceVpc a vpc- ID and aws:SourceVpce a vpce- ID; other values never match.",
			Remediation: "Write the value in the expected format",
			References:  []string{"https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_IPAddress", "Access Analyzer TYPE_MISMATCH_IP_RANGE, IMPROVE_IP_RANGE, INVALID_VPC_FORMAT, INVALID_VPCE_FORMAT"},
			Bad: []check.Example{
				{Kind: ident, Note: "host bits set", Policy: stmt(`{"IpAddress":{"aws:SourceIp":"203.0.113.7/24"}}`)},
				{Kind: ident, Note: "bad VPC ID", Policy: stmt(`{"StringEquals":{"aws:SourceVpc":"vpc-prod"}}`)},
			},
			Good: []check.Example{{Kind: ident, Policy: stmt(`{"IpAddress":{"aws:SourceIp":"203.0.113.0/24"},"StringEquals":{"aws:SourceVpce":"vpce-1a2b3c4d"}}`)}},
			Run:  runNetworkValues,
		}),
		conditionRule(check.Rule{
			ID: "AEG-COND-012", Severity: check.SeverityMedium,
			Title:       "IP restriction that does not restrict, or breaks AWS services",
			Description: "An IpAddress condition on 0.0.0.0/0 or a block wider than /8 admits (nearly) the whole internet. A Deny on NotIpAddress without an aws:ViaAWSService exemption also denies the calls AWS services make on the principal's behalf (CloudFormation, Athena...).",
			Remediation: "Name the networks you trust; exempt AWS service calls in IP Denies",
			References:  []string{"https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_examples_aws_deny-ip.html", "Prowler is_condition_restricting_to_trusted_ips"},
			Controls:    ctrls("nist AC-17 SC-7"),
			Bad: []check.Example{
				{Kind: ident, Note: "whole internet", Policy: stmt(`{"IpAddress":{"aws:SourceIp":"0.0.0.0/0"}}`)},
				{Kind: ident, Note: "Deny without exemption", Policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"NotIpAddress":{"aws:SourceIp":"203.0.113.0/24"}}}]}`},
			},
			Good: []check.Example{{Kind: ident, Policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"NotIpAddress":{"aws:SourceIp":"203.0.113.0/24"},"Bool":{"aws:ViaAWSService":"false"}}}]}`}},
			Run:  runIPScope,
		}),
		conditionRule(check.Rule{
			ID: "AEG-COND-013", Severity: check.SeverityMedium,
			Title:       "Resource policy does not require TLS",
			Description: "The bucket, topic or queue policy has no Deny for aws:SecureTransport false, so clients may send and receive its data over plain HTTP.",
			Remediation: "Add a Deny statement for requests without TLS",
			References:  []string{"https://docs.aws.amazon.com/securityhub/latest/userguide/s3-controls.html#s3-5", "https://repost.aws/knowledge-center/s3-bucket-policy-for-config-rule", "Prowler s3_bucket_secure_transport_policy"},
			Controls:    ctrls("cis 3.1.1", "pci 4.2.1", "hipaa 164.312(c)(1) 164.312(e)(1) 164.312(e)(2)(i) 164.312(e)(2)(ii)", "nist AC-17(2) AC-4 IA-5(1) SC-7(4) SC-8 SC-8(1) SC-8(2) SC-13 SC-23", "gdpr Art.32"),
			Kinds:       []policy.Kind{res},
			Bad:         []check.Example{{Kind: res, Policy: bucketPolicy("")}},
			Good:        []check.Example{{Kind: res, Policy: bucketPolicy(tlsDeny)}},
			Run:         runSecureTransport,
		}),
		conditionRule(check.Rule{
			ID: "AEG-COND-014", Severity: check.SeverityHigh,
			Title:       "Service principal granted without source conditions",
			Description: "A resource policy grants an AWS service principal access without aws:SourceArn or aws:SourceAccount, so the service can be made to act on this resource for any customer's request (the confused-deputy problem).",
			Remediation: "Add aws:SourceArn and aws:SourceAccount conditions",
			References:  []string{"https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html", "Access Analyzer RESTRICT_ACCESS_TO_SERVICE_PRINCIPAL", "Checkov CKV_AWS_364"},
			Controls:    ctrls("nist AC-3 AC-4", "cis 2.21"),
			Kinds:       []policy.Kind{res},
			Bad:         []check.Example{{Kind: res, Policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"sns.amazonaws.com"},"Action":"sqs:SendMessage","Resource":"arn:aws:sqs:eu-west-1:123456789012:orders"}]}`}},
			Good:        []check.Example{{Kind: res, Policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"sns.amazonaws.com"},"Action":"sqs:SendMessage","Resource":"arn:aws:sqs:eu-west-1:123456789012:orders","Condition":{"ArnEquals":{"aws:SourceArn":"arn:aws:sns:eu-west-1:123456789012:order-events"}}}]}`}},
			Run: func(p *check.Pass) {
				if p.Doc == nil {
					return
				}
				for _, st := range p.Doc.Statements {
					if st.Effect != policy.EffectAllow || st.Principal == nil || st.Principal.Service == nil || hasAnyKey(conditionKeys(st), lowerAll(sourceKeys())...) {
						continue
					}
					for _, v := range st.Principal.Service.Values {
						p.Report(st, v.Pos, "Principal.Service", fmt.Sprintf("%s is granted access without aws:SourceArn or aws:SourceAccount, so a request on behalf of any account's %s resource can make it act here", v.Text, strings.TrimSuffix(v.Text, ".amazonaws.com")),
							fmt.Sprintf(`Add {"ArnLike": {"aws:SourceArn": "arn:aws:%s:REGION:ACCOUNT:RESOURCE"}, "StringEquals": {"aws:SourceAccount": "ACCOUNT"}}.`, strings.TrimSuffix(v.Text, ".amazonaws.com")), exposureOf(st))
					}
				}
			},
		}),
		conditionRule(check.Rule{
			ID: "AEG-COND-015", Severity: check.SeverityMedium,
			Title:       "Any-principal grant without an organization boundary",
			Description: "The resource policy admits every principal (\"*\") and no condition bounds them to your organization, accounts, network or calling service.",
			Remediation: "Bound the grant with aws:PrincipalOrgID",
			References:  []string{"https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalorgid", "Prowler is_condition_block_restrictive_organization", "aws-iam-permissions-guardrails IAM-STS-3"},
			Controls:    ctrls("cis 2.21", "nist AC-3 AC-21"),
			Kinds:       []policy.Kind{res},
			Bad:         []check.Example{{Kind: res, Policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"sqs:SendMessage","Resource":"arn:aws:sqs:eu-west-1:123456789012:orders","Condition":{"Bool":{"aws:SecureTransport":"true"}}}]}`}},
			Good:        []check.Example{{Kind: res, Policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"sqs:SendMessage","Resource":"arn:aws:sqs:eu-west-1:123456789012:orders","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-a1b2c3d4e5"}}}]}`}},
			Run: func(p *check.Pass) {
				if p.Doc == nil {
					return
				}
				for _, st := range p.Doc.Statements {
					if st.Effect != policy.EffectAllow || !anyPrincipal(st.Principal) || hasAnyKey(conditionKeys(st), lowerAll(restrictiveKeys())...) {
						continue
					}
					p.Report(st, st.Principal.Pos, "Principal", "every principal of every account is admitted, with no condition bounding them to your organization or accounts",
						`Add {"StringEquals": {"aws:PrincipalOrgID": "o-XXXXXXXXXX"}} to the statement's Condition.`, exposureOf(st))
				}
			},
		}),
	}
}

// anyPrincipal reports whether a principal is "*" or {"AWS": "*"}.
func anyPrincipal(pr *policy.Principal) bool {
	return pr != nil && (pr.Wildcard || isStar(pr.AWS))
}

// forAllNote adds the absent-key pitfall to ForAllValues messages.
func forAllNote(op policy.Operator) string {
	if op.Qualifier == policy.QualifierForAllValues && !op.Base.IsNegated() {
		return ", and also matches when the request lacks the key"
	}
	return ""
}

// jsonValues writes a condition's values as JSON.
func jsonValues(l *policy.List) string {
	if l.Len() == 1 {
		return fmt.Sprintf("%q", l.Values[0].Text)
	}
	return "[" + quoteJoin(l.Strings()) + "]"
}

// hasValue reports whether l holds s (case-insensitive).
func hasValue(l *policy.List, s string) bool {
	for _, v := range l.Values {
		if strings.EqualFold(v.Text, s) {
			return true
		}
	}
	return false
}

// nullChecked reports whether st requires key to be present with
// {"Null": {key: "false"}}.
func nullChecked(st *policy.Statement, key string) bool {
	for _, b := range st.Condition {
		if !strings.EqualFold(b.Operator.Text, "Null") {
			continue
		}
		for _, e := range b.Entries {
			if strings.EqualFold(e.Key.Text, key) && hasValue(e.Values, "false") {
				return true
			}
		}
	}
	return false
}

// unsupportedFor returns the statement's actions that never carry key.
// Global keys (other than the tag keys that apply only where listed) are
// carried by every action, so they are settled without expanding.
func unsupportedFor(db *iamdb.DB, f *facts, key string) []string {
	if db == nil || !knownKey(db, key) {
		return nil
	}
	if k, ok := db.ConditionKey(key); ok && k.Global && !k.ListedOnly {
		return nil
	}
	var out []string
	for _, a := range f.actions() {
		if !db.ConditionKeyValid(a, key) {
			out = append(out, a.FullName())
		}
	}
	return out
}

func pronoun(n int) string {
	if n == 1 {
		return "it"
	}
	return "them"
}

// likeOperator returns the pattern-matching counterpart of an exact
// String operator, or OpInvalid.
func likeOperator(op policy.BaseOperator) policy.BaseOperator {
	switch op {
	case policy.OpStringEquals, policy.OpStringEqualsIgnoreCase:
		return policy.OpStringLike
	case policy.OpStringNotEquals, policy.OpStringNotEqualsIgnoreCase:
		return policy.OpStringNotLike
	}
	// ArnEquals matches wildcards field by field, as ArnLike does.
	return policy.OpInvalid
}

func runNetworkValues(p *check.Pass) {
	for _, c := range conditionEntries(p) {
		switch {
		case operatorType(c.op.Base) == iamdb.KeyIPAddress:
			for _, v := range c.entry.Values.Values {
				pfx, err := parseIPValue(v.Text)
				switch {
				case err != nil:
					c.report(p, v.Pos, fmt.Sprintf("%q is not an IP address or CIDR block", v.Text),
						`Write an address ("203.0.113.7") or a CIDR block ("203.0.113.0/24").`)
				case pfx.Masked() != pfx:
					c.report(p, v.Pos, fmt.Sprintf("%q has host bits set; it means %s", v.Text, pfx.Masked()),
						fmt.Sprintf("Write %q.", pfx.Masked().String()))
				}
			}
		case c.is("aws:SourceVpc") || c.is("aws:SourceVpce"):
			want, pattern := "vpc-", vpcID
			if c.is("aws:SourceVpce") {
				want, pattern = "vpce-", vpceID
			}
			if operatorType(c.op.Base) != iamdb.KeyString || c.op.Base == policy.OpStringLike || c.op.Base == policy.OpStringNotLike {
				continue
			}
			for _, v := range c.entry.Values.Values {
				if !hasVariable(v.Text) && !pattern.MatchString(v.Text) {
					c.report(p, v.Pos, fmt.Sprintf("%q is not a %s ID (%s followed by 8 or 17 hex digits)", v.Text, strings.TrimSuffix(want, "-"), want),
						fmt.Sprintf("Use the ID shown by the VPC console, e.g. %q.", want+"0a1b2c3d4e5f67890"))
				}
			}
		}
	}
}

func runIPScope(p *check.Pass) {
	for _, c := range conditionEntries(p) {
		if !c.is("aws:SourceIp") {
			continue
		}
		switch {
		case c.op.Base == policy.OpIPAddress && c.st.Effect == policy.EffectAllow:
			for _, v := range c.entry.Values.Values {
				if pfx, err := parseIPValue(v.Text); err == nil && pfx.Bits() < 8 {
					c.report(p, v.Pos, fmt.Sprintf("%q admits %s of the address space, so the condition restricts nothing", v.Text, share(pfx)),
						"Replace it with your offices' or NAT gateways' public CIDR blocks.")
				}
			}
		case c.op.Base == policy.OpNotIPAddress && c.st.Effect == policy.EffectDeny && !hasAnyKey(conditionKeys(c.st), "aws:viaawsservice", "aws:calledvia", "aws:principalisawsservice"):
			c.report(p, c.entry.Key.Pos, "this IP Deny also blocks requests AWS services make on the principal's behalf (their source address is the service's)",
				`Add {"Bool": {"aws:ViaAWSService": "false"}} to the Deny's Condition.`)
		}
	}
}

// share describes the fraction of its family's address space pfx covers.
func share(pfx netip.Prefix) string {
	if pfx.Bits() == 0 {
		return "all"
	}
	return fmt.Sprintf("1/%d", 1<<pfx.Bits())
}

// tlsServices are the services whose resource policies should deny
// requests without TLS.
var tlsServices = map[string]bool{"s3": true, "sns": true, "sqs": true}

func runSecureTransport(p *check.Pass) {
	if p.Doc == nil {
		return
	}
	svc := ""
	for _, st := range p.Doc.Statements {
		vals, _ := resourceValues(st)
		for _, v := range vals {
			if a, err := policy.ParseARN(v.Text); err == nil && tlsServices[a.Service] {
				svc = a.Service
			}
		}
	}
	if svc == "" {
		return
	}
	for _, c := range conditionEntries(p) {
		if c.st.Effect == policy.EffectDeny && c.is("aws:SecureTransport") && c.op.Base == policy.OpBool && hasValue(c.entry.Values, "false") {
			return
		}
	}
	var arns []string
	for _, st := range p.Doc.Statements {
		arns = append(arns, st.Resource.Strings()...)
	}
	p.Report(nil, p.Doc.Pos, "Statement", fmt.Sprintf("the %s resource policy has no Deny for aws:SecureTransport false, so requests over plain HTTP are accepted", svc),
		fmt.Sprintf(`Add {"Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*", "Action": "%s:*", "Resource": [%s], "Condition": {"Bool": {"aws:SecureTransport": "false"}}}.`, svc, quoteJoin(uniqueStrings(arns))), check.Exposure{})
}

// lowerAll lower-cases keys for hasAnyKey.
func lowerAll(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = strings.ToLower(s)
	}
	return out
}

func uniqueStrings(ss []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range ss {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

package rules

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/aegis-iam/aegis/backend/check"
	"github.com/aegis-iam/aegis/backend/iamdb"
	"github.com/aegis-iam/aegis/backend/policy"
)

// One-click fixes: for the findings whose remediation is mechanical (require
// MFA, deny plain HTTP, pin a service principal to an account, narrow a
// service wildcard, scope "Resource": "*" to ARNs), a rewrite of the
// document that removes the finding. Fixes are keyed by rule ID; each one
// edits the statement the finding points at and leaves the rest of the
// document as it was. The desktop's Validate page offers them as buttons.

// Fix is the mechanical fix of one finding.
type Fix struct {
	RuleID string
	// Label names the change for a button: "Require MFA".
	Label string
	// Param is the value the user must supply (an account ID, an ARN); nil
	// when the fix needs none.
	Param *FixParam
}

// FixParam describes the one value a fix needs.
type FixParam struct {
	Label string
	// Suggestion is a value to start from, taken from the policy when it
	// names one (an account ID in an ARN) or an ARN format to fill in.
	Suggestion string
}

// ErrFixValue marks a value a fix cannot use (a malformed account ID, an
// ARN with a placeholder left in); the message says what is wrong.
var ErrFixValue = errors.New("invalid fix value")

// fixer is one rule's fix: offer decides whether it applies to the finding
// in doc and describes it; apply rewrites doc.
type fixer struct {
	offer func(db *iamdb.DB, doc *policy.Document, st *policy.Statement, f check.Finding) (Fix, bool)
	apply func(db *iamdb.DB, doc *policy.Document, st *policy.Statement, f check.Finding, value string) error
}

var fixers = map[string]fixer{
	"AEG-COND-004":  {offer: offerMFA, apply: applyMFA},
	"AEG-COND-013":  {offer: offerTLS, apply: applyTLS},
	"AEG-COND-014":  {offer: offerSourceAccount, apply: applySourceAccount},
	"AEG-TRUST-007": {offer: offerSourceAccount, apply: applySourceAccount},
	"AEG-WILD-003":  {offer: offerReadOnly, apply: applyReadOnly},
	"AEG-WILD-004":  {offer: offerReadOnly, apply: applyReadOnly},
	"AEG-WILD-006":  {offer: offerScope, apply: applyScope},
	"AEG-WILD-008":  {offer: offerScope, apply: applyScope},
}

// FixFor returns the fix of finding f, which a rule reported on doc, when
// its rule has one and it applies to this statement.
func FixFor(db *iamdb.DB, doc *policy.Document, f check.Finding) (Fix, bool) {
	fx, ok := fixers[f.RuleID]
	if !ok || doc == nil {
		return Fix{}, false
	}
	st, ok := fixStatement(doc, f)
	if !ok {
		return Fix{}, false
	}
	fix, ok := fx.offer(db, doc, st, f)
	fix.RuleID = f.RuleID
	return fix, ok
}

// ApplyFix rewrites doc, in place, so that finding f (reported on doc) is
// gone, and returns the fixed document in canonical form. value is the
// fix's parameter, ignored by fixes without one. A value the fix cannot use
// is an error matching ErrFixValue.
func ApplyFix(db *iamdb.DB, doc *policy.Document, f check.Finding, value string) ([]byte, error) {
	if _, ok := FixFor(db, doc, f); !ok {
		return nil, fmt.Errorf("%s at %d:%d has no one-click fix", f.RuleID, f.Location.Line, f.Location.Column)
	}
	st, _ := fixStatement(doc, f)
	if err := fixers[f.RuleID].apply(db, doc, st, f, strings.TrimSpace(value)); err != nil {
		return nil, err
	}
	return policy.Format(doc), nil
}

// fixStatement returns the finding's statement; nil (and true) for a
// document-level finding.
func fixStatement(doc *policy.Document, f check.Finding) (*policy.Statement, bool) {
	i := f.Location.Statement
	if i < 0 {
		return nil, true
	}
	if i >= len(doc.Statements) {
		return nil, false
	}
	return doc.Statements[i], true
}

// fixAddCondition adds key with values under operator op to st, into the
// operator's block when the statement already has one.
func fixAddCondition(st *policy.Statement, op, key string, values ...string) {
	list := &policy.List{}
	for _, v := range values {
		list.Values = append(list.Values, policy.Value{Text: v})
	}
	entry := &policy.ConditionEntry{Key: policy.Value{Text: key}, Values: list}
	for _, b := range st.Condition {
		if b.Operator.Text == op {
			b.Entries = append(b.Entries, entry)
			return
		}
	}
	st.Condition = append(st.Condition, &policy.ConditionBlock{Operator: policy.Value{Text: op}, Entries: []*policy.ConditionEntry{entry}})
}

func offerMFA(_ *iamdb.DB, _ *policy.Document, st *policy.Statement, _ check.Finding) (Fix, bool) {
	return Fix{Label: "Require MFA"}, st != nil && st.Effect == policy.EffectAllow
}

func applyMFA(_ *iamdb.DB, _ *policy.Document, st *policy.Statement, _ check.Finding, _ string) error {
	fixAddCondition(st, "Bool", "aws:MultiFactorAuthPresent", "true")
	return nil
}

// fixTLSTarget returns the service whose resource policy should deny plain
// HTTP and the resources the policy names, as runSecureTransport decides.
func fixTLSTarget(doc *policy.Document) (string, []string) {
	svc := ""
	var arns []string
	for _, st := range doc.Statements {
		vals, _ := resourceValues(st)
		for _, v := range vals {
			if a, err := policy.ParseARN(v.Text); err == nil && tlsServices[a.Service] {
				svc = a.Service
			}
		}
		arns = append(arns, st.Resource.Strings()...)
	}
	return svc, uniqueStrings(arns)
}

func offerTLS(_ *iamdb.DB, doc *policy.Document, st *policy.Statement, _ check.Finding) (Fix, bool) {
	svc, arns := fixTLSTarget(doc)
	return Fix{Label: "Deny requests without TLS"}, st == nil && svc != "" && len(arns) > 0
}

func applyTLS(_ *iamdb.DB, doc *policy.Document, _ *policy.Statement, _ check.Finding, _ string) error {
	svc, arns := fixTLSTarget(doc)
	sid := "DenyInsecureTransport"
	for n := 2; fixSidTaken(doc, sid); n++ {
		sid = "DenyInsecureTransport" + strconv.Itoa(n)
	}
	res := &policy.List{}
	for _, a := range arns {
		res.Values = append(res.Values, policy.Value{Text: a})
	}
	deny := &policy.Statement{
		Index:     len(doc.Statements),
		Sid:       policy.Value{Text: sid},
		Effect:    policy.EffectDeny,
		Principal: &policy.Principal{Wildcard: true},
		Action:    &policy.List{Values: []policy.Value{{Text: svc + ":*"}}},
		Resource:  res,
	}
	fixAddCondition(deny, "Bool", "aws:SecureTransport", "false")
	doc.Statements = append(doc.Statements, deny)
	return nil
}

func fixSidTaken(doc *policy.Document, sid string) bool {
	for _, st := range doc.Statements {
		if st.Sid.Text == sid {
			return true
		}
	}
	return false
}

var (
	fixAccountID    = regexp.MustCompile(`^[0-9]{12}$`)
	fixAccountInARN = regexp.MustCompile(`^arn:[a-z-]+:[a-z0-9-]*:[a-z0-9-]*:([0-9]{12}):`)
)

// fixAccountSuggestion is the first account ID the document's ARNs name.
func fixAccountSuggestion(doc *policy.Document) string {
	for _, st := range doc.Statements {
		lists := []*policy.List{st.Resource, st.NotResource}
		if st.Principal != nil {
			lists = append(lists, st.Principal.AWS, st.Principal.Federated)
		}
		for _, b := range st.Condition {
			for _, e := range b.Entries {
				lists = append(lists, e.Values)
			}
		}
		for _, l := range lists {
			for _, s := range l.Strings() {
				if m := fixAccountInARN.FindStringSubmatch(s); m != nil {
					return m[1]
				}
			}
		}
	}
	return ""
}

func offerSourceAccount(_ *iamdb.DB, doc *policy.Document, st *policy.Statement, _ check.Finding) (Fix, bool) {
	return Fix{Label: "Restrict to your account (aws:SourceAccount)", Param: &FixParam{Label: "AWS account ID", Suggestion: fixAccountSuggestion(doc)}},
		st != nil && st.Effect == policy.EffectAllow
}

func applySourceAccount(_ *iamdb.DB, _ *policy.Document, st *policy.Statement, _ check.Finding, value string) error {
	if !fixAccountID.MatchString(value) {
		return fmt.Errorf("%w: %q is not an AWS account ID (12 digits)", ErrFixValue, value)
	}
	fixAddCondition(st, "StringEquals", "aws:SourceAccount", value)
	return nil
}

// fixWildcardAt returns the service-wide Action value the finding points at
// ("s3:*") and its service.
func fixWildcardAt(st *policy.Statement, f check.Finding) (int, string) {
	if st == nil || st.Action == nil {
		return -1, ""
	}
	for i, v := range st.Action.Values {
		if v.Pos.Offset == f.Location.Offset && v.Pos.Line == f.Location.Line {
			return i, serviceWide(v.Text)
		}
	}
	return -1, ""
}

// fixReadOnlyList is the read-only subset the finding's remediation names
// (readOnlyPatterns), as action patterns; nil when the service has none.
func fixReadOnlyList(db *iamdb.DB, svc string) []string {
	text := readOnlyPatterns(db, svc)
	if !strings.HasPrefix(text, `"`) {
		return nil
	}
	var out []string
	for _, q := range strings.Split(text, ", ") {
		s, err := strconv.Unquote(q)
		if err != nil {
			return nil
		}
		out = append(out, s)
	}
	return out
}

func offerReadOnly(db *iamdb.DB, _ *policy.Document, st *policy.Statement, f check.Finding) (Fix, bool) {
	i, svc := fixWildcardAt(st, f)
	if i < 0 || svc == "" || db == nil || len(fixReadOnlyList(db, svc)) == 0 {
		return Fix{}, false
	}
	return Fix{Label: fmt.Sprintf("Narrow %s:* to its read-only actions", svc)}, true
}

func applyReadOnly(db *iamdb.DB, _ *policy.Document, st *policy.Statement, f check.Finding, _ string) error {
	i, svc := fixWildcardAt(st, f)
	vals := st.Action.Values
	out := append([]policy.Value{}, vals[:i]...)
	have := map[string]bool{}
	for _, v := range vals {
		have[v.Text] = true
	}
	for _, s := range fixReadOnlyList(db, svc) {
		if !have[s] {
			out = append(out, policy.Value{Text: s})
		}
	}
	st.Action.Values = append(out, vals[i+1:]...)
	return nil
}

// fixPlaceholder matches an ARN format's unfilled part, such as ${Region};
// policy variables (${aws:username}) have a colon and are left alone.
var fixPlaceholder = regexp.MustCompile(`\$\{[A-Za-z]+\}`)

func offerScope(db *iamdb.DB, _ *policy.Document, st *policy.Statement, _ check.Finding) (Fix, bool) {
	if st == nil || st.Effect != policy.EffectAllow || !isStar(st.Resource) || st.Action == nil {
		return Fix{}, false
	}
	suggestion := ""
	if db != nil {
		if first, _, _ := strings.Cut(arnExamples(db, st.Action.Strings()), ", "); first != "" {
			suggestion, _ = strconv.Unquote(first)
		}
	}
	return Fix{Label: "Scope to specific resources", Param: &FixParam{Label: "Resource ARNs (comma-separated)", Suggestion: suggestion}}, true
}

func applyScope(_ *iamdb.DB, _ *policy.Document, st *policy.Statement, _ check.Finding, value string) error {
	list := &policy.List{}
	for _, s := range strings.FieldsFunc(value, func(r rune) bool { return r == ',' || r == ' ' || r == '\n' || r == '\t' }) {
		if p := fixPlaceholder.FindString(s); p != "" {
			return fmt.Errorf("%w: fill in %s in %q", ErrFixValue, p, s)
		}
		if _, err := policy.ParseARN(s); err != nil {
			return fmt.Errorf("%w: %q is not a resource ARN", ErrFixValue, s)
		}
		list.Values = append(list.Values, policy.Value{Text: s})
	}
	if len(list.Values) == 0 {
		return fmt.Errorf("%w: name at least one resource ARN", ErrFixValue)
	}
	st.Resource = list
	return nil
}

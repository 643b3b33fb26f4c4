package policy

import (
	"fmt"
	"strings"
)

// Pos is a position in a policy's source text. Line and Column are 1-based;
// Column counts bytes, as go/token does. The zero Pos means "no position"
// (an element built in code rather than parsed).
type Pos struct {
	Offset int // byte offset, 0-based
	Line   int
	Column int
}

// IsValid reports whether p refers to a place in a source text.
func (p Pos) IsValid() bool { return p.Line > 0 }

func (p Pos) String() string {
	if !p.IsValid() {
		return "-"
	}
	return fmt.Sprintf("%d:%d", p.Line, p.Column)
}

// Kind is the role a policy document plays. It changes which elements are
// required or forbidden (a trust policy needs Principal, an identity policy
// must not have one).
type Kind uint8

const (
	KindAny         Kind = iota // unknown: only the checks common to every kind
	KindIdentity                // attached to a user, group or role
	KindResource                // attached to a resource (bucket, key, queue...)
	KindTrust                   // a role's assume-role policy
	KindSCP                     // service control policy
	KindRCP                     // resource control policy
	KindBoundary                // permissions boundary
	KindSession                 // session policy passed to AssumeRole*/GetFederationToken
	KindVPCEndpoint             // VPC endpoint policy
	// KindAccount is no policy document: an account's credential report,
	// password policy and authorization facts (check.Account), which only
	// the account-hygiene rules read.
	KindAccount
)

var kindNames = [...]string{"any", "identity", "resource", "trust", "scp", "rcp", "boundary", "session", "vpc-endpoint", "account"}

func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return fmt.Sprintf("Kind(%d)", k)
}

// ParseKind maps a policy kind name (as printed by Kind.String,
// case-insensitive) back to its Kind; KindAccount, which is no policy, is
// not among them.
func ParseKind(s string) (Kind, error) {
	for i, n := range kindNames[:KindAccount] {
		if strings.EqualFold(n, s) {
			return Kind(i), nil
		}
	}
	return KindAny, fmt.Errorf("unknown policy kind %q (want one of %s)", s, strings.Join(kindNames[:KindAccount], ", "))
}

// Effect is a statement's Effect element.
type Effect uint8

const (
	EffectUnset Effect = iota
	EffectAllow
	EffectDeny
)

func (e Effect) String() string {
	switch e {
	case EffectAllow:
		return "Allow"
	case EffectDeny:
		return "Deny"
	}
	return ""
}

// ValueKind is the JSON type a scalar was written as. Condition values may be
// strings, numbers or booleans; IAM compares them as strings, but the printer
// writes them back as they were written.
type ValueKind uint8

const (
	ValueString ValueKind = iota
	ValueNumber
	ValueBool
)

// Value is one scalar element with its position. For ValueNumber and
// ValueBool, Text is the literal as written ("10", "true").
type Value struct {
	Text string
	Kind ValueKind
	Pos  Pos
}

// List is an element written as a string or a list of strings (Action,
// Resource, a principal type, a condition key's values). A nil *List means the
// element is absent.
type List struct {
	Pos    Pos // the value's first byte: the string, or the '['
	Values []Value
}

// Strings returns the list's texts.
func (l *List) Strings() []string {
	if l == nil {
		return nil
	}
	out := make([]string, len(l.Values))
	for i, v := range l.Values {
		out[i] = v.Text
	}
	return out
}

// Len is the number of values; 0 for an absent list.
func (l *List) Len() int {
	if l == nil {
		return 0
	}
	return len(l.Values)
}

// Document is a parsed policy document.
type Document struct {
	Pos        Pos
	Version    Value // Text "" when absent
	ID         Value // the Id element; Text "" when absent
	Statements []*Statement
	// StatementList records whether Statement was written as an array
	// (the canonical printer always writes an array).
	StatementList bool
}

// Statement is one entry of a policy's Statement element.
type Statement struct {
	Pos          Pos // the '{'
	Index        int // 0-based position in Document.Statements
	Sid          Value
	Effect       Effect
	EffectPos    Pos
	Principal    *Principal
	NotPrincipal *Principal
	Action       *List
	NotAction    *List
	Resource     *List
	NotResource  *List
	Condition    Condition // nil when absent
}

// Principal is a Principal or NotPrincipal element. "Principal": "*" sets
// Wildcard; {"AWS": "*"} is an AWS list holding "*".
type Principal struct {
	Pos           Pos
	Wildcard      bool
	AWS           *List
	CanonicalUser *List
	Federated     *List
	Service       *List
}

// Condition is a Condition element: operator blocks in source order.
type Condition []*ConditionBlock

// ConditionBlock is one operator of a Condition element with its keys, in
// source order.
type ConditionBlock struct {
	Operator Value // as written, e.g. "ForAnyValue:StringLikeIfExists"
	Entries  []*ConditionEntry
}

// ConditionEntry is one condition key of an operator block with its values.
type ConditionEntry struct {
	Key    Value
	Values *List // values may be strings, numbers or booleans (see Value.Kind)
}

package eval

import (
	"fmt"

	"github.com/aegis-iam/aegis/backend/policy"
)

// Mode selects how context keys missing from a request are treated.
type Mode uint8

const (
	// ModeAWS treats a missing key as absent, as AWS does.
	ModeAWS Mode = iota
	// ModeUnknown treats a missing key as unknown: it may be absent or
	// hold any value. Conditions on it become "allowed if" conditions.
	ModeUnknown
)

// Decision is the outcome of an evaluation.
type Decision uint8

// The decisions. Conditional arises only in ModeUnknown.
const (
	ImplicitDeny Decision = iota
	ExplicitDeny
	Allowed
	Conditional // allowed if Result.Conditions hold
)

var decisionNames = [...]string{"implicit-deny", "explicit-deny", "allowed", "conditional"}

func (d Decision) String() string {
	if int(d) < len(decisionNames) {
		return decisionNames[d]
	}
	return fmt.Sprintf("Decision(%d)", d)
}

// MarshalText writes the decision's name.
func (d Decision) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// Layer is a kind of policy in the evaluation.
type Layer uint8

// The layers, in the order AWS's evaluation flow consults them.
const (
	LayerNone Layer = iota
	LayerRCP
	LayerSCP
	LayerResource
	LayerIdentity
	LayerBoundary
	LayerSession
)

var layerNames = [...]string{"", "rcp", "scp", "resource", "identity", "boundary", "session"}

func (l Layer) String() string {
	if int(l) < len(layerNames) {
		return layerNames[l]
	}
	return fmt.Sprintf("Layer(%d)", l)
}

// MarshalText writes the layer's name.
func (l Layer) MarshalText() ([]byte, error) { return []byte(l.String()), nil }

// Result is a decision with its explanation.
type Result struct {
	Decision Decision
	// DecidedBy is the layer that decided: for an explicit deny the layer
	// of the first denying statement; for an implicit deny the layer that
	// lacked an Allow; for allowed, the layer whose Allow granted access
	// (identity, or resource when a resource-based policy alone grants it).
	DecidedBy Layer
	// Matched lists every statement that applies to the request, in layer
	// order, whatever the decision.
	Matched []Match
	// MissingContext names condition keys absent from the request whose
	// presence could change a matched-or-conditional statement (ModeAWS).
	// It explains; it never changes the decision.
	MissingContext []string
	// Conditions are the unknown conditions an Allow needs to hold, or a
	// Deny needs to fail, for a Conditional decision (ModeUnknown).
	Conditions []ConditionRef
}

// Match is one statement that applies to the request.
type Match struct {
	Layer     Layer
	Level     int // index of the SCP/RCP level, root first; 0 for other layers
	Policy    string
	Statement int // 0-based index in the policy
	Sid       string
	Effect    policy.Effect
	// Conditional marks a statement whose conditions are unknown
	// (ModeUnknown): it applies only if they hold.
	Conditional bool
}

// ConditionRef is an unknown condition a Conditional decision depends on.
type ConditionRef struct {
	Layer     Layer
	Policy    string
	Statement int
	Effect    policy.Effect
	Operator  string
	Key       string
	Values    []string
}

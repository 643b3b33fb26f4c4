package check

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/aegis-iam/aegis/backend/policy"
)

// Control is one compliance control a rule supports, e.g.
// {Framework: "pci-dss-4.0", ID: "7.2.2"}. Framework IDs are those of the
// catalogues in backend/compliance.
type Control struct {
	Framework string `json:"framework"`
	ID        string `json:"id"`
}

// Example is a policy a rule must (Bad) or must not (Good) fire on. One
// registry-wide test runs every example of every rule.
type Example struct {
	Kind   policy.Kind
	Policy string
	// Note says what the example shows; optional.
	Note string
	// Sensitive are the sensitive resources the example is run with (for
	// rules that need them).
	Sensitive []*SensitiveResource
}

// Rule is one validator check: its metadata and the function that runs it.
type Rule struct {
	ID          string // stable, never reused: AEG-<GROUP>-<NNN>
	Category    Category
	Severity    Severity // default severity; a finding may raise or lower it with a reason
	Title       string
	Description string
	Remediation string // the generic fix; findings carry the specific one
	References  []string
	Controls    []Control
	// Kinds restricts the rule to some policy kinds; empty means every
	// policy kind (not policy.KindAccount, which rules must name).
	Kinds []policy.Kind
	// Needs, when set, reports whether an input carries the facts the rule
	// judges (an account rule needs the credential report); on other inputs
	// the rule neither runs nor counts as evaluated.
	Needs func(*Input) bool
	Good  []Example
	Bad   []Example
	// Run inspects the pass's policy and reports findings through it.
	Run func(*Pass)
}

// AppliesTo reports whether the rule runs on policies of kind k.
func (r *Rule) AppliesTo(k policy.Kind) bool {
	if len(r.Kinds) == 0 {
		return k != policy.KindAccount // account facts are no policy
	}
	for _, want := range r.Kinds {
		if want == k {
			return true
		}
	}
	return false
}

// Evaluates reports whether the rule runs on in: the kind fits and the
// input carries what the rule needs.
func (r *Rule) Evaluates(in *Input) bool {
	return r.AppliesTo(in.Kind) && (r.Needs == nil || r.Needs(in))
}

var (
	ruleIDPattern   = regexp.MustCompile(`^AEG-[A-Z]+-[0-9]{3}$`)
	customIDPattern = regexp.MustCompile(`^CUSTOM-[A-Z0-9]+(?:-[A-Z0-9]+)*$`)
)

// Custom reports whether the rule comes from a configuration file (a
// custom check or a guardrail): its ID is CUSTOM-NAME, and it has no
// examples of its own.
func (r *Rule) Custom() bool { return customIDPattern.MatchString(r.ID) }

// validate checks a rule's metadata.
func (r *Rule) validate() error {
	var problems []string
	custom := r.Custom()
	if !custom && !ruleIDPattern.MatchString(r.ID) {
		problems = append(problems, fmt.Sprintf("ID %q does not match AEG-GROUP-NNN or CUSTOM-NAME", r.ID))
	}
	if !r.Category.Valid() {
		problems = append(problems, fmt.Sprintf("category %q is not in the vocabulary", r.Category))
	}
	if r.Severity > SeverityCritical {
		problems = append(problems, "invalid severity")
	}
	for field, v := range map[string]string{"title": r.Title, "description": r.Description, "remediation": r.Remediation} {
		if strings.TrimSpace(v) == "" {
			problems = append(problems, "empty "+field)
		}
	}
	if r.Run == nil {
		problems = append(problems, "no Run function")
	}
	if len(r.Bad) == 0 && !custom {
		problems = append(problems, "no bad example")
	}
	if len(problems) > 0 {
		return fmt.Errorf("rule %s: %s", r.ID, strings.Join(problems, "; "))
	}
	return nil
}

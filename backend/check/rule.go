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
	// Kinds restricts the rule to some policy kinds; empty means every kind.
	Kinds []policy.Kind
	Good  []Example
	Bad   []Example
	// Run inspects the pass's policy and reports findings through it.
	Run func(*Pass)
}

// AppliesTo reports whether the rule runs on policies of kind k.
func (r *Rule) AppliesTo(k policy.Kind) bool {
	if len(r.Kinds) == 0 {
		return true
	}
	for _, want := range r.Kinds {
		if want == k {
			return true
		}
	}
	return false
}

var ruleIDPattern = regexp.MustCompile(`^AEG-[A-Z]+-[0-9]{3}$`)

// validate checks a rule's metadata.
func (r *Rule) validate() error {
	var problems []string
	if !ruleIDPattern.MatchString(r.ID) {
		problems = append(problems, fmt.Sprintf("ID %q does not match AEG-GROUP-NNN", r.ID))
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
	if len(r.Bad) == 0 {
		problems = append(problems, "no bad example")
	}
	if len(problems) > 0 {
		return fmt.Errorf("rule %s: %s", r.ID, strings.Join(problems, "; "))
	}
	return nil
}

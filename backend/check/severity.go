package check

import (
	"fmt"
	"strings"
)

// Severity ranks a finding. The zero value is SeverityInfo.
type Severity uint8

const (
	SeverityInfo Severity = iota
	SeverityLow
	SeverityMedium
	SeverityHigh
	SeverityCritical
)

var severityNames = [...]string{"info", "low", "medium", "high", "critical"}

func (s Severity) String() string {
	if int(s) < len(severityNames) {
		return severityNames[s]
	}
	return fmt.Sprintf("Severity(%d)", s)
}

// ParseSeverity maps "critical", "HIGH", ... to a Severity.
func ParseSeverity(s string) (Severity, error) {
	for i, n := range severityNames {
		if strings.EqualFold(n, s) {
			return Severity(i), nil
		}
	}
	return 0, fmt.Errorf("unknown severity %q (want one of %s)", s, strings.Join(severityNames[:], ", "))
}

// MarshalText writes the severity's name.
func (s Severity) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText reads a severity name.
func (s *Severity) UnmarshalText(b []byte) error {
	v, err := ParseSeverity(string(b))
	if err != nil {
		return err
	}
	*s = v
	return nil
}

// Category is a rule's group, from a fixed vocabulary.
type Category string

// The categories. The vocabulary is fixed: reports, filters and compliance
// mappings depend on it.
const (
	CategorySyntax                     Category = "syntax"
	CategoryWildcard                   Category = "wildcard"
	CategoryCondition                  Category = "condition"
	CategoryPrivilegeEscalation        Category = "privilege-escalation"
	CategoryDataExfiltration           Category = "data-exfiltration"
	CategoryResourceExposure           Category = "resource-exposure"
	CategoryCredentialsExposure        Category = "credentials-exposure"
	CategoryInfrastructureModification Category = "infrastructure-modification"
	CategoryTrust                      Category = "trust"
	CategoryServiceSpecific            Category = "service-specific"
	CategoryAccountHygiene             Category = "account-hygiene"
)

// Categories lists the vocabulary in report order.
var Categories = []Category{
	CategorySyntax, CategoryWildcard, CategoryCondition, CategoryPrivilegeEscalation, CategoryDataExfiltration,
	CategoryResourceExposure, CategoryCredentialsExposure, CategoryInfrastructureModification, CategoryTrust,
	CategoryServiceSpecific, CategoryAccountHygiene,
}

// Valid reports whether c is in the vocabulary.
func (c Category) Valid() bool {
	for _, k := range Categories {
		if k == c {
			return true
		}
	}
	return false
}

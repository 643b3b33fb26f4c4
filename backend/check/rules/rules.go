package rules

import "github.com/aegis-iam/aegis/backend/check"

// All returns every built-in rule, in no particular order (the registry
// sorts). Each call returns fresh values, so callers may not share state
// through them.
func All() []*check.Rule {
	var all []*check.Rule
	for _, group := range groups {
		all = append(all, group()...)
	}
	return all
}

// groups lists one constructor per category file.
var groups = []func() []*check.Rule{syntaxRules, wildcardRules, conditionRules, privescRules, privescGraphRules, trustRules, exposureRules, credentialRules, serviceRules, accountRules, attachedRules}

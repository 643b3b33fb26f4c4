// Package rules holds Aegis IAM's built-in validator checks, one file per
// category of the catalogue (docs/checks.md); account.go holds the
// account-hygiene checks, which judge account facts (check.Account) rather
// than a policy, and attached.go the checks of other groups that need such
// facts (what is attached to whom, the organization's accounts). All returns them; callers build
// a check.Registry from it. Each rule carries good and bad examples that
// rules_test.go runs, so a rule's documentation is also its test.
package rules

// Package rules holds Aegis IAM's built-in validator checks, one file per
// category of the catalogue (docs/checks.md). All returns them; callers build
// a check.Registry from it. Each rule carries good and bad examples that
// rules_test.go runs, so a rule's documentation is also its test.
package rules

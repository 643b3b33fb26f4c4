// Package compliance owns the compliance side of validation: the embedded
// framework catalogues (framework → version → controls) for PCI DSS v4.0,
// the HIPAA Security Rule (45 CFR Part 164 Subpart C), SOX IT general
// controls, GDPR, the CIS Amazon Web Services Foundations Benchmark (v7.0.0
// numbering, older editions as aliases), NIST SP 800-53 Rev. 5 and SOC 2;
// the per-control PASS / FAIL / NOT-APPLICABLE / MANUAL matrix computed from
// a run's findings; and the `.aegis.yaml` configuration file (custom
// frameworks, severity overrides, disabled checks, custom CEL checks,
// guardrails and accepted risks), documented in docs/config.md.
//
// Mappings have one home each. A built-in rule names the controls it
// supports in its check.Rule.Controls; a catalogue or custom framework
// control names the checks that support it in Control.Checks (used by custom
// frameworks and by SOX, whose ITGC domains are mapped by rule group).
// Catalog.Validate rejects a mapping declared in both places.
//
// Control IDs are copied exactly from the standards; titles and summaries
// are this project's own paraphrases. Sources: the CIS benchmark crosswalk
// and control lists in the project research (Prowler compliance files, the
// AWS Security Hub control reference at
// https://docs.aws.amazon.com/securityhub/latest/userguide/iam-controls.html).
// The CEL expressions of custom checks and the guardrail decisions are
// compiled and evaluated by backend/check; this package only carries and
// validates their shape.
package compliance

// Package check is the validator framework: rule metadata (stable ID, fixed
// category vocabulary, severity, title, description, remediation,
// references, compliance controls, good and bad examples), findings located
// in the original input, an explicit Registry value that runs rules over a
// policy, and the 0–100 risk score.
//
// Rules themselves live in backend/check/rules; this package knows nothing of
// any particular rule. The catalogue the rules implement is described in
// docs/checks.md, and the score formula in Score's documentation.
package check

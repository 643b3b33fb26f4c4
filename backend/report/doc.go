// Package report owns the one neutral model of a validation run (Report:
// the tool, the clock reading, every policy's findings and risk score, the
// totals over the whole input, the compliance matrix and notes) and the
// writers that render it: a terminal table, a versioned JSON document
// (docs/report-schema.md), SARIF 2.1.0 for GitHub code scanning, Markdown for
// pull-request comments and a self-contained HTML page.
//
// The CLI, the desktop app and the MCP server validate through Run (which
// runs the rule registry with a configuration's options and accepted risks,
// scores and computes the compliance matrix) or assemble a Report with New,
// and hand it to Write. Writers only render: they never run checks or score.
//
// SARIF 2.1.0: https://docs.oasis-open.org/sarif/sarif/v2.1.0/sarif-v2.1.0.html
// GitHub's SARIF support:
// https://docs.github.com/en/code-security/code-scanning/integrating-with-code-scanning/sarif-support-for-code-scanning
package report

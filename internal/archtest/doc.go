// Package archtest holds the architecture tests: it enforces the dependency
// direction table of DESIGN.md §1 on every package of the module, so the pure
// core never grows an import of an adapter library (Wails, the AWS SDK,
// bbolt, mcp-go) and adapters stay at the edge.
package archtest

// Package mcp serves Aegis IAM's engines over the Model Context Protocol
// (github.com/mark3labs/mcp-go): the IAM database, the evaluator and the
// validator as read-only tools with input and output schemas, and the check
// reference and compliance catalogues as resources. `aegis mcp serve` runs
// it over stdio, or over streamable HTTP on the loopback interface behind a
// bearer token (see docs/mcp.md).
//
// Every tool is read-only: nothing here changes an AWS account or a file.
// Tool inputs are untrusted: sizes are bounded and every policy is parsed by
// the same parser as everywhere else.
package mcp

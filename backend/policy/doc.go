// Package policy owns the AWS IAM policy language: the document model
// (Document, Statement, Principal, Condition), a JSON parser that keeps the
// line, column and byte offset of every element and reports every syntax
// problem as a sorted ErrorList, a canonical printer, ARN parsing and the
// wildcard patterns used by Action and Resource elements.
//
// Grammar: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html
// Elements: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements.html
//
// The package does no I/O and imports only the standard library.
package policy

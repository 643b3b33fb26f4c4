// Package policy owns the AWS IAM policy language: the document model
// (Document, Statement, Principal, Condition), a JSON parser that keeps the
// line, column and byte offset of every element and reports every syntax
// problem as a sorted ErrorList, a canonical printer, ARN parsing and the
// wildcard patterns used by Action and Resource elements.
//
// Grammar: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html
// Elements: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements.html
//
// Parse is a hand-written JSON scanner (scan.go) under a policy-grammar
// layer (parse.go): one pass, no intermediate tree, strings without escapes
// shared with the source. It reports every problem it can follow past, each
// with a stable Code (CodeSyntax, CodeDuplicateKey, ...), and is bounded on
// hostile input: MaxSize bytes, 32 levels of nesting, 100 errors, quoted
// text clipped in messages. Format prints the canonical form; Parse and
// Format are a fixed point (tested on every AWS managed policy and fuzzed).
//
// The package does no I/O and imports only the standard library.
package policy

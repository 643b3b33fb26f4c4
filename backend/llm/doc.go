// Package llm connects Aegis to a language model: Amazon Bedrock's Converse
// API (https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_Converse.html,
// with tool use and ConverseStream) and any OpenAI-compatible chat-completions
// endpoint (for a local model such as one served by Ollama). On top of a
// provider-neutral message model it runs an agent loop in which the model may
// only call tools backed by the engines, and it implements generate.Advisor.
//
// The model never decides what is granted: it proposes an intent through a
// tool, the caller's engine checks it and builds the policy. Text that comes
// from a user, an account or a policy is untrusted input to the model; it is
// sent as marked data, optionally with account IDs and ARNs replaced by
// placeholders, and the exact payload can be previewed before anything is
// sent. This package holds no IAM policy logic.
package llm

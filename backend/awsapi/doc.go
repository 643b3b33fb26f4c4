// Package awsapi is Aegis IAM's adapter to AWS through aws-sdk-go-v2.
//
// This part owns the named profiles of the shared config and credentials
// files (https://docs.aws.amazon.com/sdkref/latest/guide/file-format.html):
// listing and classifying them without ever exposing a secret, resolving a
// profile's credentials the way the SDK and CLI do (static keys, assume-role
// chains with source_profile or credential_source, mfa_serial, IAM Identity
// Center through sso-session or the legacy sso_* keys, credential_process,
// web identity), checking them with STS GetCallerIdentity, and the IAM
// Identity Center device sign-in
// (https://docs.aws.amazon.com/singlesignon/latest/OIDCAPIReference/) that
// writes the token cache the SDK's SSO provider reads.
//
// Nothing here prompts on a terminal: a missing MFA code or an expired SSO
// token is a typed error the caller turns into a question for the user.
package awsapi

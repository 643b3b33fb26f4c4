// Package cloudtrail turns CloudTrail log files, as a trail delivers them to
// S3, into usage rows: one per (principal, IAM action, outcome) with a
// count and the first and last time seen, plus the coverage of the logs per
// account, region and day (audit.Usage).
//
// Files are read in parallel, each through gzip and a token-streaming JSON
// scanner that decodes only the members usage needs and skips the rest
// (requestParameters, responseElements…), so memory does not grow with the
// size or number of files. Events are attributed to the IAM user, role or
// root behind them (role sessions through sessionContext.sessionIssuer),
// deduplicated by eventID, and mapped to IAM actions with the IAM
// database's CloudTrail tables (iamdb.DB.Event). docs/cloudtrail.md gives
// the rules; the record format is
// https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-record-contents.html.
package cloudtrail

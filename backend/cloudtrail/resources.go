package cloudtrail

import (
	"bytes"
	"slices"
)

// The resources a call acted on, as far as its record names them
// reliably: the resources array
// (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-record-contents.html)
// and the requestParameters members that name one resource unambiguously.
// An S3 object is generalised to its bucket's objects (arn:…:s3:::BUCKET/*)
// so that a trail of many keys gives one pattern. The analysis keeps, per
// action, only the ARNs that name one of the action's resource types, and
// trusts a row's resources only when every call's record gave some.

// resourceARNs appends the call's resource ARNs to dst (deduplicated,
// sorted), in partition, for calls made in the record's region to its
// recipient account. The ARNs are written in buf, which is returned for
// reuse: in the steady state nothing is allocated.
func resourceARNs(dst [][]byte, buf []byte, r *record, partition []byte) ([][]byte, []byte) {
	add := func(parts ...[]byte) {
		start := len(buf)
		for _, p := range parts {
			buf = append(buf, p...)
		}
		arn := buf[start:]
		for _, d := range dst {
			if bytes.Equal(d, arn) {
				buf = buf[:start]
				return
			}
		}
		dst = append(dst, arn)
	}
	arnOf := func(service string, resource ...[]byte) {
		add(append([][]byte{[]byte("arn:"), partition, []byte(":" + service + ":"), r.Region, []byte(":"), r.Recipient, []byte(":")}, resource...)...)
	}
	for _, arn := range r.Resources {
		if bucket, ok := s3Object(arn); ok && validName(bucket) {
			add(bucket, []byte("/*"))
		} else if isARN(arn) {
			add(arn)
		}
	}
	p := &r.Params
	switch string(r.EventSource) {
	case "s3.amazonaws.com":
		if validName(p.BucketName) && !bytes.ContainsRune(p.BucketName, '/') {
			if len(p.Key) > 0 {
				add([]byte("arn:"), partition, []byte(":s3:::"), p.BucketName, []byte("/*"))
			} else {
				add([]byte("arn:"), partition, []byte(":s3:::"), p.BucketName)
			}
		}
	case "sqs.amazonaws.com":
		if region, account, name, ok := queueURL(p.QueueURL); ok {
			if region == nil {
				region = r.Region
			}
			add([]byte("arn:"), partition, []byte(":sqs:"), region, []byte(":"), account, []byte(":"), name)
		}
	case "dynamodb.amazonaws.com":
		switch {
		case isARN(p.TableName):
			add(p.TableName)
		case validName(p.TableName) && account(r.Recipient) && len(r.Region) > 0:
			arnOf("dynamodb", []byte("table/"), p.TableName)
		}
	case "lambda.amazonaws.com":
		switch {
		case isARN(p.FunctionName):
			add(p.FunctionName)
		case validName(p.FunctionName) && account(r.Recipient) && len(r.Region) > 0:
			// A name, possibly with a :qualifier (a partial ARN
			// "ACCOUNT:function:NAME" is not a name).
			if n := bytes.Count(p.FunctionName, []byte(":")); n <= 1 {
				arnOf("lambda", []byte("function:"), p.FunctionName)
			}
		}
	case "sts.amazonaws.com":
		if isARN(p.RoleARN) {
			add(p.RoleARN)
		}
	case "sns.amazonaws.com":
		if isARN(p.TopicARN) {
			add(p.TopicARN)
		}
	case "secretsmanager.amazonaws.com":
		if isARN(p.SecretID) {
			add(p.SecretID) // a name cannot be: the ARN ends in a random suffix
		}
	}
	slices.SortFunc(dst, bytes.Compare)
	return dst, buf
}

// isARN reports whether b is a literal ARN (no wildcard).
func isARN(b []byte) bool { return bytes.HasPrefix(b, []byte("arn:")) && validName(b) }

// s3Object reports whether arn names an S3 object, and its bucket's ARN.
func s3Object(arn []byte) ([]byte, bool) {
	rest, ok := bytes.CutPrefix(arn, []byte("arn:"))
	if !ok {
		return nil, false
	}
	i := bytes.IndexByte(rest, ':')
	if i < 0 || !bytes.HasPrefix(rest[i:], []byte(":s3:::")) {
		return nil, false
	}
	bucket := rest[i+len(":s3:::"):]
	j := bytes.IndexByte(bucket, '/')
	if j <= 0 {
		return nil, false
	}
	return arn[:len("arn:")+i+len(":s3:::")+j], true
}

// queueURL reads an SQS queue URL, https://sqs.REGION.amazonaws.com/ACCOUNT/NAME
// (or the legacy https://REGION.queue.amazonaws.com/ACCOUNT/NAME); region
// is nil when the host does not say it.
func queueURL(u []byte) (region, acct, name []byte, ok bool) {
	rest, found := bytes.CutPrefix(u, []byte("https://"))
	if !found {
		return nil, nil, nil, false
	}
	host, path, found := bytes.Cut(rest, []byte("/"))
	if !found {
		return nil, nil, nil, false
	}
	acct, name, found = bytes.Cut(path, []byte("/"))
	if !found || !account(acct) || !validName(name) || bytes.ContainsAny(name, "/?") {
		return nil, nil, nil, false
	}
	labels := bytes.Split(host, []byte("."))
	switch {
	case len(labels) >= 4 && string(labels[0]) == "sqs":
		region = labels[1]
	case len(labels) >= 4 && string(labels[1]) == "queue":
		region = labels[0]
	}
	return region, acct, name, true
}

// account reports whether b is a 12-digit account ID.
func account(b []byte) bool {
	if len(b) != 12 {
		return false
	}
	for _, c := range b {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// validName reports whether b can be a resource name inside an ARN: not
// empty, no wildcard or space (which would turn the ARN into a pattern or
// make it malformed).
func validName(b []byte) bool {
	return len(b) > 0 && !bytes.ContainsAny(b, "*? \t\n")
}

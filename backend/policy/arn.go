package policy

import (
	"fmt"
	"strings"
)

// ARN is an Amazon Resource Name split into its six fields:
// arn:partition:service:region:account-id:resource.
// See https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html
type ARN struct {
	Partition string
	Service   string
	Region    string
	Account   string
	Resource  string // everything after the fifth colon, may contain ':' and '/'
}

// ParseARN splits s into its fields. It checks the shape only (six fields,
// the "arn" prefix, a non-empty partition, service and resource); whether
// the service and resource type exist is the IAM database's question.
// Wildcards are allowed in every field, as in policy Resource elements.
func ParseARN(s string) (ARN, error) {
	parts := strings.SplitN(s, ":", 6)
	if len(parts) < 6 {
		return ARN{}, fmt.Errorf("invalid ARN %q: want arn:partition:service:region:account:resource (%d of 6 fields)", s, len(parts))
	}
	if parts[0] != "arn" {
		return ARN{}, fmt.Errorf("invalid ARN %q: must start with \"arn:\"", s)
	}
	a := ARN{Partition: parts[1], Service: parts[2], Region: parts[3], Account: parts[4], Resource: parts[5]}
	switch {
	case a.Partition == "":
		return ARN{}, fmt.Errorf("invalid ARN %q: empty partition", s)
	case a.Service == "":
		return ARN{}, fmt.Errorf("invalid ARN %q: empty service", s)
	case a.Resource == "":
		return ARN{}, fmt.Errorf("invalid ARN %q: empty resource", s)
	}
	return a, nil
}

// Partitions are the AWS partitions an ARN may name.
var Partitions = []string{"aws", "aws-cn", "aws-us-gov", "aws-iso", "aws-iso-b", "aws-iso-e", "aws-iso-f", "aws-eusc"}

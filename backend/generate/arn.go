package generate

import (
	"regexp"
	"strings"

	"github.com/aegis-iam/aegis/backend/iamdb"
)

// Placeholders stand for the account and Region when a description names
// neither. They are CloudFormation pseudo parameters, so the CloudFormation
// rendering substitutes them with Fn::Sub and the Terraform rendering with
// the aws_caller_identity and aws_region data sources.
const (
	AccountPlaceholder = "${AWS::AccountId}"
	RegionPlaceholder  = "${AWS::Region}"
)

// place is where ARNs point: partition, Region and account (each possibly a
// placeholder).
type place struct {
	partition, region, account string
}

var variableRE = regexp.MustCompile(`\$\{([A-Za-z0-9]+)\}`)

// buildARN fills an ARN format from the IAM database. The first
// resource-specific variable takes the resource's name, the rest "*"
// (an index of the table, an object of the bucket). Some services need more
// than the format says; those are handled by name.
func buildARN(rt *iamdb.ResourceType, p place, r Resource) string {
	if len(rt.ARNFormats) == 0 {
		return "*"
	}
	name := r.Name
	svc := rt.Service.Prefix
	switch {
	case svc == "secretsmanager" && !secretSuffixRE.MatchString(name):
		// Secrets Manager appends a hyphen and six random characters to
		// every secret's ARN.
		name += "-??????"
	case svc == "ssm" && rt.Name == "parameter":
		name = strings.TrimPrefix(name, "/")
		if strings.HasSuffix(name, "/") {
			name += "*"
		}
	case svc == "glue" && rt.Name == "catalog":
		return "arn:" + p.partition + ":glue:" + p.region + ":" + p.account + ":catalog"
	}
	vals := []string{name}
	switch {
	case svc == "s3" && rt.Name == "object":
		vals = []string{name, r.Prefix + "*"}
	case svc == "ecs" && rt.Name == "service":
		if cluster, service, ok := strings.Cut(name, "/"); ok {
			vals = []string{cluster, service}
		} else {
			vals = []string{"*", name}
		}
	}
	i := 0
	return variableRE.ReplaceAllStringFunc(rt.ARNFormats[0], func(v string) string {
		switch v {
		case "${Partition}":
			return p.partition
		case "${Region}":
			return p.region
		case "${Account}":
			return p.account
		}
		out := "*"
		if i < len(vals) {
			out = vals[i]
		}
		i++
		return out
	})
}

// secretSuffixRE matches a secret name that already carries the random
// suffix Secrets Manager adds.
var secretSuffixRE = regexp.MustCompile(`-[A-Za-z0-9?]{6}$|\*$`)

// logGroupARN is the ARN of a log group and of its streams.
func logGroupARNs(p place, group string) (groupARN, streams string) {
	groupARN = "arn:" + p.partition + ":logs:" + p.region + ":" + p.account + ":log-group:" + group
	return groupARN, groupARN + ":*"
}

// parameterPath returns, for an SSM parameter ARN ending in "/*", the ARN of
// the path itself, which GetParametersByPath is authorized against.
func parameterPath(rt *iamdb.ResourceType, arn string) (string, bool) {
	if rt.Service.Prefix != "ssm" || rt.Name != "parameter" || !strings.HasSuffix(arn, "/*") {
		return "", false
	}
	return strings.TrimSuffix(arn, "/*"), true
}

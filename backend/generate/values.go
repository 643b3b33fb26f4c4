package generate

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
	"sync"

	"github.com/aegis-iam/aegis/backend/iamdb"
	"github.com/aegis-iam/aegis/backend/policy"
)

// regions lists the AWS Regions by partition, from "Regions and Zones"
// (https://docs.aws.amazon.com/global-infrastructure/latest/regions/aws-regions.html).
var regions = map[string][]string{
	"aws": {
		"af-south-1", "ap-east-1", "ap-east-2", "ap-northeast-1", "ap-northeast-2", "ap-northeast-3", "ap-south-1",
		"ap-south-2", "ap-southeast-1", "ap-southeast-2", "ap-southeast-3", "ap-southeast-4", "ap-southeast-5",
		"ap-southeast-6", "ap-southeast-7", "ca-central-1", "ca-west-1", "eu-central-1", "eu-central-2", "eu-north-1",
		"eu-south-1", "eu-south-2", "eu-west-1", "eu-west-2", "eu-west-3", "il-central-1", "me-central-1",
		"me-south-1", "mx-central-1", "sa-east-1", "us-east-1", "us-east-2", "us-west-1", "us-west-2",
	},
	"aws-cn":     {"cn-north-1", "cn-northwest-1"},
	"aws-us-gov": {"us-gov-east-1", "us-gov-west-1"},
	"aws-iso":    {"us-iso-east-1", "us-iso-west-1"},
	"aws-iso-b":  {"us-isob-east-1"},
	"aws-iso-e":  {"eu-isoe-west-1"},
	"aws-iso-f":  {"us-isof-east-1", "us-isof-south-1"},
	"aws-eusc":   {"eusc-de-east-1"},
}

// Regions are the known Regions of every partition, sorted: what a person
// picks a Region from.
func Regions() []string {
	var out []string
	for _, list := range regions {
		out = append(out, list...)
	}
	sort.Strings(out)
	return out
}

// partitionOf returns the partition of a known Region.
func partitionOf(region string) (string, bool) {
	for p, list := range regions {
		for _, r := range list {
			if r == region {
				return p, true
			}
		}
	}
	return "", false
}

// regionProblem explains why region is not a Region of partition (any
// partition when partition is empty), suggesting the nearest names.
func regionProblem(region, partition string) string {
	p, ok := partitionOf(region)
	if ok && (partition == "" || p == partition) {
		return ""
	}
	if ok {
		return fmt.Sprintf("%s is a Region of the %s partition, not %s", region, p, partition)
	}
	msg := fmt.Sprintf("%s is not an AWS Region", region)
	if near := nearestRegions(region, partition); len(near) > 0 {
		msg += " — did you mean " + strings.Join(near, " or ") + "?"
	}
	return msg
}

// nearestRegions returns up to three Regions closest to s by edit distance.
func nearestRegions(s, partition string) []string {
	type cand struct {
		name string
		d    int
	}
	var cs []cand
	for p, list := range regions {
		if partition != "" && p != partition {
			continue
		}
		for _, r := range list {
			cs = append(cs, cand{r, iamdb.EditDistance(s, r)})
		}
	}
	sort.Slice(cs, func(i, j int) bool {
		if cs[i].d != cs[j].d {
			return cs[i].d < cs[j].d
		}
		return cs[i].name < cs[j].name
	})
	var out []string
	for _, c := range cs {
		if len(out) == 3 || c.d > 4 || (len(out) > 0 && c.d > cs[0].d) {
			break
		}
		out = append(out, c.name)
	}
	return out
}

// partitionProblem reports an unknown partition name.
func partitionProblem(p string) string {
	for _, known := range policy.Partitions {
		if p == known {
			return ""
		}
	}
	return fmt.Sprintf("%s is not an AWS partition (want one of %s)", p, strings.Join(policy.Partitions, ", "))
}

var accountRE = regexp.MustCompile(`^[0-9]{12}$`)

// accountProblem reports an account ID that is not 12 digits.
func accountProblem(id string) string {
	if accountRE.MatchString(id) {
		return ""
	}
	return fmt.Sprintf("%q is not an AWS account ID (12 digits)", id)
}

var (
	bucketRE     = lazyRegexp(`^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$`)
	ipRE         = lazyRegexp(`^\d+\.\d+\.\d+\.\d+$`)
	dynamoRE     = lazyRegexp(`^[A-Za-z0-9_.-]{3,255}$`)
	queueRE      = lazyRegexp(`^[A-Za-z0-9_-]{1,80}(\.fifo)?$`)
	topicRE      = lazyRegexp(`^[A-Za-z0-9_-]{1,256}(\.fifo)?$`)
	lambdaRE     = lazyRegexp(`^[A-Za-z0-9_-]{1,64}$`)
	secretRE     = lazyRegexp(`^[A-Za-z0-9/_+=.@-]{1,512}$`)
	parameterRE  = lazyRegexp(`^/?[A-Za-z0-9_.\-/]{1,1000}\*?$`)
	logGroupRE   = lazyRegexp(`^[A-Za-z0-9_\-/.#]{1,512}$`)
	ecrRE        = lazyRegexp(`^[a-z0-9]+(?:[._-][a-z0-9]+)*(?:/[a-z0-9]+(?:[._-][a-z0-9]+)*)*$`)
	kmsKeyIDRE   = lazyRegexp(`^(mrk-[0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$`)
	kmsAliasRE   = lazyRegexp(`^alias/[A-Za-z0-9/_-]{1,250}$`)
	instanceIDRE = lazyRegexp(`^i-[0-9a-f]{8}([0-9a-f]{9})?$`)
	genericRE    = lazyRegexp(`^[A-Za-z0-9_.\-/:+=@]{1,512}$`)
)

// bucketNameProblem applies the S3 general purpose bucket naming rules
// (https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html).
func bucketNameProblem(n string) string {
	switch {
	case !bucketRE.MatchString(n):
		return fmt.Sprintf("%q is not a valid S3 bucket name: 3–63 characters, lower-case letters, digits, dots and hyphens, starting and ending with a letter or digit", n)
	case strings.Contains(n, ".."):
		return fmt.Sprintf("%q is not a valid S3 bucket name: no two adjacent periods", n)
	case ipRE.MatchString(n):
		return fmt.Sprintf("%q is not a valid S3 bucket name: it is formatted as an IP address", n)
	case strings.HasPrefix(n, "xn--") || strings.HasPrefix(n, "sthree-") || strings.HasPrefix(n, "amzn-s3-demo-"):
		return fmt.Sprintf("%q is not a valid S3 bucket name: the prefix is reserved", n)
	case strings.HasSuffix(n, "-s3alias") || strings.HasSuffix(n, "--ol-s3") || strings.HasSuffix(n, ".mrap") || strings.HasSuffix(n, "--x-s3"):
		return fmt.Sprintf("%q is not a valid S3 bucket name: the suffix is reserved", n)
	}
	return ""
}

// matcher is a compiled regular expression or a lazyRegexp.
type matcher interface{ MatchString(string) bool }

// lazyMatcher is a regular expression compiled on first use. The name
// rules' counted repetitions ("{1,512}") compile to large programs, which
// every aegis command — validate included — would otherwise pay for at
// start-up.
type lazyMatcher struct{ re func() *regexp.Regexp }

// lazyRegexp returns expr to be compiled (with regexp.MustCompile) when it
// is first matched.
func lazyRegexp(expr string) *lazyMatcher {
	return &lazyMatcher{re: sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(expr) })}
}

// MatchString reports whether s contains a match of the expression.
func (m *lazyMatcher) MatchString(s string) bool { return m.re().MatchString(s) }

func ruleProblem(re matcher, what, rule string) func(string) string {
	return func(n string) string {
		if re.MatchString(n) {
			return ""
		}
		return fmt.Sprintf("%q is not a valid %s: %s", n, what, rule)
	}
}

var (
	dynamoNameProblem    = ruleProblem(dynamoRE, "DynamoDB table name", "3–255 letters, digits, underscores, hyphens and dots")
	queueNameProblem     = ruleProblem(queueRE, "SQS queue name", "1–80 letters, digits, hyphens and underscores, optionally ending in .fifo")
	topicNameProblem     = ruleProblem(topicRE, "SNS topic name", "1–256 letters, digits, hyphens and underscores, optionally ending in .fifo")
	lambdaNameProblem    = ruleProblem(lambdaRE, "Lambda function name", "1–64 letters, digits, hyphens and underscores")
	secretNameProblem    = ruleProblem(secretRE, "Secrets Manager secret name", "letters, digits and /_+=.@-")
	parameterNameProblem = ruleProblem(parameterRE, "SSM parameter name", "letters, digits and _.-/ (a trailing * selects a path)")
	logGroupNameProblem  = ruleProblem(logGroupRE, "log group name", "1–512 letters, digits and _-/.#")
	ecrNameProblem       = ruleProblem(ecrRE, "ECR repository name", "lower-case letters, digits and ._-/ separators")
	instanceIDProblem    = ruleProblem(instanceIDRE, "EC2 instance ID", "i- followed by 8 or 17 hexadecimal digits")
	genericNameProblem   = ruleProblem(genericRE, "resource name", "no spaces, quotes or wildcards")
)

// kmsKeyProblem accepts a key ID, a multi-Region key ID or an alias.
func kmsKeyProblem(n string) string {
	if kmsKeyIDRE.MatchString(n) || kmsAliasRE.MatchString(n) {
		return ""
	}
	return fmt.Sprintf("%q is not a KMS key ID (a UUID or mrk-…) or alias (alias/NAME)", n)
}

// nameProblem checks a resource name with its kind's rule.
func (k *kind) nameProblem(n string) string {
	if k.nameRule == nil {
		return genericNameProblem(n)
	}
	return k.nameRule(n)
}

// arnProblem checks that arn is well formed and matches one of the formats
// of a resource type of the kind, returning the matching type.
func arnProblem(db *iamdb.DB, k *kind, arn string) (string, string) {
	parsed, err := policy.ParseARN(arn)
	if err != nil {
		return "", fmt.Sprintf("%q is not an ARN: %v", arn, err)
	}
	if p := partitionProblem(parsed.Partition); p != "" {
		return "", p
	}
	svc, ok := db.Service(k.service)
	if !ok {
		return "", fmt.Sprintf("service %s is not in the IAM database", k.service)
	}
	for _, t := range k.types {
		rt, ok := svc.ResourceType(t)
		if ok && rt.MatchARN(arn) {
			return rt.Name, ""
		}
	}
	return "", fmt.Sprintf("%q does not match the ARN format of a %s (%s)", arn, k.noun, strings.Join(formatsOf(svc, k), ", "))
}

func formatsOf(svc *iamdb.Service, k *kind) []string {
	var out []string
	for _, t := range k.types {
		if rt, ok := svc.ResourceType(t); ok {
			out = append(out, rt.ARNFormats...)
		}
	}
	return out
}

package cloudtrail

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// Records as CloudTrail writes them (userIdentity shortened to an assumed
// role of account 111122223333), one per way a record names its resource:
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/cloudtrail-logging-understanding-s3-entries.html,
// https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/logging-using-cloudtrail.html,
// https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/logging-using-cloudtrail.html,
// https://docs.aws.amazon.com/lambda/latest/dg/logging-using-cloudtrail.html,
// https://docs.aws.amazon.com/kms/latest/developerguide/ct-decrypt.html,
// https://docs.aws.amazon.com/IAM/latest/UserGuide/cloudtrail-integration.html.
const resourceIdentity = `"userIdentity":{"type":"AssumedRole","principalId":"AROAEXAMPLE:s","arn":"arn:aws:sts::111122223333:assumed-role/app/s","accountId":"111122223333","sessionContext":{"sessionIssuer":{"type":"Role","principalId":"AROAEXAMPLE","arn":"arn:aws:iam::111122223333:role/app","accountId":"111122223333","userName":"app"}}}`

var resourceRecords = []string{
	// S3 GetObject (data event): the object and its bucket.
	`"eventSource":"s3.amazonaws.com","eventName":"GetObject","awsRegion":"us-east-1","requestParameters":{"bucketName":"amzn-s3-demo-bucket","Host":"amzn-s3-demo-bucket.s3.us-east-1.amazonaws.com","key":"reports/2025/q1.csv"},"responseElements":null,"readOnly":true,"resources":[{"type":"AWS::S3::Object","ARN":"arn:aws:s3:::amzn-s3-demo-bucket/reports/2025/q1.csv"},{"accountId":"111122223333","type":"AWS::S3::Bucket","ARN":"arn:aws:s3:::amzn-s3-demo-bucket"}],"eventType":"AwsApiCall","managementEvent":false,"recipientAccountId":"111122223333","eventCategory":"Data"`,
	// Another object of another bucket, named by requestParameters only.
	`"eventSource":"s3.amazonaws.com","eventName":"GetObject","awsRegion":"us-east-1","requestParameters":{"bucketName":"logs-111122223333","key":"a b.txt"},"eventType":"AwsApiCall","managementEvent":false,"recipientAccountId":"111122223333","eventCategory":"Data"`,
	// S3 ListObjects: the bucket (s3:ListBucket).
	`"eventSource":"s3.amazonaws.com","eventName":"ListObjects","awsRegion":"us-east-1","requestParameters":{"bucketName":"amzn-s3-demo-bucket","prefix":"reports/","list-type":"2"},"resources":[{"accountId":"111122223333","type":"AWS::S3::Bucket","ARN":"arn:aws:s3:::amzn-s3-demo-bucket"}],"eventType":"AwsApiCall","managementEvent":false,"recipientAccountId":"111122223333","eventCategory":"Data"`,
	// SQS SendMessage: the queue URL and the resources array.
	`"eventSource":"sqs.amazonaws.com","eventName":"SendMessage","awsRegion":"us-east-1","requestParameters":{"queueUrl":"https://sqs.us-east-1.amazonaws.com/111122223333/jobs","messageBody":"HIDDEN_DUE_TO_SECURITY_REASONS"},"resources":[{"accountId":"111122223333","type":"AWS::SQS::Queue","ARN":"arn:aws:sqs:us-east-1:111122223333:jobs"}],"eventType":"AwsApiCall","managementEvent":false,"recipientAccountId":"111122223333","eventCategory":"Data"`,
	// SQS DeleteQueue (management): the legacy queue URL only.
	`"eventSource":"sqs.amazonaws.com","eventName":"DeleteQueue","awsRegion":"eu-west-1","requestParameters":{"queueUrl":"https://eu-west-1.queue.amazonaws.com/111122223333/old-jobs"},"eventType":"AwsApiCall","managementEvent":true,"recipientAccountId":"111122223333","eventCategory":"Management"`,
	// DynamoDB GetItem: a table name (its key is an object, not an S3 key).
	`"eventSource":"dynamodb.amazonaws.com","eventName":"GetItem","awsRegion":"us-east-1","requestParameters":{"tableName":"Orders","key":{"id":{"S":"42"}},"consistentRead":false},"eventType":"AwsApiCall","managementEvent":false,"recipientAccountId":"111122223333","eventCategory":"Data"`,
	// Lambda Invoke: a function ARN.
	`"eventSource":"lambda.amazonaws.com","eventName":"Invoke","awsRegion":"us-east-1","requestParameters":{"functionName":"arn:aws:lambda:us-east-1:111122223333:function:api","invocationType":"RequestResponse"},"resources":[{"accountId":"111122223333","type":"AWS::Lambda::Function","ARN":"arn:aws:lambda:us-east-1:111122223333:function:api"}],"eventType":"AwsApiCall","managementEvent":false,"recipientAccountId":"111122223333","eventCategory":"Data"`,
	// Lambda GetFunction (management, eventName with a version suffix): a name.
	`"eventSource":"lambda.amazonaws.com","eventName":"GetFunction20150331v2","awsRegion":"us-east-1","requestParameters":{"functionName":"worker"},"eventType":"AwsApiCall","managementEvent":true,"recipientAccountId":"111122223333","eventCategory":"Management"`,
	// STS AssumeRole: the role among the session's other resources.
	`"eventSource":"sts.amazonaws.com","eventName":"AssumeRole","awsRegion":"us-east-1","requestParameters":{"roleArn":"arn:aws:iam::111122223333:role/ops/deployer","roleSessionName":"ci"},"resources":[{"accountId":"111122223333","type":"AWS::IAM::Role","ARN":"arn:aws:iam::111122223333:role/ops/deployer"},{"accountId":"111122223333","type":"AWS::IAM::AccessKey","ARN":"arn:aws:iam::111122223333:accesskey/ASIAEXAMPLE"},{"accountId":"111122223333","type":"AWS::STS::AssumedRole","ARN":"arn:aws:sts::111122223333:assumed-role/deployer/ci"}],"eventType":"AwsApiCall","managementEvent":true,"recipientAccountId":"111122223333","eventCategory":"Management"`,
	// KMS Decrypt: the key, from the resources array only.
	`"eventSource":"kms.amazonaws.com","eventName":"Decrypt","awsRegion":"us-east-1","requestParameters":{"encryptionAlgorithm":"SYMMETRIC_DEFAULT","encryptionContext":{"aws:s3:arn":"arn:aws:s3:::amzn-s3-demo-bucket"}},"resources":[{"accountId":"111122223333","type":"AWS::KMS::Key","ARN":"arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"}],"eventType":"AwsApiCall","managementEvent":true,"recipientAccountId":"111122223333","eventCategory":"Management"`,
	// SNS Publish: the topic ARN.
	`"eventSource":"sns.amazonaws.com","eventName":"Publish","awsRegion":"us-east-1","requestParameters":{"topicArn":"arn:aws:sns:us-east-1:111122223333:alerts","message":"HIDDEN"},"eventType":"AwsApiCall","managementEvent":false,"recipientAccountId":"111122223333","eventCategory":"Data"`,
	// IAM GetRole: a role name without its path names no ARN reliably.
	`"eventSource":"iam.amazonaws.com","eventName":"GetRole","awsRegion":"us-east-1","requestParameters":{"roleName":"deployer"},"eventType":"AwsApiCall","managementEvent":true,"recipientAccountId":"111122223333","eventCategory":"Management"`,
	// Two PutObject calls, one naming no bucket: the action's resources are unknown.
	`"eventSource":"s3.amazonaws.com","eventName":"PutObject","awsRegion":"us-east-1","requestParameters":{"bucketName":"amzn-s3-demo-bucket","key":"x"},"eventType":"AwsApiCall","managementEvent":false,"recipientAccountId":"111122223333","eventCategory":"Data"`,
	`"eventSource":"s3.amazonaws.com","eventName":"PutObject","awsRegion":"us-east-1","requestParameters":{"Host":"s3.amazonaws.com"},"eventType":"AwsApiCall","managementEvent":false,"recipientAccountId":"111122223333","eventCategory":"Data"`,
	// A wildcard in a name never becomes a pattern.
	`"eventSource":"sns.amazonaws.com","eventName":"GetTopicAttributes","awsRegion":"us-east-1","requestParameters":{"topicArn":"arn:aws:sns:us-east-1:111122223333:*"},"eventType":"AwsApiCall","managementEvent":true,"recipientAccountId":"111122223333","eventCategory":"Management"`,
}

// resourceDoc is a log file of resourceRecords.
func resourceDoc() []byte {
	var recs []string
	for i, r := range resourceRecords {
		recs = append(recs, fmt.Sprintf(`{"eventVersion":"1.09",%s,"eventTime":"2025-06-01T10:%02d:00Z","eventID":"00000000-0000-4000-8000-%012d",%s}`, resourceIdentity, i, i, r))
	}
	return []byte(`{"Records":[` + strings.Join(recs, ",") + `]}`)
}

// TestResources reads real record shapes and checks each action's
// resources: only the ARNs of its resource types, S3 objects as their
// bucket's pattern, nothing when a call's resource is unknown.
func TestResources(t *testing.T) {
	root := t.TempDir()
	writeGz(t, filepath.Join(root, "AWSLogs", "111122223333", "CloudTrail", "us-east-1", "2025", "06", "01", "111122223333_CloudTrail_us-east-1_20250601T1100Z_Aa1Bb2Cc3Dd4Ee5F.json.gz"), resourceDoc())
	u, err := ReadDir(context.Background(), root, Options{DB: testDB(t), Start: fixStart, End: fixEnd})
	if err != nil || len(u.Failures) > 0 {
		t.Fatal(err, u.Failures)
	}
	got := map[string][]string{}
	for _, r := range u.Rows {
		got[r.Action] = r.Resources
	}
	want := map[string][]string{
		"s3:GetObject":           {"arn:aws:s3:::amzn-s3-demo-bucket/*", "arn:aws:s3:::logs-111122223333/*"},
		"s3:ListBucket":          {"arn:aws:s3:::amzn-s3-demo-bucket"},
		"sqs:SendMessage":        {"arn:aws:sqs:us-east-1:111122223333:jobs"},
		"sqs:DeleteQueue":        {"arn:aws:sqs:eu-west-1:111122223333:old-jobs"},
		"dynamodb:GetItem":       {"arn:aws:dynamodb:us-east-1:111122223333:table/Orders"},
		"lambda:InvokeFunction":  {"arn:aws:lambda:us-east-1:111122223333:function:api"},
		"lambda:GetFunction":     {"arn:aws:lambda:us-east-1:111122223333:function:worker"},
		"sts:AssumeRole":         {"arn:aws:iam::111122223333:role/ops/deployer"},
		"kms:Decrypt":            {"arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"},
		"sns:Publish":            {"arn:aws:sns:us-east-1:111122223333:alerts"},
		"iam:GetRole":            nil,
		"s3:PutObject":           nil,
		"sns:GetTopicAttributes": nil,
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("resources by action (-want +got):\n%s", d)
	}
}

func TestQueueURL(t *testing.T) {
	tests := []struct{ url, region, account, name string }{
		{"https://sqs.us-east-1.amazonaws.com/111122223333/jobs", "us-east-1", "111122223333", "jobs"},
		{"https://eu-west-1.queue.amazonaws.com/111122223333/jobs.fifo", "eu-west-1", "111122223333", "jobs.fifo"},
		{"https://queue.amazonaws.com/111122223333/jobs", "", "111122223333", "jobs"},
		{"https://vpce-0a1b-abcd.sqs.us-east-1.vpce.amazonaws.com/111122223333/jobs", "", "111122223333", "jobs"},
		{"https://sqs.us-east-1.amazonaws.com/jobs", "", "", ""},
		{"https://sqs.us-east-1.amazonaws.com/12345/jobs", "", "", ""},
		{"http://sqs.us-east-1.amazonaws.com/111122223333/jobs", "", "", ""},
		{"https://sqs.us-east-1.amazonaws.com/111122223333/a/b", "", "", ""},
	}
	for _, tt := range tests {
		region, acct, name, ok := queueURL([]byte(tt.url))
		if ok != (tt.account != "") || string(region) != tt.region || string(acct) != tt.account || string(name) != tt.name {
			t.Errorf("queueURL(%q) = %q, %q, %q, %v; want %q, %q, %q", tt.url, region, acct, name, ok, tt.region, tt.account, tt.name)
		}
	}
}

// FuzzResourceARNs feeds arbitrary requestParameters and resources to the
// derivation: no panic, and every result is an ARN without a wildcard
// other than an S3 bucket's trailing "/*".
func FuzzResourceARNs(f *testing.F) {
	f.Add("s3.amazonaws.com", "bucket", "key", "https://sqs.us-east-1.amazonaws.com/111122223333/q", "arn:aws:s3:::b/k")
	f.Add("sqs.amazonaws.com", "", "", "https://eu-west-1.queue.amazonaws.com/111122223333/q", "")
	f.Add("lambda.amazonaws.com", "fn:1", "", "", "arn:aws:lambda:us-east-1:111122223333:function:fn")
	f.Add("dynamodb.amazonaws.com", "Orders", "", "", "arn:aws:s3:::*")
	f.Fuzz(func(t *testing.T, source, name, key, url, arn string) {
		r := &record{EventSource: []byte(source), Region: []byte("us-east-1"), Recipient: []byte("111122223333"),
			Params: params{BucketName: []byte(name), Key: []byte(key), QueueURL: []byte(url), TableName: []byte(name), FunctionName: []byte(name),
				RoleARN: []byte(arn), TopicARN: []byte(arn), SecretID: []byte(arn)},
			Resources: [][]byte{[]byte(arn)}}
		arns, _ := resourceARNs(nil, nil, r, []byte("aws"))
		for _, a := range arns {
			s := strings.TrimSuffix(string(a), "/*")
			if !strings.HasPrefix(s, "arn:") || strings.ContainsAny(s, "*?") {
				t.Errorf("resourceARNs(%q, %q, %q, %q, %q) gave %q", source, name, key, url, arn, a)
			}
		}
	})
}

package llm

import (
	"testing"

	"github.com/aegis-iam/aegis/backend/generate"
)

func TestDetectKind(t *testing.T) {
	qs := []generate.Question{{ID: "q", Text: "Which bucket?"}}
	tests := []struct {
		message   string
		hasIntent bool
		questions []generate.Question
		want      generate.ProposalKind
	}{
		{"why?", true, nil, generate.ProposalExplain},
		{"Why does it need kms:Decrypt", true, nil, generate.ProposalExplain},
		{"what breaks if I remove s3:PutObject?", true, nil, generate.ProposalExplain},
		{"also allow it to publish to SNS topic alerts", true, nil, generate.ProposalRefine},
		{"but not delete", true, nil, generate.ProposalRefine},
		{"can you also add read access to table users?", true, nil, generate.ProposalRefine},
		{"uploads", true, qs, generate.ProposalAnswer},
		{"the bucket is called uploads", false, qs, generate.ProposalAnswer},
		{"new: a CodeBuild project that pushes to ECR repository web", true, qs, generate.ProposalNew},
		{"An EC2 instance that reads parameter /app/db", true, nil, generate.ProposalNew},
		{"Lambda function that reads from DynamoDB table users", false, nil, generate.ProposalNew},
		{"what is least privilege?", false, nil, generate.ProposalExplain},
	}
	for _, tt := range tests {
		if got := detectKind(tt.message, tt.hasIntent, tt.questions); got != tt.want {
			t.Errorf("detectKind(%q, intent=%v, %d questions) = %q, want %q", tt.message, tt.hasIntent, len(tt.questions), got, tt.want)
		}
	}
}

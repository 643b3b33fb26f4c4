package generate

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestRenderPlaceholdersAndVariables(t *testing.T) {
	res := &Result{Status: StatusComplete,
		PermissionsPolicy: []byte(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/${aws:username}/*"},{"Effect":"Allow","Action":"sqs:SendMessage","Resource":"arn:aws:sqs:${AWS::Region}:${AWS::AccountId}:q/${aws:username}"}]}`)}
	tf, err := Terraform(res, "app")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"$${aws:username}", "${data.aws_region.current.name}:${data.aws_caller_identity.current.account_id}", `resource "aws_iam_policy" "app"`} {
		if !strings.Contains(string(tf), want) {
			t.Errorf("Terraform output lacks %q:\n%s", want, tf)
		}
	}
	cfn, err := CloudFormation(res, "App")
	if err != nil {
		t.Fatal(err)
	}
	var tmpl struct {
		Resources map[string]struct {
			Type       string
			Properties struct {
				PolicyDocument struct{ Statement []map[string]any }
			}
		}
	}
	if err := json.Unmarshal(cfn, &tmpl); err != nil {
		t.Fatal(err)
	}
	app := tmpl.Resources["App"]
	if app.Type != "AWS::IAM::ManagedPolicy" || len(app.Properties.PolicyDocument.Statement) != 2 {
		t.Fatalf("CloudFormation resource = %+v", app)
	}
	if got := app.Properties.PolicyDocument.Statement[0]["Resource"]; got != "arn:aws:s3:::b/${aws:username}/*" {
		t.Errorf("plain resource = %v", got)
	}
	sub, ok := app.Properties.PolicyDocument.Statement[1]["Resource"].(map[string]any)
	if !ok || sub["Fn::Sub"] != "arn:aws:sqs:${AWS::Region}:${AWS::AccountId}:q/${!aws:username}" {
		t.Errorf("placeholder resource = %v, want Fn::Sub", app.Properties.PolicyDocument.Statement[1]["Resource"])
	}
	if _, err := Terraform(&Result{Status: StatusNeedsInput}, "x"); err == nil {
		t.Error("Terraform of a needs-input result: no error")
	}
}

package source

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/aegis-iam/aegis/backend/policy"
)

func TestDetect(t *testing.T) {
	tests := []struct {
		name, file, src string
		want            Format
	}{
		{"policy", "p.json", `{"Version":"2012-10-17","Statement":[]}`, FormatPolicy},
		{"policy without extension", "-", ` {"Statement":{}}`, FormatPolicy},
		{"broken json is a policy", "p.json", `{"Statement": [`, FormatPolicy},
		{"json with comments is not", "tsconfig.json", "{\n  // options\n  \"strict\": true\n}", FormatUnknown},
		{"url-encoded policy", "p.json", `%7B%22Statement%22%3A%5B%5D%7D`, FormatPolicy},
		{"cli get-policy-version", "v.json", `{"PolicyVersion":{"Document":{}}}`, FormatPolicy},
		{"cfn json", "t.json", `{"AWSTemplateFormatVersion":"2010-09-09","Resources":{}}`, FormatCloudFormation},
		{"cfn json without version", "t.template", `{"Resources":{"R":{"Type":"AWS::IAM::Role"}}}`, FormatCloudFormation},
		{"cfn yaml", "t.yaml", "Resources:\n  R:\n    Type: AWS::IAM::Role\n", FormatCloudFormation},
		{"cfn yaml from stdin", "-", "AWSTemplateFormatVersion: '2010-09-09'\nResources: {}\n", FormatCloudFormation},
		{"terraform", "main.tf", `resource "aws_iam_policy" "p" {}`, FormatTerraform},
		{"terraform from stdin", "-", "# iam\nresource \"aws_iam_policy\" \"p\" {}\n", FormatTerraform},
		{"plan", "plan.json", `{"format_version":"1.2","planned_values":{}}`, FormatTerraformPlan},
		{"state", "state.json", `{"format_version":"1.0","terraform_version":"1.9.0","values":{}}`, FormatTerraformPlan},
		{"gaad", "gaad.json", `{"UserDetailList":[],"RoleDetailList":[]}`, FormatGAAD},
		{"package.json", "package.json", `{"name":"x"}`, FormatUnknown},
		{"json array", "a.json", `[1,2]`, FormatUnknown},
		{"empty", "-", "", FormatUnknown},
		{"text", "notes.txt", "hello", FormatUnknown},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Detect(tt.file, []byte(tt.src)); got != tt.want {
				t.Errorf("Detect(%q, %q) = %v, want %v", tt.file, tt.src, got, tt.want)
			}
		})
	}
}

func TestParseFormat(t *testing.T) {
	for f := FormatAuto; f < FormatUnknown; f++ {
		got, err := ParseFormat(f.String())
		if err != nil || got != f {
			t.Errorf("ParseFormat(%q) = %v, %v, want %v", f.String(), got, err, f)
		}
	}
	if _, err := ParseFormat("xml"); err == nil {
		t.Error(`ParseFormat("xml") succeeded, want an error`)
	}
}

func TestRawPolicyKind(t *testing.T) {
	tests := []struct {
		name string
		src  string
		opt  policy.Kind
		want policy.Kind
	}{
		{"identity", `{"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}`, policy.KindAny, policy.KindIdentity},
		{"trust", `{"Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}`, policy.KindAny, policy.KindTrust},
		{"trust with web identity and tags", `{"Statement":[{"Effect":"Allow","Principal":{"Federated":"x"},"Action":["sts:AssumeRoleWithWebIdentity","sts:TagSession"]}]}`, policy.KindAny, policy.KindTrust},
		{"resource", `{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*"}]}`, policy.KindAny, policy.KindResource},
		{"assume plus other actions is a resource policy", `{"Statement":{"Effect":"Allow","Principal":"*","Action":["sts:AssumeRole","s3:GetObject"]}}`, policy.KindAny, policy.KindResource},
		{"given kind wins", `{"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}`, policy.KindSCP, policy.KindSCP},
		{"bucket policy string from get-bucket-policy", `{"Policy":"{\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"s3:GetObject\",\"Resource\":\"*\"}]}"}`, policy.KindAny, policy.KindResource},
		{"get-role", `{"Role":{"RoleName":"r","AssumeRolePolicyDocument":{"Statement":[]}}}`, policy.KindAny, policy.KindTrust},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			docs, err := Extract("p.json", []byte(tt.src), Options{Kind: tt.opt})
			if err != nil {
				t.Fatalf("Extract(%s): %v", tt.src, err)
			}
			if len(docs) != 1 || docs[0].Kind != tt.want {
				t.Fatalf("Extract(%s): got %d documents %+v, want one of kind %v", tt.src, len(docs), docs, tt.want)
			}
		})
	}
}

// TestMalformed checks that broken inputs give positioned errors with stable
// codes, never panics or silent empty results.
func TestMalformed(t *testing.T) {
	type wantErr struct {
		Code         string
		Line, Column int
	}
	tests := []struct {
		name, file, src string
		format          Format
		want            []wantErr
	}{
		{"bad yaml", "t.yaml", "Resources:\n  R: [\n", FormatCloudFormation, []wantErr{{"yaml-syntax", 2, 1}}},
		{"yaml tab indentation", "t.yaml", "Resources:\n\tR: 1\n", FormatCloudFormation, []wantErr{{"yaml-syntax", 2, 1}}},
		{"bad cfn json", "t.json", "{\"Resources\": {\n  \"R\": {\"Type\" \"AWS::IAM::Role\"}}}", FormatCloudFormation, []wantErr{{"json-syntax", 2, 16}}},
		{"bad hcl", "main.tf", "resource \"aws_iam_policy\" \"p\" {\n  policy = \n}\n", FormatTerraform, []wantErr{{"hcl-syntax", 2, 12}}},
		{"unclosed hcl block", "main.tf", "resource \"aws_iam_policy\" \"p\" {\n", FormatTerraform, []wantErr{{"hcl-syntax", 1, 31}}},
		{"bad plan json", "plan.json", `{"planned_values": }`, FormatTerraformPlan, []wantErr{{"json-syntax", 1, 20}}},
		{"bad gaad json", "gaad.json", `{"RoleDetailList": [}`, FormatGAAD, []wantErr{{"json-syntax", 1, 21}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Extract(tt.file, []byte(tt.src), Options{Format: tt.format})
			var list policy.ErrorList
			if !errors.As(err, &list) {
				t.Fatalf("Extract(%q): error %v, want a policy.ErrorList", tt.src, err)
			}
			var got []wantErr
			for _, e := range list {
				if e.Filename != tt.file {
					t.Errorf("error %v has file %q, want %q", e, e.Filename, tt.file)
				}
				got = append(got, wantErr{e.Code, e.Pos.Line, e.Pos.Column})
			}
			if d := cmp.Diff(tt.want, got); d != "" {
				t.Errorf("Extract(%q) errors %v: (-want +got)\n%s", tt.src, list, d)
			}
		})
	}
}

func TestUnrecognized(t *testing.T) {
	for _, tt := range []struct{ file, src string }{
		{"package.json", `{"name": "web"}`},
		{"compose.yaml", "services:\n  web:\n    image: nginx\n"},
		{"notes.txt", "hello"},
	} {
		if _, err := Extract(tt.file, []byte(tt.src), Options{}); !errors.Is(err, ErrUnrecognized) {
			t.Errorf("Extract(%q): error %v, want ErrUnrecognized", tt.file, err)
		}
	}
}

// TestIntrinsics checks the placeholder each intrinsic function becomes.
func TestIntrinsics(t *testing.T) {
	tests := []struct {
		name, value string
		want        string // the Resource value in the extracted document
		wantCode    string // an error code, when the intrinsic is malformed
	}{
		{"ref", "!Ref Bucket", "${Bucket}", ""},
		{"pseudo parameter", "!Ref AWS::Partition", "${AWS::Partition}", ""},
		{"getatt short", "!GetAtt Bucket.Arn", "${Bucket.Arn}", ""},
		{"getatt list", "!GetAtt [Bucket, Arn]", "${Bucket.Arn}", ""},
		{"sub", "!Sub arn:aws:s3:::${BucketName}/*", "arn:aws:s3:::${BucketName}/*", ""},
		{"sub with variables", "!Sub ['arn:aws:s3:::${B}/*', {B: !Ref Bucket}]", "arn:aws:s3:::${Bucket}/*", ""},
		{"sub literal", "!Sub 'arn:aws:s3:::b/${!aws:username}'", "arn:aws:s3:::b/${aws:username}", ""},
		{"join", "!Join ['', ['arn:aws:s3:::', !Ref Bucket, '/*']]", "arn:aws:s3:::${Bucket}/*", ""},
		{"join of a list parameter", "!Join [',', !Ref Names]", "${Join(,, ${Names})}", ""},
		{"select literal", "!Select [1, [a, b, c]]", "b", ""},
		{"select of split", "!Select [1, !Split ['/', 'x/y/z']]", "y", ""},
		{"select unknown", "!Select [0, !Ref List]", "${Select(0, ${List})}", ""},
		{"if true branch", "!If [C, yes, no]", "yes", ""},
		{"if novalue branch", "!If [C, !Ref AWS::NoValue, no]", "no", ""},
		{"import value", "!ImportValue net-BucketArn", "${ImportValue(net-BucketArn)}", ""},
		{"find in map", "!FindInMap [M, !Ref AWS::Region, Arn]", "${FindInMap(M, ${AWS::Region}, Arn)}", ""},
		{"base64", "!Base64 x", "${Base64(x)}", ""},
		{"long form", "{'Fn::Sub': 'arn:${AWS::Partition}:s3:::b'}", "arn:${AWS::Partition}:s3:::b", ""},
		{"unknown short form", "!Lookup x", "${Lookup(x)}", "unknown-intrinsic"},
		{"unknown long form", "{'Fn::Frobnicate': x}", "${Frobnicate(x)}", "unknown-intrinsic"},
		{"bad getatt", "!GetAtt [A]", "${?}", "invalid-intrinsic"},
		{"bad if", "!If [C, x]", "", "invalid-intrinsic"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := "Resources:\n  P:\n    Type: AWS::IAM::ManagedPolicy\n    Properties:\n      PolicyDocument:\n        Version: '2012-10-17'\n        Statement:\n          - Effect: Allow\n            Action: s3:GetObject\n            Resource: " + tt.value + "\n"
			docs, err := Extract("t.yaml", []byte(src), Options{})
			if err != nil {
				t.Fatalf("Extract: %v\n%s", err, src)
			}
			if len(docs) != 1 || docs[0].Document == nil || len(docs[0].Document.Statements) != 1 {
				t.Fatalf("Extract(%s): got %+v, want one document with one statement", tt.value, docs)
			}
			got := ""
			if r := docs[0].Document.Statements[0].Resource; r != nil {
				got = r.Values[0].Text
			}
			if got != tt.want {
				t.Errorf("Resource: %s gives %q, want %q", tt.value, got, tt.want)
			}
			var codes []string
			for _, e := range docs[0].Errors {
				if e.Code == "unknown-intrinsic" || e.Code == "invalid-intrinsic" {
					codes = append(codes, e.Code)
					if e.Pos.Line != 10 {
						t.Errorf("error %v is on line %d, want 10", e, e.Pos.Line)
					}
				}
			}
			if tt.wantCode == "" && len(codes) > 0 || tt.wantCode != "" && (len(codes) != 1 || codes[0] != tt.wantCode) {
				t.Errorf("Resource: %s: error codes %v, want %q", tt.value, codes, tt.wantCode)
			}
		})
	}
}

// TestScalars checks how YAML and JSON scalars reach the policy: numbers JSON
// cannot write stay strings, booleans stay booleans, a BOM is skipped.
func TestScalars(t *testing.T) {
	tests := []struct {
		name, file, src string
		want            []string // the condition values
	}{
		{"yaml account id with leading zero", "t.yaml", "Resources:\n  P:\n    Type: AWS::IAM::ManagedPolicy\n    Properties:\n      PolicyDocument:\n        Statement:\n          - {Effect: Allow, Action: s3:*, Resource: '*', Condition: {StringEquals: {aws:SourceAccount: [012345678901, 123, true, 1.5]}}}\n", []string{"012345678901", "123", "true", "1.5"}},
		{"json with byte order mark", "t.json", "\ufeff{\"Resources\": {\"P\": {\"Type\": \"AWS::IAM::ManagedPolicy\", \"Properties\": {\"PolicyDocument\": {\"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"s3:*\", \"Resource\": \"*\", \"Condition\": {\"Bool\": {\"aws:SecureTransport\": false}}}]}}}}}", []string{"false"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			docs, err := Extract(tt.file, []byte(tt.src), Options{})
			if err != nil || len(docs) != 1 || docs[0].Document == nil {
				t.Fatalf("Extract: %+v, %v; want one document", docs, err)
			}
			if len(docs[0].Errors) > 0 {
				t.Errorf("Extract: errors %v", docs[0].Errors)
			}
			got := docs[0].Document.Statements[0].Condition[0].Entries[0].Values.Strings()
			if d := cmp.Diff(tt.want, got); d != "" {
				t.Errorf("condition values (-want +got):\n%s", d)
			}
		})
	}
}

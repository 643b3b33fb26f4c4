package assist

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/aegis-iam/aegis/backend/check"
	"github.com/aegis-iam/aegis/backend/check/rules"
	"github.com/aegis-iam/aegis/backend/generate"
	"github.com/aegis-iam/aegis/backend/iamdb"
	"github.com/aegis-iam/aegis/backend/llm"
	"github.com/aegis-iam/aegis/backend/report"
)

func engine(t *testing.T) llm.Engine {
	t.Helper()
	db, err := iamdb.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	reg, err := check.NewRegistry(rules.All()...)
	if err != nil {
		t.Fatal(err)
	}
	return Engine(db, generate.New(db, reg), report.Tool{Name: "aegis", Version: "test"})
}

func TestEngineTools(t *testing.T) {
	e := engine(t)
	ctx := context.Background()

	in, qs, err := e.Extract(ctx, "Lambda function that reads from DynamoDB table 'users' and writes to S3 bucket 'uploads'")
	if err != nil || in == nil || len(in.Resources) != 2 || len(qs) != 0 {
		t.Errorf("Extract: %+v %v %v", in, qs, err)
	}

	if problems, err := e.CheckIntent(ctx, *in); err != nil || len(problems) != 0 {
		t.Errorf("CheckIntent of the engine's own reading: %q %v", problems, err)
	}
	bad := generate.Intent{Region: "us-five-1", Resources: []generate.Resource{{Service: "s3", Name: "Bad_Bucket", Verbs: []generate.Verb{"obliterate"}}}}
	if problems, err := e.CheckIntent(ctx, bad); err != nil || len(problems) != 3 {
		t.Errorf("CheckIntent(%+v): got %q %v, want 3 problems", bad, problems, err)
	}

	acts, err := e.LookupActions(ctx, llm.ActionQuery{Service: "S3", Actions: []string{"s3:GetObject", "PutObject", "s3:Invented"}})
	if err != nil || len(acts) != 2 {
		t.Fatalf("LookupActions: %+v %v", acts, err)
	}
	if _, err := e.LookupActions(ctx, llm.ActionQuery{Service: "nosuchservice"}); err == nil {
		t.Error("an unknown service was accepted")
	}
	reads, _ := e.LookupActions(ctx, llm.ActionQuery{Service: "dynamodb", AccessLevel: "read"})
	for _, a := range reads {
		if !strings.Contains(a.AccessLevel, "Read") {
			t.Errorf("%s is %s, not read", a.Name, a.AccessLevel)
		}
	}

	formats, err := e.ARNFormats(ctx, "sqs")
	if err != nil || len(formats) == 0 || formats[0].Type != "queue" {
		t.Errorf("ARNFormats: %+v %v", formats, err)
	}

	out, err := e.Validate(ctx, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(out)
	if !strings.Contains(string(b), `"band":"critical"`) {
		t.Errorf("Validate: %.300s", b)
	}
	if _, err := e.Validate(ctx, "not a policy"); err == nil {
		t.Error("a non-policy was validated")
	}

	res, err := e.Generate(ctx, *in)
	if r, ok := res.(*generate.Result); err != nil || !ok || r.Status != generate.StatusComplete {
		t.Errorf("Generate: %v %v", res, err)
	}
}

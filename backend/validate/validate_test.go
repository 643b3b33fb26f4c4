package validate

import (
	"errors"
	"fmt"
	"testing"

	"github.com/aegis-iam/aegis/backend/iamdb"
	"github.com/aegis-iam/aegis/backend/policy"
	"github.com/aegis-iam/aegis/backend/source"
	"github.com/google/go-cmp/cmp"
)

func TestErrorsByFile(t *testing.T) {
	list := policy.ErrorList{
		{Filename: "a.tf", Pos: policy.Pos{Line: 1}, Code: "hcl-syntax", Msg: "x"},
		{Filename: "b.tf", Pos: policy.Pos{Line: 2}, Code: "hcl-syntax", Msg: "y"},
		{Filename: "a.tf", Pos: policy.Pos{Line: 3}, Code: "hcl-syntax", Msg: "z"},
	}
	var got []string
	for _, e := range errorsByFile(list) {
		got = append(got, fmt.Sprintf("%s:%d", e.File, len(e.Errors)))
	}
	if diff := cmp.Diff([]string{"a.tf:2", "b.tf:1"}, got); diff != "" {
		t.Errorf("errorsByFile (-want +got):\n%s", diff)
	}
}

// TestAddTextSortsInputs checks the three outcomes of an input: policies,
// a note for a file of no known format, and an error-only document for a
// file whose syntax is broken.
func TestAddTextSortsInputs(t *testing.T) {
	var in Inputs
	in.AddText("policy.json", []byte(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`), source.Options{})
	in.AddText("notes.txt", []byte("hello"), source.Options{})
	in.AddText("broken.yaml", []byte("Resources: [\n"), source.Options{})
	in.AddFailure(errors.New("reading x: permission denied"))
	if len(in.Notes) != 1 || in.Notes[0].File != "notes.txt" {
		t.Errorf("notes = %+v", in.Notes)
	}
	if len(in.Failures) != 1 {
		t.Errorf("failures = %v", in.Failures)
	}
	if len(in.Docs) != 2 || in.Docs[0].Document == nil || in.Docs[1].File != "broken.yaml" || len(in.Docs[1].Errors) == 0 {
		t.Fatalf("docs = %+v", in.Docs)
	}
	db, err := iamdb.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	run, err := NewRun(Settings{})
	if err != nil {
		t.Fatal(err)
	}
	rep := run.Validate(in.Documents(db), in.Notes)
	if rep.Totals.Policies != 2 || rep.Totals.Findings == 0 || rep.Totals.Errors == 0 {
		t.Errorf("totals = %+v", rep.Totals)
	}
}

func TestNewRunRejectsUnknownFrameworks(t *testing.T) {
	_, err := NewRun(Settings{Frameworks: []string{"pci-dss-4.0", "iso-27001"}})
	var unknown *UnknownFrameworkError
	if !errors.As(err, &unknown) || unknown.ID != "iso-27001" || len(unknown.Known) < 7 {
		t.Errorf("err = %v", err)
	}
}

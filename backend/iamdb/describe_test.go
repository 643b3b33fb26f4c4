package iamdb

import (
	"slices"
	"testing"
)

func TestExpandAllIsTheSortedUnion(t *testing.T) {
	db := embeddedDB(t)
	got := db.ExpandAll([]string{"s3:GetObject", "s3:Get*", "sqs:SendMessage"})
	want := append(db.Expand("s3:Get*"), db.Expand("sqs:SendMessage")...)
	if !slices.Equal(got, want) {
		t.Errorf("ExpandAll gave %d actions, want the %d of the union in order", len(got), len(want))
	}
	if n := len(db.ExpandAll([]string{"nosuch:*", "s3:NoSuchAction"})); n != 0 {
		t.Errorf("patterns matching nothing gave %d actions", n)
	}
}

func TestDetailDescribesTheAction(t *testing.T) {
	db := embeddedDB(t)
	a, ok := db.Action("s3:GetObject")
	if !ok {
		t.Fatal("s3:GetObject missing")
	}
	d := db.Detail(a)
	if d.Action != "s3:GetObject" || d.Primary != "Read" || d.WildcardOnly || d.Service == "" {
		t.Errorf("summary = %+v", d.ActionSummary)
	}
	if !slices.Contains(d.ResourceTypes, "object") {
		t.Errorf("resource types %v lack the object type", d.ResourceTypes)
	}
	var object *ResourceDetail
	for i := range d.Resources {
		if d.Resources[i].Type == "object" {
			object = &d.Resources[i]
		}
	}
	if object == nil || !slices.Contains(object.ARNFormats, "arn:${Partition}:s3:::${BucketName}/${ObjectName}") {
		t.Errorf("object resource = %+v", object)
	}
	if !slices.Contains(d.ConditionKeys, "s3:TlsVersion") {
		t.Errorf("condition keys %v lack s3:TlsVersion", d.ConditionKeys)
	}
	list, _ := db.Action("s3:ListAllMyBuckets")
	if s := list.Summary(); !s.WildcardOnly || len(s.ResourceTypes) != 0 {
		t.Errorf("s3:ListAllMyBuckets summary = %+v", s)
	}
}

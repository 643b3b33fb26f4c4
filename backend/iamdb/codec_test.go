package iamdb

import (
	"bytes"
	"compress/gzip"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// testUpdate builds a small service-reference overlay: s3 with three
// actions (one new), two ARN formats for object, an operation table; and a
// new service.
func testUpdate(t testing.TB) *DB {
	t.Helper()
	object := &ResourceType{Name: "object", ARNFormats: []string{"arn:${Partition}:s3:::${BucketName}/${ObjectName}", "arn:${Partition}:s3express:::${BucketName}/${ObjectName}"}}
	bucket := &ResourceType{Name: "bucket", ARNFormats: []string{"arn:${Partition}:s3:::${BucketName}"}}
	s3 := &Service{Prefix: "s3", Name: "s3", Updated: true, SchemaVersion: "v1.4",
		ResourceTypes: []*ResourceType{object, bucket},
		ConditionKeys: []*ConditionKey{{Name: "s3:TlsVersion", Type: KeyNumeric}, {Name: "s3:NewKey", Type: KeyBool}},
		Actions: []*Action{
			{Name: "GetObject", Access: AccessRead, Resources: []ActionResource{{Type: object}}, ConditionKeys: []string{"s3:TlsVersion"},
				SupportedBy: SupportedByLastAccessed},
			{Name: "PutObject", Access: AccessWrite, Resources: []ActionResource{{Type: object}}},
			{Name: "BrandNewAction", Access: AccessWrite | AccessTagging, Resources: []ActionResource{{Type: bucket}}},
		},
		Operations: []*Operation{
			{Name: "CopyObject", Actions: []AuthorizedAction{{Action: "s3:GetObject"}, {Action: "s3:PutObject"},
				{Action: "kms:Decrypt", Context: []ContextValue{{Key: "kms:ViaService", Values: []string{"s3.us-east-1.amazonaws.com"}}}}}},
			{Name: "PutObject", Actions: []AuthorizedAction{{Action: "s3:PutObject"}, {Action: "s3:PutObjectTagging"}, {Action: "s3:PutObjectAcl"}}},
		},
	}
	fresh := &Service{Prefix: "brandnew", Name: "brandnew", Updated: true, SchemaVersion: "v1.4",
		Actions: []*Action{{Name: "DoThing", Access: AccessList}}}
	db, err := New(Data{Provenance: Provenance{Source: "servicereference", UpdatedAt: "2026-11-28T12:00:00Z", IndexURL: "https://servicereference.us-east-1.amazonaws.com/"},
		Services: []*Service{s3, fresh}})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return db
}

func encode(t testing.TB, db *DB) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := db.Encode(&buf); err != nil {
		t.Fatalf("Encode: %v", err)
	}
	return buf.Bytes()
}

func TestEncodeRoundTrip(t *testing.T) {
	for name, db := range map[string]*DB{"embedded": embeddedDB(t), "update": testUpdate(t)} {
		t.Run(name, func(t *testing.T) {
			first := encode(t, db)
			back, err := Decode(bytes.NewReader(first))
			if err != nil {
				t.Fatalf("Decode: %v", err)
			}
			if second := encode(t, back); !bytes.Equal(first, second) {
				t.Error("Encode(Decode(Encode(db))) differs from Encode(db)")
			}
			if diff := cmp.Diff(db.Stats(), back.Stats()); diff != "" {
				t.Errorf("Stats differ (-before +after):\n%s", diff)
			}
		})
	}
	// The committed snapshot is what the current encoder writes.
	if got := encode(t, embeddedDB(t)); string(got) != snapshot {
		t.Error("re-encoding the embedded snapshot changes it")
	}
	// Decode also reads the gzip form that data updates are stored in.
	back, err := Decode(bytes.NewReader(gz(t, []byte(snapshot))))
	if err != nil || back.Stats() != embeddedDB(t).Stats() {
		t.Errorf("Decode(gzip snapshot) = %v", err)
	}
}

func gz(t testing.TB, raw []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(raw)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestDecodeCorrupt(t *testing.T) {
	raw := encode(t, testUpdate(t))
	cases := map[string][]byte{
		"empty":           nil,
		"not a snapshot":  []byte("hello"),
		"bad gzip":        {0x1f, 0x8b, 0x00},
		"bad magic":       append([]byte("NOTAEGIS"), raw[8:]...),
		"truncated":       raw[:len(raw)/2],
		"gzip truncated":  gz(t, raw[:len(raw)/2]),
		"trailing":        append(append([]byte{}, raw...), 0),
		"version":         append([]byte(snapshotMagic+"\x09"), raw[len(snapshotMagic)+1:]...),
		"varint overflow": append([]byte(snapshotMagic), 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f),
	}
	for name, in := range cases {
		if _, err := Decode(bytes.NewReader(in)); !errors.Is(err, ErrCorrupt) {
			t.Errorf("%s: Decode error = %v, want ErrCorrupt", name, err)
		}
	}
}

func TestOverlay(t *testing.T) {
	base := embeddedDB(t)
	db, err := Overlay(base, testUpdate(t))
	if err != nil {
		t.Fatalf("Overlay: %v", err)
	}
	if p := db.Provenance(); p.Source != "servicereference" {
		t.Errorf("Provenance() = %+v", p)
	}
	if b, ok := db.Base(); !ok || b.Version != base.Provenance().Version {
		t.Errorf("Base() = %+v, %v", b, ok)
	}
	s3, _ := db.Service("s3")
	if !s3.Updated || s3.Name != "Amazon S3" || len(s3.Actions) != 3 {
		t.Errorf("s3 = updated %v name %q, %d actions; want updated, the embedded name, 3 actions", s3.Updated, s3.Name, len(s3.Actions))
	}
	get, _ := db.Action("s3:GetObject")
	baseGet, _ := base.Action("s3:GetObject")
	if get.Description != baseGet.Description || get.SupportedBy != SupportedByLastAccessed || !cmp.Equal(get.ConditionKeys, []string{"s3:TlsVersion"}) {
		t.Errorf("merged s3:GetObject = %+v", get)
	}
	obj, _ := s3.ResourceType("object")
	if len(obj.ARNFormats) != 2 || !contains(obj.ConditionKeys, "aws:ResourceTag/${TagKey}") {
		t.Errorf("merged object type = %+v", obj)
	}
	if !db.ConditionKeyValid(get, "s3:TlsVersion") {
		t.Error("s3:TlsVersion not valid for merged s3:GetObject")
	}
	if k, ok := db.ConditionKey("s3:TlsVersion"); !ok || k.Description == "" || k.Type != KeyNumeric {
		t.Errorf("merged s3:TlsVersion = %+v", k)
	}
	if _, ok := db.Action("brandnew:DoThing"); !ok {
		t.Error("new service missing")
	}
	if _, ok := db.Action("ec2:RunInstances"); ok {
		t.Error("services absent from the update should be dropped")
	}
	// Dependent actions come from the operation of the same name.
	if put, _ := db.Action("s3:PutObject"); put.DependentLegacy || !cmp.Equal(put.DependentActions, []string{"s3:PutObjectAcl", "s3:PutObjectTagging"}) {
		t.Errorf("merged s3:PutObject dependent actions = %v (legacy %v)", put.DependentActions, put.DependentLegacy)
	}
	// AWS's operation table beats the curated S3 rename.
	if acts, ok := db.EventActions("s3.amazonaws.com", "CopyObject"); !ok || !cmp.Equal(acts, []string{"s3:GetObject", "s3:PutObject", "kms:Decrypt"}) {
		t.Errorf("EventActions(CopyObject) = %v, %v", acts, ok)
	}
	// The base is untouched.
	if s, _ := base.Service("s3"); s.Updated || len(s.Actions) < 100 {
		t.Error("Overlay modified the base database")
	}
	if a, _ := base.Action("s3:GetObject"); a.SupportedBy != 0 || len(base.ExpandNot([]string{"s3:*"})) != len(base.Actions())-len(base.Expand("s3:*")) {
		t.Error("Overlay modified the base actions")
	}

	c := Diff(base, db)
	if !cmp.Equal(c.AddedActions, []string{"brandnew:DoThing", "s3:BrandNewAction"}) || len(c.RemovedActions) != len(base.Actions())-2 ||
		c.Services != 2 || len(c.RemovedServices) != len(base.Services())-1 {
		t.Errorf("Diff = added %v, %d removed, %d services, %d removed services", c.AddedActions, len(c.RemovedActions), c.Services, len(c.RemovedServices))
	}
}

func TestOverlayFile(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "aegis-iam")
	db, err := Open(dir)
	if err != nil || db != embeddedDB(t) {
		t.Fatalf("Open(empty dir) = %p, %v; want the embedded database", db, err)
	}
	if err := WriteOverlay(dir, testUpdate(t)); err != nil {
		t.Fatalf("WriteOverlay: %v", err)
	}
	db, err = Open(dir)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	if db.Provenance().Source != "servicereference" || db.Stats().Services != 2 {
		t.Errorf("Open after update = %+v, %+v", db.Provenance(), db.Stats())
	}
	var names []string
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if want := []string{mergedFile, OverlayFile}; !cmp.Equal(names, want) {
		t.Errorf("cache dir holds %v, want %v", names, want)
	}
	if removed, err := RemoveOverlay(dir); !removed || err != nil {
		t.Errorf("RemoveOverlay = %v, %v", removed, err)
	}
	if removed, err := RemoveOverlay(dir); removed || err != nil {
		t.Errorf("second RemoveOverlay = %v, %v", removed, err)
	}
	if db, _ := Open(dir); db != embeddedDB(t) {
		t.Error("Open after revert is not the embedded database")
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("cache dir holds %d files after revert, want none", len(entries))
	}
	if err := os.WriteFile(filepath.Join(dir, OverlayFile), []byte("garbage"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(dir); !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), OverlayFile) {
		t.Errorf("Open(corrupt) = %v, want ErrCorrupt naming the file", err)
	}
}

// FuzzDecode feeds arbitrary bytes to the snapshot decoder (the cache file
// is user-writable): it must fail cleanly, never panic.
func FuzzDecode(f *testing.F) {
	f.Add(encode(f, testUpdate(f)))
	f.Add([]byte(snapshotMagic + "\x01\x00"))
	f.Fuzz(func(t *testing.T, raw []byte) {
		d, err := decodeRaw(string(raw))
		if err != nil {
			return
		}
		if db, err := New(d); err == nil {
			db.Expand("*")
			db.Encode(&bytes.Buffer{})
		}
	})
}

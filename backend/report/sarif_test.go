package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"testing"
)

// sarifRequired lists, per object of the SARIF 2.1.0 schema
// (sarif-schema-2.1.0.json) that this writer emits, the properties the
// schema requires and the enumerations it constrains; GitHub code scanning
// rejects logs that break them.
var sarifRequired = map[string][]string{
	"log":                      {"version", "runs"},
	"run":                      {"tool"},
	"tool":                     {"driver"},
	"toolComponent":            {"name"},
	"reportingDescriptor":      {"id"},
	"multiformatMessageString": {"text"},
	"result":                   {"message"},
	"message":                  {"text"},
	"invocation":               {"executionSuccessful"},
	"notification":             {"message"},
	"suppression":              {"kind"},
	"physicalLocation":         {"artifactLocation"},
	"artifactLocation":         {"uri"},
	"region":                   {"startLine"},
}

var sarifEnums = map[string][]string{
	"level":      {"none", "note", "warning", "error"},
	"kind":       {"inSource", "external"},
	"status":     {"accepted", "underReview", "rejected"},
	"columnKind": {"utf16CodeUnits", "unicodeCodePoints"},
}

type sarifChecker struct {
	t    *testing.T
	seen map[string]int
}

func (c *sarifChecker) object(v any, typ, path string) map[string]any {
	c.t.Helper()
	m, ok := v.(map[string]any)
	if !ok {
		c.t.Errorf("%s: want a %s object, got %T", path, typ, v)
		return nil
	}
	c.seen[typ]++
	for _, k := range sarifRequired[typ] {
		if _, ok := m[k]; !ok {
			c.t.Errorf("%s: %s lacks required property %q", path, typ, k)
		}
	}
	for k, allowed := range sarifEnums {
		if s, ok := m[k].(string); ok && typ != "logicalLocation" && !contains(allowed, s) {
			c.t.Errorf("%s.%s = %q, want one of %v", path, k, s, allowed)
		}
	}
	return m
}

func (c *sarifChecker) array(v any, path string) []any {
	a, ok := v.([]any)
	if !ok && v != nil {
		c.t.Errorf("%s: want an array, got %T", path, v)
	}
	return a
}

func (c *sarifChecker) location(v any, path string) {
	loc := c.object(v, "location", path)
	phys := c.object(loc["physicalLocation"], "physicalLocation", path+".physicalLocation")
	art := c.object(phys["artifactLocation"], "artifactLocation", path+".physicalLocation.artifactLocation")
	if uri, _ := art["uri"].(string); uri == "" || uri[0] == '/' {
		c.t.Errorf("%s: uri %q: want a relative URI under %s", path, uri, sarifBase)
	}
	if reg, ok := phys["region"]; ok {
		r := c.object(reg, "region", path+".region")
		for _, k := range []string{"startLine", "startColumn"} {
			if n, ok := r[k].(float64); ok && n < 1 {
				c.t.Errorf("%s.region.%s = %v, want ≥ 1", path, k, n)
			}
		}
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func TestSARIFMeetsSchemaAndGitHubRequirements(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteSARIF(&buf, fixture(t)); err != nil {
		t.Fatal(err)
	}
	var doc any
	if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	c := &sarifChecker{t: t, seen: map[string]int{}}
	log := c.object(doc, "log", "$")
	if log["version"] != "2.1.0" {
		t.Errorf("version = %v", log["version"])
	}
	for i, rv := range c.array(log["runs"], "runs") {
		p := fmt.Sprintf("runs[%d]", i)
		run := c.object(rv, "run", p)
		tool := c.object(run["tool"], "tool", p+".tool")
		driver := c.object(tool["driver"], "toolComponent", p+".tool.driver")
		ruleIndex := map[string]int{}
		for j, rule := range c.array(driver["rules"], p+".rules") {
			rp := fmt.Sprintf("%s.rules[%d]", p, j)
			r := c.object(rule, "reportingDescriptor", rp)
			ruleIndex[r["id"].(string)] = j
			for _, k := range []string{"shortDescription", "fullDescription", "help"} {
				c.object(r[k], "multiformatMessageString", rp+"."+k)
			}
			props := c.object(r["properties"], "propertyBag", rp+".properties")
			if _, ok := props["security-severity"].(string); !ok {
				t.Errorf("%s: no security-severity", rp)
			}
			if len(c.array(props["tags"], rp+".tags")) == 0 {
				t.Errorf("%s: no tags", rp)
			}
			if r["helpUri"] == nil || r["name"] == nil {
				t.Errorf("%s: want name and helpUri", rp)
			}
		}
		for j, iv := range c.array(run["invocations"], p+".invocations") {
			inv := c.object(iv, "invocation", fmt.Sprintf("%s.invocations[%d]", p, j))
			for k, n := range c.array(inv["toolExecutionNotifications"], "notifications") {
				np := fmt.Sprintf("%s.notifications[%d]", p, k)
				note := c.object(n, "notification", np)
				c.object(note["message"], "message", np+".message")
				for l, loc := range c.array(note["locations"], np+".locations") {
					c.location(loc, fmt.Sprintf("%s.locations[%d]", np, l))
				}
			}
		}
		for j, resv := range c.array(run["results"], p+".results") {
			rp := fmt.Sprintf("%s.results[%d]", p, j)
			res := c.object(resv, "result", rp)
			c.object(res["message"], "message", rp+".message")
			id, _ := res["ruleId"].(string)
			if idx, ok := ruleIndex[id]; !ok || res["ruleIndex"] != float64(idx) {
				t.Errorf("%s: ruleId %q / ruleIndex %v do not name a driver rule", rp, id, res["ruleIndex"])
			}
			locs := c.array(res["locations"], rp+".locations")
			if len(locs) == 0 {
				t.Errorf("%s: GitHub needs at least one location", rp)
			}
			for l, loc := range locs {
				c.location(loc, fmt.Sprintf("%s.locations[%d]", rp, l))
			}
			fp, _ := res["partialFingerprints"].(map[string]any)
			if fp[fingerprintKey] == nil {
				t.Errorf("%s: no %s partial fingerprint", rp, fingerprintKey)
			}
			for k, s := range c.array(res["suppressions"], rp+".suppressions") {
				c.object(s, "suppression", fmt.Sprintf("%s.suppressions[%d]", rp, k))
			}
		}
	}
	for _, typ := range []string{"result", "suppression", "notification", "region"} {
		if c.seen[typ] == 0 {
			t.Errorf("the fixture produced no %s: the test checks nothing there", typ)
		}
	}
}

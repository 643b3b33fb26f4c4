package app

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"

	"github.com/aegis-iam/aegis/backend/audit/render"
	"github.com/aegis-iam/aegis/backend/audit/result"
	"github.com/aegis-iam/aegis/backend/audit/rightsize"
	"github.com/aegis-iam/aegis/backend/awsapi"
	"github.com/aegis-iam/aegis/backend/cloudtrail/sample"
	"github.com/aegis-iam/aegis/backend/remediate"
)

// AuditExportRequest names what to export from a saved audit: the whole
// audit (json only) or one principal's recommendation.
type AuditExportRequest struct {
	ID string `json:"id"`
	// Principal is the principal's ARN; empty exports the whole audit.
	Principal string `json:"principal"`
	// Format is json, terraform, cloudformation or cli (AWS CLI commands).
	Format string `json:"format"`
}

// Export renders a saved audit, or one principal's recommendation as the
// changes that apply it: Terraform, a CloudFormation template or AWS CLI
// commands. A sample audit's exports say so.
func (s *AuditService) Export(req AuditExportRequest) (ExportResult, error) {
	run, err := s.Open(req.ID)
	if err != nil {
		return ExportResult{}, err
	}
	a := run.Audit
	if req.Principal == "" {
		if req.Format != "json" {
			return ExportResult{}, fmt.Errorf("export: a whole audit exports as json; pick a principal for %s", req.Format)
		}
		var b bytes.Buffer
		if err := render.JSON(&b, a); err != nil {
			return ExportResult{}, err
		}
		return ExportResult{Text: b.String(), SuggestedName: "audit-" + a.Account + ".json"}, nil
	}
	var p *result.Principal
	for i := range a.Principals {
		if a.Principals[i].ARN == req.Principal {
			p = &a.Principals[i]
		}
	}
	if p == nil {
		return ExportResult{}, fmt.Errorf("export: audit %s has no principal %s", req.ID, req.Principal)
	}
	if req.Format == "json" {
		data, err := json.MarshalIndent(struct {
			Account   string            `json:"account"`
			Sample    bool              `json:"sample,omitempty"`
			Principal *result.Principal `json:"principal"`
		}{a.Account, a.Sample, p}, "", "  ")
		return ExportResult{Text: string(data) + "\n", SuggestedName: p.Name + ".audit.json"}, err
	}
	if p.Recommendation == nil {
		return ExportResult{}, fmt.Errorf("export: %s has no recommendation: some of its policies could not be read", p.Name)
	}
	plan := planOf(a, p)
	switch req.Format {
	case "terraform":
		return ExportResult{Text: plan.terraform(), SuggestedName: p.Name + ".rightsize.tf"}, nil
	case "cloudformation":
		text, err := plan.cloudFormation()
		return ExportResult{Text: text, SuggestedName: p.Name + ".rightsize.template.json"}, err
	case "cli":
		return ExportResult{Text: plan.cli(), SuggestedName: p.Name + ".rightsize.sh"}, nil
	}
	return ExportResult{}, fmt.Errorf("export: %q is not a format (want json, terraform, cloudformation or cli)", req.Format)
}

// Kinds of change in a plan.
const (
	putInline     = "put-inline"     // create or replace an inline policy
	createManaged = "create-managed" // create a customer managed policy and attach it
	updateManaged = "update-managed" // a new default version of an unshared customer managed policy
	detachManaged = "detach-managed"
	deleteInline  = "delete-inline"
	deleteEntity  = "delete-principal"
)

// change is one step of applying a recommendation.
type change struct {
	kind string
	name string // the inline policy's name, or the managed policy's
	arn  string // managed policies
	doc  json.RawMessage
}

// plan is a recommendation as the changes that apply it, in order:
// what is added before what is taken away.
type plan struct {
	account string
	sample  bool
	p       *result.Principal
	changes []change
	notes   []string
}

// managedName is the name in a managed policy's ARN.
func managedName(arn string) string { return arn[strings.LastIndexByte(arn, '/')+1:] }

func planOf(a *result.Audit, p *result.Principal) *plan {
	r := p.Recommendation
	pl := &plan{account: a.Account, sample: a.Sample, p: p, notes: r.Notes}
	if r.AddressTo != "" {
		pl.notes = append(pl.notes, "apply this in the IAM Identity Center permission set "+r.AddressTo+": the role is managed by Identity Center and is rewritten with it")
	}
	if r.Kind == rightsize.Remove {
		for _, c := range p.Current {
			if inline, ok := strings.CutPrefix(c.Name, "inline:"); ok {
				pl.changes = append(pl.changes, change{kind: deleteInline, name: inline})
			} else if c.Managed && !strings.HasPrefix(c.Name, "group/") {
				pl.changes = append(pl.changes, change{kind: detachManaged, name: managedName(c.Name), arn: c.Name})
			}
		}
		pl.changes = append(pl.changes, change{kind: deleteEntity, name: p.Name})
		return pl
	}
	for _, pol := range r.Policies {
		inline, isInline := strings.CutPrefix(pol.Name, "inline:")
		switch {
		case pol.Status == "unchanged" || strings.HasPrefix(pol.Name, "group/"):
		case isInline:
			pl.changes = append(pl.changes, change{kind: putInline, name: inline, doc: pol.Document})
		case pol.Status == "new":
			name := managedName(pol.Name)
			pl.changes = append(pl.changes, change{kind: createManaged, name: name, arn: "arn:aws:iam::" + a.Account + ":policy/" + name, doc: pol.Document})
		default:
			pl.changes = append(pl.changes, change{kind: updateManaged, name: managedName(pol.Name), arn: pol.Name, doc: pol.Document})
		}
	}
	for _, arn := range r.Detach {
		pl.changes = append(pl.changes, change{kind: detachManaged, name: managedName(arn), arn: arn})
	}
	for _, name := range r.Delete {
		if inline, ok := strings.CutPrefix(name, "inline:"); ok {
			pl.changes = append(pl.changes, change{kind: deleteInline, name: inline})
		} else {
			pl.changes = append(pl.changes, change{kind: detachManaged, name: managedName(name), arn: name})
		}
	}
	return pl
}

// header is what every export opens with, as comment lines.
func (pl *plan) header() []string {
	r := pl.p.Recommendation
	var h []string
	if pl.sample {
		h = append(h, sample.Label+".")
	}
	h = append(h, fmt.Sprintf("Right-sizing %s %s (%s): %s.", pl.p.Type, pl.p.Name, pl.p.ARN, r.Kind),
		fmt.Sprintf("Proofs (Aegis IAM evaluator): %s; %s.", r.Proof.NoNewAccess, coverWord(r.Proof)))
	for _, n := range pl.notes {
		h = append(h, "Note: "+n)
	}
	if len(pl.changes) == 0 {
		h = append(h, "Nothing to change.")
	}
	return h
}

func coverWord(p result.Proof) string {
	if p.CoversUsage {
		return "every used permission stays allowed"
	}
	return "loses " + strings.Join(p.Lost, ", ")
}

// cli renders the plan as a shell script of AWS CLI commands that apply
// the recommendation from scratch (no live state is read: the comments say
// what to check first). Each command is a remediate.CLI rendering of the
// IAM call, as the remediation plan's commands are.
func (pl *plan) cli() string {
	var b strings.Builder
	b.WriteString("#!/bin/sh\nset -eu\n")
	for _, h := range pl.header() {
		b.WriteString("# " + h + "\n")
	}
	kind := "Role"
	if pl.p.Type == "user" {
		kind = "User"
	}
	call := func(op string, params ...string) {
		c := awsapi.IAMCall{Operation: op, Params: map[string]string{}}
		for i := 0; i+1 < len(params); i += 2 {
			c.Params[params[i]] = params[i+1]
		}
		b.WriteString(remediate.CLI(c) + "\n")
	}
	who := kind + "Name"
	for _, c := range pl.changes {
		switch c.kind {
		case putInline:
			call("Put"+kind+"Policy", who, pl.p.Name, "PolicyName", c.name, "PolicyDocument", string(c.doc))
		case createManaged:
			call("CreatePolicy", "PolicyName", c.name, "PolicyDocument", string(c.doc))
			call("Attach"+kind+"Policy", who, pl.p.Name, "PolicyArn", c.arn)
		case updateManaged:
			b.WriteString("# IAM keeps five versions of a managed policy: delete the oldest non-default one first if it has five.\n")
			call("CreatePolicyVersion", "PolicyArn", c.arn, "PolicyDocument", string(c.doc), "SetAsDefault", "true")
		case detachManaged:
			call("Detach"+kind+"Policy", who, pl.p.Name, "PolicyArn", c.arn)
		case deleteInline:
			call("Delete"+kind+"Policy", who, pl.p.Name, "PolicyName", c.name)
		case deleteEntity:
			if kind == "User" {
				b.WriteString("# Delete the user's access keys, login profile, MFA devices and group memberships first.\n")
			} else {
				b.WriteString("# Remove the role from its instance profiles first.\n")
			}
			call("Delete"+kind, who, pl.p.Name)
		}
	}
	return b.String()
}

var nonIdent = regexp.MustCompile(`[^A-Za-z0-9]+`)

// ident is name as a Terraform or CloudFormation identifier.
func ident(parts ...string) string {
	return strings.Trim(nonIdent.ReplaceAllString(strings.Join(parts, "_"), "_"), "_")
}

func (pl *plan) terraform() string {
	var b strings.Builder
	for _, h := range pl.header() {
		b.WriteString("# " + h + "\n")
	}
	kind := pl.p.Type
	for _, c := range pl.changes {
		id := ident(pl.p.Name, c.name)
		switch c.kind {
		case putInline:
			fmt.Fprintf(&b, "\nresource \"aws_iam_%s_policy\" %q {\n  name   = %q\n  %-6s = %q\n  policy = <<-POLICY\n%s\n  POLICY\n}\n", kind, id, c.name, kind, pl.p.Name, indent(c.doc))
		case createManaged:
			fmt.Fprintf(&b, "\nresource \"aws_iam_policy\" %q {\n  name   = %q\n  policy = <<-POLICY\n%s\n  POLICY\n}\n", id, c.name, indent(c.doc))
			fmt.Fprintf(&b, "\nresource \"aws_iam_%s_policy_attachment\" %q {\n  %-10s = %q\n  policy_arn = aws_iam_policy.%s.arn\n}\n", kind, id, kind, pl.p.Name, id)
		case updateManaged:
			fmt.Fprintf(&b, "\n# Already exists: terraform import aws_iam_policy.%s %s\nresource \"aws_iam_policy\" %q {\n  name   = %q\n  policy = <<-POLICY\n%s\n  POLICY\n}\n", id, c.arn, id, c.name, indent(c.doc))
		case detachManaged:
			fmt.Fprintf(&b, "\n# Detach %s from %s %s: remove its aws_iam_%s_policy_attachment.\n", c.arn, kind, pl.p.Name, kind)
		case deleteInline:
			fmt.Fprintf(&b, "\n# Delete the inline policy %s of %s %s: remove its aws_iam_%s_policy.\n", c.name, kind, pl.p.Name, kind)
		case deleteEntity:
			fmt.Fprintf(&b, "\n# Delete %s %s: remove its aws_iam_%s resource.\n", kind, pl.p.Name, kind)
		}
	}
	return b.String()
}

// indent indents a policy document for a Terraform heredoc.
func indent(doc json.RawMessage) string {
	var b bytes.Buffer
	if err := json.Indent(&b, doc, "    ", "  "); err != nil {
		return "    " + string(doc)
	}
	return "    " + b.String()
}

func (pl *plan) cloudFormation() (string, error) {
	type obj = map[string]any
	resources := obj{}
	var manual []string
	entity := "Roles"
	resource := "AWS::IAM::RolePolicy"
	nameKey := "RoleName"
	if pl.p.Type == "user" {
		entity, resource, nameKey = "Users", "AWS::IAM::UserPolicy", "UserName"
	}
	for _, c := range pl.changes {
		id := ident(pl.p.Name, c.name)
		switch c.kind {
		case putInline:
			resources[id] = obj{"Type": resource, "Properties": obj{"PolicyName": c.name, nameKey: pl.p.Name, "PolicyDocument": c.doc}}
		case createManaged:
			resources[id] = obj{"Type": "AWS::IAM::ManagedPolicy", "Properties": obj{"ManagedPolicyName": c.name, entity: []string{pl.p.Name}, "PolicyDocument": c.doc}}
		case updateManaged:
			resources[id] = obj{"Type": "AWS::IAM::ManagedPolicy", "Properties": obj{"ManagedPolicyName": c.name, "PolicyDocument": c.doc}}
			manual = append(manual, "import the existing policy "+c.arn+" into the stack as "+id)
		case detachManaged:
			manual = append(manual, "detach "+c.arn)
		case deleteInline:
			manual = append(manual, "delete the inline policy "+c.name)
		case deleteEntity:
			manual = append(manual, "delete the "+pl.p.Type+" "+pl.p.Name)
		}
	}
	tmpl := obj{
		"AWSTemplateFormatVersion": "2010-09-09",
		"Description":              pl.description(),
		"Metadata":                 obj{"Aegis": obj{"principal": pl.p.ARN, "sample": pl.sample, "notes": append([]string{}, pl.notes...), "manualSteps": append([]string{}, manual...)}},
		"Resources":                resources,
	}
	if len(resources) == 0 {
		// A template needs a resource: a wait condition handle costs nothing.
		resources["Nothing"] = obj{"Type": "AWS::CloudFormation::WaitConditionHandle"}
	}
	data, err := json.MarshalIndent(tmpl, "", "  ")
	return string(data) + "\n", err
}

// description is the header without its notes (which go in the template's
// Metadata), within CloudFormation's 1024-byte limit.
func (pl *plan) description() string {
	var lines []string
	for _, h := range pl.header() {
		if !strings.HasPrefix(h, "Note: ") {
			lines = append(lines, h)
		}
	}
	d := strings.Join(lines, " ")
	if len(d) > 1024 {
		d = d[:1021] + "..."
	}
	return d
}

package source

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"

	"github.com/aegis-iam/aegis/backend/policy"
)

// cfnProperty is a resource property that holds a policy document.
type cfnProperty struct {
	// path is the property name; "Policies[].PolicyDocument" walks a list,
	// "Policies[]" takes the list's elements that are documents (SAM).
	path  string
	kind  policy.Kind
	owner string // properties naming what the document is attached to (space-separated); none: the resource itself
}

// cfnPolicies lists the resource types that carry policy documents and where
// (AWS resource and property reference). AWS::Lambda::Permission is not here:
// it grants one permission through properties, not a document.
var cfnPolicies = map[string][]cfnProperty{
	"AWS::IAM::Policy":                    {{path: "PolicyDocument", kind: policy.KindIdentity, owner: "Roles Users Groups"}},
	"AWS::IAM::ManagedPolicy":             {{path: "PolicyDocument", kind: policy.KindIdentity, owner: "Roles Users Groups"}},
	"AWS::IAM::RolePolicy":                {{path: "PolicyDocument", kind: policy.KindIdentity, owner: "RoleName"}},
	"AWS::IAM::UserPolicy":                {{path: "PolicyDocument", kind: policy.KindIdentity, owner: "UserName"}},
	"AWS::IAM::GroupPolicy":               {{path: "PolicyDocument", kind: policy.KindIdentity, owner: "GroupName"}},
	"AWS::IAM::Role":                      {{path: "AssumeRolePolicyDocument", kind: policy.KindTrust}, {path: "Policies[].PolicyDocument", kind: policy.KindIdentity}},
	"AWS::IAM::User":                      {{path: "Policies[].PolicyDocument", kind: policy.KindIdentity}},
	"AWS::IAM::Group":                     {{path: "Policies[].PolicyDocument", kind: policy.KindIdentity}},
	"AWS::S3::BucketPolicy":               {{path: "PolicyDocument", kind: policy.KindResource, owner: "Bucket"}},
	"AWS::SQS::QueuePolicy":               {{path: "PolicyDocument", kind: policy.KindResource, owner: "Queues"}},
	"AWS::SNS::TopicPolicy":               {{path: "PolicyDocument", kind: policy.KindResource, owner: "Topics"}},
	"AWS::SNS::TopicInlinePolicy":         {{path: "PolicyDocument", kind: policy.KindResource, owner: "TopicArn"}},
	"AWS::KMS::Key":                       {{path: "KeyPolicy", kind: policy.KindResource}},
	"AWS::KMS::ReplicaKey":                {{path: "KeyPolicy", kind: policy.KindResource}},
	"AWS::SecretsManager::ResourcePolicy": {{path: "ResourcePolicy", kind: policy.KindResource, owner: "SecretId"}},
	"AWS::ECR::Repository":                {{path: "RepositoryPolicyText", kind: policy.KindResource}},
	"AWS::ECR::RegistryPolicy":            {{path: "PolicyText", kind: policy.KindResource}},
	"AWS::Events::EventBus":               {{path: "Policy", kind: policy.KindResource}},
	"AWS::Events::EventBusPolicy":         {{path: "Statement", kind: policy.KindResource, owner: "EventBusName"}},
	"AWS::Logs::ResourcePolicy":           {{path: "PolicyDocument", kind: policy.KindResource}},
	"AWS::Logs::Destination":              {{path: "DestinationPolicy", kind: policy.KindResource}},
	"AWS::EC2::VPCEndpoint":               {{path: "PolicyDocument", kind: policy.KindVPCEndpoint, owner: "ServiceName"}},
	"AWS::OpenSearchService::Domain":      {{path: "AccessPolicies", kind: policy.KindResource}},
	"AWS::Elasticsearch::Domain":          {{path: "AccessPolicies", kind: policy.KindResource}},
	"AWS::ApiGateway::RestApi":            {{path: "Policy", kind: policy.KindResource}},
	"AWS::EFS::FileSystem":                {{path: "FileSystemPolicy", kind: policy.KindResource}},
	"AWS::Backup::BackupVault":            {{path: "AccessPolicy", kind: policy.KindResource}},
	"AWS::Organizations::Policy":          {{path: "Content", kind: policy.KindSCP}},
	// AWS SAM: Policies holds managed policy names, SAM policy templates and
	// inline documents; only the documents are taken.
	"AWS::Serverless::Function":     {{path: "Policies[]", kind: policy.KindIdentity}},
	"AWS::Serverless::StateMachine": {{path: "Policies[]", kind: policy.KindIdentity}},
}

// isCFNResources reports whether n looks like a template's Resources section.
func isCFNResources(n *node) bool {
	if n.kind != objectNode || len(n.elems) == 0 {
		return false
	}
	for _, r := range n.elems {
		if !strings.HasPrefix(r.get("Type").str(), "AWS::") && !strings.HasPrefix(r.get("Type").str(), "Custom::") {
			return false
		}
	}
	return true
}

// extractCloudFormation reads a template in JSON or YAML. tree, when not
// nil, is a JSON src already read.
func extractCloudFormation(file string, src []byte, ln *lines, tree *node) ([]pending, error) {
	tmpl := tree
	var jerr *jsonError
	code := "json-syntax"
	if tmpl == nil {
		if t := trimLeading(src); len(t) > 0 && t[0] == '{' {
			tmpl, jerr = readJSON(src)
		} else {
			code = "yaml-syntax"
			tmpl, jerr = readYAML(src, ln)
		}
	}
	if jerr != nil {
		return nil, fileError(file, ln, jerr.off, code, "%s", jerr.msg)
	}
	resources := tmpl.get("Resources")
	if resources == nil || resources.kind != objectNode {
		return nil, fmt.Errorf("%s: no Resources mapping: %w", file, ErrUnrecognized)
	}
	var out []pending
	for i, id := range resources.keys {
		res := resources.elems[i]
		typ := res.get("Type").str()
		props := res.get("Properties")
		for _, p := range cfnPolicies[typ] {
			out = append(out, cfnDocuments(file, ln, id.text, typ, props, p)...)
		}
	}
	return out, nil
}

// trimLeading drops a byte order mark and leading white space.
func trimLeading(src []byte) []byte {
	return bytes.TrimLeft(bytes.TrimPrefix(src, []byte("\ufeff")), " \t\r\n")
}

// cfnDocuments returns the documents one property of one resource holds.
func cfnDocuments(file string, ln *lines, id, typ string, props *node, p cfnProperty) []pending {
	var meta collector
	r := cfnResolver{c: &meta}
	props = r.shallow(props)
	boundary := cfnText(props.get("PermissionsBoundary"))
	owner := id
	if p.owner != "" {
		var names []string
		for _, o := range strings.Fields(p.owner) {
			if t := cfnText(props.get(o)); t != "" {
				names = append(names, t)
			}
		}
		owner = strings.Join(names, ", ")
	}
	kind := p.kind
	if typ == "AWS::Organizations::Policy" {
		switch cfnText(props.get("Type")) {
		case "SERVICE_CONTROL_POLICY":
		case "RESOURCE_CONTROL_POLICY":
			kind = policy.KindRCP
		default:
			return nil // tag, backup and AI opt-out policies are not IAM policies
		}
	}
	type found struct {
		name string
		doc  *node
	}
	var docs []found
	if list, prop, ok := strings.Cut(p.path, "[]"); ok {
		prop = strings.TrimPrefix(prop, ".")
		items := r.shallow(props.get(list))
		if items != nil && items.kind == objectNode && prop == "" {
			items = &node{kind: arrayNode, off: items.off, elems: []*node{items}} // SAM allows one document
		}
		if items == nil || items.kind != arrayNode {
			return nil
		}
		for i, it := range items.elems {
			name := id + "." + list + "[" + strconv.Itoa(i) + "]"
			it = r.shallow(it)
			switch {
			case prop != "":
				if d := it.get(prop); d != nil {
					docs = append(docs, found{name + "." + prop, d})
				}
			case it.get("Statement") != nil:
				docs = append(docs, found{name, it})
			}
		}
	} else if d := props.get(p.path); d != nil {
		docs = append(docs, found{id + "." + p.path, d})
	}
	var out []pending
	for _, f := range docs {
		var c collector
		dr := cfnResolver{c: &c}
		doc := dr.resolve(f.doc, 0)
		if doc == nil {
			continue
		}
		if typ == "AWS::Events::EventBusPolicy" {
			doc = wrapStatement(doc)
		}
		pd := document(file, f.name, kind, ln, doc, &c)
		pd.owner, pd.boundary = owner, boundary
		out = append(out, pd)
	}
	return out
}

// wrapStatement makes a document of the single statement an
// AWS::Events::EventBusPolicy holds, positioned at the statement.
func wrapStatement(stmt *node) *node {
	return &node{kind: objectNode, off: stmt.off,
		keys:  []*node{newString(stmt.off, "Version", nil), newString(stmt.off, "Statement", nil)},
		elems: []*node{newString(stmt.off, "2012-10-17", nil), {kind: arrayNode, off: stmt.off, elems: []*node{stmt}}},
	}
}

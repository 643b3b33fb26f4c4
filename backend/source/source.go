package source

import (
	"bytes"
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/aegis-iam/aegis/backend/policy"
)

// Format is the kind of input a file holds.
type Format uint8

const (
	FormatAuto           Format = iota // detect from the name and the content
	FormatPolicy                       // one raw IAM policy document (JSON)
	FormatCloudFormation               // a CloudFormation template, JSON or YAML
	FormatTerraform                    // Terraform configuration (HCL)
	FormatTerraformPlan                // `terraform show -json` of a plan or a state
	FormatGAAD                         // `aws iam get-account-authorization-details` output
	FormatUnknown                      // none of the above
)

var formatNames = [...]string{"auto", "policy", "cloudformation", "terraform", "terraform-plan", "gaad", "unknown"}

func (f Format) String() string {
	if int(f) < len(formatNames) {
		return formatNames[f]
	}
	return fmt.Sprintf("Format(%d)", f)
}

// ParseFormat maps a format name (as printed by Format.String) to its Format.
func ParseFormat(s string) (Format, error) {
	for i, n := range formatNames[:FormatUnknown] {
		if strings.EqualFold(n, s) {
			return Format(i), nil
		}
	}
	return FormatUnknown, fmt.Errorf("unknown input format %q (want one of %s)", s, strings.Join(formatNames[:FormatUnknown], ", "))
}

// ErrUnrecognized says a file is none of the formats this package reads.
// Walk reports such files (wrapped, with their name) rather than skipping
// them silently; callers may choose to treat it as a note.
var ErrUnrecognized = errors.New("not a policy, CloudFormation template, Terraform configuration, Terraform plan or GAAD export")

// ErrTooLarge says Walk did not read a file because of its size.
var ErrTooLarge = errors.New("file too large")

// Options controls extraction.
type Options struct {
	// Format forces the input format; FormatAuto detects it.
	Format Format
	// Kind is the kind of a raw policy document (--policy-type); KindAny
	// detects it from the content.
	Kind policy.Kind
	// ReadFile, when set, reads files that an input refers to (Terraform
	// file("x.json") and templatefile). Without it such references stay
	// placeholders.
	ReadFile func(name string) ([]byte, error)
	// AllVersions extracts every stored version of a GAAD export's managed
	// policies (named "policy/NAME vN"), not only the default one.
	AllVersions bool
}

// Placeholder is a value in an extracted document that stands for an
// expression Aegis does not evaluate: a CloudFormation intrinsic function or
// pseudo parameter, a Terraform reference or function call.
type Placeholder struct {
	Pos  policy.Pos // the expression in the original file
	Text string     // as it appears in the document, e.g. "${Bucket.Arn}"
	Expr string     // what it stands for, e.g. "Fn::GetAtt" or "aws_s3_bucket.b.arn"
}

// Extracted is one policy document found in an input, with where it came
// from. Every position in Document, Errors and Placeholders is a place in
// File, the file the user has.
type Extracted struct {
	File string // path as given; for Terraform file("x.json") the referenced file
	// Name is the document's logical name: a CloudFormation logical ID and
	// property path, a Terraform address and attribute, a GAAD principal and
	// policy name. Empty for a raw policy file.
	Name string
	// Kind is the role the document plays, decided by where it sits
	// (AssumeRolePolicyDocument is a trust policy, a bucket policy is a
	// resource policy) or, for raw policies, given or detected.
	Kind policy.Kind
	// Owner is the principal or resource the document is attached to when the
	// input says so (a role's logical ID, a GAAD "role/Name").
	Owner string
	// Boundary is the owner's permissions boundary, as written (an ARN or a
	// placeholder), when it has one.
	Boundary string
	// UsedBy lists what uses a document defined on its own: for a Terraform
	// aws_iam_policy_document the attributes that refer to it (e.g.
	// "aws_iam_role.app.assume_role_policy"), for a GAAD managed policy the
	// principals that attach it (e.g. "role/app").
	UsedBy   []string
	Document *policy.Document // nil when the JSON could not be parsed at all
	Source   []byte           // the JSON text that was parsed
	Errors   policy.ErrorList // syntax problems and unresolvable expressions, sorted
	// Placeholders lists the values that stand for unevaluated expressions,
	// in document order.
	Placeholders []Placeholder
}

// Detect decides which format src is, from its name and content.
func Detect(name string, src []byte) Format {
	f, _ := detect(name, src)
	return f
}

// detect is Detect that also returns the JSON it read to decide (nil when
// it read none, or the JSON does not parse), so that Extract reads an input
// once: the whole tree of a CloudFormation template or of a policy wrapped
// in an AWS CLI response, only the outline (readOutline) of the others.
func detect(name string, src []byte) (Format, *node) {
	ext := strings.ToLower(filepath.Ext(name))
	if ext == ".tf" {
		return FormatTerraform, nil
	}
	trimmed := trimLeading(src)
	if len(trimmed) > 0 && trimmed[0] == '{' {
		return detectJSON(src)
	}
	switch ext {
	case ".json":
		return detectJSON(src)
	case ".yaml", ".yml", ".template", ".cfn":
		return FormatCloudFormation, nil
	}
	if len(trimmed) == 0 {
		return FormatUnknown, nil
	}
	if looksLikeHCL(trimmed) {
		return FormatTerraform, nil
	}
	if bytes.Contains(src, []byte("Resources:")) || bytes.Contains(src, []byte("AWSTemplateFormatVersion")) {
		return FormatCloudFormation, nil
	}
	return FormatUnknown, nil
}

// looksLikeHCL reports whether a text starts like a Terraform file.
func looksLikeHCL(src []byte) bool {
	for _, kw := range [...]string{"resource ", "data ", "terraform ", "provider ", "locals ", "module ", "variable ", "output "} {
		if bytes.HasPrefix(src, []byte(kw)) || bytes.Contains(src, []byte("\n"+kw)) {
			return true
		}
	}
	return false
}

// detectJSON tells the JSON formats apart by their top-level keys. A text
// that does not parse is a raw policy if it mentions a Statement (so the
// policy parser reports its syntax errors), and unknown otherwise (a
// tsconfig.json with comments is not a broken policy).
func detectJSON(src []byte) (Format, *node) {
	n, err := readOutline(src)
	if err == nil && n.kind == objectNode && (n.get("Resources") != nil || n.get("Statement") == nil) {
		// The decision looks inside the values: read them.
		n, err = readJSON(src)
	}
	if err != nil {
		if bytes.Contains(src, []byte(`"Statement"`)) || bytes.HasPrefix(trimLeading(src), []byte("%7B")) {
			return FormatPolicy, nil
		}
		return FormatUnknown, nil
	}
	if n.kind != objectNode {
		return FormatUnknown, nil
	}
	switch {
	case n.get("Resources") != nil && (n.get("AWSTemplateFormatVersion") != nil || isCFNResources(n.get("Resources"))):
		return FormatCloudFormation, n
	case n.get("planned_values") != nil || n.get("terraform_version") != nil && n.get("values") != nil:
		return FormatTerraformPlan, n
	case n.get("UserDetailList") != nil || n.get("RoleDetailList") != nil || n.get("GroupDetailList") != nil:
		return FormatGAAD, n
	case n.get("Statement") != nil || wrappedPolicy(n) != nil:
		return FormatPolicy, n
	}
	return FormatUnknown, nil
}

// Extract finds the policy documents in one input. A file that cannot be read
// as its format at all (a YAML or HCL syntax error) gives a policy.ErrorList
// positioned in it; problems inside one document are in that document's
// Errors. A file of no known format gives an error wrapping ErrUnrecognized.
func Extract(name string, src []byte, opts Options) ([]Extracted, error) {
	format := opts.Format
	var tree *node // the JSON detect read, handed on rather than read again
	if format == FormatAuto {
		format, tree = detect(name, src)
	}
	ln := newLines(src)
	var docs []pending
	var err error
	switch format {
	case FormatPolicy:
		docs, err = extractPolicy(name, src, ln, opts.Kind, tree)
	case FormatCloudFormation:
		docs, err = extractCloudFormation(name, src, ln, tree)
	case FormatTerraform:
		docs, err = extractTerraform([]tfFile{{name: name, src: src}}, opts.ReadFile)
	case FormatTerraformPlan:
		docs, err = extractPlan(name, src, ln)
	case FormatGAAD:
		docs, err = extractGAAD(name, src, ln, opts.AllVersions)
	default:
		return nil, fmt.Errorf("%s: %w", name, ErrUnrecognized)
	}
	if err != nil {
		return nil, err
	}
	return finish(docs), nil
}

// fileError returns a one-error list positioned at off in a file.
func fileError(file string, ln *lines, off int, code, format string, args ...any) policy.ErrorList {
	return policy.ErrorList{{Filename: file, Pos: ln.pos(off), Code: code, Msg: fmt.Sprintf(format, args...)}}
}

// PlaceholderTexts returns the distinct texts of the document's
// placeholders, as they appear in its values.
func (e *Extracted) PlaceholderTexts() []string {
	seen := make(map[string]bool, len(e.Placeholders))
	var out []string
	for _, p := range e.Placeholders {
		if p.Text != "" && !seen[p.Text] {
			seen[p.Text] = true
			out = append(out, p.Text)
		}
	}
	return out
}

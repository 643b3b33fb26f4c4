package main

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/aegis-iam/aegis/backend/check"
	"github.com/aegis-iam/aegis/backend/check/rules"
	"github.com/aegis-iam/aegis/backend/generate"
	"github.com/spf13/cobra"
)

// ExitNeedsInput is the exit code of "aegis generate" when the engine asks
// questions instead of producing policies (documented in docs/generate.md).
const ExitNeedsInput = 3

// llmProviders are the values --llm accepts.
var llmProviders = []string{"none", "bedrock", "openai"}

func newGenerateCmd(env *Env) *cobra.Command {
	var (
		account, region, partition string
		answers, params            []string
		llmName, format, name      string
		llmOpts                    llmFlags
		templateID                 string
		listTemplates              bool
	)
	cmd := &cobra.Command{
		Use:   `generate "DESCRIPTION"`,
		Short: "Generate least-privilege permissions and trust policies from plain English",
		Long: `Reads a description such as "Lambda function that reads from DynamoDB table
'users' and writes to S3 bucket 'uploads'" and prints a permissions policy and a
trust policy scoped to exactly those resources, with an explanation of every
statement, the security decisions taken, refinement suggestions, the validator's
findings and the risk score. The deterministic engine needs no network and no
model; it never guesses a missing essential value, it asks.

When something essential is missing or ambiguous the status is "needs-input" and
the questions are printed with suggested answers; run the same command again
with --answer ID=VALUE for each. Defaults the engine chose are always listed.

--template runs a template of the library (--list-templates shows them) with
--param NAME=VALUE for its slots.

Exit codes: 0 policies generated; 3 questions to answer (needs-input);
2 bad usage or invalid input (unknown flag value, unavailable --llm provider,
unreadable IAM data).`,
		Example: `  aegis generate "Lambda function that reads from DynamoDB table 'users' and writes to S3 bucket 'uploads'"
  aegis generate "Lambda that writes to DynamoDB table 'sessions'" --answer resources.0.write=put,update
  aegis generate "GitHub Actions in repo acme/site that uploads to S3 bucket 'acme-site'" --account 123456789012 --format terraform
  aegis generate --template lambda-dynamodb-api --param table=orders --format cloudformation`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if !containsFold(llmProviders, llmName) {
				return usageErrorf("--llm %q: want one of %s", llmName, strings.Join(llmProviders, ", "))
			}
			llmName = strings.ToLower(llmName)
			if llmName != "none" && templateID != "" {
				return usageErrorf("--llm reads descriptions; a --template needs no model")
			}
			switch format {
			case "json", "text", "terraform", "cloudformation":
			default:
				return usageErrorf("--format %q: want json, text, terraform or cloudformation", format)
			}
			if listTemplates {
				return printTemplates(env.Stdout, format)
			}
			session, err := generateSession(args, templateID, params)
			if err != nil {
				return err
			}
			session.Account, session.Region, session.Partition = account, region, partition
			for _, a := range answers {
				id, value, ok := strings.Cut(a, "=")
				if !ok || id == "" {
					return usageErrorf("--answer %q: want ID=VALUE", a)
				}
				session.Answer(generate.Answer{ID: id, Value: value})
			}
			db, err := openIAMDB()
			if err != nil {
				return err
			}
			reg, err := check.NewRegistry(rules.All()...)
			if err != nil {
				return err
			}
			gen := generate.New(db, reg)
			if llmName != "none" {
				if err := adviseSession(cmd.Context(), env, gen, db, session, llmName, llmOpts); err != nil {
					return err
				}
			}
			res, err := gen.Run(session)
			if err != nil {
				return err
			}
			if err := writeGenerated(env.Stdout, res, format, name); err != nil {
				return err
			}
			if res.Status == generate.StatusNeedsInput {
				if format == "terraform" || format == "cloudformation" {
					fmt.Fprintln(env.Stderr, "aegis: questions to answer before the policies can be generated:")
					writeQuestions(env.Stderr, res.Questions)
				}
				return &exitError{code: ExitNeedsInput}
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&account, "account", "", "12-digit account ID that owns the resources (default: a placeholder)")
	f.StringVar(&region, "region", "", "AWS Region of the resources (default: a placeholder)")
	f.StringVar(&partition, "partition", "", "AWS partition (default: from --region, else aws)")
	f.StringArrayVar(&answers, "answer", nil, "answer a question: ID=VALUE (repeatable)")
	f.StringVar(&llmName, "llm", "none", "language model provider: none (the deterministic engine), bedrock or openai")
	f.StringVar(&llmOpts.model, "llm-model", "", "model ID (bedrock: default a current Claude Sonnet inference profile; openai: required)")
	f.StringVar(&llmOpts.region, "llm-region", "", "Bedrock Region (default: the profile's)")
	f.StringVar(&llmOpts.url, "llm-url", "", "OpenAI-compatible API root, e.g. http://localhost:11434/v1 (Ollama); for bedrock, an endpoint override")
	f.StringVar(&llmOpts.profile, "profile", "", "AWS profile for Bedrock (default: AWS_PROFILE, else default)")
	f.BoolVar(&llmOpts.redact, "llm-redact", true, "replace account IDs and ARNs by placeholders in what is sent to the model")
	f.StringVar(&format, "format", "json", "output format: json, text, terraform or cloudformation")
	f.StringVar(&name, "name", "generated", "role or policy name in terraform and cloudformation output")
	f.StringVar(&templateID, "template", "", "run a template of the library instead of a description")
	f.StringArrayVar(&params, "param", nil, "template parameter: NAME=VALUE (repeatable)")
	f.BoolVar(&listTemplates, "list-templates", false, "list the template library and exit")
	return cmd
}

func containsFold(list []string, s string) bool {
	for _, v := range list {
		if strings.EqualFold(v, s) {
			return true
		}
	}
	return false
}

// generateSession builds the session from a description or a template.
func generateSession(args []string, templateID string, params []string) (*generate.Session, error) {
	switch {
	case templateID != "" && len(args) > 0:
		return nil, usageErrorf("give a description or --template, not both")
	case templateID != "":
		t, ok := generate.TemplateByID(templateID)
		if !ok {
			return nil, usageErrorf("--template %q: no such template (see --list-templates)", templateID)
		}
		values := map[string]string{}
		for _, p := range params {
			k, v, ok := strings.Cut(p, "=")
			if !ok || k == "" {
				return nil, usageErrorf("--param %q: want NAME=VALUE", p)
			}
			values[k] = v
		}
		s, err := t.Session(values)
		if err != nil {
			return nil, usageErrorf("%w", err)
		}
		return s, nil
	case len(params) > 0:
		return nil, usageErrorf("--param needs --template")
	case len(args) == 0 || strings.TrimSpace(args[0]) == "":
		return nil, usageErrorf("describe what the policy is for, e.g. aegis generate \"Lambda function that reads S3 bucket 'reports'\"")
	}
	return &generate.Session{Description: args[0]}, nil
}

func writeGenerated(w io.Writer, res *generate.Result, format, name string) error {
	switch format {
	case "json":
		return writeJSON(w, res)
	case "text":
		return writeGeneratedText(w, res)
	}
	if res.Status != generate.StatusComplete {
		return nil
	}
	var out []byte
	var err error
	if format == "terraform" {
		out, err = generate.Terraform(res, terraformName(name))
	} else {
		out, err = generate.CloudFormation(res, logicalID(name))
	}
	if err != nil {
		return err
	}
	_, err = w.Write(out)
	return err
}

// terraformName makes a Terraform identifier of name.
func terraformName(name string) string {
	var b strings.Builder
	for _, r := range name {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '_', r == '-':
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
	}
	if b.Len() == 0 {
		return "generated"
	}
	return b.String()
}

// logicalID makes a CloudFormation logical ID (alphanumeric) of name.
func logicalID(name string) string {
	var b strings.Builder
	upper := true
	for _, r := range name {
		switch {
		case r >= 'a' && r <= 'z' && upper:
			b.WriteRune(r - 'a' + 'A')
			upper = false
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
			b.WriteRune(r)
			upper = false
		default:
			upper = true
		}
	}
	if b.Len() == 0 {
		return "Generated"
	}
	return b.String()
}

func writeQuestions(w io.Writer, qs []generate.Question) {
	for _, q := range qs {
		fmt.Fprintf(w, "  [%s] %s\n", q.ID, q.Text)
		if len(q.Options) > 0 {
			fmt.Fprintf(w, "      options: %s\n", strings.Join(q.Options, " | "))
		}
		if q.Default != "" {
			fmt.Fprintf(w, "      suggested: %s\n", q.Default)
		}
		fmt.Fprintf(w, "      answer with: --answer %s=VALUE\n", q.ID)
	}
}

func writeGeneratedText(w io.Writer, res *generate.Result) error {
	var b strings.Builder
	list := func(title string, items []string) {
		if len(items) == 0 {
			return
		}
		b.WriteString(title + ":\n")
		for _, s := range items {
			b.WriteString("  - " + s + "\n")
		}
	}
	if res.Status == generate.StatusNeedsInput {
		b.WriteString("Needs input: answer these questions and run the command again.\n")
		var qb strings.Builder
		writeQuestions(&qb, res.Questions)
		b.WriteString(qb.String())
		list("Defaults", res.Defaults)
		list("Notes", res.Notes)
		_, err := io.WriteString(w, b.String())
		return err
	}
	b.WriteString("Permissions policy:\n" + string(res.PermissionsPolicy))
	if res.TrustPolicy != nil {
		b.WriteString("\nTrust policy:\n" + string(res.TrustPolicy))
	} else {
		b.WriteString("\nTrust policy: none (attach the permissions policy to the IAM user or group)\n")
	}
	b.WriteString("\nExplanations:\n")
	for _, ex := range res.Explanations {
		b.WriteString("  " + ex.Sid + ": " + ex.Summary + "\n")
		for _, a := range ex.Actions {
			fmt.Fprintf(&b, "    %s (%s): %s\n", a.Action, a.AccessLevel, a.Description)
		}
	}
	list("Security decisions", res.Decisions)
	list("Defaults", res.Defaults)
	list("Notes", res.Notes)
	if len(res.Suggestions) > 0 {
		b.WriteString("Suggestions:\n")
		for _, s := range res.Suggestions {
			b.WriteString("  - " + s.Title + ": " + s.Detail + "\n")
		}
	}
	fmt.Fprintf(&b, "Findings: %d\n", len(res.Findings))
	for _, f := range res.Findings {
		fmt.Fprintf(&b, "  %s %s %s:%d: %s\n", strings.ToUpper(f.Severity.String()), f.RuleID, f.Location.File, f.Location.Line, f.Message)
	}
	fmt.Fprintf(&b, "Risk score: %d (%s)\n", res.RiskScore, res.RiskBand)
	_, err := io.WriteString(w, b.String())
	return err
}

// printTemplates lists the template library.
func printTemplates(w io.Writer, format string) error {
	ts := generate.Templates()
	if format == "json" {
		return writeJSON(w, ts)
	}
	if format != "text" {
		return usageErrorf("--list-templates prints json or text, not %s", format)
	}
	var b strings.Builder
	for _, t := range ts {
		fmt.Fprintf(&b, "%s — %s\n  %s\n", t.ID, t.Title, t.Description)
		names := make([]string, len(t.Params))
		for i, p := range t.Params {
			names[i] = p.Name + "=" + p.Default
		}
		sort.Strings(names)
		fmt.Fprintf(&b, "  params: %s\n", strings.Join(names, " "))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

package llm

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"

	"github.com/aegis-iam/aegis/backend/generate"
)

// Engine is what the advisor's tools run: the caller wires each function to
// the deterministic engines (generate, iamdb, check, eval). A nil function
// leaves its tool out. Errors a function returns for bad input (an unknown
// service, an invented action) go back to the model to repair its call.
type Engine struct {
	// Extract is the engine's reading of a text (intent and questions).
	Extract func(ctx context.Context, text string) (*generate.Intent, []generate.Question, error)
	// CheckIntent lists what the engine rejects in an intent (unknown
	// services, resource types or verbs, invalid names, accounts or Regions);
	// no problems means the engine can build it. Every proposed intent goes
	// through it before it is accepted.
	CheckIntent func(ctx context.Context, in generate.Intent) ([]string, error)
	// LookupActions returns the IAM actions of a service that match the
	// query; actions named in the query that are missing from the answer
	// are reported to the model as unknown.
	LookupActions func(ctx context.Context, q ActionQuery) ([]Action, error)
	// ARNFormats returns a service's resource types and ARN formats.
	ARNFormats func(ctx context.Context, service string) ([]ResourceFormat, error)
	// Generate builds, validates and explains the policies for an intent.
	Generate func(ctx context.Context, in generate.Intent) (any, error)
	// Validate runs the validator on a policy document (JSON).
	Validate func(ctx context.Context, policy string) (any, error)
	// Simulate evaluates one request against the current policies.
	Simulate func(ctx context.Context, s Simulation) (any, error)
}

// ActionQuery asks for the actions of Service, all of them or only Actions
// ("s3:GetObject" or "GetObject"), optionally of one AccessLevel.
type ActionQuery struct {
	Service     string   `json:"service"`
	Actions     []string `json:"actions,omitempty"`
	AccessLevel string   `json:"accessLevel,omitempty"`
}

// Action is one IAM action as the IAM database describes it.
type Action struct {
	Name          string   `json:"name"`
	AccessLevel   string   `json:"accessLevel"`
	ResourceTypes []string `json:"resourceTypes,omitempty"`
	Description   string   `json:"description,omitempty"`
}

// ResourceFormat is a resource type and its ARN format.
type ResourceFormat struct {
	Type string `json:"type"`
	ARN  string `json:"arn"`
}

// Simulation is one request to evaluate.
type Simulation struct {
	Action   string            `json:"action"`
	Resource string            `json:"resource"`
	Context  map[string]string `json:"context,omitempty"`
}

// Advisor implements generate.Advisor with a model: it sends the person's
// message and the session state (as data), lets the model call the Engine's
// tools, and returns the proposal the model submitted once the engine
// accepted its intent. When the model answers without submitting, the kind
// is detected deterministically and the engine's own reading is used.
type Advisor struct {
	Provider Provider
	Engine   Engine
	// Redactor, when set, keeps account IDs and ARNs out of what is sent.
	Redactor *Redactor
	// OnText receives the model's text as it streams.
	OnText   func(string)
	MaxTurns int
	Logger   *slog.Logger
}

var _ generate.Advisor = (*Advisor)(nil)

// Preview returns exactly what Propose(ctx, req) sends first, for the
// person to see and agree to.
func (a *Advisor) Preview(ctx context.Context, req generate.AdviceRequest) (*Payload, error) {
	req, err := a.withReading(ctx, req)
	if err != nil {
		return nil, err
	}
	agent, _ := a.agent(req)
	return agent.Preview(ctx, []Message{{Role: RoleUser, Content: []Block{{Text: userTurn(req)}}}})
}

// Propose implements generate.Advisor. A failure of the model is an *Error
// (errors.Is against ErrThrottled, ErrAccessDenied, ...); an error of
// Engine.Extract is returned wrapped. On any error the caller goes on with
// the deterministic engine.
func (a *Advisor) Propose(ctx context.Context, req generate.AdviceRequest) (*generate.Proposal, error) {
	req, err := a.withReading(ctx, req)
	if err != nil {
		return nil, err
	}
	agent, submitted := a.agent(req)
	res, err := agent.Run(ctx, []Message{{Role: RoleUser, Content: []Block{{Text: userTurn(req)}}}})
	if err != nil {
		return nil, err
	}
	if *submitted != nil {
		return *submitted, nil
	}
	return fallbackProposal(req, res.Text), nil
}

// withReading fills in the engine's reading of the message when the caller
// did not: it grounds what the model may propose (see ungrounded).
func (a *Advisor) withReading(ctx context.Context, req generate.AdviceRequest) (generate.AdviceRequest, error) {
	if req.Extracted != nil || a.Engine.Extract == nil {
		return req, nil
	}
	in, _, err := a.Engine.Extract(ctx, req.Message)
	if err != nil {
		return req, fmt.Errorf("reading the message: %w", err)
	}
	req.Extracted = in
	return req, nil
}

// agent builds the tool loop for one request; *submitted is set when the
// model's submit_proposal is accepted.
func (a *Advisor) agent(req generate.AdviceRequest) (*Agent, **generate.Proposal) {
	submitted := new(*generate.Proposal)
	tools := a.engineTools()
	tools = append(tools, NewTool("submit_proposal",
		"Submit your reading of the person's message: kind new/refine (with the complete intent), answer (with answers to open questions by id) or explain (with the explanation in reply). Ends your turn once the engine accepts it.",
		proposalSchema, true, func(ctx context.Context, p generate.Proposal) (any, error) {
			if err := a.accept(ctx, req, &p); err != nil {
				return nil, err
			}
			*submitted = &p
			return map[string]string{"status": "accepted"}, nil
		}))
	return &Agent{Provider: a.Provider, System: SystemPrompt, Tools: tools, MaxTurns: a.MaxTurns,
		OnText: a.OnText, Redactor: a.Redactor, Logger: a.Logger}, submitted
}

// accept checks a submitted proposal against the request and the engine.
// What it rejects goes back to the model, which repairs or gives up.
func (a *Advisor) accept(ctx context.Context, req generate.AdviceRequest, p *generate.Proposal) error {
	if p.Kind == generate.ProposalRefine && req.Intent == nil {
		p.Kind = generate.ProposalNew // nothing to refine yet
	}
	switch p.Kind {
	case generate.ProposalExplain:
		p.Intent, p.Answers = nil, nil
		if strings.TrimSpace(p.Reply) == "" {
			return errors.New("an explanation needs its text in reply")
		}
		return nil
	case generate.ProposalAnswer:
		if len(p.Answers) == 0 {
			return errors.New("kind answer needs at least one answer")
		}
		for _, ans := range p.Answers {
			if !slices.ContainsFunc(req.Questions, func(q generate.Question) bool { return q.ID == ans.ID }) {
				return fmt.Errorf("there is no open question with id %q", ans.ID)
			}
		}
		return nil
	case generate.ProposalNew, generate.ProposalRefine:
		if p.Intent == nil {
			return fmt.Errorf("kind %s needs the complete intent", p.Kind)
		}
		if err := ungrounded(req, *p.Intent); err != nil {
			return err
		}
		if a.Engine.CheckIntent == nil {
			return nil
		}
		problems, err := a.Engine.CheckIntent(ctx, *p.Intent)
		if err != nil {
			return err
		}
		if len(problems) > 0 {
			return fmt.Errorf("the engine rejects this intent: %s", strings.Join(problems, "; "))
		}
		return nil
	}
	return fmt.Errorf("kind must be new, refine, answer or explain, not %q", p.Kind)
}

// ungrounded bounds what a model may propose by the engine's own reading of
// the request (req.Extracted) and the current intent: a service neither
// names is refused, and so is a widening verb (control over a resource or
// its access rather than use of it) on a service where neither has it.
// Text that tells the model to grant more, such as a prompt injection in a
// name or a pasted policy, cannot widen a request this way: the engine, not
// the model, reads what is asked for. When there is no reading at all
// (no extractor and no current intent) services are not checked, but
// widening verbs are still refused.
func ungrounded(req generate.AdviceRequest, in generate.Intent) error {
	sources := []*generate.Intent{req.Intent, req.Extracted}
	grounded := func(service string, v generate.Verb, anyVerb bool) bool {
		for _, src := range sources {
			if src == nil {
				continue
			}
			for _, r := range src.Resources {
				if r.Service == service && (anyVerb || slices.Contains(r.Verbs, v)) {
					return true
				}
			}
		}
		return false
	}
	checkServices := req.Intent != nil || req.Extracted != nil
	for _, r := range in.Resources {
		if checkServices && !grounded(r.Service, "", true) {
			return fmt.Errorf("service %q is not in the engine's reading of the request; propose only what the person asked for, or ask them in reply to name it in their own words", r.Service)
		}
		for _, v := range r.Verbs {
			if slices.Contains(wideningVerbs, v) && !grounded(r.Service, v, false) {
				return fmt.Errorf("%q on %s is not in the engine's reading of the request; propose only what the person asked for, and leave it to the person to ask for %s access explicitly", v, r.Service, v)
			}
		}
	}
	return nil
}

// wideningVerbs give control over a resource or its access.
var wideningVerbs = []generate.Verb{generate.VerbAdmin, generate.VerbManage, generate.VerbPass, generate.VerbAssume}

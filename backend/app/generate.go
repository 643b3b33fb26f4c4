package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/aegis-iam/aegis/backend/assist"
	"github.com/aegis-iam/aegis/backend/awsapi"
	"github.com/aegis-iam/aegis/backend/check"
	"github.com/aegis-iam/aegis/backend/check/rules"
	"github.com/aegis-iam/aegis/backend/generate"
	"github.com/aegis-iam/aegis/backend/iamdb"
	"github.com/aegis-iam/aegis/backend/llm"
	"github.com/aegis-iam/aegis/backend/report"
	"github.com/aegis-iam/aegis/backend/store"
)

// EventGenerateText carries GenerateText while a model's answer streams.
const EventGenerateText = "generate:text"

// GenerateText is the payload of EventGenerateText: the next piece of the
// model's reply.
type GenerateText struct {
	Text string `json:"text"`
}

// Generate statuses beyond generate.StatusComplete and
// generate.StatusNeedsInput: the model is configured and the user must
// first agree to what will be sent.
const StatusConsent = "consent"

// GenerateStart starts a conversation from a description or a template.
type GenerateStart struct {
	Description string `json:"description"`
	// TemplateID, when set, wins over Description; Params fill its slots.
	TemplateID string            `json:"templateId"`
	Params     map[string]string `json:"params"`
	Consent    bool              `json:"consent"`
	// Offline keeps the model out of this message.
	Offline bool `json:"offline"`
}

// GenerateAnswers answers open questions of a conversation.
type GenerateAnswers struct {
	ConversationID string            `json:"conversationId"`
	Answers        []generate.Answer `json:"answers"`
}

// GenerateMessage is a follow-up message in a conversation.
type GenerateMessage struct {
	ConversationID string `json:"conversationId"`
	Text           string `json:"text"`
	Consent        bool   `json:"consent"`
	Offline        bool   `json:"offline"`
}

// ChatMessage is one line of a conversation: the user's, the assistant's,
// or a notice (a fallback to the offline engine).
type ChatMessage struct {
	Role string `json:"role"` // user, assistant or notice
	Text string `json:"text"`
}

// ConsentPreview is exactly what the first model call would send.
type ConsentPreview struct {
	Provider string `json:"provider"`
	Model    string `json:"model"`
	URL      string `json:"url"`
	Body     string `json:"body"`
}

// GenerateFinding is one validator finding of the generated policy.
type GenerateFinding struct {
	ID        string `json:"id"`
	Severity  string `json:"severity"`
	Title     string `json:"title"`
	Message   string `json:"message"`
	Statement int    `json:"statement"`
	Sid       string `json:"sid"`
}

// Conversation is a generation conversation as the Generate page shows it.
type Conversation struct {
	// ID is the History entry; it changes each time the conversation is
	// saved (the newest turn is the one kept). Empty while consent is asked.
	ID       string        `json:"id"`
	Title    string        `json:"title"`
	Messages []ChatMessage `json:"messages"`
	// Status is complete, needs-input or consent.
	Status  string          `json:"status"`
	Consent *ConsentPreview `json:"consent"`
	// Model names the model that read the last message; empty offline.
	Model     string              `json:"model"`
	Questions []generate.Question `json:"questions"`
	// PermissionsPolicy and TrustPolicy are canonical JSON; TrustPolicy is
	// empty for people (users and groups assume nothing).
	PermissionsPolicy string                 `json:"permissionsPolicy"`
	TrustPolicy       string                 `json:"trustPolicy"`
	Explanations      []generate.Explanation `json:"explanations"`
	Suggestions       []generate.Suggestion  `json:"suggestions"`
	Findings          []GenerateFinding      `json:"findings"`
	RiskScore         int                    `json:"riskScore"`
	RiskBand          string                 `json:"riskBand"`
	Decisions         []string               `json:"decisions"`
	Defaults          []string               `json:"defaults"`
	Notes             []string               `json:"notes"`
	Placeholders      []string               `json:"placeholders"`
}

// ProviderFunc returns the model the settings select, or nil when none is
// configured.
type ProviderFunc func(ctx context.Context, s Settings) (llm.Provider, error)

// BedrockProvider is the Bedrock half of SettingsProvider: Bedrock when the
// settings name a model, through the selected AWS profile.
func BedrockProvider(profiles *awsapi.Profiles) ProviderFunc {
	return func(ctx context.Context, s Settings) (llm.Provider, error) {
		if s.BedrockModelID == "" {
			return nil, nil
		}
		cfg, err := profiles.Config(ctx, s.Profile, "")
		if err != nil {
			return nil, fmt.Errorf("AWS profile %q: %w", s.Profile, err)
		}
		return llm.NewProvider(llm.ProviderConfig{Provider: llm.ProviderBedrock, Model: s.BedrockModelID, Region: s.BedrockRegion}, cfg)
	}
}

// GenerateService runs generation conversations: the deterministic engine
// always builds the policies; a configured model only reads messages.
type GenerateService struct {
	ctx      context.Context
	iam      func() (*iamdb.DB, error)
	history  store.History
	settings store.Settings[Settings]
	emit     Emitter
	provider ProviderFunc
	tool     report.Tool

	mu  sync.Mutex
	db  *iamdb.DB
	eng *generate.Engine
}

// NewGenerateService returns a GenerateService saving conversations in st;
// provider may be nil (offline only).
func NewGenerateService(ctx context.Context, st *store.Store, version string, iam func() (*iamdb.DB, error), emit Emitter, provider ProviderFunc) *GenerateService {
	return &GenerateService{ctx: ctx, iam: iam, history: store.NewHistory(st), settings: store.NewSettings[Settings](st), emit: emit,
		provider: provider, tool: report.Tool{Name: "aegis", Version: version}}
}

// storedConversation is a conversation's History payload: the session is
// re-run on load (deterministically) to show the result again.
type storedConversation struct {
	Session   generate.Session `json:"session"`
	Messages  []ChatMessage    `json:"messages"`
	Consented bool             `json:"consented"`
}

type conversation struct {
	id, title string
	stored    storedConversation
	model     string
}

// Templates returns the template library.
func (s *GenerateService) Templates() []generate.Template { return generate.Templates() }

// Start begins a conversation.
func (s *GenerateService) Start(req GenerateStart) (Conversation, error) {
	c := &conversation{}
	if req.TemplateID != "" {
		t, ok := generate.TemplateByID(req.TemplateID)
		if !ok {
			return Conversation{}, fmt.Errorf("no template %q", req.TemplateID)
		}
		sess, err := t.Session(req.Params)
		if err != nil {
			return Conversation{}, err
		}
		c.title, c.stored.Session = t.Title, *sess
		c.stored.Messages = []ChatMessage{{Role: "user", Text: sess.Description}}
		return s.finish(c)
	}
	text := strings.TrimSpace(req.Description)
	if text == "" {
		return Conversation{}, errors.New("describe what the workload does, or pick a template")
	}
	c.title = title(text)
	c.stored.Session = generate.Session{Description: text}
	return s.message(c, text, req.Consent, req.Offline, true)
}

// Answer records answers to open questions and runs the session again.
func (s *GenerateService) Answer(req GenerateAnswers) (Conversation, error) {
	c, err := s.load(req.ConversationID)
	if err != nil {
		return Conversation{}, err
	}
	for _, a := range req.Answers {
		c.stored.Messages = append(c.stored.Messages, ChatMessage{Role: "user", Text: a.Value})
	}
	c.stored.Session.Answer(req.Answers...)
	return s.finish(c)
}

// Send handles a follow-up message: through the model when one is
// configured, otherwise as the answer to the one open question or a new
// request.
func (s *GenerateService) Send(req GenerateMessage) (Conversation, error) {
	text := strings.TrimSpace(req.Text)
	if text == "" {
		return Conversation{}, errors.New("the message is empty")
	}
	c, err := s.load(req.ConversationID)
	if err != nil {
		return Conversation{}, err
	}
	return s.message(c, text, req.Consent, req.Offline, false)
}

// Resume reopens a saved conversation.
func (s *GenerateService) Resume(id string) (Conversation, error) {
	c, err := s.load(id)
	if err != nil {
		return Conversation{}, err
	}
	res, err := s.run(c)
	if err != nil {
		return Conversation{}, err
	}
	return c.dto(res), nil
}

// Export renders a complete conversation's policies as json, terraform,
// cloudformation or cdk.
func (s *GenerateService) Export(id, format string) (ExportResult, error) {
	c, err := s.load(id)
	if err != nil {
		return ExportResult{}, err
	}
	res, err := s.run(c)
	if err != nil {
		return ExportResult{}, err
	}
	if res.Status != generate.StatusComplete {
		return ExportResult{}, errors.New("export: answer the open questions first")
	}
	var text []byte
	var name string
	switch format {
	case "json":
		text, err = json.MarshalIndent(res, "", "  ")
		name = "policies.json"
	case "terraform":
		text, err = generate.Terraform(res, "generated")
		name = "iam.tf"
	case "cloudformation":
		text, err = generate.CloudFormation(res, "GeneratedRole")
		name = "iam.template.json"
	case "cdk":
		text, err = CDK(res)
		name = "iam-stack.ts"
	default:
		return ExportResult{}, fmt.Errorf("export: %q is not a format (want json, terraform, cloudformation or cdk)", format)
	}
	if err != nil {
		return ExportResult{}, fmt.Errorf("rendering %s: %w", format, err)
	}
	return ExportResult{Text: string(text), SuggestedName: name}, nil
}

// engine loads the IAM database and the engine once.
func (s *GenerateService) engine() (*generate.Engine, *iamdb.DB, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.eng == nil {
		db, err := s.iam()
		if err != nil {
			return nil, nil, fmt.Errorf("loading IAM data: %w", err)
		}
		reg, err := check.NewRegistry(rules.All()...)
		if err != nil {
			return nil, nil, err
		}
		s.db, s.eng = db, generate.New(db, reg)
	}
	return s.eng, s.db, nil
}

func (s *GenerateService) run(c *conversation) (*generate.Result, error) {
	eng, _, err := s.engine()
	if err != nil {
		return nil, err
	}
	sess := c.stored.Session
	return eng.Run(&sess)
}

// message adds a user message: the model reads it when one is configured
// and allowed; otherwise, or when the model fails, the offline engine does.
func (s *GenerateService) message(c *conversation, text string, consent, offline, first bool) (Conversation, error) {
	var open []generate.Question
	var current *generate.Intent
	if !first {
		res, err := s.run(c)
		if err != nil {
			return Conversation{}, err
		}
		open = res.Questions
		if res.Status == generate.StatusComplete {
			current = &res.Intent
		}
	}
	pending := c.stored.Messages
	c.stored.Messages = append(c.stored.Messages, ChatMessage{Role: "user", Text: text})
	if !offline {
		asked, preview, err := s.advise(c, text, open, current, consent, first)
		if err != nil {
			return Conversation{}, err
		}
		if preview != nil {
			c.stored.Messages = pending
			return Conversation{ID: c.id, Title: c.title, Messages: c.stored.Messages, Status: StatusConsent, Consent: preview}, nil
		}
		if asked {
			return s.finish(c)
		}
	}
	if !first {
		offlineMessage(&c.stored.Session, text, open)
	}
	return s.finish(c)
}

// offlineMessage folds a follow-up into the session without a model: with
// one open question, the message answers it; a message naming an option
// answers that question; anything else is a new request.
func offlineMessage(sess *generate.Session, text string, open []generate.Question) {
	if len(open) == 1 {
		sess.Answer(generate.Answer{ID: open[0].ID, Value: text})
		return
	}
	for _, q := range open {
		for _, o := range q.Options {
			if strings.EqualFold(o, text) {
				sess.Answer(generate.Answer{ID: q.ID, Value: o})
				return
			}
		}
	}
	*sess = generate.Session{Description: text, Account: sess.Account, Region: sess.Region, Partition: sess.Partition}
}

// advise asks the configured model. It reports whether the model's
// proposal was applied, or the consent preview to show first. Model
// failures become a notice and the offline engine goes on.
func (s *GenerateService) advise(c *conversation, text string, open []generate.Question, current *generate.Intent, consent, first bool) (bool, *ConsentPreview, error) {
	if s.provider == nil {
		return false, nil, nil
	}
	settings, found, err := s.settings.Get()
	if err != nil {
		return false, nil, fmt.Errorf("reading settings: %w", err)
	}
	if !found {
		return false, nil, nil
	}
	p, err := s.provider(s.ctx, normalise(settings))
	if err != nil {
		c.notice(fmt.Sprintf("The model is not available (%v); the offline engine answered.", err))
		return false, nil, nil
	}
	if p == nil {
		return false, nil, nil
	}
	eng, db, err := s.engine()
	if err != nil {
		return false, nil, err
	}
	adv := &llm.Advisor{Provider: p, Engine: assist.Engine(db, eng, s.tool), Redactor: llm.NewRedactor(),
		OnText: func(t string) { s.emit.Emit(EventGenerateText, GenerateText{Text: t}) }}
	req := generate.AdviceRequest{Message: text, Intent: current, Questions: open}
	if !c.stored.Consented && !consent {
		pl, err := adv.Preview(s.ctx, req)
		if err != nil {
			c.fallback(err)
			return false, nil, nil
		}
		return false, &ConsentPreview{Provider: pl.Provider, Model: pl.Model, URL: pl.URL, Body: string(pl.Body)}, nil
	}
	c.stored.Consented = true
	prop, err := adv.Propose(s.ctx, req)
	if err != nil {
		c.fallback(err)
		return false, nil, nil
	}
	c.model = p.Name() + " " + p.Model()
	if first && prop.Kind != generate.ProposalNew && prop.Kind != generate.ProposalRefine {
		// A first message has no policy to explain or questions to answer:
		// the offline engine reads it.
		prop = &generate.Proposal{Kind: prop.Kind, Reply: prop.Reply}
	}
	c.stored.Session.Apply(prop)
	if prop.Reply != "" {
		c.stored.Messages = append(c.stored.Messages, ChatMessage{Role: "assistant", Text: prop.Reply})
	}
	return true, nil, nil
}

func (c *conversation) notice(text string) {
	c.stored.Messages = append(c.stored.Messages, ChatMessage{Role: "notice", Text: text})
}

// fallback records why the model's reading was not used.
func (c *conversation) fallback(err error) {
	var le *llm.Error
	if errors.As(err, &le) {
		c.notice(le.UserMessage() + " The offline engine answered.")
		return
	}
	c.notice(fmt.Sprintf("The model's reading was not used (%v); the offline engine answered.", err))
}

// finish runs the session, adds the assistant's summary and saves the
// conversation.
func (s *GenerateService) finish(c *conversation) (Conversation, error) {
	res, err := s.run(c)
	if err != nil {
		return Conversation{}, err
	}
	c.stored.Messages = append(c.stored.Messages, ChatMessage{Role: "assistant", Text: summary(res)})
	if err := s.save(c, res); err != nil {
		return Conversation{}, err
	}
	return c.dto(res), nil
}

func summary(res *generate.Result) string {
	if res.Status == generate.StatusNeedsInput {
		n := len(res.Questions)
		return fmt.Sprintf("I need %d %s before I can build the policies.", n, plural(n, "answer", "answers"))
	}
	n := len(res.Explanations)
	return fmt.Sprintf("Here are the permissions and trust policies: %d %s, risk %d (%s).", n, plural(n, "statement", "statements"), res.RiskScore, res.RiskBand)
}

func title(text string) string {
	const max = 80
	if utf8.RuneCountInString(text) <= max {
		return text
	}
	r := []rune(text)
	return string(r[:max-1]) + "…"
}

// save stores the conversation as its newest History entry, replacing the
// previous one.
func (s *GenerateService) save(c *conversation, res *generate.Result) error {
	data, err := json.Marshal(c.stored)
	if err != nil {
		return fmt.Errorf("saving the conversation: %w", err)
	}
	sum := fmt.Sprintf("needs input: %d %s", len(res.Questions), plural(len(res.Questions), "question", "questions"))
	if res.Status == generate.StatusComplete {
		sum = fmt.Sprintf("risk %d (%s), %d %s", res.RiskScore, res.RiskBand, len(res.Explanations), plural(len(res.Explanations), "statement", "statements"))
	}
	rec, err := s.history.Append(store.Record{Kind: store.KindSession, Title: c.title, Summary: sum, Payload: data})
	if err != nil {
		return fmt.Errorf("saving the conversation: %w", err)
	}
	if c.id != "" {
		if err := s.history.Delete(c.id); err != nil && !errors.Is(err, store.ErrNotFound) {
			return fmt.Errorf("replacing the saved conversation: %w", err)
		}
	}
	c.id = rec.ID
	return nil
}

func (s *GenerateService) load(id string) (*conversation, error) {
	rec, err := s.history.Get(id)
	if err != nil {
		return nil, err
	}
	if rec.Kind != store.KindSession {
		return nil, fmt.Errorf("history entry %s is a %s, not a conversation", id, rec.Kind)
	}
	c := &conversation{id: rec.ID, title: rec.Title}
	if err := json.Unmarshal(rec.Payload, &c.stored); err != nil {
		return nil, fmt.Errorf("reading conversation %s: %w", id, err)
	}
	return c, nil
}

func (c *conversation) dto(res *generate.Result) Conversation {
	out := Conversation{ID: c.id, Title: c.title, Messages: c.stored.Messages, Status: res.Status, Model: c.model,
		Questions: res.Questions, Explanations: res.Explanations, Suggestions: res.Suggestions, Findings: []GenerateFinding{},
		RiskScore: res.RiskScore, RiskBand: res.RiskBand, Decisions: res.Decisions, Defaults: res.Defaults, Notes: res.Notes,
		Placeholders: res.Placeholders}
	if res.Status == generate.StatusComplete {
		out.PermissionsPolicy = policyText(res.PermissionsPolicy)
		out.TrustPolicy = policyText(res.TrustPolicy)
	}
	for _, f := range res.Findings {
		out.Findings = append(out.Findings, GenerateFinding{ID: f.RuleID, Severity: f.Severity.String(), Title: f.Title, Message: f.Message,
			Statement: f.Location.Statement, Sid: f.Location.Sid})
	}
	return out
}

// policyText is a policy's canonical JSON; empty for a null policy.
func policyText(raw json.RawMessage) string {
	if len(raw) == 0 || string(raw) == "null" {
		return ""
	}
	return string(raw)
}

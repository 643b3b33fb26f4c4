package app

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/aegis-iam/aegis/backend/assist"
	"github.com/aegis-iam/aegis/backend/awsapi"
	"github.com/aegis-iam/aegis/backend/llm"
	"github.com/aegis-iam/aegis/backend/policy"
	"github.com/aegis-iam/aegis/backend/store"
)

// Assistant reply statuses.
const (
	AssistantAnswered     = "answer"       // Answer holds the checked answer
	AssistantNeedsConsent = "consent"      // Consent shows what would be sent; ask again with its digest
	AssistantUnconfigured = "unconfigured" // no model is configured; Notice says what to set
	AssistantFailed       = "failed"       // the model failed or its answer was withheld; Notice says why
)

// AssistantStatus says whether the assistant can answer, and if not, what
// to configure.
type AssistantStatus struct {
	Configured bool   `json:"configured"`
	Provider   string `json:"provider"`
	Model      string `json:"model"`
	// Hint says what to configure when no model is.
	Hint string `json:"hint"`
	// Warning is set for a configuration that works but is risky (plain
	// http to another machine).
	Warning string `json:"warning"`
}

// AssistantTurn is an earlier question and the answer shown for it.
type AssistantTurn struct {
	Question string `json:"question"`
	Answer   string `json:"answer"`
}

// AssistantQuestion is a question about the result on the Validate page
// (Validation, the page's input) or the Audit page (AuditID, the saved
// audit, and Principal, the principal open there).
type AssistantQuestion struct {
	Validation *ValidateRequest `json:"validation"`
	AuditID    string           `json:"auditId"`
	Principal  string           `json:"principal"`
	Question   string           `json:"question"`
	History    []AssistantTurn  `json:"history"`
	// Consent is the digest of the AssistantConsent the person agreed to;
	// empty until then. It covers one result and one model: another input,
	// another audit or another model asks again.
	Consent string `json:"consent"`
}

// AssistantConsent is what the person agrees to before anything is sent:
// the first request exactly as it will leave the machine, and the tools
// through which the model may read more of the same result.
type AssistantConsent struct {
	Digest  string             `json:"digest"`
	Preview ConsentPreview     `json:"preview"`
	Tools   []assist.ToolScope `json:"tools"`
}

// AssistantReply is the assistant's answer, or what it needs first.
type AssistantReply struct {
	Status  string            `json:"status"`
	Answer  string            `json:"answer"`
	Cites   []assist.Citation `json:"cites"`
	Consent *AssistantConsent `json:"consent"`
	Model   string            `json:"model"`
	Notice  string            `json:"notice"`
}

// AssistantService answers questions about a validation or an audit with
// the configured model, grounded in the engines' result through read-only
// tools (backend/assist), after the person has agreed to what is sent.
type AssistantService struct {
	ctx      context.Context
	settings store.Settings[Settings]
	validate *ValidateService
	audits   *AuditService
	provider ProviderFunc
}

// NewAssistantService returns an AssistantService that reads validations
// through validate, saved audits through audits and the model through
// provider (nil: no model).
func NewAssistantService(ctx context.Context, st *store.Store, validate *ValidateService, audits *AuditService, provider ProviderFunc) *AssistantService {
	return &AssistantService{ctx: ctx, settings: store.NewSettings[Settings](st), validate: validate, audits: audits, provider: provider}
}

// unconfiguredHint tells the person how to give the assistant a model.
const unconfiguredHint = "No model is configured. In Settings → AWS, set an Amazon Bedrock model ID (e.g. us.anthropic.claude-sonnet-4-6, used through your AWS profile), or choose an OpenAI-compatible endpoint such as Ollama (http://localhost:11434/v1) and the model it serves. Without a model, the findings and their remediations above are the full answer."

// Status reports whether a model is configured.
func (s *AssistantService) Status() (AssistantStatus, error) {
	v, err := saved(s.settings)
	if err != nil {
		return AssistantStatus{}, err
	}
	return modelStatus(v), nil
}

// modelStatus reads the model the settings select.
func modelStatus(v Settings) AssistantStatus {
	switch {
	case v.ModelProvider == llm.ProviderOpenAI && v.OpenAIModel != "":
		st := AssistantStatus{Configured: true, Provider: llm.ProviderOpenAI, Model: v.OpenAIModel}
		base := v.OpenAIBaseURL
		if base == "" {
			base = llm.DefaultOpenAIBaseURL
		}
		if insecure, _ := llm.CheckBaseURL(base); insecure {
			st.Warning = fmt.Sprintf("%s is plain http to another machine: questions, policies and audit data cross the network unencrypted. Use https, or a model on this machine.", base)
		}
		return st
	case v.ModelProvider != llm.ProviderOpenAI && v.BedrockModelID != "":
		return AssistantStatus{Configured: true, Provider: llm.ProviderBedrock, Model: v.BedrockModelID}
	}
	return AssistantStatus{Hint: unconfiguredHint}
}

// validateModel checks the model fields of the settings.
func validateModel(v Settings, e *ValidationError) {
	switch v.ModelProvider {
	case "", llm.ProviderBedrock:
	case llm.ProviderOpenAI:
		if v.OpenAIModel == "" {
			e.add("openaiModel", "name the model the endpoint serves (e.g. llama3.1)")
		}
	default:
		e.add("modelProvider", "the model provider must be %s or %s, not %q", llm.ProviderBedrock, llm.ProviderOpenAI, v.ModelProvider)
	}
	if strings.ContainsAny(v.OpenAIModel, " \t\r\n") {
		e.add("openaiModel", "a model name has no spaces")
	}
	if v.OpenAIBaseURL != "" {
		if _, err := llm.CheckBaseURL(v.OpenAIBaseURL); err != nil {
			e.add("openaiBaseUrl", "%v", err)
		}
	}
}

// SettingsProvider is the desktop's ProviderFunc: the OpenAI-compatible
// endpoint when the settings choose it, otherwise Bedrock through the
// selected AWS profile when a model ID is set (BedrockProvider).
func SettingsProvider(profiles *awsapi.Profiles) ProviderFunc {
	bedrock := BedrockProvider(profiles)
	return func(ctx context.Context, s Settings) (llm.Provider, error) {
		if s.ModelProvider != llm.ProviderOpenAI {
			return bedrock(ctx, s)
		}
		if s.OpenAIModel == "" {
			return nil, nil
		}
		return llm.NewProvider(llm.ProviderConfig{Provider: llm.ProviderOpenAI, Model: s.OpenAIModel, BaseURL: s.OpenAIBaseURL}, aws.Config{})
	}
}

// Ask answers a question about a validation or an audit. Nothing is sent
// until q.Consent matches the consent for this result and model: until
// then the reply holds the consent to show.
func (s *AssistantService) Ask(q AssistantQuestion) (AssistantReply, error) {
	question := strings.TrimSpace(q.Question)
	if question == "" {
		return AssistantReply{}, errors.New("the question is empty")
	}
	v, err := saved(s.settings)
	if err != nil {
		return AssistantReply{}, err
	}
	if st := modelStatus(v); !st.Configured || s.provider == nil {
		return AssistantReply{Status: AssistantUnconfigured, Notice: unconfiguredHint}, nil
	}
	subject, err := s.subject(q)
	if err != nil {
		return AssistantReply{}, err
	}
	p, err := s.provider(s.ctx, v)
	if err != nil {
		return AssistantReply{Status: AssistantFailed, Notice: fmt.Sprintf("The model is not available: %v", err)}, nil
	}
	if p == nil {
		return AssistantReply{Status: AssistantUnconfigured, Notice: unconfiguredHint}, nil
	}
	model := p.Name() + " " + p.Model()
	history := make([]assist.Turn, len(q.History))
	for i, t := range q.History {
		history[i] = assist.Turn{Question: t.Question, Answer: t.Answer}
	}
	// One redactor per call: the whole conversation is sent each time, so
	// the same values get the same placeholders in the preview and the call.
	a := &assist.Assistant{Provider: p, Redactor: llm.NewRedactor()}
	pl, err := a.Preview(s.ctx, subject, history, question)
	if err != nil {
		return failed(model, err), nil
	}
	digest := consentDigest(subject.Digest(), pl)
	if q.Consent != digest {
		return AssistantReply{Status: AssistantNeedsConsent, Model: model, Consent: &AssistantConsent{Digest: digest,
			Preview: ConsentPreview{Provider: pl.Provider, Model: pl.Model, URL: pl.URL, Body: string(pl.Body)}, Tools: subject.Scope()}}, nil
	}
	ans, err := a.Ask(s.ctx, subject, history, question)
	if err != nil {
		return failed(model, err), nil
	}
	cites := ans.Cites
	if cites == nil {
		cites = []assist.Citation{}
	}
	return AssistantReply{Status: AssistantAnswered, Answer: ans.Text, Cites: cites, Model: model}, nil
}

// subject builds the result the question is about.
func (s *AssistantService) subject(q AssistantQuestion) (*assist.Subject, error) {
	switch {
	case q.Validation != nil && q.AuditID != "":
		return nil, errors.New("ask about a validation or an audit, not both")
	case q.Validation != nil:
		run, db, err := s.validate.loadRun()
		if err != nil {
			return nil, err
		}
		kind := policy.KindAny
		if q.Validation.Kind != "" {
			if kind, err = policy.ParseKind(q.Validation.Kind); err != nil {
				return nil, err
			}
		}
		return assist.NewValidation(&run, db, assist.ValidationInput{FileName: q.Validation.FileName, Text: []byte(q.Validation.Text), Kind: kind})
	case q.AuditID != "":
		saved, err := s.audits.Open(q.AuditID)
		if err != nil {
			return nil, err
		}
		run, db, err := s.validate.loadRun()
		if err != nil {
			return nil, err
		}
		return assist.NewAudit(&run, db, saved.Audit, q.Principal)
	}
	return nil, errors.New("there is no validation or audit to ask about")
}

// consentDigest identifies what the person agrees to: the result (all the
// tools can read) and where it goes.
func consentDigest(subject string, pl *llm.Payload) string {
	h := sha256.Sum256([]byte(subject + "\x00" + pl.Provider + "\x00" + pl.Model + "\x00" + pl.URL))
	return hex.EncodeToString(h[:])
}

// failed turns a model failure or a withheld answer into a notice.
func failed(model string, err error) AssistantReply {
	var le *llm.Error
	switch {
	case errors.As(err, &le):
		return AssistantReply{Status: AssistantFailed, Model: model, Notice: le.UserMessage()}
	case errors.Is(err, assist.ErrUngrounded):
		return AssistantReply{Status: AssistantFailed, Model: model, Notice: "The model's answer was withheld because it did not hold up against the result: " + err.Error()}
	}
	return AssistantReply{Status: AssistantFailed, Model: model, Notice: fmt.Sprintf("The assistant could not answer: %v", err)}
}

package main

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/aegis-iam/aegis/backend/assist"
	"github.com/aegis-iam/aegis/backend/awsapi"
	"github.com/aegis-iam/aegis/backend/generate"
	"github.com/aegis-iam/aegis/backend/iamdb"
	"github.com/aegis-iam/aegis/backend/llm"
)

// llmFlags configure the model of "aegis generate --llm".
type llmFlags struct {
	model, region, url, profile string
	redact                      bool
}

// adviseSession asks the model to read the session's description and
// applies its proposal. The model only proposes: the engine builds and
// checks the policy from the proposed intent. Any failure of the model (no
// credentials, throttling, access denied, a timeout) is reported on stderr
// and the deterministic engine goes on alone.
func adviseSession(ctx context.Context, env *Env, gen *generate.Engine, db *iamdb.DB, session *generate.Session, provider string, fl llmFlags) error {
	cfg := llm.ProviderConfig{Provider: provider, Model: fl.model, Region: fl.region, BaseURL: fl.url, APIKey: os.Getenv("AEGIS_LLM_API_KEY")}
	var p llm.Provider
	var err error
	if provider == llm.ProviderBedrock {
		profiles, perr := awsapi.NewProfiles(awsapi.Options{})
		if perr != nil {
			return usageErrorf("--llm bedrock: %w", perr)
		}
		name := fl.profile
		if name == "" {
			name = os.Getenv("AWS_PROFILE")
		}
		awsCfg, cerr := profiles.Config(ctx, name, "")
		if cerr != nil {
			fmt.Fprintf(env.Stderr, "aegis: --llm bedrock: %v; the deterministic engine answers alone\n", cerr)
			return nil
		}
		p, err = llm.NewProvider(cfg, awsCfg)
	} else {
		if fl.model == "" {
			return usageErrorf("--llm openai: give --llm-model, the model the server serves (e.g. llama3.1)")
		}
		p = llm.NewOpenAI(llm.OpenAIOptions{BaseURL: cfg.BaseURL, Model: cfg.Model, APIKey: cfg.APIKey})
	}
	if err != nil {
		return usageErrorf("--llm %s: %w", provider, err)
	}
	adv := &llm.Advisor{Provider: p, Engine: assist.Engine(db, gen, aegisTool),
		OnText: func(s string) { fmt.Fprint(env.Stderr, s) }}
	if fl.redact {
		adv.Redactor = llm.NewRedactor()
	}
	prop, err := adv.Propose(ctx, generate.AdviceRequest{Message: session.Description})
	var le *llm.Error
	switch {
	case errors.As(err, &le):
		fmt.Fprintf(env.Stderr, "\naegis: %s\n", le.UserMessage())
		return nil
	case err != nil:
		fmt.Fprintf(env.Stderr, "\naegis: the model's proposal was not used (%v); the deterministic engine answered\n", err)
		return nil
	}
	fmt.Fprintln(env.Stderr)
	session.Apply(prop)
	return nil
}

package llm

import (
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// The provider names of ProviderConfig, as `aegis generate --llm` and the
// desktop's settings spell them.
const (
	ProviderBedrock = "bedrock"
	ProviderOpenAI  = "openai"
)

// ProviderConfig selects and configures a provider. Empty fields take the
// provider's defaults. The API key is never serialised.
type ProviderConfig struct {
	Provider string `json:"provider"`
	Model    string `json:"model,omitempty"`
	// Region and BaseURL: Bedrock's Region and endpoint override, or the
	// OpenAI-compatible API root.
	Region  string `json:"region,omitempty"`
	BaseURL string `json:"baseUrl,omitempty"`
	APIKey  string `json:"-"`
}

// NewProvider builds the configured provider. awsCfg (the user's profile)
// is used by Bedrock only.
func NewProvider(c ProviderConfig, awsCfg aws.Config) (Provider, error) {
	switch c.Provider {
	case ProviderBedrock:
		return NewBedrock(awsCfg, BedrockOptions{ModelID: c.Model, Region: c.Region, BaseEndpoint: c.BaseURL}), nil
	case ProviderOpenAI:
		if c.Model == "" {
			return nil, fmt.Errorf("the openai provider needs a model name (the model the server serves, e.g. llama3.1)")
		}
		return NewOpenAI(OpenAIOptions{BaseURL: c.BaseURL, Model: c.Model, APIKey: c.APIKey}), nil
	}
	return nil, fmt.Errorf("unknown model provider %q: use %s or %s", c.Provider, ProviderBedrock, ProviderOpenAI)
}

package llm_test

import (
	"testing"

	"github.com/aegis-iam/aegis/backend/llm"
)

func TestNewProvider(t *testing.T) {
	tests := []struct {
		cfg                 llm.ProviderConfig
		wantName, wantModel string
		wantErr             bool
	}{
		{cfg: llm.ProviderConfig{Provider: "bedrock"}, wantName: "Amazon Bedrock", wantModel: llm.DefaultBedrockModel},
		{cfg: llm.ProviderConfig{Provider: "bedrock", Model: "eu.anthropic.claude-sonnet-4-6", Region: "eu-central-1"}, wantName: "Amazon Bedrock", wantModel: "eu.anthropic.claude-sonnet-4-6"},
		{cfg: llm.ProviderConfig{Provider: "openai", Model: "qwen2.5"}, wantName: "OpenAI-compatible endpoint", wantModel: "qwen2.5"},
		{cfg: llm.ProviderConfig{Provider: "openai"}, wantErr: true},
		{cfg: llm.ProviderConfig{Provider: "gemini"}, wantErr: true},
	}
	for _, tt := range tests {
		p, err := llm.NewProvider(tt.cfg, testAWSConfig())
		if (err != nil) != tt.wantErr {
			t.Errorf("NewProvider(%+v) error %v, want error %v", tt.cfg, err, tt.wantErr)
			continue
		}
		if err == nil && (p.Name() != tt.wantName || p.Model() != tt.wantModel) {
			t.Errorf("NewProvider(%+v) = %s %s, want %s %s", tt.cfg, p.Name(), p.Model(), tt.wantName, tt.wantModel)
		}
	}
}

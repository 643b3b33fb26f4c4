package app

import (
	"context"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/aegis-iam/aegis/backend/mcp/collect"
	"github.com/aegis-iam/aegis/backend/store"
)

// Settings are the user's preferences, persisted in the local store.
type Settings struct {
	Theme          string      `json:"theme"` // system, dark or light
	Profile        string      `json:"profile"`
	DefaultRegion  string      `json:"defaultRegion"`
	BedrockModelID string      `json:"bedrockModelId"`
	BedrockRegion  string      `json:"bedrockRegion"`
	MCPServers     []MCPServer `json:"mcpServers"`
	Window         WindowState `json:"window"`

	// ModelProvider selects the model: "bedrock" (the default when a
	// Bedrock model ID is set) or "openai" for an OpenAI-compatible
	// endpoint at OpenAIBaseURL (Ollama's when empty) serving OpenAIModel.
	ModelProvider string `json:"modelProvider"`
	OpenAIBaseURL string `json:"openaiBaseUrl"`
	OpenAIModel   string `json:"openaiModel"`

	// AllowRemediation lets the Audit page apply recommendations to the
	// account (docs/remediation.md); off by default.
	AllowRemediation bool `json:"allowRemediation"`
}

// MCPServer is an external MCP server the auditor may use as a data source.
type MCPServer struct {
	Name      string   `json:"name"`
	Transport string   `json:"transport"` // stdio or http
	Command   string   `json:"command"`   // stdio: the program to start
	Args      []string `json:"args"`
	// Env is what a stdio server's process gets besides PATH and HOME:
	// KEY=VALUE settings such as AWS_PROFILE and AWS_REGION, never
	// credentials, and never the app's own environment.
	Env     []string `json:"env"`
	URL     string   `json:"url"` // http: the server's endpoint
	Enabled bool     `json:"enabled"`
}

// endpoint is the server as the collector connects to it.
func (m MCPServer) endpoint() collect.Endpoint {
	return collect.Endpoint{Transport: m.Transport, Command: m.Command, Args: m.Args, Env: m.Env, URL: m.URL}
}

// WindowState is the main window's last position and size.
type WindowState struct {
	X         int  `json:"x"`
	Y         int  `json:"y"`
	Width     int  `json:"width"`
	Height    int  `json:"height"`
	Maximised bool `json:"maximised"`
}

// DefaultSettings are the settings before the user saves any.
func DefaultSettings() Settings {
	return Settings{Theme: "system", MCPServers: []MCPServer{}, Window: WindowState{Width: 1280, Height: 800}}
}

// PurgeResult says how many history records a purge deleted.
type PurgeResult struct {
	Deleted int `json:"deleted"`
}

// SettingsService reads and saves Settings and purges history.
type SettingsService struct {
	settings store.Settings[Settings]
	history  store.History
}

// NewSettingsService returns a SettingsService over st.
func NewSettingsService(st *store.Store) *SettingsService {
	return &SettingsService{settings: store.NewSettings[Settings](st), history: store.NewHistory(st)}
}

// Get returns the saved settings, or DefaultSettings when none were saved.
func (s *SettingsService) Get() (Settings, error) { return saved(s.settings) }

// saved reads the saved settings, normalised, or DefaultSettings when none
// were saved.
func saved(st store.Settings[Settings]) (Settings, error) {
	v, found, err := st.Get()
	if err != nil {
		return Settings{}, fmt.Errorf("reading settings: %w", err)
	}
	if !found {
		return DefaultSettings(), nil
	}
	return normalise(v), nil
}

// Save validates and stores v, returning what was stored (trimmed, with the
// theme defaulted). Invalid fields give a *ValidationError naming each.
func (s *SettingsService) Save(v Settings) (Settings, error) {
	v = normalise(v)
	if err := validate(v); err != nil {
		return Settings{}, err
	}
	if err := s.settings.Put(v); err != nil {
		return Settings{}, fmt.Errorf("saving settings: %w", err)
	}
	return v, nil
}

// checkTimeout bounds CheckMCPServer: starting a server through uvx or npx
// may first download it.
const checkTimeout = time.Minute

// CheckMCPServer starts the server m (saved or not), asks it what it offers
// and reports which of the auditor's needs its tools meet and why it cannot
// meet the others: what an audit through it will lack, before one is run.
// An invalid m gives a *ValidationError.
func (s *SettingsService) CheckMCPServer(m MCPServer) (*collect.ServerReport, error) {
	m = normalise(Settings{MCPServers: []MCPServer{m}}).MCPServers[0]
	e := &ValidationError{Message: "invalid MCP server"}
	validateServer(m, func(name string) string { return name }, e)
	if err := e.err(); err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), checkTimeout)
	defer cancel()
	rep, err := collect.Check(ctx, m.endpoint())
	if err != nil {
		return nil, fmt.Errorf("MCP server %q: %w", m.Name, err)
	}
	return rep, nil
}

// PurgeHistory deletes every stored session, validation and audit and
// compacts the database file so their data does not linger on disk.
func (s *SettingsService) PurgeHistory() (PurgeResult, error) {
	n, err := s.history.Purge()
	if err != nil {
		return PurgeResult{}, err
	}
	return PurgeResult{Deleted: n}, nil
}

func normalise(v Settings) Settings {
	v.Theme = strings.TrimSpace(v.Theme)
	if v.Theme == "" {
		v.Theme = "system"
	}
	v.Profile = strings.TrimSpace(v.Profile)
	v.DefaultRegion = strings.TrimSpace(v.DefaultRegion)
	v.BedrockModelID = strings.TrimSpace(v.BedrockModelID)
	v.BedrockRegion = strings.TrimSpace(v.BedrockRegion)
	v.ModelProvider, v.OpenAIBaseURL, v.OpenAIModel = strings.TrimSpace(v.ModelProvider), strings.TrimSpace(v.OpenAIBaseURL), strings.TrimSpace(v.OpenAIModel)
	servers := make([]MCPServer, len(v.MCPServers))
	for i, m := range v.MCPServers {
		m.Name, m.Transport = strings.TrimSpace(m.Name), strings.TrimSpace(m.Transport)
		m.Command, m.URL = strings.TrimSpace(m.Command), strings.TrimSpace(m.URL)
		if m.Args == nil {
			m.Args = []string{}
		}
		env := []string{}
		for _, kv := range m.Env {
			if kv = strings.TrimSpace(kv); kv != "" {
				env = append(env, kv)
			}
		}
		m.Env = env
		servers[i] = m
	}
	v.MCPServers = servers
	return v
}

// envKeyRE is the shape of an environment variable's name.
var envKeyRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// credentialKeys are the variables that carry AWS credentials: a server's
// environment names a profile instead, so that no secret is stored.
var credentialKeys = []string{"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN"}

// validateServer checks one MCP server's transport and its settings; field
// names an input of it for the errors.
func validateServer(m MCPServer, field func(string) string, e *ValidationError) {
	switch m.Transport {
	case "stdio":
		if m.Command == "" {
			e.add(field("command"), "a command is required for the stdio transport")
		}
	case "http":
		if u, err := url.Parse(m.URL); m.URL == "" || err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			e.add(field("url"), "an http:// or https:// URL is required for the http transport")
		}
		if len(m.Env) > 0 {
			e.add(field("env"), "environment variables are for a stdio server's process; an http server has none")
		}
	default:
		e.add(field("transport"), "transport must be stdio or http, not %q", m.Transport)
	}
	for _, kv := range m.Env {
		key, _, ok := strings.Cut(kv, "=")
		switch {
		case !ok || !envKeyRE.MatchString(key):
			e.add(field("env"), "%q is not KEY=VALUE", kv)
		case slices.Contains(credentialKeys, strings.ToUpper(key)):
			e.add(field("env"), "%s would store a credential: name a profile with AWS_PROFILE instead", key)
		}
	}
}

// regionRE is the shape of an AWS Region code: us-east-1, eu-central-2,
// us-gov-west-1, cn-northwest-1, ap-southeast-5, us-isob-east-1.
var regionRE = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-[0-9]{1,2}$`)

func validate(v Settings) error {
	e := &ValidationError{Message: "invalid settings"}
	switch v.Theme {
	case "system", "dark", "light":
	default:
		e.add("theme", "theme must be system, dark or light, not %q", v.Theme)
	}
	if strings.ContainsAny(v.Profile, "[]\r\n") {
		e.add("profile", "%q is not a profile name", v.Profile)
	}
	if v.DefaultRegion != "" && !regionRE.MatchString(v.DefaultRegion) {
		e.add("defaultRegion", "%q is not a Region code (e.g. us-east-1)", v.DefaultRegion)
	}
	if v.BedrockRegion != "" && !regionRE.MatchString(v.BedrockRegion) {
		e.add("bedrockRegion", "%q is not a Region code (e.g. us-east-1)", v.BedrockRegion)
	}
	switch {
	case v.BedrockRegion != "" && v.BedrockModelID == "":
		e.add("bedrockModelId", "a model ID is required when a Bedrock region is set")
	case strings.ContainsAny(v.BedrockModelID, " \t\r\n"):
		e.add("bedrockModelId", "a model ID has no spaces")
	case len(v.BedrockModelID) > 2048:
		e.add("bedrockModelId", "a model ID is at most 2048 characters")
	}
	validateModel(v, e)
	names := map[string]int{}
	for i, m := range v.MCPServers {
		field := func(name string) string { return fmt.Sprintf("mcpServers[%d].%s", i, name) }
		if m.Name == "" {
			e.add(field("name"), "a name is required")
		} else if j, dup := names[strings.ToLower(m.Name)]; dup {
			e.add(field("name"), "the name %q is already used by server %d", m.Name, j+1)
		} else {
			names[strings.ToLower(m.Name)] = i
		}
		validateServer(m, field, e)
	}
	if v.Window.Width < 0 || v.Window.Height < 0 {
		e.add("window", "window size cannot be negative")
	}
	return e.err()
}

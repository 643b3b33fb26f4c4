package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/aegis-iam/aegis/backend/app"
	"github.com/aegis-iam/aegis/backend/awsapi"
	"github.com/aegis-iam/aegis/backend/iamdb"
	"github.com/aegis-iam/aegis/backend/store"
)

// services are the backend/app services the frontend binds. main and the
// browser end-to-end test build them with the same function, so the test
// exercises the wiring the desktop ships.
type services struct {
	app      *app.AppService
	policy   *app.PolicyService
	settings *app.SettingsService
	profiles *app.ProfilesService
	history  *app.HistoryService
	validate *app.ValidateService
	generate *app.GenerateService
	audit    *app.AuditService
	// assist answers questions on the Validate and Audit pages.
	assist *app.AssistantService
	// remediate applies audit recommendations and rolls them back, when Settings allows it.
	remediate *app.RemediationService

	// events reach the window once it exists: desktop.startup attaches
	// the Wails emitter.
	events *app.RelayEmitter
	// cancel ends in-flight AWS calls and SSO sign-ins at shutdown.
	cancel context.CancelFunc
}

func newServices(st *store.Store, version string, logger *slog.Logger) (*services, error) {
	profiles, err := awsapi.NewProfiles(awsapi.Options{Logger: logger})
	if err != nil {
		return nil, fmt.Errorf("reading AWS profiles: %w", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	events := &app.RelayEmitter{}
	model := app.SettingsProvider(profiles)
	validate := app.NewValidateService(st, version, openIAMData)
	audit := app.WithLiveSources(app.NewAuditService(ctx, st, openIAMData, events), profiles, version)
	return &services{
		app:       app.NewAppService(version, filepath.Dir(st.Path()), openIAMData),
		policy:    app.NewPolicyService(),
		settings:  app.NewSettingsService(st),
		profiles:  app.NewProfilesService(ctx, profiles, events),
		history:   app.NewHistoryService(st),
		validate:  validate,
		generate:  app.NewGenerateService(ctx, st, version, openIAMData, events, model),
		audit:     audit,
		assist:    app.NewAssistantService(ctx, st, validate, audit, model),
		remediate: app.NewRemediationService(ctx, st, profiles),
		events:    events,
		cancel:    cancel,
	}, nil
}

// bindings are the structs whose exported methods the frontend calls
// (frontend/wailsjs/go/app/*).
func (s *services) bindings() []any {
	return []any{s.app, s.policy, s.settings, s.profiles, s.history, s.validate, s.generate, s.audit, s.assist, s.remediate}
}

// openIAMData is the IAM database the desktop uses: the embedded snapshot,
// overlaid with the result of "aegis data update" in the user cache
// directory, exactly as the CLI reads it.
func openIAMData() (*iamdb.DB, error) {
	base, err := os.UserCacheDir()
	if err != nil {
		return iamdb.Embedded()
	}
	return iamdb.Open(filepath.Join(base, "aegis-iam"))
}

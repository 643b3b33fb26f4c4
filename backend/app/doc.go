// Package app is the Wails façade of the Aegis IAM desktop app: small
// services bound to the frontend (AppService, PolicyService,
// ValidateService, SettingsService, ProfilesService, HistoryService) whose methods return a
// DTO with json tags and an error. They translate between the frontend's
// vocabulary and the backend packages; they hold no domain logic.
//
// Everything the Wails runtime does for these services goes through the
// Emitter seam: runtime.go is the only file that imports Wails, so every
// service is tested with a recording Emitter and no window.
package app

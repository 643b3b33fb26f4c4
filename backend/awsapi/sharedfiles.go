package awsapi

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// SharedFiles locates the shared config and credentials files.
type SharedFiles struct {
	Config      string
	Credentials string
}

// DefaultSharedFiles returns the files the AWS CLI and SDKs read:
// $AWS_CONFIG_FILE and $AWS_SHARED_CREDENTIALS_FILE when set, otherwise
// ~/.aws/config and ~/.aws/credentials.
func DefaultSharedFiles(getenv func(string) string) (SharedFiles, error) {
	f := SharedFiles{Config: getenv("AWS_CONFIG_FILE"), Credentials: getenv("AWS_SHARED_CREDENTIALS_FILE")}
	if f.Config != "" && f.Credentials != "" {
		return f, nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return SharedFiles{}, fmt.Errorf("locating the AWS config files: %w", err)
	}
	if f.Config == "" {
		f.Config = filepath.Join(home, ".aws", "config")
	}
	if f.Credentials == "" {
		f.Credentials = filepath.Join(home, ".aws", "credentials")
	}
	return f, nil
}

// profileNames returns the profiles the two files define, "default" first
// then by name, following the SDK's rules: in the config file a profile is
// [default] or [profile NAME] ([sso-session ...] and [services ...] are not
// profiles, other sections are ignored); in the credentials file every
// section is a profile except one spelled [profile NAME].
func profileNames(files SharedFiles) ([]string, error) {
	seen := map[string]bool{}
	for _, f := range []struct {
		path   string
		config bool
	}{{files.Config, true}, {files.Credentials, false}} {
		data, err := os.ReadFile(f.path)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("reading %s: %w", f.path, err)
		}
		for _, s := range sectionNames(string(data)) {
			if name, ok := profileOf(s, f.config); ok {
				seen[name] = true
			}
		}
	}
	names := make([]string, 0, len(seen))
	for n := range seen {
		names = append(names, n)
	}
	slices.SortFunc(names, func(a, b string) int {
		switch {
		case a == b:
			return 0
		case a == "default":
			return -1
		case b == "default":
			return 1
		}
		return strings.Compare(a, b)
	})
	return names, nil
}

// profileOf maps a section name ("profile dev", "default", "dev") to the
// profile it defines in a config (config=true) or credentials file.
func profileOf(section string, config bool) (string, bool) {
	typ, name, typed := strings.Cut(section, " ")
	switch {
	case !config:
		if section == "" || (typed && typ == "profile") {
			return "", false
		}
		return section, true
	case typed && typ == "profile":
		return name, name != ""
	case !typed && strings.EqualFold(section, "default"):
		return section, true
	}
	return "", false
}

// sectionNames returns the section headers of an INI file as the SDK's
// tokenizer reads them: a line that, without a trailing # or ; comment and
// surrounding blanks, is bracketed; the inside is trimmed and a type word
// is separated from the name by one space ("[ profile   dev ]" is
// "profile dev").
func sectionNames(data string) []string {
	var out []string
	for line := range strings.Lines(data) {
		if t := strings.TrimLeft(line, " \t"); strings.HasPrefix(t, "#") || strings.HasPrefix(t, ";") {
			continue
		}
		line, _, _ = strings.Cut(line, "#")
		line, _, _ = strings.Cut(line, ";")
		line = strings.TrimSpace(line)
		if len(line) < 2 || line[0] != '[' || line[len(line)-1] != ']' {
			continue
		}
		inner := strings.TrimSpace(line[1 : len(line)-1])
		if i := strings.IndexAny(inner, " \t"); i >= 0 {
			inner = inner[:i] + " " + strings.TrimLeft(inner[i:], " \t")
		}
		out = append(out, inner)
	}
	return out
}

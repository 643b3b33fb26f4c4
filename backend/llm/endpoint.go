package llm

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
)

// CheckBaseURL checks the API root of an OpenAI-compatible endpoint: an
// http:// or https:// URL with a host, without credentials (an API key
// does not belong in a URL that is stored and shown), a query or a
// fragment. insecure is true for plain http to a host other than this
// machine: prompts, which carry policies and account data, would cross the
// network unencrypted.
func CheckBaseURL(raw string) (insecure bool, err error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	switch {
	case err != nil:
		return false, fmt.Errorf("%q is not a URL: %w", raw, err)
	case u.Scheme != "http" && u.Scheme != "https":
		return false, fmt.Errorf("%q is not an http:// or https:// URL", raw)
	case u.Host == "" || u.Hostname() == "":
		return false, fmt.Errorf("%q names no host", raw)
	case u.User != nil:
		return false, errors.New("the URL must not hold a user name or password")
	case u.RawQuery != "" || u.Fragment != "":
		return false, fmt.Errorf("%q must not have a query or fragment: give the API root, e.g. http://localhost:11434/v1", raw)
	}
	return u.Scheme == "http" && !isLoopback(u.Hostname()), nil
}

// isLoopback reports whether host is this machine: localhost or a loopback
// address.
func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") || strings.HasSuffix(strings.ToLower(host), ".localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

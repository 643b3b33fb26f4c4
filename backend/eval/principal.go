package eval

import (
	"strings"

	"github.com/aegis-iam/aegis/backend/policy"
)

// principalMatcher is a compiled Principal or NotPrincipal element.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html
type principalMatcher struct {
	wildcard  bool     // "*" or {"AWS": "*"}
	accounts  []string // account IDs, from "123456789012" or arn:...:root
	users     []iamName
	roles     []iamName
	sessions  []string // assumed-role session ARNs
	fedUsers  []string // federated-user ARNs
	services  []string // lower case
	federated []string // identity providers, lower case
}

// iamName identifies a user or role by account and name: names are unique
// in an account whatever the path, and session ARNs carry no path.
type iamName struct {
	account string
	name    string
}

// principalMatch says how a Principal element matched the caller. It
// matters in resource-based policies in the caller's own account, where AWS
// treats a grant to the exact principal differently from a grant to the
// role or the account.
type principalMatch uint8

const (
	pmNone    principalMatch = iota
	pmAccount                // the caller's account: delegates to the account's IAM policies
	pmRole                   // the role whose session is calling
	pmDirect                 // the caller itself: user, session, federated user, service, provider, or "*"
)

func compilePrincipal(p *policy.Principal) *principalMatcher {
	m := &principalMatcher{wildcard: p.Wildcard}
	for _, v := range p.AWS.Strings() {
		m.addAWS(v)
	}
	for _, v := range p.Service.Strings() {
		if v == "*" {
			m.wildcard = true
		}
		m.services = append(m.services, strings.ToLower(v))
	}
	for _, v := range p.Federated.Strings() {
		m.federated = append(m.federated, strings.ToLower(v))
	}
	return m
}

func (m *principalMatcher) addAWS(v string) {
	if v == "*" {
		m.wildcard = true
		return
	}
	if isAccountID(v) {
		m.accounts = append(m.accounts, v)
		return
	}
	parts := strings.SplitN(v, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" {
		return // a unique ID (AIDA..., AROA...) left by a deleted principal: matches nobody
	}
	acct, res := parts[4], parts[5]
	typ, rest, _ := strings.Cut(res, "/")
	switch {
	case parts[2] == "iam" && res == "root":
		m.accounts = append(m.accounts, acct)
	case parts[2] == "iam" && typ == "user":
		_, name := splitPath(rest)
		m.users = append(m.users, iamName{acct, name})
	case parts[2] == "iam" && typ == "role":
		_, name := splitPath(rest)
		m.roles = append(m.roles, iamName{acct, name})
	case parts[2] == "sts" && typ == "assumed-role":
		m.sessions = append(m.sessions, v)
	case parts[2] == "sts" && typ == "federated-user":
		m.fedUsers = append(m.fedUsers, v)
	}
}

// match reports the strongest way the element names the caller.
func (m *principalMatcher) match(c *caller) principalMatch {
	if m.wildcard {
		return pmDirect
	}
	switch c.kind {
	case PrincipalService:
		if contains(m.services, strings.ToLower(c.arn)) {
			return pmDirect
		}
		return pmNone
	case PrincipalWebIdentity:
		if contains(m.federated, strings.ToLower(c.arn)) {
			return pmDirect
		}
		return pmNone
	case PrincipalAnonymous:
		return pmNone
	}
	if m.direct(c) {
		return pmDirect
	}
	if m.role(c) {
		return pmRole
	}
	if contains(m.accounts, c.account) {
		return pmAccount
	}
	return pmNone
}

func (m *principalMatcher) direct(c *caller) bool {
	switch c.kind {
	case PrincipalUser:
		return containsName(m.users, iamName{c.account, c.name})
	case PrincipalAssumedRole:
		return contains(m.sessions, c.arn)
	case PrincipalFederatedUser:
		return contains(m.fedUsers, c.arn)
	}
	return false
}

func (m *principalMatcher) role(c *caller) bool {
	return (c.kind == PrincipalRole || c.kind == PrincipalAssumedRole) &&
		containsName(m.roles, iamName{c.account, c.roleName})
}

// exempts reports whether a NotPrincipal element lists every identity the
// caller acts as, so the statement does not apply to it. AWS matches
// NotPrincipal literally: a role session is exempt only when the session
// ARN (or, for a role, the role ARN) and the account are listed; see
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notprincipal.html
func (m *principalMatcher) exempts(c *caller) bool {
	if m.wildcard {
		return true
	}
	switch c.kind {
	case PrincipalService:
		return contains(m.services, strings.ToLower(c.arn))
	case PrincipalWebIdentity:
		return contains(m.federated, strings.ToLower(c.arn))
	case PrincipalAnonymous:
		return false
	}
	if !contains(m.accounts, c.account) {
		return false
	}
	switch c.kind {
	case PrincipalUser, PrincipalFederatedUser:
		return m.direct(c)
	case PrincipalRole:
		return m.role(c)
	case PrincipalAssumedRole:
		return m.direct(c) && m.role(c)
	}
	return true // root: the account is listed
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func containsName(list []iamName, n iamName) bool {
	for _, v := range list {
		if v == n {
			return true
		}
	}
	return false
}

package remediate

import (
	"bytes"
	"encoding/json"
	"slices"
	"sort"
	"strings"
	"unicode"

	"github.com/aegis-iam/aegis/backend/awsapi"
)

// paramOrder is the order in which CLI renders known parameters; others
// follow by name.
var paramOrder = []string{"RoleName", "UserName", "PolicyName", "PolicyArn", "VersionId", "Path", "Description", "PolicyDocument", "SetAsDefault"}

// CLI renders a call as the AWS CLI command that makes it
// (https://awscli.amazonaws.com/v2/documentation/api/latest/reference/iam/index.html),
// quoted for a POSIX shell, policy documents compacted.
func CLI(c awsapi.IAMCall) string {
	names := make([]string, 0, len(c.Params))
	for k := range c.Params {
		names = append(names, k)
	}
	sort.Slice(names, func(i, j int) bool {
		a, b := slices.Index(paramOrder, names[i]), slices.Index(paramOrder, names[j])
		switch {
		case a >= 0 && b >= 0:
			return a < b
		case a >= 0 || b >= 0:
			return a >= 0
		}
		return names[i] < names[j]
	})
	var b strings.Builder
	b.WriteString("aws iam ")
	b.WriteString(kebab(c.Operation))
	for _, k := range names {
		v := c.Params[k]
		if k == "SetAsDefault" {
			if v == "true" {
				b.WriteString(" --set-as-default")
			} else {
				b.WriteString(" --no-set-as-default")
			}
			continue
		}
		if k == "PolicyDocument" {
			var compact bytes.Buffer
			if json.Compact(&compact, []byte(v)) == nil {
				v = compact.String()
			}
		}
		b.WriteString(" --" + kebab(k) + " " + shellQuote(v))
	}
	return b.String()
}

// kebab turns an API name into the CLI's: PutRolePolicy → put-role-policy.
func kebab(s string) string {
	var b strings.Builder
	for i, r := range s {
		if unicode.IsUpper(r) {
			if i > 0 {
				b.WriteByte('-')
			}
			r = unicode.ToLower(r)
		}
		b.WriteRune(r)
	}
	return b.String()
}

// shellQuote quotes a word for a POSIX shell when it needs it.
func shellQuote(s string) string {
	if s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r) || strings.ContainsRune("-_./:=@+,", r)))
	}) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'"'"'`) + "'"
}

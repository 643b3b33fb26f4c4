package rules

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/aegis-iam/aegis/backend/check"
	"github.com/aegis-iam/aegis/backend/eval"
	"github.com/aegis-iam/aegis/backend/policy"
)

// The account-hygiene rules (AEG-ACCT) judge account facts (check.Account):
// the credential report, the password policy and authorization details —
// the CIS AWS Foundations account-level IAM checks. They run only on
// policy.KindAccount inputs and stay silent about facts the input does not
// carry.

// Thresholds of the CIS AWS Foundations Benchmark and AWS guidance.
const (
	minPasswordLength    = 14 // CIS 2.8
	minReusePrevention   = 24 // CIS 2.9
	maxPasswordAgeDays   = 90 // PCI DSS 8.3.9
	unusedCredentialDays = 45 // CIS 2.11
	keyRotationDays      = 90 // CIS 2.12
	unusedRoleDays       = 90 // IAM Access Analyzer's unused-access default
	rootRecentUseDays    = 30 // CIS 2.7: root used this recently is in routine use
)

const (
	credReportDoc = "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_getting-report.html"
	rootBestDoc   = "https://docs.aws.amazon.com/IAM/latest/UserGuide/root-user-best-practices.html"
	cisAWS        = "CIS Amazon Web Services Foundations Benchmark v7.0.0"
)

func accountKinds() []policy.Kind { return []policy.Kind{policy.KindAccount} }

// The facts account rules need (check.Rule.Needs): a rule runs, and counts
// as evaluated, only on inputs that carry them.
func hasCredentials(in *check.Input) bool {
	return in.Account != nil && in.Account.Credentials != nil
}

func hasPasswordPolicy(in *check.Input) bool {
	return in.Account != nil && in.Account.PasswordPolicy != nil
}

func hasAuthorization(in *check.Input) bool {
	return in.Account != nil && in.Account.Authorization != nil
}

// all needs every one of needs.
func all(needs ...func(*check.Input) bool) func(*check.Input) bool {
	return func(in *check.Input) bool {
		for _, n := range needs {
			if !n(in) {
				return false
			}
		}
		return true
	}
}

func hasVirtualMFA(in *check.Input) bool {
	return hasCredentials(in) && in.Account.VirtualMFADevices != nil
}

// accountExample is a rule example made of account facts, written as their
// JSON form (what docs/checks.md shows and the examples test decodes).
func accountExample(note string, a check.Account) check.Example {
	// The account model holds only strings, numbers, booleans, times and
	// slices of them: encoding cannot fail.
	b, _ := json.Marshal(a)
	return check.Example{Kind: policy.KindAccount, Note: note, Policy: string(b)}
}

// exampleAsOf is the collection time of the examples' account facts.
var exampleAsOf = time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)

// daysBefore returns the timestamp n days before exampleAsOf.
func daysBefore(n int) check.Timestamp {
	return check.Timestamp{Time: exampleAsOf.AddDate(0, 0, -n)}
}

var na = check.Timestamp{Missing: check.NotApplicable}

// exampleRoot and exampleUser are credential report rows of a compliant
// account, which examples vary.
func exampleRoot() check.CredentialUser {
	return check.CredentialUser{User: check.RootUser, ARN: "arn:aws:iam::123456789012:root", Created: daysBefore(2000),
		PasswordLastUsed: daysBefore(200), PasswordLastChanged: check.Timestamp{Missing: check.NotSupported},
		PasswordNextRotation: check.Timestamp{Missing: check.NotSupported}, MFAActive: true,
		AccessKeys: [2]check.AccessKey{{LastRotated: na, LastUsed: na}, {LastRotated: na, LastUsed: na}}}
}

func exampleUser(name string) check.CredentialUser {
	return check.CredentialUser{User: name, ARN: "arn:aws:iam::123456789012:user/" + name, Created: daysBefore(400),
		PasswordEnabled: true, PasswordLastUsed: daysBefore(2), PasswordLastChanged: daysBefore(30), PasswordNextRotation: daysBefore(-60), MFAActive: true,
		AccessKeys: [2]check.AccessKey{{LastRotated: na, LastUsed: na}, {LastRotated: na, LastUsed: na}}}
}

// reportOf builds an example account from credential report rows.
func reportOf(rows ...check.CredentialUser) check.Account {
	return check.Account{ID: "123456789012", AsOf: exampleAsOf, Credentials: &check.CredentialReport{Users: rows}}
}

// credentialRows returns the credential report's rows of the pass's
// account (the rules that call it need hasCredentials).
func credentialRows(p *check.Pass) []check.CredentialUser {
	return p.Account.Credentials.Users
}

// reportCell reports a finding at a credential report cell, naming the
// user and the column as the element (which also keys the fingerprint).
func reportCell(p *check.Pass, u *check.CredentialUser, column, message, remediation string) {
	p.Report(nil, u.At(column), u.User+":"+column, message, remediation, check.Exposure{})
}

// ageDays returns whole days from t to the account's collection time, and
// false when either is unknown.
func ageDays(p *check.Pass, t time.Time) (int, bool) {
	if p.Account.AsOf.IsZero() || t.IsZero() {
		return 0, false
	}
	return int(p.Account.AsOf.Sub(t).Hours() / 24), true
}

func date(t time.Time) string { return t.Format(time.DateOnly) }

// days renders a number of days: "1 day", "45 days".
func days(n int) string { return count(n, "day", "days") }

// count renders a count with its noun: "1 role", "3 roles".
func count(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// userName returns a user's name for messages ("the root user" for root).
func userName(u *check.CredentialUser) string {
	if u.Root() {
		return "the root user"
	}
	return "IAM user " + u.User
}

func accountRules() []*check.Rule {
	rootKey := exampleRoot()
	rootKey.AccessKeys[0] = check.AccessKey{Active: true, LastRotated: daysBefore(900), LastUsed: daysBefore(3), LastUsedRegion: "us-east-1", LastUsedService: "s3"}
	rootNoMFA := exampleRoot()
	rootNoMFA.MFAActive = false
	rootRecent := exampleRoot()
	rootRecent.PasswordLastUsed = daysBefore(4)
	noMFA := exampleUser("alice")
	noMFA.MFAActive = false
	apiOnly := exampleUser("ci")
	apiOnly.PasswordEnabled, apiOnly.MFAActive, apiOnly.PasswordLastUsed, apiOnly.PasswordLastChanged = false, false, na, na
	staleKey := exampleUser("bob")
	staleKey.AccessKeys[0] = check.AccessKey{Active: true, LastRotated: daysBefore(200), LastUsed: daysBefore(120), LastUsedRegion: "eu-west-1", LastUsedService: "s3"}
	freshKey := exampleUser("bob")
	freshKey.AccessKeys[0] = check.AccessKey{Active: true, LastRotated: daysBefore(20), LastUsed: daysBefore(1), LastUsedRegion: "eu-west-1", LastUsedService: "iam"}
	twoKeys := exampleUser("carol")
	twoKeys.AccessKeys = [2]check.AccessKey{{Active: true, LastRotated: daysBefore(10), LastUsed: daysBefore(1), LastUsedRegion: "eu-west-1", LastUsedService: "sts"},
		{Active: true, LastRotated: daysBefore(5), LastUsed: daysBefore(1), LastUsedRegion: "eu-west-1", LastUsedService: "sts"}}
	setupKey := exampleUser("dave")
	setupKey.AccessKeys[0] = check.AccessKey{Active: true, LastRotated: daysBefore(400), LastUsed: na, LastUsedRegion: check.NotApplicable, LastUsedService: check.NotApplicable}
	idleConsole := exampleUser("erin")
	idleConsole.PasswordLastUsed = daysBefore(80)
	s3Key := exampleUser("svc-upload")
	s3Key.PasswordEnabled, s3Key.PasswordLastUsed, s3Key.PasswordLastChanged = false, na, na
	s3Key.AccessKeys[0] = check.AccessKey{Active: true, LastRotated: daysBefore(30), LastUsed: daysBefore(1), LastUsedRegion: "eu-west-1", LastUsedService: "s3"}
	virtualRoot := reportOf(exampleRoot())
	virtualRoot.VirtualMFADevices = &[]check.VirtualMFADevice{{SerialNumber: "arn:aws:iam::123456789012:mfa/root-account-mfa-device", UserARN: "arn:aws:iam::123456789012:root"}}
	hardwareRoot := reportOf(exampleRoot())
	hardwareRoot.VirtualMFADevices = &[]check.VirtualMFADevice{{SerialNumber: "arn:aws:iam::123456789012:mfa/alice", UserARN: "arn:aws:iam::123456789012:user/alice"}}
	virtualUser := reportOf(exampleRoot(), exampleUser("alice"))
	virtualUser.VirtualMFADevices = hardwareRoot.VirtualMFADevices
	hardwareUser := reportOf(exampleRoot(), exampleUser("alice"))
	hardwareUser.VirtualMFADevices = &[]check.VirtualMFADevice{}
	adminNoMFA := reportOf(exampleRoot(), apiOnly)
	adminNoMFA.Authorization = &check.Authorization{
		Users:  []check.Principal{{Name: "ci", ARN: "arn:aws:iam::123456789012:user/ci", Groups: []string{"admins"}}},
		Groups: []check.Principal{{Name: "admins", ARN: "arn:aws:iam::123456789012:group/admins", AttachedPolicies: []string{"arn:aws:iam::aws:policy/AdministratorAccess"}}},
	}
	adminMFA := reportOf(exampleRoot(), exampleUser("ci"))
	adminMFA.Authorization = adminNoMFA.Authorization
	strong := check.PasswordPolicy{Exists: true, MinimumPasswordLength: 14, RequireSymbols: true, RequireNumbers: true, RequireUppercaseCharacters: true,
		RequireLowercaseCharacters: true, AllowUsersToChangePassword: true, ExpirePasswords: true, MaxPasswordAge: 90, PasswordReusePrevention: 24}
	withPolicy := func(pp check.PasswordPolicy) check.Account {
		return check.Account{ID: "123456789012", AsOf: exampleAsOf, PasswordPolicy: &pp}
	}
	weak := strong
	weak.MinimumPasswordLength, weak.PasswordReusePrevention, weak.RequireSymbols, weak.MaxPasswordAge, weak.ExpirePasswords = 8, 5, false, 0, false
	directUser := check.Account{ID: "123456789012", AsOf: exampleAsOf, Authorization: &check.Authorization{
		Users: []check.Principal{{Name: "alice", ARN: "arn:aws:iam::123456789012:user/alice", AttachedPolicies: []string{"arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"}, InlinePolicies: []string{"extra"}}}}}
	groupUser := check.Account{ID: "123456789012", AsOf: exampleAsOf, Authorization: &check.Authorization{
		Users:  []check.Principal{{Name: "alice", ARN: "arn:aws:iam::123456789012:user/alice", Groups: []string{"readers"}}},
		Roles:  []check.Principal{{Name: "support", ARN: "arn:aws:iam::123456789012:role/support", AttachedPolicies: []string{"arn:aws:iam::aws:policy/AWSSupportAccess"}, Created: exampleAsOf.AddDate(-1, 0, 0), LastUsed: exampleAsOf.AddDate(0, 0, -3)}},
		Groups: []check.Principal{{Name: "readers", ARN: "arn:aws:iam::123456789012:group/readers", AttachedPolicies: []string{"arn:aws:iam::aws:policy/ReadOnlyAccess"}}}}}
	idleRole := check.Account{ID: "123456789012", AsOf: exampleAsOf, Authorization: &check.Authorization{
		Roles: []check.Principal{{Name: "legacy-etl", ARN: "arn:aws:iam::123456789012:role/legacy-etl", Created: exampleAsOf.AddDate(-2, 0, 0), LastUsed: exampleAsOf.AddDate(0, -7, 0)}}}}
	certs := func(days int) check.Account {
		return check.Account{ID: "123456789012", AsOf: exampleAsOf, ServerCertificates: &[]check.ServerCertificate{
			{Name: "www-2024", ARN: "arn:aws:iam::123456789012:server-certificate/www-2024", Expiration: exampleAsOf.AddDate(0, 0, days)}}}
	}
	refs := func(extra ...string) []string { return append([]string{credReportDoc}, extra...) }
	rule := func(id string, sev check.Severity, needs func(*check.Input) bool, title, desc, fix string, refs []string, controls []check.Control, bad, good []check.Example, run func(*check.Pass)) *check.Rule {
		return &check.Rule{ID: id, Category: check.CategoryAccountHygiene, Severity: sev, Title: title, Description: desc, Remediation: fix,
			References: refs, Controls: controls, Kinds: accountKinds(), Needs: needs, Bad: bad, Good: good, Run: run}
	}
	ex := func(note string, a check.Account) []check.Example { return []check.Example{accountExample(note, a)} }
	return []*check.Rule{
		rule("AEG-ACCT-001", check.SeverityCritical, hasCredentials, "Root user has an active access key",
			"Access keys of the root user give unrestricted, unconditionable API access to the whole account; no permission policy or SCP limits them.",
			"Delete the root user's access keys and move any automation to an IAM role.",
			refs(rootBestDoc, cisAWS+" 2.4", "Security Hub IAM.4", "Prowler iam_no_root_access_key"),
			ctrls("cis 2.4", "pci 7.2.1 7.2.2 7.2.3 8.2.1 8.2.2 8.2.4 8.2.5 8.3.11", "hipaa 164.308(a)(1)(ii)(B) 164.308(a)(3)(i) 164.308(a)(3)(ii)(B) 164.308(a)(4)(ii)(C) 164.312(a)(2)(i)",
				"nist AC-2(1) AC-3(7) AC-3(15) AC-6 AC-6(2) AC-6(10)", "gdpr Art.25"),
			ex("", reportOf(rootKey, exampleUser("alice"))), ex("", reportOf(exampleRoot(), exampleUser("alice"))), runRootAccessKeys),
		rule("AEG-ACCT-002", check.SeverityCritical, hasCredentials, "Root user without MFA",
			"The root user can do everything, including closing the account; without MFA its password alone protects it.",
			"Enable a hardware MFA device (or at least a virtual one) on the root user.",
			refs("https://docs.aws.amazon.com/IAM/latest/UserGuide/enable-mfa-for-root.html", cisAWS+" 2.5", "Security Hub IAM.9"),
			ctrls("cis 2.5", "pci 8.4.1 8.4.2 8.4.3", "hipaa 164.308(a)(3)(ii)(A) 164.312(d)", "nist AC-2(1) AC-3(15) IA-2(1) IA-2(2) IA-2(6) IA-2(8)", "gdpr Art.25"),
			ex("", reportOf(rootNoMFA)), ex("", reportOf(exampleRoot())),
			func(p *check.Pass) {
				for i := range credentialRows(p) {
					if u := &p.Account.Credentials.Users[i]; u.Root() && !u.MFAActive {
						reportCell(p, u, "mfa_active", "the root user has no MFA device: its password alone protects the account.",
							"Sign in as the root user, open Security credentials → Multi-factor authentication (MFA) → Assign MFA device, and register a hardware key (FIDO security key or hardware TOTP token).")
					}
				}
			}),
		rule("AEG-ACCT-003", check.SeverityCritical, hasVirtualMFA, "Root user MFA is a virtual device",
			"A virtual MFA app on a phone shares the phone's exposure; CIS asks for a hardware device on the root user.",
			"Replace the root user's virtual MFA device with a hardware device.",
			refs("https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_mfa_enable_physical.html", cisAWS+" 2.6", "Security Hub IAM.6"),
			ctrls("cis 2.6", "pci 8.4.1 8.4.2 8.4.3", "hipaa 164.308(a)(3)(ii)(A) 164.312(d)", "nist IA-2(1) IA-2(2) IA-2(6) IA-2(8)"),
			ex("", virtualRoot), ex("the only virtual device is alice's", hardwareRoot),
			func(p *check.Pass) { runVirtualMFA(p, true) }),
		rule("AEG-ACCT-004", check.SeverityHigh, hasCredentials, "Root user used for routine work",
			fmt.Sprintf("The root user's password or an access key was used in the %d days before the report: the root user should be kept for the few tasks only it can do.", rootRecentUseDays),
			"Use IAM roles (or IAM Identity Center) for administration and keep the root user for root-only tasks.",
			refs(rootBestDoc, "https://docs.aws.amazon.com/IAM/latest/UserGuide/root-user-tasks.html", cisAWS+" 2.7", "Security Hub IAM.20"),
			ctrls("cis 2.7"),
			ex("", reportOf(rootRecent)), ex("root signed in 200 days ago", reportOf(exampleRoot())), runRootUse),
		rule("AEG-ACCT-006", check.SeverityHigh, hasCredentials, "Console user without MFA",
			"An IAM user who can sign in to the console with a password has no MFA device: a phished or reused password is enough to sign in.",
			"Require MFA for every IAM user with a console password.",
			refs("https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_mfa_enable.html", cisAWS+" 2.10", "Security Hub IAM.5"),
			ctrls("cis 2.10", "pci 8.4.1 8.4.2 8.4.3", "hipaa 164.308(a)(3)(ii)(A) 164.312(a)(1) 164.312(d)", "nist AC-2(1) AC-3(15) IA-2(1) IA-2(2) IA-2(6) IA-2(8)", "gdpr Art.25"),
			ex("", reportOf(exampleRoot(), noMFA)), ex("a user without a password needs no console MFA", reportOf(exampleRoot(), exampleUser("alice"), apiOnly)),
			func(p *check.Pass) {
				for i := range credentialRows(p) {
					if u := &p.Account.Credentials.Users[i]; !u.Root() && u.PasswordEnabled && !u.MFAActive {
						reportCell(p, u, "mfa_active", fmt.Sprintf("%s signs in to the console with a password and has no MFA device.", userName(u)),
							fmt.Sprintf("Assign an MFA device to %s (aws iam enable-mfa-device --user-name %s ...), or remove the console password if the user needs none (aws iam delete-login-profile --user-name %s).", u.User, u.User, u.User))
					}
				}
			}),
		rule("AEG-ACCT-007", check.SeverityHigh, all(hasCredentials, hasAuthorization), "Administrator user without MFA",
			"An IAM user holding AdministratorAccess (directly or through a group) has no MFA device: its password or access key alone controls the account.",
			"Assign an MFA device to every administrator and require MFA in their policies.",
			refs("https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_mfa.html", "Prowler iam_administrator_access_with_mfa", "PMapper IAM Users With Administrative Permissions But No MFA Device"),
			ctrls("pci 8.4.1", "nist IA-2(1)"),
			ex("", adminNoMFA), ex("", adminMFA), runAdminMFA),
		rule("AEG-ACCT-008", check.SeverityMedium, hasVirtualMFA, "IAM user MFA is a virtual device",
			"The user's MFA is a virtual (phone app) device rather than a hardware device or passkey, which resist phishing and device compromise better.",
			"Register a FIDO security key or hardware TOTP token for the user.",
			refs("https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_mfa_enable_fido.html", "Prowler iam_user_hardware_mfa_enabled"),
			ctrls("nist IA-2(6)"),
			ex("", virtualUser), ex("no virtual device is assigned", hardwareUser),
			func(p *check.Pass) { runVirtualMFA(p, false) }),
		rule("AEG-ACCT-009", check.SeverityMedium, hasPasswordPolicy, "Password policy allows passwords shorter than 14 characters",
			"CIS asks for a minimum password length of 14; without a password policy IAM accepts 8 characters.",
			fmt.Sprintf("Set the minimum password length to %d or more.", minPasswordLength),
			refs("https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_passwords_account-policy.html", cisAWS+" 2.8", "Security Hub IAM.15"),
			ctrls("cis 2.8", "pci 8.3.6", "hipaa 164.308(a)(5)(ii)(D)", "nist AC-2(1) AC-2(3) AC-3(15) IA-5(1)", "gdpr Art.25"),
			ex("", withPolicy(weak)), ex("", withPolicy(strong)),
			func(p *check.Pass) {
				passwordRule(p, "MinimumPasswordLength", func(pp *check.PasswordPolicy) (int, bool) {
					return pp.MinimumPasswordLength, pp.MinimumPasswordLength < minPasswordLength
				}, func(v int) string {
					return fmt.Sprintf("the password policy accepts passwords of %d characters (CIS asks for 14).", v)
				},
					fmt.Sprintf("aws iam update-account-password-policy --minimum-password-length %d (repeat the policy's other settings: the call replaces the whole policy).", minPasswordLength))
			}),
		rule("AEG-ACCT-010", check.SeverityMedium, hasPasswordPolicy, "Password policy does not prevent reuse of the last 24 passwords",
			"Without reuse prevention users can cycle back to a compromised password.",
			fmt.Sprintf("Set password reuse prevention to %d.", minReusePrevention),
			refs("https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_passwords_account-policy.html", cisAWS+" 2.9", "Security Hub IAM.16"),
			ctrls("cis 2.9", "pci 8.3.7", "hipaa 164.308(a)(4)(ii)(C) 164.308(a)(5)(ii)(D) 164.312(d)", "gdpr Art.25"),
			ex("", withPolicy(weak)), ex("", withPolicy(strong)),
			func(p *check.Pass) {
				passwordRule(p, "PasswordReusePrevention", func(pp *check.PasswordPolicy) (int, bool) {
					return pp.PasswordReusePrevention, pp.PasswordReusePrevention < minReusePrevention
				}, func(v int) string {
					return fmt.Sprintf("the password policy prevents the reuse of %d previous passwords (CIS asks for 24).", v)
				},
					fmt.Sprintf("aws iam update-account-password-policy --password-reuse-prevention %d (repeat the policy's other settings: the call replaces the whole policy).", minReusePrevention))
			}),
		rule("AEG-ACCT-011", check.SeverityLow, hasPasswordPolicy, "Password policy does not require every character class",
			"The password policy does not require uppercase letters, lowercase letters, numbers and symbols.",
			"Require uppercase, lowercase, numbers and symbols in the password policy.",
			refs("https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_passwords_account-policy.html", "Security Hub IAM.7", "Prowler iam_password_policy_symbol"),
			ctrls("pci 8.3.6", "hipaa 164.308(a)(5)(ii)(D)", "gdpr Art.25"),
			ex("", withPolicy(weak)), ex("", withPolicy(strong)), runPasswordClasses),
		rule("AEG-ACCT-012", check.SeverityLow, hasPasswordPolicy, "Passwords do not expire within 90 days",
			"The password policy lets passwords live longer than 90 days (PCI DSS 8.3.9 for accounts without MFA).",
			fmt.Sprintf("Set the maximum password age to %d days or less.", maxPasswordAgeDays),
			refs("https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_passwords_account-policy.html", "Security Hub IAM.17", "Checkov CKV_AWS_9"),
			ctrls("pci 8.3.9"),
			ex("", withPolicy(weak)), ex("", withPolicy(strong)),
			func(p *check.Pass) {
				passwordRule(p, "MaxPasswordAge", func(pp *check.PasswordPolicy) (int, bool) {
					return pp.MaxPasswordAge, pp.MaxPasswordAge == 0 || pp.MaxPasswordAge > maxPasswordAgeDays
				}, func(v int) string {
					if v == 0 {
						return "passwords never expire; the limit is 90 days."
					}
					return fmt.Sprintf("passwords expire after %s; the limit is 90.", days(v))
				},
					fmt.Sprintf("aws iam update-account-password-policy --max-password-age %d (repeat the policy's other settings: the call replaces the whole policy).", maxPasswordAgeDays))
			}),
		rule("AEG-ACCT-013", check.SeverityMedium, hasCredentials, "Credentials unused for 45 days or more are still enabled",
			"A console password or active access key that has not been used for 45 days is a standing credential nobody needs; disable it.",
			"Remove unused console passwords and deactivate unused access keys.",
			refs(credReportDoc, "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_finding-unused.html", cisAWS+" 2.11", "Security Hub IAM.8"),
			ctrls("cis 2.11", "pci 7.2.4 7.2.5.1 8.2.6 A3.4.1", "hipaa 164.308(a)(3)(ii)(B) 164.308(a)(4)(ii)(C) 164.308(a)(5)(ii)(D)",
				"nist AC-2 AC-2(1) AC-2(3) AC-3 AC-3(7) AC-3(15) AC-6", "soc2 CC1.3", "gdpr Art.25"),
			ex("", reportOf(exampleRoot(), staleKey, idleConsole)), ex("", reportOf(exampleRoot(), exampleUser("alice"), freshKey)), runUnusedCredentials),
		rule("AEG-ACCT-014", check.SeverityMedium, hasCredentials, "Active access key older than 90 days",
			"Long-lived access keys that are never rotated stay valid wherever they leaked.",
			"Rotate access keys every 90 days, or replace them with roles and temporary credentials.",
			refs("https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_access-keys.html#rotating_access_keys_console", cisAWS+" 2.12", "Security Hub IAM.3"),
			ctrls("cis 2.12", "pci 8.3.5 8.3.7 8.3.9 8.3.10.1 8.6.3", "hipaa 164.308(a)(3)(ii)(C) 164.308(a)(4)(ii)(C) 164.308(a)(5)(ii)(D)", "nist AC-2(1) AC-2(3) AC-3(15)", "gdpr Art.25"),
			ex("", reportOf(exampleRoot(), staleKey)), ex("", reportOf(exampleRoot(), freshKey)), runKeyRotation),
		rule("AEG-ACCT-015", check.SeverityLow, hasCredentials, "User has two active access keys",
			"Two active keys are a rotation left half-done or a key shared between workloads; each one doubles what can leak.",
			"Keep at most one active access key per user, except briefly during rotation.",
			refs("https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_access-keys.html", "CIS AWS Foundations v6.0.0 2.12", "Prowler iam_user_two_active_access_key"),
			nil,
			ex("", reportOf(exampleRoot(), twoKeys)), ex("", reportOf(exampleRoot(), freshKey)),
			func(p *check.Pass) {
				for i := range credentialRows(p) {
					u := &p.Account.Credentials.Users[i]
					if !u.Root() && u.AccessKeys[0].Active && u.AccessKeys[1].Active {
						reportCell(p, u, "access_key_2_active", fmt.Sprintf("%s has two active access keys.", userName(u)),
							fmt.Sprintf("Find the key no workload uses (aws iam list-access-keys --user-name %s, then aws iam get-access-key-last-used) and deactivate it: aws iam update-access-key --user-name %s --access-key-id KEY-ID --status Inactive.", u.User, u.User))
					}
				}
			}),
		rule("AEG-ACCT-016", check.SeverityLow, hasCredentials, "Access key created for a console user and never used",
			"A console user holds an active access key that has never been used — typically created by default at user setup. It is a credential nobody needs.",
			"Do not create access keys at user setup; delete keys that were never used.",
			refs(credReportDoc, "CIS AWS Foundations v6.0.0 2.10", "Prowler iam_user_no_setup_initial_access_key"),
			nil,
			ex("", reportOf(exampleRoot(), setupKey)), ex("", reportOf(exampleRoot(), freshKey)),
			func(p *check.Pass) {
				for i := range credentialRows(p) {
					u := &p.Account.Credentials.Users[i]
					for k, key := range u.AccessKeys {
						if u.PasswordEnabled && key.Active && key.LastUsed.Missing == check.NotApplicable {
							col := key.Column(k, "last_used_date")
							reportCell(p, u, col, fmt.Sprintf("%s has a console password and an active access key (slot %d) that has never been used.", userName(u), k+1),
								fmt.Sprintf("Delete the unused key: aws iam list-access-keys --user-name %s, then aws iam delete-access-key --user-name %s --access-key-id KEY-ID.", u.User, u.User))
						}
					}
				}
			}),
		rule("AEG-ACCT-017", check.SeverityMedium, hasCredentials, "Long-term access key used by a workload",
			"An IAM user's access key was last used against a service other than IAM and STS: a workload authenticates with long-term keys where a role would give it temporary credentials.",
			"Move the workload to an IAM role (instance profile, task role, IAM Roles Anywhere, OIDC) and delete the key.",
			refs("https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#bp-workloads-use-roles", "Prowler iam_user_with_temporary_credentials"),
			ctrls("nist IA-5", "pci 8.6.3"),
			ex("", reportOf(exampleRoot(), s3Key)), ex("keys used only for IAM/STS", reportOf(exampleRoot(), freshKey)),
			func(p *check.Pass) {
				for i := range credentialRows(p) {
					u := &p.Account.Credentials.Users[i]
					for k, key := range u.AccessKeys {
						svc := key.LastUsedService
						if u.Root() || !key.Active || svc == "" || svc == check.NotApplicable || svc == "iam" || svc == "sts" {
							continue
						}
						reportCell(p, u, key.Column(k, "last_used_service"), fmt.Sprintf("%s's access key %d was last used against %s in %s: a workload holds a long-term key.", userName(u), k+1, svc, key.LastUsedRegion),
							fmt.Sprintf("Give the workload calling %s an IAM role with the same permissions (instance profile, ECS task role, Lambda execution role, or IAM Roles Anywhere outside AWS), then deactivate the key: aws iam update-access-key --user-name %s --access-key-id KEY-ID --status Inactive.", svc, u.User))
					}
				}
			}),
		rule("AEG-ACCT-018", check.SeverityLow, hasAuthorization, "Policies attached directly to an IAM user",
			"Permissions granted to users one by one drift and escape review; grant them through groups (or better, roles).",
			"Move the user's policies to a group that the user joins, then detach them from the user.",
			refs("https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#use-groups-for-permissions", cisAWS+" 2.13", "Security Hub IAM.2"),
			ctrls("cis 2.13", "pci 7.2.1 7.2.2 7.2.5 7.3.1 7.3.2 7.3.3 8.2.1 8.2.2 8.2.4 8.2.5 8.2.7 8.2.8 8.3.4 8.3.11",
				"nist AC-2 AC-2(1) AC-3 AC-3(7) AC-3(15) AC-6 AC-6(3)", "soc2 CC1.3"),
			ex("", directUser), ex("permissions through a group", groupUser), runDirectUserPolicies),
		rule("AEG-ACCT-020", check.SeverityLow, hasAuthorization, "No role for AWS Support incident handling",
			"No IAM role has the AWSSupportAccess managed policy, so incidents with AWS Support need ad-hoc (often root or admin) access.",
			"Create a role with AWSSupportAccess that the incident responders can assume.",
			refs("https://docs.aws.amazon.com/awssupport/latest/user/accessing-support.html", cisAWS+" 2.15", "Security Hub IAM.18"),
			ctrls("cis 2.15", "gdpr Art.25"),
			ex("", idleRole), ex("", groupUser),
			func(p *check.Pass) {
				auth := authorization(p)
				for i := range auth.Roles {
					if auth.Roles[i].Attaches("AWSSupportAccess") {
						return
					}
				}
				p.Report(nil, policy.Pos{}, "authorization.roles", fmt.Sprintf("none of the account's %s has AWSSupportAccess attached.", count(len(auth.Roles), "role", "roles")),
					`aws iam create-role --role-name aws-support --assume-role-policy-document '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::ACCOUNT:role/INCIDENT-RESPONDERS"},"Action":"sts:AssumeRole"}]}' && aws iam attach-role-policy --role-name aws-support --policy-arn arn:aws:iam::aws:policy/AWSSupportAccess`, check.Exposure{})
			}),
		rule("AEG-ACCT-021", check.SeverityLow, func(in *check.Input) bool { return in.Account != nil && in.Account.ServerCertificates != nil }, "Expired SSL/TLS certificate stored in IAM",
			"An expired server certificate left in IAM can be deployed by mistake to a load balancer or CloudFront distribution.",
			"Delete expired server certificates from IAM.",
			refs("https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_server-certs.html", cisAWS+" 2.17", "Security Hub IAM.26"),
			ctrls("cis 2.17"),
			ex("", certs(-10)), ex("", certs(200)),
			func(p *check.Pass) {
				if p.Account.AsOf.IsZero() {
					return
				}
				for _, c := range *p.Account.ServerCertificates {
					if c.Expiration.Before(p.Account.AsOf) {
						p.Report(nil, policy.Pos{}, "serverCertificate:"+c.Name, fmt.Sprintf("server certificate %s expired on %s.", c.Name, date(c.Expiration)),
							fmt.Sprintf("aws iam delete-server-certificate --server-certificate-name %s (after checking no listener still uses %s).", c.Name, c.ARN), check.Exposure{})
					}
				}
			}),
		rule("AEG-ACCT-024", check.SeverityMedium, hasAuthorization, "Role unused for 90 days or more",
			"A role that nobody has assumed for 90 days (or ever) keeps its permissions available to whoever can assume it; remove it or its permissions.",
			"Delete roles that are no longer used, after checking their trust and who depends on them.",
			refs("https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_manage_delete.html", "https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-unused-access.html"),
			ctrls("nist AC-2(1) AC-2(3) AC-2(g) AC-2(j) AC-3(8) AC-6", "pci 7.2.4 7.2.5.1"),
			ex("", idleRole), ex("", groupUser), runUnusedRoles),
		rule("AEG-ACCT-005", check.SeverityMedium, func(in *check.Input) bool { return in.Account != nil && in.Account.RootCredentialsManagement != nil },
			"Root access to member accounts is not managed centrally",
			"AWS Organizations can remove the root credentials of member accounts and perform root-only tasks centrally; without it every member account keeps a root password, keys and MFA to protect.",
			"Enable centralized root access management in the organization's management account and delete member accounts' root credentials.",
			[]string{"https://docs.aws.amazon.com/IAM/latest/UserGuide/id_root-user.html#id_root-user-access-management", cisAWS + " 2.1.1", "Prowler iam_root_credentials_management_enabled"},
			ctrls("cis 2.1.1"),
			ex("", check.Account{ID: "123456789012", RootCredentialsManagement: ptrTo(false)}), ex("", check.Account{ID: "123456789012", RootCredentialsManagement: ptrTo(true)}),
			func(p *check.Pass) {
				if !*p.Account.RootCredentialsManagement {
					p.Report(nil, policy.Pos{}, "rootCredentialsManagement", "the organization does not manage member accounts' root credentials centrally: each member account keeps its own root user credentials.",
						"In the management account: aws organizations enable-aws-service-access --service-principal iam.amazonaws.com && aws iam enable-organizations-root-credentials-management && aws iam enable-organizations-root-sessions; then delete the member accounts' root credentials (aws iam delete-login-profile through aws sts assume-root).", check.Exposure{})
				}
			}),
		rule("AEG-ACCT-019", check.SeverityLow, func(in *check.Input) bool { return hasCredentials(in) && in.Account.IdentityProviders != nil },
			"People sign in as IAM users instead of through federation",
			"IAM users sign in to the console with passwords while the account has no SAML or OIDC identity provider: people's access is managed one account at a time instead of by the identity provider (or IAM Identity Center) that knows when they leave.",
			"Federate human access through IAM Identity Center or a SAML/OIDC provider and remove IAM users' console passwords.",
			[]string{"https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_providers.html", cisAWS + " 2.19", "Prowler iam_check_saml_providers_sts"},
			ctrls("cis 2.19"),
			ex("", withProviders(nil, exampleUser("alice"))), ex("", withProviders([]string{"arn:aws:iam::123456789012:saml-provider/okta"}, exampleUser("alice"))),
			func(p *check.Pass) {
				if len(*p.Account.IdentityProviders) > 0 {
					return
				}
				var people []string
				for _, u := range credentialRows(p) {
					if !u.Root() && u.PasswordEnabled {
						people = append(people, u.User)
					}
				}
				if len(people) > 0 {
					p.Report(nil, policy.Pos{}, "identityProviders", fmt.Sprintf("%s sign in with IAM passwords (%s) and the account has no SAML or OIDC identity provider.", count(len(people), "user", "users"), summarize(people, 5)),
						"Enable IAM Identity Center (or add your IdP: aws iam create-saml-provider --name IDP --saml-metadata-document file://metadata.xml), give people permission sets or federated roles, then remove the IAM users' console passwords.", check.Exposure{})
				}
			}),
		rule("AEG-ACCT-022", check.SeverityLow, func(in *check.Input) bool {
			return in.Account != nil && in.Account.AccessAnalyzers != nil && len(in.Account.Regions) > 0
		},
			"IAM Access Analyzer is not enabled in every Region",
			"An external-access analyzer reports resources shared outside the account or organization; a Region without an active one goes unwatched.",
			"Create an account (or organization) external-access analyzer in every enabled Region.",
			[]string{"https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-getting-started.html", cisAWS + " 2.18", "Prowler accessanalyzer_enabled"},
			ctrls("cis 2.18"),
			ex("", withAnalyzers("eu-west-1")), ex("", withAnalyzers("eu-west-1", "us-east-1")),
			func(p *check.Pass) {
				active := map[string]bool{}
				for _, a := range *p.Account.AccessAnalyzers {
					if (a.Type == "ACCOUNT" || a.Type == "ORGANIZATION") && a.Status == "ACTIVE" {
						active[a.Region] = true
					}
				}
				for _, r := range p.Account.Regions {
					if !active[r] {
						p.Report(nil, policy.Pos{}, "accessAnalyzer:"+r, fmt.Sprintf("Region %s has no active external-access analyzer.", r),
							fmt.Sprintf("aws accessanalyzer create-analyzer --region %s --analyzer-name external-access --type ACCOUNT (or ORGANIZATION from the delegated administrator account).", r), check.Exposure{})
					}
				}
			}),
		rule("AEG-ACCT-025", check.SeverityLow, func(in *check.Input) bool { return in.Account != nil && in.Account.Instances != nil },
			"EC2 instance without an instance profile",
			"An instance with no IAM role gets its AWS credentials some other way — usually long-term access keys stored on the host.",
			"Attach an instance profile with the permissions the instance's software needs and remove stored keys.",
			[]string{"https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_switch-role-ec2.html", cisAWS + " 2.16", "Prowler ec2_instance_profile_attached"},
			ctrls("cis 2.16", "pci 7.2.1 7.2.2 7.2.5 7.3.1 7.3.2 7.3.3 8.2.7 8.2.8 8.3.4", "nist AC-3 CM-5(1)(a) CM-6(a)"),
			ex("", withInstance("")), ex("", withInstance("arn:aws:iam::123456789012:instance-profile/web")),
			func(p *check.Pass) {
				for _, in := range *p.Account.Instances {
					if in.InstanceProfileARN == "" && in.State != "terminated" && in.State != "shutting-down" {
						p.Report(nil, policy.Pos{}, "instance:"+in.ID, fmt.Sprintf("instance %s in %s has no instance profile.", in.ID, in.Region),
							fmt.Sprintf("aws ec2 associate-iam-instance-profile --region %s --instance-id %s --iam-instance-profile Name=PROFILE (a role with the permissions its software uses), then remove any access keys stored on the host.", in.Region, in.ID), check.Exposure{})
					}
				}
			}),
		rule("AEG-ACCT-023", check.SeverityMedium, func(in *check.Input) bool { return in.Account != nil && in.Account.SCPs != nil },
			"No SCP guardrails protect the account's security services",
			"Service control policies should stop even the account's administrators from blinding or leaving the organization: stopping CloudTrail, deleting GuardDuty detectors, stopping AWS Config, removing permissions boundaries, leaving the organization. The evaluator asks the account's SCPs about each.",
			"Attach an SCP that denies the security-tampering actions to every member account (exempting only the security team's role).",
			[]string{"https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps_examples.html", cisAWS + " 2.1.2", "aws-iam-permissions-guardrails IAM-CLOUDTRAIL-1"},
			ctrls("cis 2.1.2", "pci 7.2.1 7.2.2 7.2.5 7.3.1 7.3.2 7.3.3"),
			ex("only FullAWSAccess", withSCPs(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`)),
			ex("", withSCPs(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`, guardrailSCP)),
			runSCPGuardrails),
	}
}

// guardrailSCP denies the security-tampering actions AEG-ACCT-023 probes,
// except to a security role.
const guardrailSCP = `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":["cloudtrail:StopLogging","cloudtrail:DeleteTrail","guardduty:DeleteDetector","config:StopConfigurationRecorder","iam:DeleteRolePermissionsBoundary","organizations:LeaveOrganization"],"Resource":"*","Condition":{"ArnNotLike":{"aws:PrincipalArn":"arn:aws:iam::*:role/security-admin"}}}]}`

// withSCPs is an example account whose organization root attaches the
// given SCPs.
func withSCPs(scps ...string) check.Account {
	return check.Account{ID: "123456789012", SCPs: &[][]string{scps}}
}

// scpProbes are the actions an SCP guardrail should deny, with what each
// lets a member account's administrator do.
var scpProbes = []struct{ action, does string }{
	{"cloudtrail:StopLogging", "stop CloudTrail"},
	{"cloudtrail:DeleteTrail", "delete trails"},
	{"guardduty:DeleteDetector", "delete GuardDuty detectors"},
	{"config:StopConfigurationRecorder", "stop AWS Config"},
	{"iam:DeleteRolePermissionsBoundary", "remove permissions boundaries"},
	{"organizations:LeaveOrganization", "leave the organization"},
}

// runSCPGuardrails asks the evaluator whether the account's SCPs let an
// administrator of the account (who holds every permission) perform each
// probe action.
func runSCPGuardrails(p *check.Pass) {
	acct := orPlaceholder(p.Account.ID, probeAccount)
	var in eval.Input
	all, err := eval.Compile("aegis-administrator", &policy.Document{Version: policy.Value{Text: version2012},
		Statements: []*policy.Statement{{Effect: policy.EffectAllow, Action: &policy.List{Values: []policy.Value{{Text: "*"}}}, Resource: &policy.List{Values: []policy.Value{{Text: "*"}}}}}})
	if err != nil {
		return
	}
	in.Identity = []*eval.Policy{all}
	for i, level := range *p.Account.SCPs {
		var compiled []*eval.Policy
		for j, text := range level {
			doc, err := policy.Parse(fmt.Sprintf("scp[%d][%d]", i, j), []byte(text), policy.KindSCP)
			if doc == nil {
				p.Report(nil, policy.Pos{}, fmt.Sprintf("serviceControlPolicies[%d][%d]", i, j), "a service control policy does not parse, so the guardrails cannot be judged: "+err.Error(),
					"Check the SCP's JSON (aegis validate --policy-type scp).", check.Exposure{})
				return
			}
			pol, err := eval.Compile(fmt.Sprintf("scp[%d][%d]", i, j), doc)
			if err != nil {
				return
			}
			compiled = append(compiled, pol)
		}
		in.SCPs = append(in.SCPs, compiled)
	}
	var ev eval.Evaluator
	var open, does []string
	for _, pr := range scpProbes {
		req := &eval.Request{Principal: "arn:aws:iam::" + acct + ":role/aegis-probe-admin", Action: pr.action, Resource: "*", ResourceAccount: acct}
		if r, err := ev.Evaluate(&in, req, eval.ModeUnknown); err == nil && r.Decision == eval.Allowed {
			open, does = append(open, pr.action), append(does, pr.does)
		}
	}
	if len(open) == 0 {
		return
	}
	p.Report(nil, policy.Pos{}, "serviceControlPolicies", fmt.Sprintf("the account's service control policies let its administrators %s (%s).", strings.Join(does, ", "), strings.Join(open, ", ")),
		fmt.Sprintf(`Attach to the account's OU an SCP like {"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":[%s],"Resource":"*","Condition":{"ArnNotLike":{"aws:PrincipalArn":"arn:aws:iam::*:role/SECURITY-ADMIN-ROLE"}}}]}.`, quoteJoin(open)), check.Exposure{})
}

func ptrTo[T any](v T) *T { return &v }

// withProviders is an example account with identity providers and users.
func withProviders(providers []string, users ...check.CredentialUser) check.Account {
	a := reportOf(append([]check.CredentialUser{exampleRoot()}, users...)...)
	if providers == nil {
		providers = []string{}
	}
	a.IdentityProviders = &providers
	return a
}

// withAnalyzers is an example account with eu-west-1 and us-east-1 enabled
// and active external-access analyzers in the given Regions.
func withAnalyzers(regions ...string) check.Account {
	var as []check.AccessAnalyzer
	for _, r := range regions {
		as = append(as, check.AccessAnalyzer{Name: "external-access", Region: r, Type: "ACCOUNT", Status: "ACTIVE"})
	}
	return check.Account{ID: "123456789012", Regions: []string{"eu-west-1", "us-east-1"}, AccessAnalyzers: &as}
}

// withInstance is an example account with one running instance.
func withInstance(profile string) check.Account {
	return check.Account{ID: "123456789012", Instances: &[]check.Instance{{ID: "i-0abc123def4567890", Region: "eu-west-1", State: "running", InstanceProfileARN: profile}}}
}

// authorization returns the pass's authorization facts (the rules that
// call it need hasAuthorization).
func authorization(p *check.Pass) *check.Authorization {
	return p.Account.Authorization
}

// runRootAccessKeys reports the root user's active access keys.
func runRootAccessKeys(p *check.Pass) {
	for i := range credentialRows(p) {
		u := &p.Account.Credentials.Users[i]
		if !u.Root() {
			continue
		}
		for k, key := range u.AccessKeys {
			if !key.Active {
				continue
			}
			used := "never used"
			if key.LastUsed.Known() {
				used = fmt.Sprintf("last used on %s against %s", date(key.LastUsed.Time), key.LastUsedService)
			}
			reportCell(p, u, key.Column(k, "active"), fmt.Sprintf("the root user has an active access key in slot %d (%s).", k+1, used),
				"Move whatever uses the key to an IAM role, then sign in as the root user and delete the key under Security credentials → Access keys; the root user should hold no access keys.")
		}
	}
}

// runVirtualMFA reports MFA-enabled users (root, or IAM users) whose device
// is a virtual one.
func runVirtualMFA(p *check.Pass, root bool) {
	virtual := map[string]string{}
	for _, d := range *p.Account.VirtualMFADevices {
		virtual[d.UserARN] = d.SerialNumber
	}
	for i := range credentialRows(p) {
		u := &p.Account.Credentials.Users[i]
		serial, ok := virtual[u.ARN]
		if u.Root() != root || !u.MFAActive || !ok {
			continue
		}
		fix := fmt.Sprintf("Register a FIDO security key or hardware TOTP token for %s, then deactivate the virtual device %s (aws iam deactivate-mfa-device --user-name %s --serial-number %s).", u.User, serial, u.User, serial)
		if root {
			fix = fmt.Sprintf("Sign in as the root user and assign a hardware MFA device (FIDO security key or hardware TOTP token) under Security credentials, then remove the virtual device %s.", serial)
		}
		reportCell(p, u, "mfa_active", fmt.Sprintf("%s's MFA is the virtual device %s.", userName(u), serial), fix)
	}
}

// runRootUse reports root sign-ins and key use in the recent past.
func runRootUse(p *check.Pass) {
	for i := range credentialRows(p) {
		u := &p.Account.Credentials.Users[i]
		if !u.Root() {
			continue
		}
		type use struct {
			column string
			at     check.Timestamp
			what   string
		}
		uses := []use{{"password_last_used", u.PasswordLastUsed, "signed in with the root password"}}
		for k, key := range u.AccessKeys {
			uses = append(uses, use{key.Column(k, "last_used_date"), key.LastUsed, fmt.Sprintf("used the root access key in slot %d", k+1)})
		}
		for _, use := range uses {
			if d, ok := ageDays(p, use.at.Time); ok && d < rootRecentUseDays {
				reportCell(p, u, use.column, fmt.Sprintf("someone %s on %s, %s before the report.", use.what, date(use.at.Time), days(d)),
					"Find out who used the root user and why (CloudTrail events with userIdentity.type Root); give that work an IAM role, and keep the root user for the tasks only it can do.")
			}
		}
	}
}

// runAdminMFA reports users with AdministratorAccess (directly or through
// a group) whose credential report row shows no MFA.
func runAdminMFA(p *check.Pass) {
	auth, rows := authorization(p), credentialRows(p)
	adminGroups := map[string]bool{}
	for i := range auth.Groups {
		if auth.Groups[i].Attaches("AdministratorAccess") {
			adminGroups[auth.Groups[i].Name] = true
		}
	}
	admins := map[string]string{} // user name → how
	for i := range auth.Users {
		u := &auth.Users[i]
		if u.Attaches("AdministratorAccess") {
			admins[u.Name] = "directly"
		}
		for _, g := range u.Groups {
			if adminGroups[g] {
				admins[u.Name] = "through group " + g
			}
		}
	}
	for i := range rows {
		u := &rows[i]
		how, ok := admins[u.User]
		if !ok || u.MFAActive {
			continue
		}
		reportCell(p, u, "mfa_active", fmt.Sprintf("%s holds AdministratorAccess (%s) and has no MFA device.", userName(u), how),
			fmt.Sprintf("Assign an MFA device to %s and add a Deny of everything without MFA to the admins' policies: {\"Effect\":\"Deny\",\"NotAction\":[\"iam:CreateVirtualMFADevice\",\"iam:EnableMFADevice\",\"iam:ListMFADevices\",\"sts:GetSessionToken\"],\"Resource\":\"*\",\"Condition\":{\"BoolIfExists\":{\"aws:MultiFactorAuthPresent\":\"false\"}}}.", u.User))
	}
}

// passwordRule reports a numeric password-policy setting that fails:
// judge returns the value and whether it fails. An account without a
// password policy is judged by IAM's default policy (all zero but length 8).
func passwordRule(p *check.Pass, field string, judge func(*check.PasswordPolicy) (int, bool), message func(int) string, fix string) {
	pp := p.Account.PasswordPolicy
	if !pp.Exists {
		def := check.PasswordPolicy{MinimumPasswordLength: 8}
		if v, bad := judge(&def); bad {
			p.Report(nil, pp.Pos, "passwordPolicy", "the account has no password policy, so IAM's default applies: "+message(v), fix, check.Exposure{})
		}
		return
	}
	if v, bad := judge(pp); bad {
		p.Report(nil, pp.At(field), "passwordPolicy."+field, message(v), fix, check.Exposure{})
	}
}

// runPasswordClasses reports the character classes the password policy
// does not require.
func runPasswordClasses(p *check.Pass) {
	pp := p.Account.PasswordPolicy
	var missing, flags []string
	for _, c := range []struct {
		on         bool
		name, flag string
	}{
		{pp.RequireUppercaseCharacters, "uppercase letters", "--require-uppercase-characters"},
		{pp.RequireLowercaseCharacters, "lowercase letters", "--require-lowercase-characters"},
		{pp.RequireNumbers, "numbers", "--require-numbers"},
		{pp.RequireSymbols, "symbols", "--require-symbols"},
	} {
		if !c.on {
			missing, flags = append(missing, c.name), append(flags, c.flag)
		}
	}
	if len(missing) == 0 {
		return
	}
	msg := "the password policy does not require " + strings.Join(missing, ", ") + "."
	if !pp.Exists {
		msg = "the account has no password policy: IAM's default requires no particular character class."
	}
	p.Report(nil, pp.Pos, "passwordPolicy", msg,
		"aws iam update-account-password-policy "+strings.Join(flags, " ")+" (repeat the policy's other settings: the call replaces the whole policy).", check.Exposure{})
}

// runUnusedCredentials reports console passwords and active keys unused
// for 45 days or more (never used counts from creation or rotation).
func runUnusedCredentials(p *check.Pass) {
	for i := range credentialRows(p) {
		u := &p.Account.Credentials.Users[i]
		if u.Root() {
			continue // the root user has its own rules
		}
		if u.PasswordEnabled {
			last, since := u.PasswordLastUsed, "was last used on"
			if !last.Known() {
				last, since = u.PasswordLastChanged, "has never been used since it was set on"
				if !last.Known() {
					last = u.Created
				}
			}
			if d, ok := ageDays(p, last.Time); ok && d >= unusedCredentialDays {
				reportCell(p, u, "password_last_used", fmt.Sprintf("%s's console password %s %s (%s before the report).", userName(u), since, date(last.Time), days(d)),
					fmt.Sprintf("aws iam delete-login-profile --user-name %s (the user can be given a password again when needed).", u.User))
			}
		}
		for k, key := range u.AccessKeys {
			if !key.Active {
				continue
			}
			last, since := key.LastUsed, "was last used on"
			if !last.Known() {
				last, since = key.LastRotated, "has never been used since it was created on"
			}
			if d, ok := ageDays(p, last.Time); ok && d >= unusedCredentialDays {
				reportCell(p, u, key.Column(k, "last_used_date"), fmt.Sprintf("%s's access key %d %s %s (%s before the report).", userName(u), k+1, since, date(last.Time), days(d)),
					fmt.Sprintf("aws iam update-access-key --user-name %s --access-key-id KEY-ID --status Inactive (slot %d of aws iam list-access-keys --user-name %s); delete it once nothing breaks.", u.User, k+1, u.User))
			}
		}
	}
}

// runKeyRotation reports active keys last rotated 90 days or more before
// the report.
func runKeyRotation(p *check.Pass) {
	for i := range credentialRows(p) {
		u := &p.Account.Credentials.Users[i]
		if u.Root() {
			continue // root keys should not exist at all (AEG-ACCT-001)
		}
		for k, key := range u.AccessKeys {
			if !key.Active {
				continue
			}
			if d, ok := ageDays(p, key.LastRotated.Time); ok && d >= keyRotationDays {
				reportCell(p, u, key.Column(k, "last_rotated"), fmt.Sprintf("%s's access key %d was created on %s, %s before the report.", userName(u), k+1, date(key.LastRotated.Time), days(d)),
					fmt.Sprintf("Rotate it: aws iam create-access-key --user-name %s, deploy the new key, then aws iam update-access-key --user-name %s --access-key-id OLD-KEY-ID --status Inactive and delete the old key.", u.User, u.User))
			}
		}
	}
}

// runDirectUserPolicies reports users with attached or inline policies.
func runDirectUserPolicies(p *check.Pass) {
	auth := authorization(p)
	for i := range auth.Users {
		u := &auth.Users[i]
		n := len(u.AttachedPolicies) + len(u.InlinePolicies)
		if n == 0 {
			continue
		}
		var names []string
		for _, a := range u.AttachedPolicies {
			names = append(names, a[strings.LastIndexByte(a, '/')+1:])
		}
		names = append(names, u.InlinePolicies...)
		fix := fmt.Sprintf("Create a group for the user's job (aws iam create-group --group-name GROUP), attach %s to it, aws iam add-user-to-group --user-name %s --group-name GROUP, then detach the policies from the user", strings.Join(names, ", "), u.Name)
		if len(u.InlinePolicies) > 0 {
			fix += fmt.Sprintf(" (inline ones: aws iam delete-user-policy --user-name %s --policy-name NAME, after copying them to the group)", u.Name)
		}
		p.Report(nil, u.Pos, "user:"+u.Name, fmt.Sprintf("IAM user %s has %s of its own: %s.", u.Name, count(n, "policy", "policies"), strings.Join(names, ", ")), fix+".", check.Exposure{})
	}
}

// runUnusedRoles reports roles not assumed for 90 days (service-linked
// roles excluded; young roles are not judged).
func runUnusedRoles(p *check.Pass) {
	auth := authorization(p)
	for i := range auth.Roles {
		r := &auth.Roles[i]
		if r.ServiceLinked() {
			continue
		}
		age, ok := ageDays(p, r.Created)
		if !ok || age < unusedRoleDays {
			continue
		}
		msg := fmt.Sprintf("role %s, created on %s, has not been used in IAM's tracking period.", r.Name, date(r.Created))
		if !r.LastUsed.IsZero() {
			d, _ := ageDays(p, r.LastUsed)
			if d < unusedRoleDays {
				continue
			}
			msg = fmt.Sprintf("role %s was last used on %s, %s before the report.", r.Name, date(r.LastUsed), days(d))
		}
		p.Report(nil, r.Pos, "role:"+r.Name, msg,
			fmt.Sprintf("Confirm nothing still needs %s (CloudTrail, its trust policy), then remove it: detach its policies and run aws iam delete-role --role-name %s.", r.ARN, r.Name), check.Exposure{})
	}
}

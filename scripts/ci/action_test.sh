#!/usr/bin/env bash
# Runs the GitHub Action's script (scripts/ci/action.sh) the way a runner
# would, against the example files, both installation modes:
#   - version "source": the CLI built from this checkout;
#   - a release tag: archives built by scripts/release/build-cli.sh, served
#     from a file:// URL, verified against checksums.txt (and a tampered
#     archive must be refused).
# Checks the exit-code and sarif-file outputs, the SARIF log and the job
# summary. Also checks the GitLab template's report with the CLI's codequality
# format. Usage: scripts/ci/action_test.sh (from anywhere; needs go, curl).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

# run_action NAME VAR=VALUE...: runs the action in a fresh runner directory;
# leaves its outputs in $work/NAME/output and the SARIF in $work/NAME/.
run_action() {
  local name=$1 dir="$work/$1"
  shift
  mkdir -p "$dir/temp"
  : >"$dir/output" >"$dir/summary"
  (cd "$root" && env GITHUB_ACTION_PATH="$root" GITHUB_OUTPUT="$dir/output" GITHUB_STEP_SUMMARY="$dir/summary" \
    RUNNER_TEMP="$dir/temp" RUNNER_OS=Linux RUNNER_ARCH="$runner_arch" AEGIS_SARIF="$dir/results.sarif" "$@" \
    scripts/ci/action.sh >"$dir/log" 2>&1) || { cat "$dir/log" >&2; fail "$name: the action script failed"; }
}
output() { sed -n "s/^$2=//p" "$work/$1/output"; }
multitool=$("$root/scripts/ci/sarif-multitool.sh")
# sarif_ok FILE MIN: the SARIF log passes Microsoft's SARIF Multitool
# validation (schema and spec rules; warnings allowed) and has at least MIN results.
sarif_ok() {
  "$multitool" validate "$1" --output "$work/validation.sarif" --log ForceOverwrite >"$work/validation.log" 2>&1 ||
    { cat "$work/validation.log" >&2; return 1; }
  node -e 'const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    const n = r.runs[0].results.length;
    if (r.version !== "2.1.0" || n < +process.argv[2]) { console.error(`version ${r.version}, ${n} results`); process.exit(1); }' "$1" "$2"
}
case "$(go env GOHOSTARCH)" in amd64) runner_arch=X64 ;; arm64) runner_arch=ARM64 ;; *) fail "unsupported host" ;; esac

# 1. Risky examples: exit code 1, a SARIF log with results, a summary.
run_action risky AEGIS_PATHS="examples/ci/risky" AEGIS_FAIL_ON=high AEGIS_FRAMEWORKS="cis-aws pci-dss-4.0"
[ "$(output risky exit-code)" = 1 ] || fail "risky: exit-code $(output risky exit-code), want 1"
[ "$(output risky sarif-file)" = "$work/risky/results.sarif" ] || fail "risky: no sarif-file output"
sarif_ok "$work/risky/results.sarif" 3 || fail "risky: SARIF check"
grep -q "risk" "$work/risky/summary" || fail "risky: empty job summary"
grep -q "AEG-TRUST" "$work/risky/log" || fail "risky: the log does not show the findings"

# 1b. The same with a baseline recording those findings: nothing new, exit 0.
(cd "$root" && CGO_ENABLED=0 go build -o "$work/aegis" ./cmd/aegis)
(cd "$root" && "$work/aegis" validate examples/ci/risky --format json -o "$work/baseline.json" --fail-on none)
run_action baselined AEGIS_PATHS="examples/ci/risky" AEGIS_BASELINE="$work/baseline.json"
[ "$(output baselined exit-code)" = 0 ] || fail "baselined: exit-code $(output baselined exit-code), want 0"
sarif_ok "$work/baselined/results.sarif" 3 || fail "baselined: SARIF check (suppressed results stay in the log)"

# 2. Clean example: exit code 0 and an empty but valid SARIF log.
run_action clean AEGIS_PATHS="examples/ci/clean"
[ "$(output clean exit-code)" = 0 ] || fail "clean: exit-code $(output clean exit-code), want 0"
sarif_ok "$work/clean/results.sarif" 0 || fail "clean: SARIF check"

# 3. Unreadable input: exit code 2.
run_action missing AEGIS_PATHS="examples/ci/does-not-exist"
[ "$(output missing exit-code)" = 2 ] || fail "missing: exit-code $(output missing exit-code), want 2"

# 4. A release: archives and checksums from the release script, installed
#    through a file:// URL; then a tampered archive is refused.
host="$(go env GOHOSTOS)/$(go env GOHOSTARCH)"
"$root/scripts/release/build-cli.sh" v0.0.0-test "$work/release/v0.0.0-test" "$host" >/dev/null
run_action release AEGIS_VERSION=v0.0.0-test AEGIS_RELEASE_URL="file://$work/release" AEGIS_PATHS="examples/ci/risky"
[ "$(output release exit-code)" = 1 ] || fail "release: exit-code $(output release exit-code), want 1"
echo "tampered" >>"$work/release/v0.0.0-test/aegis_0.0.0-test_$(go env GOHOSTOS)_$(go env GOHOSTARCH).tar.gz"
if (cd "$root" && env GITHUB_ACTION_PATH="$root" GITHUB_OUTPUT="$work/tampered.out" RUNNER_TEMP="$work/tampered" \
  RUNNER_OS=Linux RUNNER_ARCH="$runner_arch" AEGIS_VERSION=v0.0.0-test AEGIS_RELEASE_URL="file://$work/release" \
  scripts/ci/action.sh >"$work/tampered.log" 2>&1); then
  fail "tampered release archive was accepted"
fi
grep -q "does not match the release's checksums" "$work/tampered.log" || { cat "$work/tampered.log" >&2; fail "tampered: unclear error"; }

# 5. GitLab: the template's command produces a Code Quality report.
"$work/aegis" validate examples/ci/risky --format codequality --output "$work/gl-code-quality-report.json" --fail-on none
node -e 'const a = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  const sev = ["info", "minor", "major", "critical", "blocker"];
  if (!Array.isArray(a) || a.length < 3) throw new Error("want an array of at least 3 issues");
  for (const i of a) if (!i.description || !i.check_name || !i.fingerprint || !sev.includes(i.severity) ||
    !i.location || !i.location.path || !(i.location.lines.begin >= 1)) throw new Error("bad issue " + JSON.stringify(i));
  if (new Set(a.map((i) => i.fingerprint)).size !== a.length) throw new Error("duplicate fingerprints");' \
  "$work/gl-code-quality-report.json" || fail "codequality check"

# 6. The no-new-access gate (pre-commit hook aegis-no-new-access) in a scratch repository.
repo="$work/repo"
mkdir -p "$repo/iam" && cd "$repo"
git init -q && git config user.email ci@example.com && git config user.name ci
cp "$root/examples/ci/clean/reader.json" iam/policy.json
git add iam/policy.json && git commit -qm base
gate() { AEGIS="$work/aegis" AEGIS_BASE=HEAD "$root/scripts/ci/no-new-access.sh" "$@" >"$work/gate.log" 2>&1; }
gate iam/policy.json || fail "gate: an unchanged policy was refused"
sed -i 's#example-reports/\*#example-reports/2026/*#' iam/policy.json
gate iam/policy.json || fail "gate: a narrower policy was refused"
sed -i 's#"s3:GetObject"#"s3:*"#' iam/policy.json
if gate iam/policy.json; then fail "gate: a broader policy passed"; fi
grep -q "grants access its version at HEAD did not" "$work/gate.log" || { cat "$work/gate.log" >&2; fail "gate: unclear message"; }
cp "$root/examples/ci/risky/deploy.json" iam/new-policy.json
gate iam/new-policy.json || fail "gate: a new file failed"
cd "$root"
echo "action, release, GitLab report and no-new-access gate: ok"

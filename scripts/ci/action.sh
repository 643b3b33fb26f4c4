#!/usr/bin/env bash
# The body of the Aegis IAM GitHub Action (action.yml): installs the aegis CLI
# (built from the action's own checkout, or a release binary verified against
# the release's checksums), validates AEGIS_PATHS into a SARIF file, writes a
# Markdown summary to the job summary, and reports the exit code as a step
# output so the SARIF upload runs before the job fails.
#
# Inputs (environment): AEGIS_PATHS AEGIS_FAIL_ON AEGIS_FRAMEWORKS AEGIS_CONFIG
# AEGIS_POLICY_TYPE AEGIS_BASELINE AEGIS_SARIF AEGIS_VERSION, and GitHub's
# GITHUB_ACTION_PATH GITHUB_OUTPUT GITHUB_STEP_SUMMARY RUNNER_TEMP RUNNER_OS
# RUNNER_ARCH. scripts/ci/action_test.sh runs it outside GitHub.
set -euo pipefail

: "${GITHUB_ACTION_PATH:?}" "${GITHUB_OUTPUT:?}" "${RUNNER_TEMP:?}"
paths=${AEGIS_PATHS:-.}
sarif=${AEGIS_SARIF:-aegis-results.sarif}
version=${AEGIS_VERSION:-source}
bin="$RUNNER_TEMP/aegis-bin/aegis"
mkdir -p "$(dirname "$bin")"

install_release() {
  local os arch archive base sums
  case "${RUNNER_OS:-Linux}" in Linux) os=linux ;; macOS) os=darwin ;; Windows) os=windows ;; *) echo "::error::unsupported runner OS ${RUNNER_OS}"; exit 2 ;; esac
  case "${RUNNER_ARCH:-X64}" in X64) arch=amd64 ;; ARM64) arch=arm64 ;; *) echo "::error::unsupported runner architecture ${RUNNER_ARCH}"; exit 2 ;; esac
  archive="aegis_${version#v}_${os}_${arch}.tar.gz"
  base="${AEGIS_RELEASE_URL:-https://github.com/aegis-iam/aegis/releases/download}/$version"
  sums="$RUNNER_TEMP/aegis-bin/checksums.txt"
  curl -fsSL --retry 3 -o "$RUNNER_TEMP/aegis-bin/$archive" "$base/$archive"
  curl -fsSL --retry 3 -o "$sums" "$base/checksums.txt"
  (cd "$RUNNER_TEMP/aegis-bin" && grep " $archive\$" checksums.txt | sha256sum -c --quiet -) ||
    { echo "::error::$archive does not match the release's checksums.txt"; exit 2; }
  tar -xzf "$RUNNER_TEMP/aegis-bin/$archive" -C "$RUNNER_TEMP/aegis-bin" aegis
}

if [ "$version" = source ]; then
  (cd "$GITHUB_ACTION_PATH" && CGO_ENABLED=0 go build -trimpath -o "$bin" ./cmd/aegis)
else
  install_release
fi

args=(validate)
read -r -a list <<<"$(tr '\n' ' ' <<<"$paths")"
args+=("${list[@]}")
args+=(--fail-on "${AEGIS_FAIL_ON:-high}" --policy-type "${AEGIS_POLICY_TYPE:-any}")
for fw in ${AEGIS_FRAMEWORKS:-}; do args+=(--framework "$fw"); done
[ -n "${AEGIS_CONFIG:-}" ] && args+=(--config "$AEGIS_CONFIG")
[ -n "${AEGIS_BASELINE:-}" ] && args+=(--baseline "$AEGIS_BASELINE")

code=0
"$bin" "${args[@]}" --format sarif --output "$sarif" || code=$?
echo "exit-code=$code" >>"$GITHUB_OUTPUT"
if [ -s "$sarif" ]; then
  echo "sarif-file=$sarif" >>"$GITHUB_OUTPUT"
fi
# The job summary and the log show the same run in readable form; a second
# run is cheap (the whole AWS managed-policy corpus validates in about a second).
if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
  "$bin" "${args[@]}" --format markdown --fail-on none >>"$GITHUB_STEP_SUMMARY" || true
fi
"$bin" "${args[@]}" --format table --color always --fail-on none || true
case $code in
  0) echo "Aegis IAM: no finding at or above ${AEGIS_FAIL_ON:-high}." ;;
  1) echo "::error::Aegis IAM: findings at or above ${AEGIS_FAIL_ON:-high} (see the report above and code scanning)." ;;
  *) echo "::error::Aegis IAM could not validate the input (exit $code): see the messages above." ;;
esac

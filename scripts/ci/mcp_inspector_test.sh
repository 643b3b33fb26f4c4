#!/usr/bin/env bash
# Drives `aegis mcp serve` with a third-party MCP client, the MCP Inspector
# CLI (@modelcontextprotocol/inspector, pinned, installed into the
# git-ignored .cache/), over stdio and over streamable HTTP with the bearer
# token; and checks that HTTP without the token is refused.
# Usage: scripts/ci/mcp_inspector_test.sh (needs go, node, npm).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
version=1.0.3
dir="$root/.cache/mcp-inspector-$version"
if [ ! -x "$dir/node_modules/.bin/mcp-inspector" ]; then
  mkdir -p "$dir"
  (cd "$dir" && npm install --silent --no-audit --no-fund --ignore-scripts --no-save "@modelcontextprotocol/inspector@$version")
fi
inspector="$dir/node_modules/.bin/mcp-inspector"
work=$(mktemp -d)
server=
trap '[ -n "$server" ] && kill "$server" 2>/dev/null; rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
(cd "$root" && CGO_ENABLED=0 go build -o "$work/aegis" ./cmd/aegis)
export XDG_CACHE_HOME="$work/cache"

# stdio: the tool list, then a call of every tool.
"$inspector" --cli "$work/aegis" mcp serve --method tools/list >"$work/list.json" 2>"$work/err" || { cat "$work/err" >&2; fail "stdio tools/list"; }
for tool in generate_policy validate_policy audit_snapshot expand_actions explain_action simulate_request check_no_new_access; do
  grep -q "\"name\": \"$tool\"" "$work/list.json" || fail "tools/list lacks $tool"
done
grep -q '"readOnlyHint": true' "$work/list.json" || fail "tools are not annotated read-only"
# call TOOL ARGS...: calls a tool over stdio; the result is in $work/out.json.
call() {
  "$inspector" --cli "$work/aegis" mcp serve --method tools/call --tool-name "$@" >"$work/out.json" 2>"$work/err" ||
    { cat "$work/err" >&2; fail "stdio tools/call $1"; }
}
# has TEXT: the last result contains TEXT.
has() { grep -qF -- "$1" "$work/out.json"; }
call validate_policy --tool-arg 'policy={"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}'
has '"band": "critical"' || fail "validate_policy"
call generate_policy --tool-arg "description=Lambda function that reads from DynamoDB table 'users' and writes to S3 bucket 'uploads'"
has '"status": "complete"' || fail "generate_policy"
call audit_snapshot --tool-arg "bundle=$root/backend/audit/importer/testdata/account.bundle.json" --tool-arg end=2026-11-20
has '"principals"' || fail "audit_snapshot"
call explain_action --tool-arg action=iam:PassRole
has '"iam:PassedToService"' || fail "explain_action"
call expand_actions --tool-arg 'patterns=["s3:GetObject*"]'
has '"s3:GetObjectAcl"' || fail "expand_actions"
call check_no_new_access \
  --tool-arg 'old={"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}' \
  --tool-arg 'new={"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}'
has '"verdict": "new-access"' || fail "check_no_new_access"
call simulate_request --tool-arg 'case={"request":{"principal":"arn:aws:iam::111122223333:role/app","action":"s3:GetObject","resource":"arn:aws:s3:::b/k"},"identityPolicies":[{"name":"p","document":{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}}]}'
has '"decision": "allowed"' || fail "simulate_request"

# HTTP with the bearer token; without it the inspector must fail.
token=$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')
AEGIS_MCP_TOKEN=$token "$work/aegis" mcp serve --http 127.0.0.1:0 2>"$work/http.log" &
server=$!
for _ in $(seq 100); do grep -q "serving http" "$work/http.log" && break; sleep 0.1; done
url=$(sed -n 's/^aegis mcp: serving //p' "$work/http.log")
[ -n "$url" ] || { cat "$work/http.log" >&2; fail "the HTTP server did not start"; }
"$inspector" --cli "$url" --transport http --header "Authorization: Bearer $token" --method tools/call \
  --tool-name explain_action --tool-arg action=kms:Decrypt >"$work/out.json" 2>"$work/err" || { cat "$work/err" >&2; fail "HTTP tools/call"; }
has '"kms:Decrypt"' || fail "HTTP tools/call result"
if "$inspector" --cli "$url" --transport http --method tools/list >/dev/null 2>&1; then
  fail "HTTP without the bearer token was served"
fi
echo "MCP Inspector over stdio and HTTP: ok"

#!/usr/bin/env bash
# A gate for policy changes: for each identity policy FILE given, compares
# the version at git revision AEGIS_BASE (default: the merge base with
# origin/main, else HEAD) with the working copy using
# `aegis diff --no-new-access`, and fails when any grants access its previous
# version did not (or possibly does). A file new since the base has nothing
# to compare with and is reported, not failed: `aegis validate` judges it.
# Used by the pre-commit hook aegis-no-new-access and usable in any CI.
#
# Usage: AEGIS_BASE=REV scripts/ci/no-new-access.sh FILE...
# Exit codes: 0 no new access; 1 new or possibly-new access; 2 bad input.
set -uo pipefail
aegis=${AEGIS:-aegis}
base=${AEGIS_BASE:-$(git merge-base HEAD origin/main 2>/dev/null || echo HEAD)}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
status=0
for file in "$@"; do
  rel=$(git ls-files --full-name -- "$file" 2>/dev/null | head -1)
  if [ -z "$rel" ] || ! git cat-file -e "$base:$rel" 2>/dev/null; then
    echo "$file: new since $base; nothing to compare"
    continue
  fi
  git show "$base:$rel" >"$tmp/old.json"
  "$aegis" diff --no-new-access "$tmp/old.json" "$file"
  code=$?
  case $code in
    0) ;;
    1) echo "$file: grants access its version at $base did not (see above)" >&2; status=1 ;;
    *) echo "$file: could not compare (exit $code)" >&2; [ $status -eq 0 ] && status=2 ;;
  esac
done
exit $status

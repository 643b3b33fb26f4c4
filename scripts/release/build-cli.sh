#!/usr/bin/env bash
# Cross-compiles the headless CLI (pure Go, CGO_ENABLED=0) for every release
# target and writes one archive per target plus checksums.txt (sha256sum
# format) into OUTDIR. The binary for the host platform is smoke-tested: it
# must report the version and validate a policy. The release workflow
# (.github/workflows/release.yml) and `make release-cli` call it.
#
# Usage: scripts/release/build-cli.sh VERSION OUTDIR [GOOS/GOARCH...]
set -euo pipefail

version=${1:?usage: $0 VERSION OUTDIR [GOOS/GOARCH...]}
out=${2:?usage: $0 VERSION OUTDIR [GOOS/GOARCH...]}
shift 2
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(linux/amd64 linux/arm64 darwin/amd64 darwin/arm64 windows/amd64 windows/arm64)
root=$(cd "$(dirname "$0")/../.." && pwd)
mkdir -p "$out"
out=$(cd "$out" && pwd)
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT

host="$(go env GOHOSTOS)/$(go env GOHOSTARCH)"
for t in "${targets[@]}"; do
  goos=${t%/*} goarch=${t#*/}
  exe=aegis
  [ "$goos" = windows ] && exe=aegis.exe
  dir="$stage/$goos-$goarch"
  mkdir -p "$dir"
  (cd "$root" && CGO_ENABLED=0 GOOS=$goos GOARCH=$goarch go build -trimpath \
    -ldflags "-s -w -X main.version=$version" -o "$dir/$exe" ./cmd/aegis)
  cp "$root/README.md" "$dir/"
  archive="aegis_${version#v}_${goos}_${goarch}.tar.gz"
  tar -czf "$out/$archive" -C "$dir" "$exe" README.md
  echo "built $archive"
  if [ "$t" = "$host" ]; then
    got=$("$dir/$exe" --version)
    [ "$got" = "aegis $version" ] || { echo "smoke test: --version printed '$got', want 'aegis $version'" >&2; exit 1; }
    "$dir/$exe" validate --fail-on none --format json "$root/examples/ci/clean" >/dev/null ||
      { echo "smoke test: validate failed" >&2; exit 1; }
    echo "smoke-tested $t"
  fi
done
(cd "$out" && sha256sum aegis_*.tar.gz >checksums.txt)
echo "wrote $out/checksums.txt"

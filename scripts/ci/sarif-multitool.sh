#!/usr/bin/env bash
# Prints the path of Microsoft's SARIF Multitool (the reference SARIF 2.1.0
# validator: JSON schema plus the spec's rules), fetching the pinned npm
# package into the git-ignored .cache/ and verifying its sha512 integrity
# before unpacking it. Linux x64 only (the package ships a self-contained
# binary). Usage: "$(scripts/ci/sarif-multitool.sh)" validate FILE.sarif -o OUT
set -euo pipefail
name=@microsoft/sarif-multitool-linux version=5.7.0
integrity=sha512-NxUbpq6ISCWoTQ/NfOYEwEDKq1Heka/rMoJ5R5LMydcAZQX/X7g5mWHcgxDub+0M07LC96tZ5LZHvF1Qy3gjTA==
root=$(cd "$(dirname "$0")/../.." && pwd)
cache="$root/.cache"
dir="$cache/sarif-multitool-$version"
bin="$dir/package/Sarif.Multitool"
if [ ! -x "$bin" ]; then
  mkdir -p "$cache"
  tgz="$cache/microsoft-sarif-multitool-linux-$version.tgz"
  [ -f "$tgz" ] || (cd "$cache" && npm pack --silent "$name@$version" >/dev/null)
  got="sha512-$(openssl dgst -sha512 -binary "$tgz" | base64 -w0)"
  if [ "$got" != "$integrity" ]; then
    echo "sarif-multitool: $tgz has integrity $got, want the pinned $integrity (delete it to fetch again)" >&2
    exit 2
  fi
  rm -rf "$dir.tmp" && mkdir -p "$dir.tmp"
  tar -xzf "$tgz" -C "$dir.tmp"
  chmod +x "$dir.tmp/package/Sarif.Multitool"
  rm -rf "$dir" && mv "$dir.tmp" "$dir"
fi
echo "$bin"

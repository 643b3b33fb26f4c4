#!/usr/bin/env bash
# Measures `aegis validate` end to end — process start-up, IAM database,
# reading, every check, the compliance matrix and the report — on the 1,594
# AWS managed policies, pinned to one core, and on one small policy.
#
#   scripts/bench/cli.sh [RUNS] [FORMAT]     (defaults: 10 runs, table)
#   AEGIS=./aegis scripts/bench/cli.sh       (an already built binary)
#
# It prints the best and the median wall-clock and CPU (user+sys) times.
# The best run is the figure to quote: on a shared machine the others
# measure the neighbours. Run from the repository root.
set -euo pipefail

runs=${1:-10}
format=${2:-table}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

bin=${AEGIS:-}
if [[ -z $bin ]]; then
	bin=$work/aegis
	CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o "$bin" ./cmd/aegis
fi
go run ./scripts/bench/corpusfiles "$work/corpus" >/dev/null
mkdir "$work/one"
cp "$work/corpus/AmazonS3ReadOnlyAccess.json" "$work/one/"

pin=()
if command -v taskset >/dev/null; then
	pin=(taskset -c 0)
fi

# measure NAME DIR: runs the CLI $runs times on DIR and prints the figures.
measure() {
	local name=$1 dir=$2 times=()
	for ((i = 0; i < runs; i++)); do
		local t
		t=$( { TIMEFORMAT='%R %U %S'; time "${pin[@]}" "$bin" validate "$dir" --format "$format" -o "$work/out" --fail-on none >/dev/null 2>&1; } 2>&1)
		times+=("$t")
	done
	local walls cpus m=$(((runs + 1) / 2))
	walls=$(printf '%s\n' "${times[@]}" | awk '{print $1}' | sort -n)
	cpus=$(printf '%s\n' "${times[@]}" | awk '{printf "%.3f\n", $2 + $3}' | sort -n)
	printf '%-24s wall best %ss median %ss   cpu best %ss median %ss   (%d runs)\n' "$name" \
		"$(sed -n 1p <<<"$walls")" "$(sed -n "${m}p" <<<"$walls")" "$(sed -n 1p <<<"$cpus")" "$(sed -n "${m}p" <<<"$cpus")" "$runs"
}

echo "aegis validate --format $format, one core ($(nproc) present, load $(cut -d' ' -f1 /proc/loadavg))"
measure "1,594 managed policies" "$work/corpus"
measure "one policy" "$work/one"

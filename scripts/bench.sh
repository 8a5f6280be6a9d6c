#!/usr/bin/env bash
# Runs the benchmarks from a clean checkout and writes docs/BENCHMARKS.md and docs/benchmarks/*.png:
# installs what they need (apt packages; Unison and lsyncd come with the benchmark's own setup),
# builds, publishes the NativeAOT agent, then runs tests/Psync.Bench.
#   scripts/bench.sh [--quick] [other Psync.Bench options, see --help]
# As root, each big tree gets a fresh ext4 file system on a loop device (see docs/BENCHMARKS.md).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/build.sh
export PSYNC_AGENT="$PWD/artifacts/agent"

echo "== benchmarks"
exec dotnet run --project tests/Psync.Bench -c Release --no-build -- "$@"

#!/usr/bin/env bash
# Installs what the build, the tests and the benchmarks need (apt packages), builds everything
# (with native/) and publishes the static agents for right hosts (and local sides) to
# artifacts/agent/RID/ (scripts/publish-agent.sh). scripts/test.sh and scripts/bench.sh start with it.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/deps.sh

echo "== build (includes native/)"
dotnet build Psync.sln -c Release -nologo -clp:ErrorsOnly

scripts/publish-agent.sh artifacts/agent

#!/usr/bin/env bash
# Installs what the build, the tests and the benchmarks need (apt packages), builds everything
# (with native/) and publishes the NativeAOT agent to artifacts/agent. scripts/test.sh and
# scripts/bench.sh start with it.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/deps.sh

echo "== build (includes native/)"
dotnet build Psync.sln -c Release -nologo -clp:ErrorsOnly

echo "== publish psync-agent (NativeAOT) to artifacts/agent"
dotnet publish src/Psync.Agent -c Release -r linux-x64 -p:PublishAot=true -o artifacts/agent -nologo -clp:ErrorsOnly

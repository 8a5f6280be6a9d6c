#!/usr/bin/env bash
# Installs what the build, the tests and the benchmarks need (apt packages), builds everything
# (with native/), publishes the static agents for right hosts (and local sides) to
# artifacts/agent/RID/ (scripts/publish-agent.sh) and psync, compiled ahead (NativeAOT), to
# artifacts/psync/. scripts/test.sh and scripts/bench.sh start with it.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/deps.sh

echo "== build (includes native/)"
dotnet build Psync.sln -c Release -nologo -clp:ErrorsOnly

scripts/publish-agent.sh artifacts/agent

# A run of psync is short, and a JIT-compiled psync spent much of it compiling: in a first sync of
# 50,000 files on tmpfs its tiering thread alone took a fifth of the engine's CPU. Compiled ahead of
# time (NativeAOT) that first sync took 2.25 s instead of 2.69 s (ReadyToRun, medians of 6 alternating
# pairs; `rsync -a` 2.26 s). The static agents go beside it, where psync looks for its agent.
echo "== publish psync (NativeAOT) to artifacts/psync"
rid="$(dotnet --info | sed -n 's/^ *RID: *//p' | head -1)"
rm -rf artifacts/psync
dotnet publish src/Psync.Cli -c Release -r "$rid" -p:PublishAot=true -o artifacts/psync -nologo -clp:ErrorsOnly
find artifacts/psync -mindepth 1 \( -name '*.pdb' -o -name '*.dbg' -o -name '*.xml' -o -name '*.runtimeconfig.json' \) -delete
cp artifacts/agent/"$rid"/psync-agent artifacts/agent/"$rid"/cinotify artifacts/agent/"$rid"/psync-rsync-stream artifacts/psync/

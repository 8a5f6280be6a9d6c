#!/usr/bin/env bash
# The one way to build what is uploaded to right hosts: psync-agent (NativeAOT) and cinotify,
# both fully static, for every runtime Psync deploys to, into OUT/RID/ (default artifacts/agent):
#   scripts/publish-agent.sh [OUT] [extra dotnet publish arguments, e.g. -p:SourceRevisionId=...]
# Needs clang, lld, gcc-aarch64-linux-gnu and libc6-dev-arm64-cross (scripts/deps.sh installs them).
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-artifacts/agent}"
shift || true
for rid in linux-x64 linux-arm64; do
  echo "== publish psync-agent, cinotify and psync-rsync-stream (static) for $rid to $out/$rid"
  rm -rf "${out:?}/$rid"
  dotnet publish src/Psync.Agent -c Release -r "$rid" -p:PublishAot=true -o "$out/$rid" -nologo -clp:ErrorsOnly "$@"
  # psync-agent and cinotify are uploaded; psync-rsync-stream serves the engine on a host of this
  # runtime (rsync's remote shell for a remote pair). Symbols and docs stay out of the bundle.
  find "$out/$rid" -mindepth 1 ! -name psync-agent ! -name cinotify ! -name psync-rsync-stream -delete
  for file in "$out/$rid/psync-agent" "$out/$rid/cinotify" "$out/$rid/psync-rsync-stream"; do
    if ! file -b "$file" | grep -Eq 'static(-pie)? linked|statically linked'; then
      echo "$file is not statically linked: $(file -b "$file")" >&2
      exit 1
    fi
  done
done

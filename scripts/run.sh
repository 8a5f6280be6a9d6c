#!/usr/bin/env bash
# Starts the Psync web appliance from a checkout: installs rsync and the build tools when
# missing, builds (with the NativeAOT agent for right hosts), and runs it on
# https://localhost:5001 (or the --urls you pass), with a self-signed certificate made in the data
# folder at the first start (its SHA-256 fingerprint is in the log).
#   scripts/run.sh [--data-dir DIR] [--urls https://0.0.0.0:5001]
# First start: the admin password is PSYNC_ADMIN_PASSWORD, else printed once in the log.
set -euo pipefail
cd "$(dirname "$0")/.."
PSYNC_DEPS_BROWSER=0 scripts/deps.sh
dotnet build src/Psync.Web -c Release -nologo -clp:ErrorsOnly
# Remote hosts get the static agent (no .NET, any libc there); local pairs use it too.
scripts/publish-agent.sh artifacts/agent
export PSYNC_AGENT="${PSYNC_AGENT:-$PWD/artifacts/agent}"
args=("$@")
case " $* " in *" --urls "*) ;; *) args+=(--urls "https://localhost:5001") ;; esac
exec dotnet src/Psync.Web/bin/Release/net10.0/Psync.Web.dll "${args[@]}"

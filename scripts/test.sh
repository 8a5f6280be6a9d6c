#!/usr/bin/env bash
# Builds everything and runs every test, on a fresh Debian machine with only the .NET SDK:
# installs what the tests need (apt packages), builds the native code and the NativeAOT agent.
#   scripts/test.sh [extra dotnet test arguments, e.g. --filter FullyQualifiedName~Agent]
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/build.sh
export PSYNC_AGENT="$PWD/artifacts/agent"

echo "== test"
rm -rf artifacts/test-results
status=0
# One test assembly at a time (-m:1): the end-to-end tests hold 2 s deadlines on a 2-core machine.
dotnet test Psync.sln -c Release --no-build -nologo -m:1 --logger "trx" --results-directory artifacts/test-results "$@" || status=$?

# One plain summary line over all test projects.
python3 - <<'PY' || true
import glob, xml.etree.ElementTree as ET
p = f = s = 0
for path in glob.glob("artifacts/test-results/*.trx"):
    c = ET.parse(path).getroot().find(".//{*}Counters")
    if c is not None:
        p += int(c.get("passed", 0)); f += int(c.get("failed", 0)); s += int(c.get("notExecuted", 0))
print(f"tests: {p} passed, {f} failed, {s} skipped")
PY
exit $status

#!/usr/bin/env bash
# Runs every Keel test project and ends with one line: "N passed, M failed[, K skipped]".
# Installs nothing yet beyond the .NET SDK's own restore; later services (PostgreSQL, S3) start here too.
set -uo pipefail
cd "$(dirname "$0")"

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

if ! command -v dotnet >/dev/null 2>&1; then
  echo "error: the .NET SDK 10 is required (https://dot.net); install it and re-run ./test.sh" >&2
  exit 1
fi

log=$(mktemp)
trap 'rm -f "$log"' EXIT

dotnet build Keel.slnx -c Release -nologo -v q 2>&1 | tee "$log" | grep -E "error|Warn|warn" | grep -v "0 Warn" || true
if ! grep -q "Build succeeded" "$log"; then
  echo "build failed" >&2
  echo "0 passed, 1 failed"
  exit 1
fi

dotnet test --solution Keel.slnx -c Release --no-build 2>&1 | tee "$log"
status=${PIPESTATUS[0]}

# Sum the per-project summaries that Microsoft.Testing.Platform prints.
read -r passed failed skipped < <(awk '
  /^[[:space:]]*failed:/    { f += $2 }
  /^[[:space:]]*succeeded:/ { p += $2 }
  /^[[:space:]]*skipped:/   { s += $2 }
  END { print p+0, f+0, s+0 }' "$log")

if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  failed=1 # a crashed test host counts as a failure even when no summary was printed
fi
line="$passed passed, $failed failed"
[ "$skipped" -gt 0 ] && line="$line, $skipped skipped"
echo "$line"
[ "$status" -eq 0 ] && [ "$failed" -eq 0 ]

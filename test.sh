#!/usr/bin/env bash
# Runs every Keel test project and ends with one line: "N passed, M failed[, K skipped]".
# Installs what the tests need when missing (Debian's python3-onnx for onnx.checker, chromium for the browser tests) and starts a throwaway
# PostgreSQL and S3 server on 127.0.0.1 for the storage contract suites (scripts/services.sh), stopped on exit.
set -uo pipefail
cd "$(dirname "$0")"

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

if ! command -v dotnet >/dev/null 2>&1; then
  echo "error: the .NET SDK 10 is required (https://dot.net); install it and re-run ./test.sh" >&2
  exit 1
fi

# shellcheck source=scripts/services.sh
source scripts/services.sh
log=$(mktemp)
cleanup() { keel_services_stop; rm -f "$log"; }
trap cleanup EXIT
# An interrupt still stops the services: exit runs the EXIT trap.
trap 'exit 130' INT
trap 'exit 143' TERM

# The ONNX tests check every model they write with onnx.checker from Debian's python3-onnx; install it when
# missing. Debian's interpreter comes first: a pyenv or virtualenv python3 on PATH does not see apt packages.
debian_python() { if [ -x /usr/bin/python3 ]; then echo /usr/bin/python3; else echo python3; fi; }
python=$(debian_python)
if ! "$python" -c 'import onnx' >/dev/null 2>&1; then
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  echo "installing Debian's python3-onnx: $sudo apt-get install -y python3-onnx"
  export DEBIAN_FRONTEND=noninteractive
  if ! $sudo apt-get install -y python3-onnx >/dev/null 2>&1; then
    echo "install failed; running $sudo apt-get update and retrying"
    $sudo apt-get update >/dev/null && $sudo apt-get install -y python3-onnx >/dev/null
  fi
  python=$(debian_python)
  "$python" -c 'import onnx' >/dev/null 2>&1 || echo "warning: $python still cannot import onnx; the ONNX tests will fail" >&2
fi
export KEEL_PYTHON="$python"

# The browser tests (web UI, monitoring reports) drive Debian's chromium through Playwright.
if [ ! -x /usr/bin/chromium ] && [ -z "${KEEL_CHROMIUM:-}" ]; then
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  echo "installing Debian's chromium for the browser tests: $sudo apt-get install -y chromium"
  export DEBIAN_FRONTEND=noninteractive
  if ! $sudo apt-get install -y chromium >/dev/null 2>&1; then
    echo "install failed; running $sudo apt-get update and retrying"
    $sudo apt-get update >/dev/null && $sudo apt-get install -y chromium >/dev/null
  fi
  [ -x /usr/bin/chromium ] || echo "warning: chromium is still missing; the browser tests will fail" >&2
fi

dotnet build Keel.slnx -c Release -nologo -v q 2>&1 | tee "$log" | grep -E "error|Warn|warn" | grep -v "0 Warn" || true
if ! grep -q "Build succeeded" "$log"; then
  echo "build failed" >&2
  echo "0 passed, 1 failed"
  exit 1
fi

if ! keel_services_start; then
  echo "the test services (PostgreSQL, S3) did not start" >&2
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

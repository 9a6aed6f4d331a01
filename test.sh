#!/usr/bin/env bash
# Runs every test of the solution on a fresh machine. Installs nothing today: the suite needs only the .NET SDK
# (pinned by global.json). Tests that need system services will install them here (apt-get) when missing.
set -euo pipefail
cd "$(dirname "$0")"

if ! command -v dotnet >/dev/null 2>&1; then
  echo "test.sh: the .NET 10 SDK is required (https://dot.net)" >&2
  exit 1
fi

log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
dotnet test Sluice.slnx --nologo 2>&1 | tee "$log" || status=$?

# One closing line for humans and CI: totals over every test assembly.
sum() { grep -Eo "$1: +[0-9]+" "$log" | awk '{ total += $2 } END { print total + 0 }'; }
echo "tests: $(sum Passed) passed, $(sum Failed) failed"
exit "$status"

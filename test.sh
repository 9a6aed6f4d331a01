#!/usr/bin/env bash
# Runs every test of the solution on a fresh machine: the .NET SDK (pinned by global.json) is required; system
# services the tests need are installed here (apt-get) when missing.
set -euo pipefail
cd "$(dirname "$0")"

if ! command -v dotnet >/dev/null 2>&1; then
  echo "test.sh: the .NET 10 SDK is required (https://dot.net)" >&2
  exit 1
fi

apt_install() { # why package...
  local why=$1 sudo=""
  shift
  if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
  echo "test.sh: installing $* for $why (apt-get)"
  $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$@" >/dev/null
}

# The Redis rate-limit tests start their own redis-server (a free port, a temp dir) and kill it afterwards.
command -v redis-server >/dev/null 2>&1 || apt_install "the Redis rate-limit tests" redis-server

# The Native AOT smoke test makes its JWT signing key with openssl.
command -v openssl >/dev/null 2>&1 || apt_install "the Native AOT smoke test" openssl

# The Native AOT smoke test links with the system's C toolchain (Native AOT needs clang or gcc, and zlib).
if ! command -v clang >/dev/null 2>&1 && ! command -v gcc >/dev/null 2>&1 || [ ! -e /usr/include/zlib.h ]; then
  apt_install "the Native AOT smoke test" gcc zlib1g-dev
fi

log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
dotnet test Sluice.slnx --nologo 2>&1 | tee "$log" || status=$?

# The Native AOT build, end to end (the tests above run the JIT build); about two minutes, most of it the publish.
aot="passed"
test/native-aot-smoke.sh || { status=1; aot="FAILED"; }

# One closing line for humans and CI: totals over every test assembly.
sum() { grep -Eo "$1: +[0-9]+" "$log" | awk '{ total += $2 } END { print total + 0 }'; }
echo "tests: $(sum Passed) passed, $(sum Failed) failed; Native AOT smoke: $aot"
exit "$status"

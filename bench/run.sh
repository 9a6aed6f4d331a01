#!/usr/bin/env bash
# Sluice benchmark harness (issue 7): one command that builds Sluice in Release, starts a fast fake upstream
# (`sluice simulate`), Sluice, nginx (a plain reverse proxy) and Portkey's gateway (a peer, when it can be
# installed), drives them with the same load generators (wrk, and a .NET SSE client for stream timing) on
# 127.0.0.1, prints a markdown report and writes bench/results/<timestamp>.json and .md. See docs/benchmarks.md.
#
#   bench/run.sh            full run (about 35 minutes: BenchmarkDotNet --job short, the load harness, a 10-minute soak)
#   bench/run.sh --quick    smoke run (about 6 minutes once the builds are warm)
#   bench/run.sh --no-micro     skip the BenchmarkDotNet micro-benchmarks
#   bench/run.sh --micro-only   run only the micro-benchmarks
#   bench/run.sh --no-build     measure the Sluice last published to bench/.out/sluice (when src/ is mid-edit)
#   bench/run.sh --no-soak      skip the 10-minute soak (the rest of a full run takes about 20 minutes)
#   bench/run.sh --no-portkey   leave out Portkey's gateway (otherwise installed with npm and measured as a peer)
#   bench/run.sh --no-aot       leave out the Native AOT build of Sluice (otherwise published and measured as a variant)
#
# Needs Linux, the .NET SDK of global.json, and root (or sudo) the first time to apt-get install nginx and wrk.
# Portkey's gateway is optional: it needs node and npm (and the npm registry the first time); without them the
# report says Portkey was not measured, and why.
set -euo pipefail

bench="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$bench/.." && pwd)"
cd "$repo"

mode=--full
micro=yes
load=yes
build=yes
soak=()
portkey=yes
aot=yes
for arg in "$@"; do
  case "$arg" in
    --quick) mode=--quick ;;
    --full) mode=--full ;;
    --no-micro) micro=no ;;
    --micro-only) load=no ;;
    --no-build) build=no ;;
    --no-soak) soak=(--soak-segments 0) ;;
    --no-portkey) portkey=no ;;
    --no-aot) aot=no ;;
    -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
    *) echo "run.sh: unknown argument $arg (try --help)" >&2; exit 2 ;;
  esac
done

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
out="$bench/.out"
artifacts="$out/artifacts"   # bin/ and obj/ of these builds, apart from the developers' own
stamp="$(date -u +%Y%m%d-%H%M%S)"
mkdir -p "$out" "$bench/results"

step() { printf '\n== %s\n' "$*" >&2; }

# 1. Tools: nginx and wrk from Debian, taskset from util-linux.
if [[ $load == yes ]]; then
  missing=()
  command -v nginx >/dev/null 2>&1 || missing+=(nginx)
  command -v wrk >/dev/null 2>&1 || missing+=(wrk)
  command -v taskset >/dev/null 2>&1 || missing+=(util-linux)
  if ((${#missing[@]})); then
    step "installing ${missing[*]} (apt-get)"
    sudo_cmd=()
    [[ $(id -u) -eq 0 ]] || sudo_cmd=(sudo)
    "${sudo_cmd[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
  # Thousands of concurrent streams need thousands of sockets (client, proxy and upstream side each).
  ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)" || true
fi

# 1b. Portkey's gateway (npm @portkey-ai/gateway), a peer to compare with: `npm ci` from bench/portkey, whose
# package-lock.json pins the gateway and every dependency, into bench/.out/portkey; again only when the lock
# changed. Optional: when it cannot be installed the harness runs without it, and install.log (whose last line
# the report quotes) says why.
portkey_args=()
if [[ $load == yes && $portkey == no ]]; then
  portkey_args=(--no-portkey)
elif [[ $load == yes ]]; then
  pk="$out/portkey"
  mkdir -p "$pk"
  if [[ -f $pk/node_modules/@portkey-ai/gateway/build/start-server.js ]] && cmp -s "$bench/portkey/package-lock.json" "$pk/package-lock.json"; then
    :
  elif ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    echo "node or npm not found on the PATH" >"$pk/install.log"
    echo "Portkey's gateway will not be measured: node or npm not found" >&2
  else
    step "installing Portkey's gateway (npm ci, pinned by bench/portkey/package-lock.json)"
    rm -rf "$pk/node_modules"
    cp "$bench/portkey/package.json" "$bench/portkey/package-lock.json" "$pk/"
    if ! timeout 300 npm ci --prefix "$pk" --no-audit --no-fund --loglevel=error --fetch-retries=1 >"$pk/install.log" 2>&1; then
      rm -rf "$pk/node_modules"
      echo "npm ci failed (no npm registry?); see bench/.out/portkey/install.log" >>"$pk/install.log"
      echo "Portkey's gateway will not be measured: npm ci failed; see $pk/install.log" >&2
    fi
  fi
fi

# 2. Builds: Sluice published in Release (what the harness runs), the harness, the micro-benchmarks.
step "building Sluice (Release) and the bench tools"
if [[ $build == yes ]]; then
  dotnet publish src/Sluice -c Release -o "$out/sluice" --artifacts-path "$artifacts" --nologo -v q >&2 \
    || { echo "run.sh: src/ does not build; fix it, or measure the last published Sluice with --no-build" >&2; exit 1; }
  # What was built, for the report (the working tree may move on before a --no-build run).
  {
    printf '%s' "$(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
    [[ -z $(git status --porcelain -- src 2>/dev/null) ]] || printf ' + uncommitted changes in src/'
    printf ' (published %s)\n' "$(date -u '+%Y-%m-%d %H:%M UTC')"
  } >"$out/sluice/BUILD-INFO"
elif [[ ! -x $out/sluice/sluice ]]; then
  echo "run.sh: --no-build, but nothing was published to $out/sluice yet" >&2
  exit 1
else
  echo "--no-build: measuring the Sluice published $(date -u -r "$out/sluice/sluice.dll" '+%Y-%m-%d %H:%M UTC')" >&2
fi
# The Native AOT build (PublishAot), measured as one more Sluice variant. It needs the ILCompiler package from the
# NuGet feed; without it the report says the variant was not measured.
aot_args=()
if [[ $aot == yes && $build == yes ]]; then
  step "publishing Sluice with Native AOT"
  if dotnet publish src/Sluice -c Release -r linux-x64 -p:PublishAot=true -o "$out/sluice-aot" --artifacts-path "$artifacts" --nologo -v q >"$out/aot-publish.log" 2>&1; then
    cp "$out/sluice/BUILD-INFO" "$out/sluice-aot/BUILD-INFO"
  else
    rm -f "$out/sluice-aot/sluice"
    echo "the Native AOT publish failed; the AOT variant will not be measured (see $out/aot-publish.log)" >&2
  fi
fi
if [[ $aot == yes && -x $out/sluice-aot/sluice ]]; then
  aot_args=(--sluice-aot "$out/sluice-aot/sluice")
fi
dotnet build bench/Sluice.LoadTools -c Release --artifacts-path "$artifacts" --nologo -v q >&2
loadtools="$artifacts/bin/Sluice.LoadTools/release/Sluice.LoadTools.dll"
# The bare .NET forwarder (Kestrel in, HttpClient out, no Sluice code): a reference path at passthrough and
# concurrency 1, so the report can tell what the .NET stack costs on this machine from what Sluice's code adds.
dotnet build bench/Sluice.BareForwarder -c Release --artifacts-path "$artifacts" --nologo -v q >&2
bare_args=(--bare-forwarder "$artifacts/bin/Sluice.BareForwarder/release/Sluice.BareForwarder.dll")

# 3. Micro-benchmarks first, while nothing else of ours runs. In-process toolchain (no extra build per benchmark).
# A micro-benchmark failure (say, an internal API that moved under src/) is reported, and the load harness still
# runs; the exit code is then 1.
micro_args=()
micro_status=0
if [[ $micro == yes ]]; then
  step "micro-benchmarks (BenchmarkDotNet)"
  micro_dir="$out/micro/$stamp"
  micro_log="$out/micro-$stamp.log"
  if [[ $mode == --quick ]]; then
    job=(--launchCount 1 --warmupCount 1 --iterationCount 3 --iterationTime 40)   # smoke: allocations exact, times rough
  else
    job=(--job short)
  fi
  if dotnet build bench/Sluice.Benchmarks -c Release --artifacts-path "$artifacts" --nologo -v q >"$micro_log" 2>&1 \
    && (cd "$out" && dotnet "$artifacts/bin/Sluice.Benchmarks/release/Sluice.Benchmarks.dll" \
      --filter '*' --inProcess "${job[@]}" --artifacts "$micro_dir" --exporters json >>"$micro_log" 2>&1); then
    grep -E '^\|' "$micro_log" >&2 || true
    micro_args=(--micro "$micro_dir/results")
  else
    micro_status=1
    grep -E 'error|Error' "$micro_log" | head -5 >&2 || true
    echo "micro-benchmarks failed; see $micro_log" >&2
  fi
fi

if [[ $load == no ]]; then
  exit "$micro_status"
fi

# 4. The load harness, pinned to the load CPU (its child processes pin themselves as they start).
step "load harness ($mode)"
cpus=(--load-cpus 0 --proxy-cpus 1)
if [[ $(nproc --all) -lt 2 ]]; then
  cpus=()
  launcher=()
else
  launcher=(taskset -c 0)
fi
"${launcher[@]}" dotnet "$loadtools" "$mode" --bench-dir "$bench" --sluice "$out/sluice/sluice" \
  --results "$bench/results" "${cpus[@]}" "${micro_args[@]}" "${soak[@]}" "${portkey_args[@]}" "${aot_args[@]}" "${bare_args[@]}"
exit "$micro_status"

#!/usr/bin/env bash
# Where a held stream's memory goes. Holds N idle streams (each proven live by one message) on the raw Kestrel
# baseline and then on ours, dumps each server with the runtime's createdump while it holds them, and prints
# the live bytes per stream by type, ours beside the baseline (bench/HeapStat).
#
#   bench/heap-profile.sh [N]     # N defaults to 10000; about two minutes
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
n=${1:-10000}
out=$(mktemp -d /tmp/server-events-heap.XXXXXX)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  rm -rf "$out"
}
trap cleanup EXIT
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

for project in LoadGenerator Baseline ServerHost HeapStat; do
  dotnet build "bench/$project/$project.csproj" -c Release -nologo -v quiet >"$out/build.log" 2>&1 || { cat "$out/build.log"; exit 1; }
done
bin() { echo "$root/bench/$1/bin/Release/net10.0"; }
source scripts/ports.sh

# "Microsoft.NETCore.App 10.0.12 [/usr/share/dotnet/shared/Microsoft.NETCore.App]": createdump ships beside the runtime.
createdump=$(dotnet --list-runtimes | awk '$1 == "Microsoft.NETCore.App" && $2 ~ /^10\./ { dir = $3; gsub(/[][]/, "", dir); path = dir "/" $2 "/createdump" } END { print path }')

dump() {
  local subject=$1 project=$2 port server generator
  port=$(free_port)
  dotnet "$(bin "$project")/$project.dll" --contentRoot "$(bin "$project")" --urls "http://127.0.0.1:$port" >"$out/$subject.log" 2>&1 &
  server=$!
  pids+=("$server")
  wait_for_port "$port"

  "$(bin LoadGenerator)/LoadGenerator" run --subject "$subject" --ports "$port" --server-pids "$server" --workers 2 \
    --scenario hold --connections "$n" --channels 1 --publish-rate 0 --settle 600 >/dev/null 2>"$out/$subject-generator.log" &
  generator=$!
  pids+=("$generator")
  for _ in $(seq 1 300); do grep -q "warm-up message" "$out/$subject-generator.log" && break; sleep 1; done
  cat "$out/$subject-generator.log" >&2
  "$createdump" --full -f "$out/$subject.dmp" "$server" >/dev/null
  kill "$generator" "$server"
  wait "$generator" "$server" 2>/dev/null || true
}

dump baseline Baseline
dump ours ServerHost
"$(bin HeapStat)/HeapStat" "$out/ours.dmp" "$out/baseline.dmp" "$n" 30

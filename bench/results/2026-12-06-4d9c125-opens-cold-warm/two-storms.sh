#!/usr/bin/env bash
# Streams opened per second right after start ("first") and again on the same, now warm, processes ("second"):
# 18,000 anonymous streams on one ServerHost node ("ours") or on two nodes on a durable PostgreSQL ("ours-pg"),
# after bench/run.sh's warm-up; the generator closes the first 18,000 when its run ends, and the second storm
# starts 3 s later. A 5 s `perf record -a -g` covers the second storm (the profiles are not kept here: tens of MB).
#   two-storms.sh <ours|ours-pg> <output folder>
# BIN picks another ServerHost build (the ReadyToRun runs: dotnet publish bench/ServerHost -c Release -r linux-x64
# --self-contained false -p:PublishReadyToRun=true -o /tmp/sh-r2r, then BIN=/tmp/sh-r2r); NODE_ENV sets one
# environment variable in the nodes only (DOTNET_TieredPGO=0, DOTNET_TieredCompilation=0).
# The folders beside this script, at 4d9c125, one run each, on the quiet machine under flock /tmp/machine.lock:
#   ours-default, ours-pg-default            two-storms.sh <subject> <folder>
#   ours-readytorun, ours-pg-readytorun      BIN=/tmp/sh-r2r two-storms.sh <subject> <folder>
#   ours-pg-tieredpgo-off                    NODE_ENV=DOTNET_TieredPGO=0 two-storms.sh ours-pg <folder>
#   ours-pg-tieredcompilation-off            NODE_ENV=DOTNET_TieredCompilation=0 two-storms.sh ours-pg <folder>
# (each run wrote hold-first.json and hold.json, renamed here first.json and second.json.)
# python3 gen-storms.py prints the table in bench/RESULTS.md.
set -uo pipefail
cd "$(dirname "$0")/../../.."
subject=${1:?usage: two-storms.sh <ours|ours-pg> <output folder>}; out=${2:?usage: two-storms.sh <ours|ours-pg> <output folder>}
mkdir -p "$out"
source scripts/ports.sh
bin=${BIN:-$(pwd)/bench/ServerHost/bin/Release/net10.0}
p1=$(free_port); p2=$(free_port)
export DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0
[ -n "${NODE_ENV:-}" ] && export "${NODE_ENV?}"
if [ "$subject" = ours-pg ]; then
  eval "$(bash scripts/postgres.sh start --durable)"
  pg_dir=$SERVER_EVENTS_TEST_PGDIR
  export ServerEvents__Cluster__Provider=Postgres ConnectionStrings__Postgres="$SERVER_EVENTS_TEST_POSTGRES"
  dotnet "$bin/ServerHost.dll" --contentRoot "$bin" --urls "http://127.0.0.1:$p1" >"$out/n1.log" 2>&1 & n1=$!
  dotnet "$bin/ServerHost.dll" --contentRoot "$bin" --urls "http://127.0.0.1:$p2" >"$out/n2.log" 2>&1 & n2=$!
  wait_for_port "$p1"; wait_for_port "$p2"
  pids="$(head -n 1 "$pg_dir/data/postmaster.pid"),$n1,$n2"; ports="$p1,$p2"
  unset ServerEvents__Cluster__Provider ConnectionStrings__Postgres
else
  dotnet "$bin/ServerHost.dll" --contentRoot "$bin" --urls "http://127.0.0.1:$p1" >"$out/n1.log" 2>&1 & n1=$!
  n2=""
  wait_for_port "$p1"
  pids="$n1"; ports="$p1"
fi
unset DOTNET_PerfMapEnabled DOTNET_EnableWriteXorExecute
[ -n "${NODE_ENV:-}" ] && unset "${NODE_ENV%%=*}"
gen=bench/LoadGenerator/bin/Release/net10.0/LoadGenerator
common=(--subject "$subject" --ports "$ports" --server-pids "$pids" --workers 3 --settle 2 --connect-rate 0 --open-timeout 10)
$gen run "${common[@]}" --scenario warmup --connections 500 --channels 10 --publish-rate 50 --duration 3 --settle 0 >/dev/null
$gen run "${common[@]}" --scenario hold --connections 18000 --channels 1 --publish-rate 0 --out "$out/first.json" 2>"$out/gen-first.log" >/dev/null
sleep 3
$gen run "${common[@]}" --scenario hold --connections 18000 --channels 1 --publish-rate 0 --out "$out/second.json" 2>"$out/gen.log" >/dev/null & genpid=$!
sleep 1.5
perf record -a -g -F 499 -o "$out/perf.data" -- sleep 5 >/dev/null 2>&1
wait $genpid
kill $n1 $n2 2>/dev/null; wait $n1 $n2 2>/dev/null
if [ "$subject" = ours-pg ]; then bash scripts/postgres.sh stop "$pg_dir"; fi

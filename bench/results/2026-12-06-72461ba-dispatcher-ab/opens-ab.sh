#!/usr/bin/env bash
# Does the dispatcher's lock cost stream opens? 20,000 anonymous streams opened on two ServerHost nodes on a
# durable PostgreSQL (the hold scenario of bench/run.sh without the rest of its run), alternately with the code at
# 72461ba ("base") and with lock-free-add.patch applied ("new"), RUNS pairs, each into <out>/<base|new>-<n>/.
# Run on the quiet machine under flock /tmp/machine.lock as
#   bench/results/2026-12-06-72461ba-dispatcher-ab/opens-ab.sh <out>            (RUNS="1 2 3" then RUNS="4 5 6 7")
# python3 gen-ab.py in this folder prints the table in bench/RESULTS.md from the hold.json files.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../../.." && pwd)
out=${1:?usage: opens-ab.sh <output folder>}
mkdir -p "$out"
build() { # <worktree> [patch]
  rm -rf "$1"; git -C "$repo" worktree add -f "$1" 72461ba -q
  [ -n "${2:-}" ] && git -C "$1" apply "$2"
  dotnet build -c Release "$1/bench/ServerHost" -v q >/dev/null
  dotnet build -c Release "$1/bench/LoadGenerator" -v q >/dev/null
}
build /tmp/dispatcher-ab-base
build /tmp/dispatcher-ab-new "$here/lock-free-add.patch"
one() { # <tree> <folder>
  local tree=$1 dir=$2
  mkdir -p "$dir"
  cd "$tree"
  source scripts/ports.sh
  eval "$(bash scripts/postgres.sh start --durable)"
  local pg_dir=$SERVER_EVENTS_TEST_PGDIR bin=$tree/bench/ServerHost/bin/Release/net10.0 p1 p2 n1 n2 pgpid
  p1=$(free_port); p2=$(free_port)
  export ServerEvents__Cluster__Provider=Postgres ConnectionStrings__Postgres="$SERVER_EVENTS_TEST_POSTGRES"
  dotnet $bin/ServerHost.dll --contentRoot $bin --urls http://127.0.0.1:$p1 >"$dir/n1.log" 2>&1 & n1=$!
  dotnet $bin/ServerHost.dll --contentRoot $bin --urls http://127.0.0.1:$p2 >"$dir/n2.log" 2>&1 & n2=$!
  wait_for_port $p1; wait_for_port $p2
  pgpid=$(head -n 1 "$pg_dir/data/postmaster.pid")
  local gen=bench/LoadGenerator/bin/Release/net10.0/LoadGenerator
  local common=(--subject ours-pg --ports "$p1,$p2" --server-pids "$pgpid,$n1,$n2" --workers 3 --settle 2 --connect-rate 0 --open-timeout 10)
  $gen run "${common[@]}" --scenario warmup --connections 500 --channels 10 --publish-rate 50 --duration 3 --settle 0 >/dev/null
  $gen run "${common[@]}" --scenario hold --connections 20000 --channels 1 --publish-rate 0 --out "$dir/hold.json" 2>"$dir/gen.log" >/dev/null
  kill $n1 $n2; wait $n1 $n2 2>/dev/null
  bash scripts/postgres.sh stop "$pg_dir"
}
for i in ${RUNS:-1 2 3}; do
  one /tmp/dispatcher-ab-base "$out/base-$i"
  one /tmp/dispatcher-ab-new "$out/new-$i"
done

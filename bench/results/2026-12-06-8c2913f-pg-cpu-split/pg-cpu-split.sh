#!/usr/bin/env bash
# Where the CPU of ours-pg goes at 1,000 publishes/s: two ServerHost nodes on a durable PostgreSQL
# (scripts/postgres.sh start --durable), the warm-up and many-channel scenario of bench/run.sh (10,000 streams,
# 1,000 channels, 1,000 publishes/s for 30 s). With PGPS=1 it reads every PostgreSQL process's CPU
# (/proc/<pid>/stat, utime+stime) 5 s after the streams are live and 20 s later, and what each backend was
# running (pg_stat_activity); with TRACE=1 it also takes a 10 s dotnet-trace sample of each node.
# EXTRA_CS is appended to the nodes' connection string.
#
# The three folders beside this script, at 8c2913f, under flock /tmp/machine.lock on the quiet machine:
#   PGPS=1 bench/results/2026-12-06-8c2913f-pg-cpu-split/pg-cpu-split.sh <folder>/default
#   EXTRA_CS=";Max Auto Prepare=32" PGPS=1 ... <folder>/auto-prepare
#   EXTRA_CS=";Max Auto Prepare=32;No Reset On Close=true" PGPS=1 ... <folder>/auto-prepare-no-reset
# (517ccba makes the last one the tier's default.) python3 gen-pg.py in bench/results/2026-12-06-517ccba-full
# prints the table in bench/RESULTS.md from them.
set -uo pipefail
cd "$(dirname "$0")/../../.."
out=${1:?usage: pg-cpu-split.sh <output folder>}
mkdir -p "$out"
source scripts/ports.sh
eval "$(bash scripts/postgres.sh start --durable)"
pg_dir=$SERVER_EVENTS_TEST_PGDIR
bin=$(pwd)/bench/ServerHost/bin/Release/net10.0
p1=$(free_port); p2=$(free_port)
export ServerEvents__Cluster__Provider=Postgres ConnectionStrings__Postgres="$SERVER_EVENTS_TEST_POSTGRES${EXTRA_CS:-}"
dotnet $bin/ServerHost.dll --contentRoot $bin --urls http://127.0.0.1:$p1 >"$out/n1.log" 2>&1 & n1=$!
dotnet $bin/ServerHost.dll --contentRoot $bin --urls http://127.0.0.1:$p2 >"$out/n2.log" 2>&1 & n2=$!
wait_for_port $p1; wait_for_port $p2
pgpid=$(head -n 1 "$pg_dir/data/postmaster.pid")
gen=bench/LoadGenerator/bin/Release/net10.0/LoadGenerator
common=(--subject ours-pg --ports "$p1,$p2" --server-pids "$pgpid,$n1,$n2" --workers 3 --settle 2 --connect-rate 0 --open-timeout 10)
$gen run "${common[@]}" --scenario warmup --connections 500 --channels 10 --publish-rate 50 --duration 3 --settle 0 >/dev/null
ticks() { awk '{print $14+$15}' /proc/$1/stat 2>/dev/null || echo 0; }
pgticks() { local t=0; for p in $(pgrep -u postgres); do t=$((t + $(ticks $p))); done; echo $t; }
( while kill -0 $n1 2>/dev/null; do echo "$(date +%s.%N) $(ticks $n1) $(ticks $n2) $(pgticks)"; sleep 5; done ) > "$out/cpu.txt" & sampler=$!
$gen run "${common[@]}" --scenario channels --connections 10000 --channels 1000 --publish-rate 1000 --duration 30 --out "$out/channels.json" 2>"$out/gen.log" >/dev/null & genpid=$!
if [ "${TRACE:-0}" = 1 ]; then
  for _ in $(seq 1 240); do grep -q "streams live" "$out/gen.log" 2>/dev/null && break; sleep 0.5; done
  sleep 5
  ~/.dotnet/tools/dotnet-trace collect -p $n1 --profile dotnet-common,dotnet-sampled-thread-time --duration 00:00:00:10 -o "$out/n1.nettrace" >/dev/null 2>&1 &
  ~/.dotnet/tools/dotnet-trace collect -p $n2 --profile dotnet-common,dotnet-sampled-thread-time --duration 00:00:00:10 -o "$out/n2.nettrace" >/dev/null 2>&1 &
fi
if [ "${PGPS:-0}" = 1 ]; then
  for _ in $(seq 1 240); do grep -q "streams live" "$out/gen.log" 2>/dev/null && break; sleep 0.5; done
  sleep 5
  for p in $(pgrep -u postgres); do echo "$p $(ticks $p) $(tr '\0' ' ' </proc/$p/cmdline | cut -c1-80)"; done > "$out/pg-a.txt"
  port=$(sed -n 4p "$pg_dir/data/postmaster.pid")
  runuser -u postgres -- $(ls -d /usr/lib/postgresql/*/bin | tail -1)/psql -h "$pg_dir/socket" -p "$port" -U postgres -d server_events_test -At -c "select pid, left(query, 60) from pg_stat_activity" > "$out/activity.txt" 2>&1
  sleep 20
  for p in $(pgrep -u postgres); do echo "$p $(ticks $p) $(tr '\0' ' ' </proc/$p/cmdline | cut -c1-80)"; done > "$out/pg-b.txt"
fi
wait $genpid
sleep 2
bash scripts/postgres.sh statements "$pg_dir" >"$out/statements.txt" 2>&1 || true
kill $n1 $n2; wait $n1 $n2 2>/dev/null
kill $sampler 2>/dev/null
bash scripts/postgres.sh stop "$pg_dir"

#!/usr/bin/env bash
# The soak: one embedded node (bench/ServerHost, with the library's own IdleTimeout of 30 s and heartbeat interval
# of 10 s) holds N streams for a long time while every stream heartbeats as a ServiceStack client does and messages
# are published to its channels. The node's resident memory and open file descriptors are sampled once a minute;
# at the end the generator's report says whether every stream is still open and received every message.
#
#   bench/soak.sh                                   # 19,000 streams, 30 minutes; results in bench/results/<date>-soak
#   bench/soak.sh --connections 2000 --minutes 3    # a quick look
#
# Options (defaults in brackets):
#   --connections N   streams held [19000]; one process may hold at most 19,000 (its open-file limit is 20,000)
#   --channels N      channels they are spread over [1000]
#   --rate R          messages published per second over all channels, round-robin [100]
#   --minutes M       minutes of publishing [30]
#   --workers K       generator processes [3]
#   --out DIR         where the samples, the report and the summary go [bench/results/<UTC date>-soak]
#
# Verdicts (summary.md): memory flat (no sample after minute 5 more than 5 % above minute 5's), no descriptor leak
# (the last sample at most 1 % above minute 1's, and 10 s after the streams closed at most max(64, 1 % of the
# streams) more than before they opened: the runtime opens a few of its own meanwhile), every stream still open,
# every heartbeat accepted and every message delivered.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

connections=19000
channels=1000
rate=100
minutes=30
workers=3
out="bench/results/$(date -u +%Y-%m-%d)-soak"
while [ $# -gt 0 ]; do
  case "$1" in
    --connections) connections=$2; shift 2 ;;
    --channels) channels=$2; shift 2 ;;
    --rate) rate=$2; shift 2 ;;
    --minutes) minutes=$2; shift 2 ;;
    --workers) workers=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
mkdir -p "$out"

for project in LoadGenerator ServerHost; do
  dotnet build "bench/$project/$project.csproj" -c Release -nologo -v quiet >"$out/build-$project.log" 2>&1 || { cat "$out/build-$project.log"; exit 1; }
done
bin() { echo "$root/bench/$1/bin/Release/net10.0"; }
source scripts/ports.sh

port=$(free_port)
ServerEvents__IdleTimeout=00:00:30 ServerEvents__HeartbeatInterval=00:00:10 \
  dotnet "$(bin ServerHost)/ServerHost.dll" --contentRoot "$(bin ServerHost)" --urls "http://127.0.0.1:$port" >"$out/server.log" 2>&1 &
server=$!
sampler=""
cleanup() {
  [ -n "$sampler" ] && kill "$sampler" 2>/dev/null || true
  kill "$server" 2>/dev/null || true
  wait "$server" 2>/dev/null || true
}
trap cleanup EXIT
wait_for_port "$port"

{
  echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo), kernel $(uname -r), $(dotnet --version) SDK"
  echo "command: bench/soak.sh --connections $connections --channels $channels --rate $rate --minutes $minutes --workers $workers"
  echo "started: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
} | tee "$out/machine.txt"

# The node's resident memory (KB), open descriptors and threads, as one CSV row after the label.
measure() {
  echo "$1,$(awk '/^VmRSS/ {print $2}' "/proc/$server/status"),$(ls "/proc/$server/fd" | wc -l),$(awk '/^Threads/ {print $2}' "/proc/$server/status")"
}
echo "when,rss_kb,fds,threads" >"$out/before-after.csv"
measure before >>"$out/before-after.csv"

# One sample a minute from when the generator reports every stream live (publishing starts then).
sample() {
  until grep -q "streams live" "$out/generator.log" 2>/dev/null; do sleep 1; done
  echo "minute,rss_kb,fds,threads" >"$out/samples.csv"
  local minute=0
  while kill -0 "$server" 2>/dev/null; do
    measure "$minute" >>"$out/samples.csv"
    minute=$((minute + 1))
    sleep 60
  done
}
sample &
sampler=$!

"$(bin LoadGenerator)/LoadGenerator" run --subject ours --scenario soak --ports "$port" --server-pids "$server" \
  --connections "$connections" --channels "$channels" --workers "$workers" --publish-rate "$rate" \
  --duration $((minutes * 60)) --open-timeout 60 --heartbeat --out "$out/soak-ours.json" 2>&1 | tee "$out/generator.log"

# The generator has closed its streams: once the node has seen them go, its descriptors are back to before.
kill "$sampler" 2>/dev/null || true
wait "$sampler" 2>/dev/null || true
sampler=""
sleep 10
measure after >>"$out/before-after.csv"
python3 - "$out" "$connections" <<'EOF' | tee "$out/summary.md"
import csv, json, sys
out, connections = sys.argv[1], int(sys.argv[2])
rows = [{k: int(v) for k, v in r.items()} for r in csv.DictReader(open(f"{out}/samples.csv"))]
run = json.load(open(f"{out}/soak-ours.json"))
by_minute = {r["minute"]: r for r in rows}
# Minute 5 once the run is that long; a shorter run compares with its first sample.
base = by_minute.get(5, rows[0])
late = [r for r in rows if r["minute"] >= base["minute"]]
peak = max(late, key=lambda r: r["rss_kb"])
growth = peak["rss_kb"] / base["rss_kb"] - 1
first_fds = by_minute.get(1, rows[0])["fds"]
fd_growth = rows[-1]["fds"] / first_fds - 1
edges = {r["when"]: r for r in csv.DictReader(open(f"{out}/before-after.csv"))}
before_fds, after_fds = int(edges["before"]["fds"]), int(edges["after"]["fds"])
def verdict(ok): return "**met**" if ok else "**missed**"
print(f"| figure | result | verdict |")
print(f"|---|---|---|")
print(f"| streams held at the end | {run['held']} of {connections} (opened {run['opened']}, failed {run['failed']}) | {verdict(run['held'] == connections)} |")
print(f"| messages delivered | {run['delivered']:,} of {run['expected']:,} expected ({run['published']:,} published, {run['publishErrors']} publish errors) | {verdict(run['delivered'] >= run['expected'] and run['expected'] > 0)} |")
print(f"| heartbeats | {run['heartbeats']:,} accepted, {run['heartbeatFailures']:,} failed | {verdict(run['heartbeatFailures'] == 0 and run['heartbeats'] > 0)} |")
print(f"| resident memory | {base['rss_kb'] / 1024:.1f} MiB at minute {base['minute']}, peak {peak['rss_kb'] / 1024:.1f} MiB at minute {peak['minute']} ({growth * 100:+.1f} %), {rows[-1]['rss_kb'] / 1024:.1f} MiB at the end | {verdict(growth <= 0.05)} |")
print(f"| open file descriptors | {first_fds} at minute {by_minute.get(1, rows[0])['minute']}, {rows[-1]['fds']} at minute {rows[-1]['minute']} ({fd_growth * 100:+.2f} %); {before_fds} before the streams opened, {after_fds} 10 s after they closed | {verdict(fd_growth <= 0.01 and after_fds <= before_fds + max(64, connections // 100))} |")
print(f"| latency p50 / p99 / p99.9 | {run['p50Ms']:.1f} / {run['p99Ms']:.1f} / {run['p999Ms']:.1f} ms | |")
print(f"| server CPU | {run['serverCpuPercent']:.0f} % of a core | |")
EOF

#!/usr/bin/env bash
# The fan-out figures of each Orleans front-end during a bench/run.sh measurement: waits until the run's log reports
# "<subject>/channels" streams live, waits 3 s, then records the ServerEvents meter of every ServerHost process for
# 20 s with dotnet-counters (installed as a global tool when missing), one CSV per front-end:
# <out>-1.csv, <out>-2.csv. serverevents.fanout.gaps and serverevents.fanout.caught_up say how much of the fan-out
# each front-end had to read from the log instead of taking it from the stream or its observer.
#
#   bench/run.sh ... > run.log & bench/fanout-counters.sh run.log ours-orleans-observers out/channels-ours-orleans-observers-counters
set -euo pipefail
log=$1 subject=$2 out=$3
tool="$HOME/.dotnet/tools/dotnet-counters"
[ -x "$tool" ] || dotnet tool install --global dotnet-counters >&2
until grep -q "\[$subject/channels\] .*streams live" "$log" 2>/dev/null; do sleep 0.5; done
sleep 3
n=0
for pid in $(pgrep -f "ServerHost.dll"); do
  n=$((n + 1))
  "$tool" collect -p "$pid" --counters ServerEvents --format csv -o "$out-$n.csv" --duration 00:00:00:20 --refresh-interval 5 >/dev/null 2>&1 &
done
wait

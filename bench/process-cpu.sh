#!/usr/bin/env bash
# Per-process CPU during a bench/run.sh measurement: waits until the run's log reports the streams of
# "<subject>/channels" live, waits 3 s, then samples utime+stime of the azurite, silo, front-end and generator
# processes from /proc/<pid>/stat over 20 s and writes "% of one core  command line" per process, busiest first.
#
#   bench/run.sh ... > run.log & bench/process-cpu.sh run.log ours-orleans out/channels-ours-orleans-processes.txt
set -euo pipefail
log=$1 subject=$2 out=$3
until grep -q "\[$subject/channels\] .*streams live" "$log" 2>/dev/null; do sleep 0.5; done
sleep 3
declare -A before names
hz=$(getconf CLK_TCK)
for pid in $(pgrep -f "azurite|ServerEvents.Silo.dll|ServerHost.dll|LoadGenerator"); do
  [ -r "/proc/$pid/stat" ] || continue
  read -r -a f <"/proc/$pid/stat"
  before[$pid]=$((f[13] + f[14]))
  names[$pid]=$(tr '\0' ' ' <"/proc/$pid/cmdline" | cut -c1-90)
done
sleep 20
for pid in "${!before[@]}"; do
  [ -r "/proc/$pid/stat" ] || continue
  read -r -a f <"/proc/$pid/stat"
  echo "$(((f[13] + f[14] - before[$pid]) * 100 / hz / 20))% ${names[$pid]}"
done | sort -rn >"$out"

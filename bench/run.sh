#!/usr/bin/env bash
# The side-by-side benchmark: builds the bench projects in Release, installs nginx and nchan when missing,
# then for every scenario starts each subject in turn, warms it up, measures it with bench/LoadGenerator and
# stops it, and finally prints one table with every figure and its ratio to nchan and to the baseline.
#
#   bench/run.sh --subjects "nchan baseline ours ours-pg" --wait-quiet 120   # the full run; about 20 minutes
#   bench/run.sh --connections 2000 --hold 3000 --duration 5
#   bench/run.sh --subjects "ours ours-orleans" --wait-quiet 120   # the Orleans tier beside the embedded one
#   bench/run.sh --scenarios "channels channels-real" --wait-quiet 120   # the realistic scenario beside its stripped-down one
#
# Options (defaults in brackets):
#   --connections N   streams in the fan-out and many-channel scenarios [10000]
#   --hold N          streams in the hold scenario [20000]
#   --channels N      channels in the many-channel scenario [1000]
#   --rate R          fan-out messages per second, a whole number; the many-channel scenario publishes
#                     channels × R [1]
#   --duration S      seconds of publishing per scenario [30]
#   --workers K       generator processes, each under the 20,000 open-file limit [3]
#   --connect-rate R  streams opened per second in total; 0 for as fast as 64 pending opens per worker allow [0]
#   --subjects LIST   which subjects, in order: nchan, baseline, ours, ours-pg (two nodes on a durable PostgreSQL,
#                     fsync and synchronous_commit on as Azure runs it, started with scripts/postgres.sh --durable),
#                     ours-pg-fast (the same on fsync=off, synchronous_commit=off), ours-orleans (two front-ends
#                     and --silos silos on Azurite, started with scripts/azurite.sh), ours-orleans-early (the same
#                     with ServerEvents:Cluster:Orleans:FanOut=BeforeCommit) and ours-orleans-observers (early, with
#                     ServerEvents:Cluster:Orleans:FanOutTransport=Observers, and the silos' stream agent polling at
#                     Orleans' default 100 ms, since the stream then carries nothing) ["nchan baseline ours"]
#   --silos N         silos of the ours-orleans subject [1]
#   --open-timeout S  seconds an open may wait for its response head before it counts as failed [10]
#   --scenarios LIST  which scenarios, of fanout, channels, channels-real and hold ["fanout channels hold"];
#                     channels-real is channels with the shipped app's settings for the ours* subjects (join/leave
#                     notices on, the library's 30 s idle timeout) and every stream heartbeating as a ServiceStack
#                     client does; nchan and baseline run it as channels (they have no heartbeat)
#   --out DIR         keep the JSON results (<scenario>-<subject>.json), table.md and the logs there
#                     [bench/results/<UTC date>-<short commit>, with -2, -3, … when that already exists]
#   --no-warmup       skip the small warm-up run before each measurement (the smoke run does)
#   --settle S        seconds between the last warm-up message and reading memory [2]
#   --gc-trace        trace the garbage collections of every .NET server process during each measurement
#                     (dotnet-trace --profile gc-collect, installed as a global tool when missing) and write
#                     <scenario>-<subject>-gc.md beside the results: each collection's pause and what it spent
#                     (bench/GcPauses)
#   --wait-quiet S    before each measurement, wait up to S seconds until the machine is under 25% busy;
#                     the table's "other processes" rows show what other work still ran [0]
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

connections=10000
hold=20000
channels=1000
rate=1
duration=30
workers=3
subjects="nchan baseline ours"
scenarios="fanout channels hold"
out=""
warmup=1
settle=2
wait_quiet=0
gc_trace=0
connect_rate=0
silos=1
open_timeout=10
while [ $# -gt 0 ]; do
  case "$1" in
    --connections) connections=$2; shift 2 ;;
    --hold) hold=$2; shift 2 ;;
    --channels) channels=$2; shift 2 ;;
    --rate) rate=$2; shift 2 ;;
    --duration) duration=$2; shift 2 ;;
    --workers) workers=$2; shift 2 ;;
    --connect-rate) connect_rate=$2; shift 2 ;;
    --silos) silos=$2; shift 2 ;;
    --open-timeout) open_timeout=$2; shift 2 ;;
    --subjects) subjects=$2; shift 2 ;;
    --scenarios) scenarios=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --no-warmup) warmup=0; shift ;;
    --settle) settle=$2; shift 2 ;;
    --wait-quiet) wait_quiet=$2; shift 2 ;;
    --gc-trace) gc_trace=1; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done

if [ -z "$out" ]; then
  # A fresh folder per run: the table reads every result in it, so two runs must not share one.
  out="$root/bench/results/$(date -u +%Y-%m-%d)-$(git rev-parse --short HEAD)"
  n=1
  base=$out
  while [ -e "$out" ]; do
    n=$((n + 1))
    out="$base-$n"
  done
fi
mkdir -p "$out"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

# ---------------------------------------------------------------------------------------------- setup
if [[ " $subjects " == *" nchan "* ]] && { ! command -v nginx >/dev/null 2>&1 || [ ! -f /usr/lib/nginx/modules/ngx_nchan_module.so ]; }; then
  echo "== installing nginx and libnginx-mod-nchan with apt-get"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx libnginx-mod-nchan >/dev/null
fi

echo "== building (Release)"
projects="LoadGenerator Baseline ServerHost"
if [ "$gc_trace" = 1 ]; then
  projects+=" GcPauses"
  export PATH="$PATH:$HOME/.dotnet/tools"
  if ! command -v dotnet-trace >/dev/null 2>&1; then
    echo "== installing dotnet-trace (a .NET global tool)"
    dotnet tool install -g dotnet-trace >/dev/null
  fi
fi
for project in $projects; do
  if ! dotnet build "bench/$project/$project.csproj" -c Release -nologo -v quiet >"$out/build-$project.log" 2>&1; then
    cat "$out/build-$project.log"
    exit 1
  fi
done
if [[ " $subjects " == *" ours-orleans"* ]] && ! dotnet build src/Silo/Silo.csproj -c Release -nologo -v quiet >"$out/build-Silo.log" 2>&1; then
  cat "$out/build-Silo.log"
  exit 1
fi
bin() { echo "$root/bench/$1/bin/Release/net10.0"; }
silo_bin="$root/src/Silo/bin/Release/net10.0"

# Busy share of all cores over 3 seconds, in percent, from /proc/stat.
machine_busy() {
  local a b
  a=$(awk '/^cpu / {print $2+$3+$4+$7+$8+$9, $2+$3+$4+$5+$6+$7+$8+$9}' /proc/stat)
  sleep 3
  b=$(awk '/^cpu / {print $2+$3+$4+$7+$8+$9, $2+$3+$4+$5+$6+$7+$8+$9}' /proc/stat)
  echo "$a $b" | awk '{printf "%d", 100 * ($3 - $1) / ($4 - $2)}'
}

generator="$(bin LoadGenerator)/LoadGenerator"

{
  echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo), kernel $(uname -r), $(dotnet --version) SDK, $(nginx -v 2>&1 | sed 's/.*: //') + nchan $(dpkg-query -W -f='${Version}' libnginx-mod-nchan 2>/dev/null || echo '?')"
  echo "commit: $(git rev-parse HEAD)$(git diff --quiet HEAD -- . 2>/dev/null || echo ' with uncommitted changes')"
  echo "command: bench/run.sh --connections $connections --hold $hold --channels $channels --rate $rate --duration $duration --workers $workers --connect-rate $connect_rate --open-timeout $open_timeout --silos $silos --subjects \"$subjects\" --scenarios \"$scenarios\""
  echo "machine busy before the run: $(machine_busy)% of all cores"
} | tee "$out/machine.txt"

# ---------------------------------------------------------------------------------------------- subjects
source scripts/ports.sh

# A started subject: the processes to stop, the processes to measure (comma-separated, with descendants), the
# ports its streams are spread over (publishing goes to the first), and its temporary directories.
started=()
server_pids=""
ports=""
server_args=()
nginx_prefix=""
pg_dir=""
azurite_dir=""
start_dotnet() {
  local project=$1 port=$2 log=$3
  dotnet "$(bin "$project")/$project.dll" --contentRoot "$(bin "$project")" --urls "http://127.0.0.1:$port" "${server_args[@]}" >"$log" 2>&1 &
  started+=($!)
  # A cluster node listens only once it has joined its cluster, which on a loaded machine can outlast one wait.
  for _ in 1 2 3 4; do
    if wait_for_port "$port" 2>/dev/null; then
      return 0
    fi
  done
  cat "$log" >&2
  echo "nothing listens on port $port after 120 s" >&2
  return 1
}

# Starts a silo of the ours-orleans subject on free ports and waits until it is an active member of the cluster.
start_silo() {
  local log=$1 http
  http=$(free_port)
  Orleans__AdvertisedIPAddress=127.0.0.1 Orleans__SiloPort=$(free_port) Orleans__GatewayPort=$(free_port) \
    dotnet "$silo_bin/ServerEvents.Silo.dll" --contentRoot "$silo_bin" --urls "http://127.0.0.1:$http" >"$log" 2>&1 &
  started+=($!)
  for _ in $(seq 1 600); do
    if curl -fs "http://127.0.0.1:$http/health/ready" >/dev/null 2>&1; then
      return 0
    fi
    sleep 0.2
  done
  cat "$log" >&2
  echo "the silo on :$http was not ready after 120 s" >&2
  return 1
}

start_subject() {
  local subject=$1 port second
  port=$(free_port)
  ports=$port
  case "$subject" in
    ours) start_dotnet ServerHost "$port" "$out/$subject.log" ;;
    baseline) start_dotnet Baseline "$port" "$out/$subject.log" ;;
    nchan)
      nginx_prefix=$(mktemp -d /tmp/server-events-nchan.XXXXXX)
      sed "s/@PORT@/$port/" bench/nchan/nginx.conf >"$nginx_prefix/nginx.conf"
      nginx -p "$nginx_prefix" -c nginx.conf >"$out/$subject.log" 2>&1 &
      started+=($!)
      wait_for_port "$port"
      ;;
    ours-pg | ours-pg-fast)
      # Two nodes on a fresh PostgreSQL, whose processes are measured with theirs: the tier's cost is the cluster's.
      eval "$(bash scripts/postgres.sh start $([ "$subject" = ours-pg ] && echo --durable))"
      pg_dir=$SERVER_EVENTS_TEST_PGDIR
      second=$(free_port)
      ports="$port,$second"
      export ServerEvents__Cluster__Provider=Postgres ConnectionStrings__Postgres=$SERVER_EVENTS_TEST_POSTGRES
      start_dotnet ServerHost "$port" "$out/$subject-1.log"
      start_dotnet ServerHost "$second" "$out/$subject-2.log"
      unset ServerEvents__Cluster__Provider ConnectionStrings__Postgres
      server_pids="$(head -n 1 "$pg_dir/data/postmaster.pid"),"
      ;;
    ours-orleans | ours-orleans-early | ours-orleans-observers)
      # Silos, then two front-ends, on a fresh Azurite, whose process is measured with theirs as PostgreSQL is with
      # ours-pg. Logging at Warning, as ServerHost's appsettings.json sets it for the front-ends.
      eval "$(bash scripts/azurite.sh start)"
      azurite_dir=$SERVER_EVENTS_TEST_AZURITE_DIR
      second=$(free_port)
      ports="$port,$second"
      export ConnectionStrings__AzureStorage=$SERVER_EVENTS_TEST_AZURITE Orleans__ClusterId="bench-$RANDOM$RANDOM" \
        Logging__LogLevel__Default=Warning
      export Orleans__ServiceId=$Orleans__ClusterId
      # With observers the stream carries nothing while the front-ends are registered, so its agent need not poll
      # every 5 ms (13 % of an idle silo's core).
      export Orleans__FanOutPollPeriod=$([ "$subject" = ours-orleans-observers ] && echo 00:00:00.100 || echo 00:00:00.005)
      for n in $(seq 1 "$silos"); do
        start_silo "$out/$scenario-$subject-silo-$n.log"
      done
      export ServerEvents__Cluster__Provider=Orleans
      export ServerEvents__Cluster__Orleans__FanOut=$([ "$subject" = ours-orleans ] && echo AfterCommit || echo BeforeCommit)
      export ServerEvents__Cluster__Orleans__FanOutTransport=$([ "$subject" = ours-orleans-observers ] && echo Observers || echo Streams)
      start_dotnet ServerHost "$port" "$out/$scenario-$subject-1.log"
      start_dotnet ServerHost "$second" "$out/$scenario-$subject-2.log"
      unset ServerEvents__Cluster__Provider ServerEvents__Cluster__Orleans__FanOut ServerEvents__Cluster__Orleans__FanOutTransport \
        ConnectionStrings__AzureStorage Orleans__ClusterId Orleans__ServiceId Orleans__FanOutPollPeriod Logging__LogLevel__Default
      server_pids="$SERVER_EVENTS_TEST_AZURITE_PID,"
      ;;
    *) echo "unknown subject $subject" >&2; return 2 ;;
  esac
  server_pids+=$(IFS=,; echo "${started[*]}")
}

stop_subject() {
  local i pid
  # Last started first: front-ends before the silos their subscribers leave through.
  for ((i = ${#started[@]} - 1; i >= 0; i--)); do
    pid=${started[$i]}
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  started=()
  server_pids=""
  if [ -n "$nginx_prefix" ]; then
    rm -rf "$nginx_prefix"
    nginx_prefix=""
  fi
  if [ -n "$pg_dir" ]; then
    bash scripts/postgres.sh statements "$pg_dir" >"$out/${scenario:-none}-$subject-statements.txt" 2>&1 || true
    bash scripts/postgres.sh stop "$pg_dir"
    pg_dir=""
  fi
  if [ -n "$azurite_dir" ]; then
    bash scripts/azurite.sh stop "$azurite_dir"
    azurite_dir=""
  fi
}
trap stop_subject EXIT

# ---------------------------------------------------------------------------------------------- scenarios
# Both publishing scenarios deliver connections × rate messages per second: the many-channel one publishes
# channels × rate messages per second, round-robin, each reaching connections / channels streams.
scenario_args() {
  case "$1" in
    fanout) echo "--connections $connections --channels 1 --publish-rate $rate --duration $duration" ;;
    channels | channels-real) echo "--connections $connections --channels $channels --publish-rate $((channels * rate)) --duration $duration" ;;
    hold) echo "--connections $hold --channels 1 --publish-rate 0" ;;
    *) echo "unknown scenario $1" >&2; return 2 ;;
  esac
}

# Builds and tests of other sessions compete for the 2 cores; the "other processes" rows show what remained.
wait_for_quiet() {
  local waited=0 busy
  while [ "$waited" -lt "$wait_quiet" ]; do
    busy=$(machine_busy)
    if [ "$busy" -lt 25 ]; then
      return 0
    fi
    echo "   machine ${busy}% busy; waiting"
    sleep 7
    waited=$((waited + 10))
  done
}

# --gc-trace: one trace per .NET process of the subject (front-ends, nodes and silos; not nginx or a database),
# started once the warm-up is over so that it covers the measurement; each ends when its process stops.
gc_traces=()
gc_tracers=()
gc_processes=()
start_gc_traces() {
  local pid trace command
  gc_traces=()
  gc_tracers=()
  gc_processes=()
  for pid in "${started[@]}"; do
    command=$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null || true)
    if [[ "$command" != dotnet* ]]; then
      continue
    fi
    gc_processes+=("$(echo "$command" | grep -o '[A-Za-z.]*\.dll' | head -n 1) (pid $pid)")
    trace="$out/$scenario-$subject-$((${#gc_traces[@]} + 1)).nettrace"
    dotnet-trace collect -p "$pid" --profile gc-collect -o "$trace" >"$trace.log" 2>&1 &
    gc_tracers+=($!)
    gc_traces+=("$trace")
  done
  # A session counts from when the runtime accepted it, which is when the file appears.
  for trace in "${gc_traces[@]}"; do
    for _ in $(seq 1 100); do
      [ -s "$trace" ] && break
      sleep 0.1
    done
  done
}

report_gc_traces() {
  local i pid trace report="$out/$scenario-$subject-gc.md"
  for pid in "${gc_tracers[@]}"; do
    wait "$pid" 2>/dev/null || true
  done
  : >"$report"
  for i in "${!gc_traces[@]}"; do
    trace=${gc_traces[$i]}
    {
      echo "### $(basename "$trace" .nettrace): ${gc_processes[$i]}"
      echo
      "$(bin GcPauses)/GcPauses" "$trace"
      echo
    } >>"$report"
    rm -f "$trace.log"
  done
}

# channels-real runs the ours* subjects as the shipped app does (src/Api/appsettings.json: join/leave notices on, the
# library's default 30 s idle timeout, which ServerHost's appsettings.json turns off and lengthens), overridden on
# ServerHost's command line, and makes every stream heartbeat as a ServiceStack client does. nchan and the baseline
# have no notices and send no onConnect (nothing to heartbeat), so they run it exactly as channels.
realistic_settings=(ServerEvents:NotifyChannelOfSubscriptions=true ServerEvents:IdleTimeout=00:00:30)

for scenario in $scenarios; do
  for subject in $subjects; do
    echo "== $scenario: $subject"
    realistic=()
    server_args=()
    if [ "$scenario" = channels-real ] && [[ "$subject" == ours* ]]; then
      realistic=(--heartbeat --server-settings "${realistic_settings[*]}")
      server_args=("${realistic_settings[@]/#/--}")
    fi
    start_subject "$subject"
    common=(--subject "$subject" --ports "$ports" --server-pids "$server_pids" --workers "$workers" --settle "$settle" --connect-rate "$connect_rate" --open-timeout "$open_timeout" "${realistic[@]}")
    if [ "$warmup" = 1 ]; then
      # JIT, thread pool and buffer pools warm up on a small load first, so the measurement sees steady state.
      "$generator" run "${common[@]}" --scenario warmup --connections 500 --channels 10 --publish-rate 50 --duration 3 --settle 0 >/dev/null
    fi
    wait_for_quiet
    if [ "$gc_trace" = 1 ]; then
      start_gc_traces
    fi
    # shellcheck disable=SC2046 # scenario_args is a list of options
    "$generator" run "${common[@]}" --scenario "$scenario" $(scenario_args "$scenario") --out "$out/$scenario-$subject.json" >/dev/null
    stop_subject
    if [ "$gc_trace" = 1 ]; then
      report_gc_traces
    fi
  done
done

# ---------------------------------------------------------------------------------------------- report
echo
"$generator" table "$out"/*-*.json | tee "$out/table.md"
echo
echo "results: $out"
"$generator" check "$out"/*-*.json || true

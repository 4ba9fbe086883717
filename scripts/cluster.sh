#!/usr/bin/env bash
# Runs a cluster of front-ends on one machine, locally, until Ctrl-C:
#
#   scripts/cluster.sh            # three front-ends on one PostgreSQL: http://127.0.0.1:5001, :5002 and :5003
#   scripts/cluster.sh --orleans  # Azurite, two silos (health on :5101 and :5102) and three front-ends on :5001-:5003
#
# PostgreSQL mode uses the database in ConnectionStrings__Postgres when it is set; otherwise it starts a
# throw-away PostgreSQL (scripts/postgres.sh, which installs it when missing) and deletes it on exit.
# Orleans mode uses the storage account in ConnectionStrings__AzureStorage when it is set; otherwise it starts a
# throw-away Azurite (scripts/azurite.sh, which installs it from npm when missing) and deletes it on exit. The
# silos listen on 127.0.0.1 (silo ports 11111-11112, gateways 30000-30001) and form the cluster
# Orleans__ClusterId (default server-events-dev) through Azure Table storage; the front-ends find them there.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
mode=postgres
case "${1:-}" in
  "") ;;
  --orleans) mode=orleans ;;
  *)
    echo "usage: $0 [--orleans]" >&2
    exit 2
    ;;
esac
ports=(5001 5002 5003)
pids=()
silo_pids=()
pg_dir=
azurite_dir=

stop_all() {
  # Front-ends first, so that their subscribers leave through silos that are still there.
  for group in pids silo_pids; do
    local -n members=$group
    for pid in "${members[@]}"; do
      kill -TERM "$pid" 2>/dev/null || true
    done
    for pid in "${members[@]}"; do
      wait "$pid" 2>/dev/null || true
    done
  done
  if [ -n "$pg_dir" ]; then
    bash "$root/scripts/postgres.sh" stop "$pg_dir"
  fi
  if [ -n "$azurite_dir" ]; then
    bash "$root/scripts/azurite.sh" stop "$azurite_dir"
  fi
}
trap stop_all EXIT
trap 'exit 0' INT TERM

# Starts a process in the background with its output prefixed by $1; not a pipeline, so that $! is the process
# itself (stopped with SIGTERM: background jobs ignore Ctrl-C's SIGINT).
run() {
  local label=$1
  shift
  "$@" > >(sed -u "s/^/[$label] /") 2>&1 &
  pids+=($!)
}

wait_ready() {
  local label=$1 port=$2
  for _ in $(seq 1 300); do
    if curl -fs "http://127.0.0.1:$port/health/ready" >/dev/null 2>&1; then
      echo "== $label ready: http://127.0.0.1:$port"
      return 0
    fi
    sleep 0.2
  done
  echo "!! $label on :$port was not ready after 60 s" >&2
}

if [ "$mode" = postgres ]; then
  if [ -z "${ConnectionStrings__Postgres:-}" ]; then
    pg_env=$(bash scripts/postgres.sh start)
    eval "$pg_env"
    pg_dir=$SERVER_EVENTS_TEST_PGDIR
    export ConnectionStrings__Postgres=$SERVER_EVENTS_TEST_POSTGRES
  fi
  export ServerEvents__Cluster__Provider=Postgres
else
  if [ -z "${ConnectionStrings__AzureStorage:-}" ]; then
    azurite_env=$(bash scripts/azurite.sh start)
    eval "$azurite_env"
    azurite_dir=$SERVER_EVENTS_TEST_AZURITE_DIR
    export ConnectionStrings__AzureStorage=$SERVER_EVENTS_TEST_AZURITE
  fi

  echo "== building src/Silo (Release)"
  dotnet build src/Silo -c Release -nologo -v quiet
  silo_http=(5101 5102)
  for i in 0 1; do
    run "silo :${silo_http[$i]}" env Orleans__AdvertisedIPAddress=127.0.0.1 Orleans__SiloPort=$((11111 + i)) Orleans__GatewayPort=$((30000 + i)) \
      dotnet src/Silo/bin/Release/net10.0/ServerEvents.Silo.dll --urls "http://127.0.0.1:${silo_http[$i]}"
  done
  silo_pids=("${pids[@]}")
  pids=()
  for port in "${silo_http[@]}"; do
    wait_ready silo "$port"
  done
  export ServerEvents__Cluster__Provider=Orleans
fi

echo "== building src/Api (Release)"
dotnet build src/Api -c Release -nologo -v quiet

for port in "${ports[@]}"; do
  run "node :$port" dotnet src/Api/bin/Release/net10.0/ServerEvents.Api.dll --urls "http://127.0.0.1:$port"
done

for port in "${ports[@]}"; do
  wait_ready node "$port"
done

echo "== three front-ends share one cluster ($mode); open a stream on one and publish through another. Ctrl-C stops them."
wait

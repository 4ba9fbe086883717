#!/usr/bin/env bash
# Runs three front-end nodes on one PostgreSQL, locally, until Ctrl-C:
#
#   scripts/cluster.sh            # nodes on http://127.0.0.1:5001, :5002 and :5003
#
# Uses the database in ConnectionStrings__Postgres when it is set; otherwise starts a throw-away PostgreSQL
# (scripts/postgres.sh, which installs it when missing) and deletes it on exit.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
ports=(5001 5002 5003)
pids=()
pg_dir=

stop_all() {
  for pid in "${pids[@]}"; do
    kill -TERM "$pid" 2>/dev/null || true
  done
  wait 2>/dev/null || true
  if [ -n "$pg_dir" ]; then
    bash "$root/scripts/postgres.sh" stop "$pg_dir"
  fi
}
trap stop_all EXIT
trap 'exit 0' INT TERM

if [ -z "${ConnectionStrings__Postgres:-}" ]; then
  pg_env=$(bash scripts/postgres.sh start)
  eval "$pg_env"
  pg_dir=$SERVER_EVENTS_TEST_PGDIR
  export ConnectionStrings__Postgres=$SERVER_EVENTS_TEST_POSTGRES
fi

echo "== building src/Api (Release)"
dotnet build src/Api -c Release -nologo -v quiet

export ServerEvents__Cluster__Provider=Postgres
for port in "${ports[@]}"; do
  # Not a pipeline, so that $! is the node itself (stopped with SIGTERM: background jobs ignore Ctrl-C's SIGINT).
  dotnet src/Api/bin/Release/net10.0/ServerEvents.Api.dll --urls "http://127.0.0.1:$port" > >(sed -u "s/^/[node :$port] /") 2>&1 &
  pids+=($!)
done

for port in "${ports[@]}"; do
  for _ in $(seq 1 100); do
    if curl -fs "http://127.0.0.1:$port/health/ready" >/dev/null 2>&1; then
      echo "== node ready: http://127.0.0.1:$port"
      break
    fi
    sleep 0.2
  done
done

echo "== three nodes share one cluster; open a stream on one and publish through another. Ctrl-C stops them."
wait

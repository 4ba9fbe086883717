#!/usr/bin/env bash
# A throw-away PostgreSQL for the tests.
#
#   eval "$(scripts/postgres.sh start)"   # installs PostgreSQL when missing, starts it, prints the exports
#   eval "$(scripts/postgres.sh start --durable)"           # fsync, synchronous_commit and full_page_writes on
#   eval "$(scripts/postgres.sh start --max-connections 12)" # a server that refuses the 13th connection
#   scripts/postgres.sh stop "$SERVER_EVENTS_TEST_PGDIR"
#   scripts/postgres.sh statements "$SERVER_EVENTS_TEST_PGDIR"   # the statements that took the most time so far
#
# `start` runs initdb in a new temporary directory as the postgres user (PostgreSQL refuses to run as root),
# starts the server on a free loopback port with its socket in that directory, creates a role and a database
# with password authentication over TCP, and prints on stdout:
#   SERVER_EVENTS_TEST_POSTGRES  an Npgsql connection string
#   SERVER_EVENTS_TEST_PGCTL     a script that restarts the server (pg_ctl restart -m fast), for fault tests
#   SERVER_EVENTS_TEST_PGDIR     the temporary directory, for `stop`
#   SERVER_EVENTS_TEST_PGPORT    the port
# Everything else goes to stderr. `stop` stops the server and deletes the directory.
set -euo pipefail
source "$(dirname "$0")/ports.sh"

find_bin() {
  local dir
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  if [ -n "$dir" ] && [ -x "$dir/initdb" ]; then
    echo "$dir"
  fi
}

start() {
  # The tests' default is fast: durability is not under test, and fsync on a shared disk only slows them. The
  # benchmark runs --durable, as a managed server (Azure) does. --max-connections lets a test exhaust the server.
  local durability="-c fsync=off -c synchronous_commit=off -c full_page_writes=off" max_connections=400
  while [ $# -gt 0 ]; do
    case "$1" in
      --durable) durability="" ;;
      --max-connections) max_connections=$2; shift ;;
      *) echo "unknown option $1" >&2; return 2 ;;
    esac
    shift
  done

  local bin
  bin=$(find_bin)
  if [ -z "$bin" ]; then
    echo "== installing postgresql with apt-get" >&2
    apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
    bin=$(find_bin)
  fi
  if [ -z "$bin" ]; then
    echo "PostgreSQL's initdb was not found in /usr/lib/postgresql/*/bin" >&2
    return 1
  fi

  local dir port password
  dir=$(mktemp -d /tmp/server-events-pg.XXXXXX)
  port=$(free_port)
  password="test-$RANDOM$RANDOM"
  mkdir -p "$dir/socket"
  chown -R postgres:postgres "$dir"
  chmod 700 "$dir"

  as_postgres "$bin/initdb" -D "$dir/data" -U postgres --auth-local=trust --auth-host=scram-sha-256 --encoding=UTF8 --no-sync >"$dir/initdb.log" 2>&1 || {
    cat "$dir/initdb.log" >&2
    return 1
  }

  # The fault tests restart the server with pg_ctl. pg_stat_statements (part of Debian's server package) lets the
  # benchmark say which statements the cluster's time went to.
  as_postgres "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start -o \
    "-p $port -c listen_addresses=127.0.0.1 -k $dir/socket -c max_connections=$max_connections $durability -c shared_preload_libraries=pg_stat_statements" >&2 || {
    cat "$dir/server.log" >&2
    return 1
  }

  as_postgres "$bin/psql" -h "$dir/socket" -p "$port" -U postgres -d postgres -v ON_ERROR_STOP=1 -q >&2 <<SQL
CREATE ROLE server_events LOGIN PASSWORD '$password';
CREATE DATABASE server_events_test OWNER server_events;
SQL

  cat >"$dir/restart.sh" <<SCRIPT
#!/usr/bin/env bash
# Restarts the test PostgreSQL the way an operator would: fast shutdown (every session is terminated), then start.
exec runuser -u postgres -- "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 -m fast restart >/dev/null
SCRIPT
  chmod 755 "$dir/restart.sh"

  echo "export SERVER_EVENTS_TEST_POSTGRES='Host=127.0.0.1;Port=$port;Database=server_events_test;Username=server_events;Password=$password'"
  echo "export SERVER_EVENTS_TEST_PGCTL='$dir/restart.sh'"
  echo "export SERVER_EVENTS_TEST_PGDIR='$dir'"
  echo "export SERVER_EVENTS_TEST_PGPORT='$port'"
  echo "== PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port, data in $dir" >&2
}

stop() {
  local dir=${1:-${SERVER_EVENTS_TEST_PGDIR:-}}
  if [ -z "$dir" ] || [ ! -d "$dir" ]; then
    return 0
  fi
  local bin
  bin=$(find_bin)
  if [ -n "$bin" ] && [ -f "$dir/data/postmaster.pid" ]; then
    as_postgres "$bin/pg_ctl" -D "$dir/data" -w -t 30 -m immediate stop >/dev/null 2>&1 || true
  fi
  rm -rf "$dir"
}

statements() {
  local dir=${1:-${SERVER_EVENTS_TEST_PGDIR:-}} bin port
  bin=$(find_bin)
  port=$(sed -n 4p "$dir/data/postmaster.pid")
  as_postgres "$bin/psql" -h "$dir/socket" -p "$port" -U postgres -d server_events_test -v ON_ERROR_STOP=1 -q \
    -c "CREATE EXTENSION IF NOT EXISTS pg_stat_statements" \
    -c "SELECT calls, round(total_exec_time::numeric) AS total_ms, round((total_exec_time / calls)::numeric, 3) AS ms_per_call,
               left(regexp_replace(query, '\s+', ' ', 'g'), 100) AS statement
        FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = 'server_events_test')
        ORDER BY total_exec_time DESC LIMIT 15"
}

as_postgres() {
  runuser -u postgres -- "$@"
}

case "${1:-}" in
  start) shift; start "$@" ;;
  stop) stop "${2:-}" ;;
  statements) statements "${2:-}" ;;
  *)
    echo "usage: $0 start [--durable] [--max-connections N] | stop <dir> | statements <dir>" >&2
    exit 2
    ;;
esac

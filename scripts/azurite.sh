#!/usr/bin/env bash
# A throw-away Azurite (the Azure Storage emulator) for the Orleans tier's tests, cluster and benchmark.
#
#   eval "$(scripts/azurite.sh start)"                     # installs Azurite when missing, starts it, prints the exports
#   scripts/azurite.sh stop "$SERVER_EVENTS_TEST_AZURITE_DIR"     # stops it and deletes its folder
#   scripts/azurite.sh halt "$SERVER_EVENTS_TEST_AZURITE_DIR"     # stops it, keeps its data (fault tests)
#   scripts/azurite.sh resume "$SERVER_EVENTS_TEST_AZURITE_DIR"   # starts it again on the same ports and data
#
# `start` installs the npm package azurite@3.37.0 into .tools/azurite under the repository (gitignored; a local
# install needs no root and only the npm registry), runs it on free loopback ports for blob, queue and table with
# its data in a new temporary directory, waits until all three answer, and prints on stdout:
#   SERVER_EVENTS_TEST_AZURITE      the storage connection string (ConnectionStrings:AzureStorage)
#   SERVER_EVENTS_TEST_AZURITE_DIR  the temporary directory, for stop, halt and resume
#   SERVER_EVENTS_TEST_AZURITE_PID  the process id
# Everything else goes to stderr. With AZURITE_DEBUG_LOG=<file> set, Azurite writes its debug log (every request it
# serves) there, which bench/azurite-requests.py counts; it costs Azurite CPU, so not for measured runs.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
source "$root/scripts/ports.sh"

version=3.37.0
tools="$root/.tools/azurite"
bin="$tools/node_modules/.bin/azurite"
# Azurite's well-known development account (public, documented by Microsoft; not a secret).
account=devstoreaccount1
key='Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=='

install() {
  if [ -x "$bin" ] && [ "$(cat "$tools/version" 2>/dev/null)" = "$version" ]; then
    return 0
  fi
  echo "== installing azurite@$version with npm into $tools" >&2
  mkdir -p "$tools"
  npm install --prefix "$tools" --no-audit --no-fund --loglevel=error "azurite@$version" >&2
  echo "$version" >"$tools/version"
}

# Runs Azurite with the ports and folder recorded in $1/ports; the process id goes to $1/pid.
launch() {
  local dir=$1 blob queue table
  read -r blob queue table <"$dir/ports"
  # The node process itself (not an npx wrapper), so that the recorded pid is the one that holds the ports.
  # --loose and --skipApiVersionCheck: the Azure SDKs are newer than the emulator's API version list.
  # --disableTelemetry: by default Azurite reports to Microsoft's telemetry, which sends data off a developer's or CI
  # machine and was about a tenth of its CPU samples in a profile under the Orleans benchmark.
  nohup "$bin" ${AZURITE_DEBUG_LOG:+--debug "$AZURITE_DEBUG_LOG"} --silent --disableTelemetry --skipApiVersionCheck --loose --location "$dir/data" \
    --blobHost 127.0.0.1 --blobPort "$blob" --queueHost 127.0.0.1 --queuePort "$queue" \
    --tableHost 127.0.0.1 --tablePort "$table" >>"$dir/azurite.log" 2>&1 </dev/null &
  echo $! >"$dir/pid"
  for port in $blob $queue $table; do
    if ! wait_for_port "$port"; then
      cat "$dir/azurite.log" >&2
      return 1
    fi
  done
}

start() {
  install
  local dir blob queue table
  dir=$(mktemp -d /tmp/server-events-azurite.XXXXXX)
  mkdir -p "$dir/data"
  blob=$(free_port)
  queue=$(free_port)
  table=$(free_port)
  while [ "$queue" = "$blob" ]; do queue=$(free_port); done
  while [ "$table" = "$blob" ] || [ "$table" = "$queue" ]; do table=$(free_port); done
  echo "$blob $queue $table" >"$dir/ports"
  launch "$dir"

  local connection="DefaultEndpointsProtocol=http;AccountName=$account;AccountKey=$key;BlobEndpoint=http://127.0.0.1:$blob/$account;QueueEndpoint=http://127.0.0.1:$queue/$account;TableEndpoint=http://127.0.0.1:$table/$account;"
  echo "$connection" >"$dir/connection"
  echo "export SERVER_EVENTS_TEST_AZURITE='$connection'"
  echo "export SERVER_EVENTS_TEST_AZURITE_DIR='$dir'"
  echo "export SERVER_EVENTS_TEST_AZURITE_PID='$(cat "$dir/pid")'"
  echo "== Azurite $version on 127.0.0.1 (blob $blob, queue $queue, table $table), data in $dir" >&2
}

# Stops the process and waits until its ports are free, so that `resume` can bind them again.
halt() {
  local dir=$1 pid
  [ -f "$dir/pid" ] || return 0
  pid=$(cat "$dir/pid")
  if kill -TERM "$pid" 2>/dev/null; then
    for _ in $(seq 1 100); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$dir/pid"
}

resume() {
  local dir=$1
  [ -f "$dir/ports" ] || { echo "$dir is not an Azurite folder made by '$0 start'" >&2; return 1; }
  [ -f "$dir/pid" ] && kill -0 "$(cat "$dir/pid")" 2>/dev/null && return 0
  launch "$dir"
}

stop() {
  local dir=${1:-${SERVER_EVENTS_TEST_AZURITE_DIR:-}}
  if [ -z "$dir" ] || [ ! -d "$dir" ]; then
    return 0
  fi
  halt "$dir"
  rm -rf "$dir"
}

need_dir() {
  if [ -z "${1:-}" ] || [ ! -d "$1" ]; then
    echo "usage: $0 $2 <dir printed by start>" >&2
    exit 2
  fi
}

case "${1:-}" in
  start) start ;;
  install) install ;;
  stop) stop "${2:-}" ;;
  halt) need_dir "${2:-}" halt; halt "$2" ;;
  resume) need_dir "${2:-}" resume; resume "$2" ;;
  *)
    echo "usage: $0 start | stop <dir> | halt <dir> | resume <dir> | install" >&2
    exit 2
    ;;
esac

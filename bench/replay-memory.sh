#!/usr/bin/env bash
# The server's memory while many `?lastEventId=0` streams that never read ask for a replay of a full log (issue 12,
# attack 6; figures in RESULTS.md). Starts bench/ServerHost (the embedded tier, default replay settings unless
# given), fills the log, holds the streams, and prints RSS and live heap per phase (bench/replay-memory.py).
#
#   bench/replay-memory.sh [--streams 50] [--events 2000] [--size 60000] [--hold 15] [-- --ServerEvents:Option=value ...]
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
args=()
server_args=()
while [[ $# -gt 0 ]]; do
  if [[ $1 == "--" ]]; then shift; server_args=("$@"); break; fi
  args+=("$1"); shift
done

out=$(mktemp -d /tmp/server-events-replay.XXXXXX)
server=
cleanup() {
  [[ -n $server ]] && kill "$server" 2>/dev/null || true
  rm -rf "$out"
}
trap cleanup EXIT
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

dotnet build bench/ServerHost/ServerHost.csproj -c Release -nologo -v quiet >"$out/build.log" 2>&1 || { cat "$out/build.log"; exit 1; }
bin="$root/bench/ServerHost/bin/Release/net10.0"
source scripts/ports.sh
port=$(free_port)
dotnet "$bin/ServerHost.dll" --contentRoot "$bin" --urls "http://127.0.0.1:$port" "${server_args[@]}" >"$out/server.log" 2>&1 &
server=$!
wait_for_port "$port"
python3 bench/replay-memory.py --port "$port" --pid "$server" "${args[@]}"

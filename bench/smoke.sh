#!/usr/bin/env bash
# A small run of the whole benchmark (every scenario, every subject) that fails when any stream does not open
# or stay open, any publish fails or any message is lost. It takes about a minute once the projects are built.
# nchan is included when nginx and libnginx-mod-nchan are installed, the two PostgreSQL nodes when PostgreSQL is
# (scripts/test.sh installs both), and the Orleans subject (Azurite, a silo, two front-ends) when npm is, in a second,
# smaller run whose streams open 10 a second and may wait 60 s for their response head: a join writes grain state to
# Azurite, and on a loaded machine opening 200 at once outlasts the generator's default 10 s wait. The realistic
# scenario (channels-real: join/leave notices, the 30 s idle timeout, heartbeating streams) runs for ours alone.
set -euo pipefail
cd "$(dirname "$0")"

subjects="baseline ours"
if command -v nginx >/dev/null 2>&1 && [ -f /usr/lib/nginx/modules/ngx_nchan_module.so ]; then
  subjects="nchan $subjects"
else
  echo "smoke: nchan is not installed; running without it"
fi
if ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  subjects="$subjects ours-pg"
else
  echo "smoke: PostgreSQL is not installed; running without the two-node subject"
fi

orleans=0
if command -v npm >/dev/null 2>&1; then
  orleans=1
else
  echo "smoke: npm is not installed (Azurite comes from npm); running without the Orleans subject"
fi

out=$(mktemp -d /tmp/server-events-smoke.XXXXXX)
trap 'rm -rf "$out"' EXIT
./run.sh --connections 200 --hold 400 --channels 20 --rate 2 --duration 1 --workers 2 --settle 0 --no-warmup \
  --subjects "$subjects" --out "$out" >"$out/run.log" 2>&1 || { cat "$out/run.log"; echo "smoke: the run failed"; exit 1; }
./run.sh --connections 200 --channels 20 --rate 2 --duration 1 --workers 2 --settle 0 --no-warmup \
  --subjects ours --scenarios channels-real --out "$out" >>"$out/run.log" 2>&1 || { cat "$out/run.log"; echo "smoke: the realistic run failed"; exit 1; }
if [ "$orleans" = 1 ]; then
  ./run.sh --connections 40 --hold 40 --channels 4 --rate 2 --duration 1 --workers 2 --settle 0 --no-warmup \
    --connect-rate 10 --open-timeout 60 \
    --subjects ours-orleans --out "$out" >>"$out/run.log" 2>&1 || { cat "$out/run.log"; echo "smoke: the Orleans run failed"; exit 1; }
  subjects="$subjects ours-orleans"
fi

if ! ../bench/LoadGenerator/bin/Release/net10.0/LoadGenerator check "$out"/*-*.json; then
  cat "$out/run.log"
  echo "smoke: failed"
  exit 1
fi
echo "smoke: passed ($subjects; channels-real: ours)"

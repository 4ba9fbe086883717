#!/usr/bin/env bash
# Runs every test of the repository: installs what the tests need when it is missing, starts a throw-away
# PostgreSQL (scripts/postgres.sh) and Azurite (scripts/azurite.sh), builds once in Release, then runs the .NET
# test projects, the JavaScript client's unit tests, the ServiceStack client compatibility tests and the
# benchmark's smoke run (bench/smoke.sh, counted as one test), and prints one closing line with the totals.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
results=$(mktemp -d)
cleanup() {
  bash "$root/scripts/postgres.sh" stop "${SERVER_EVENTS_TEST_PGDIR:-}" || true
  bash "$root/scripts/azurite.sh" stop "${SERVER_EVENTS_TEST_AZURITE_DIR:-}" || true
  rm -rf "$results"
}
trap cleanup EXIT

need_apt=()
command -v node >/dev/null 2>&1 || need_apt+=(nodejs)
command -v npm >/dev/null 2>&1 || need_apt+=(npm)
# The browser tests drive Debian's Chromium; Playwright never downloads a browser here.
[ -x /usr/bin/chromium ] || need_apt+=(chromium)
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "== installing ${need_apt[*]} with apt-get"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}"
fi
# The benchmark's smoke run measures nchan beside our server; without it, it still runs the other subjects.
if ! command -v nginx >/dev/null 2>&1 || [ ! -f /usr/lib/nginx/modules/ngx_nchan_module.so ]; then
  echo "== installing nginx and libnginx-mod-nchan with apt-get"
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx libnginx-mod-nchan; } ||
    echo "!! nginx with nchan could not be installed; the benchmark smoke run leaves nchan out"
fi

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

# The PostgreSQL cluster tier's tests use it (SERVER_EVENTS_TEST_POSTGRES); stopped and deleted at exit.
echo "== starting PostgreSQL"
pg_env=$(bash scripts/postgres.sh start)
eval "$pg_env"

# The Orleans tier's process tests use it (SERVER_EVENTS_TEST_AZURITE); installed from npm when missing, stopped
# and deleted at exit. The tests that take storage away start private ones with the same script.
echo "== starting Azurite"
azurite_env=$(bash scripts/azurite.sh start)
eval "$azurite_env"

echo "== building (Release)"
dotnet build OrleansEvents.slnx -c Release -nologo -v quiet

passed=0
failed=0
status=0

echo "== .NET tests"
for project in tests/*.Tests/*.csproj; do
  name=$(basename "$project" .csproj)
  log="$results/$name.log"
  # A test that hangs is stopped after 10 minutes (far longer than any test takes) and named in the log, rather than
  # holding the run until CI's own limit ends it with no word on which test it was.
  if ! dotnet test "$project" -c Release --no-build --nologo --blame-hang-timeout 10m --blame-hang-dump-type none 2>&1 | tee "$log"; then
    status=1
  fi
  line=$(grep -E '^(Passed|Failed)!' "$log" | tail -n 1 || true)
  if [ -z "$line" ]; then
    echo "!! $name reported no result"
    status=1
    continue
  fi
  passed=$((passed + $(sed -E 's/.*Passed: *([0-9]+).*/\1/' <<<"$line")))
  failed=$((failed + $(sed -E 's/.*Failed: *([0-9]+),.*/\1/' <<<"$line")))
done

run_node_tests() {
  local label=$1 dir=$2 log="$results/$1.log"
  echo "== $label"
  if ! (cd "$dir" && node --test --test-reporter=tap 2>&1) | tee "$log"; then
    status=1
  fi
  passed=$((passed + $(grep -E '^# pass ' "$log" | awk '{print $3}' | tail -n 1 || echo 0)))
  failed=$((failed + $(grep -E '^# fail ' "$log" | awk '{print $3}' | tail -n 1 || echo 0)))
}

run_node_tests "JavaScript client unit tests" tests/js

(cd tests/compat && npm ci --no-audit --no-fund --loglevel=error)
SERVER_EVENTS_API_DLL="$root/src/Api/bin/Release/net10.0/ServerEvents.Api.dll" run_node_tests "ServiceStack client compatibility" tests/compat

echo "== benchmark smoke run"
if bash bench/smoke.sh; then
  passed=$((passed + 1))
else
  failed=$((failed + 1))
fi

echo
echo "tests: $passed passed, $failed failed"
if [ "$failed" -gt 0 ]; then
  status=1
fi
exit $status

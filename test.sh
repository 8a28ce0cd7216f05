#!/usr/bin/env bash
# Builds HyperQueue and runs every test, unit and integration, then prints one line: N passed, N failed, N skipped.
# Integration tests find RabbitMQ, Redis and Postgres by themselves (see README, "How the tests find their services");
# on Debian, as root, this script installs the missing server packages first.
set -uo pipefail
cd "$(dirname "$0")"

install_missing() {
  command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ] || return 0
  local missing=()
  [ -x /usr/lib/rabbitmq/bin/rabbitmq-server ] || missing+=(rabbitmq-server)
  command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
  compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || missing+=(postgresql)
  command -v chromium >/dev/null 2>&1 || missing+=(chromium)
  command -v chromedriver >/dev/null 2>&1 || missing+=(chromium-driver)
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "test.sh: installing ${missing[*]}" >&2
  apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2 \
    || echo "test.sh: could not install ${missing[*]}; tests that need them will skip (or fail under HQ_REQUIRE_SERVICES=1)" >&2
  # Debian's package scripts may start system-wide instances; the tests start their own on free ports.
  service rabbitmq-server stop >/dev/null 2>&1 || true
}

install_missing

results=$(mktemp -d)
trap 'rm -rf "$results"' EXIT

dotnet build HyperQueue.sln -c Release -nologo -v quiet >&2 || { echo "0 passed, 1 failed, 0 skipped"; echo "test.sh: build failed" >&2; exit 1; }

# A test that hangs fails its run after 10 minutes (no test takes more than 2) instead of stalling CI for an hour.
dotnet test HyperQueue.sln -c Release --no-build -nologo --logger "trx" --results-directory "$results" \
  --blame-hang-timeout 10m --blame-hang-dump-type none >&2
status=$?

passed=0; failed=0; skipped=0
for trx in "$results"/*.trx; do
  [ -e "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx")
  get() { echo "$counters" | sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p"; }
  passed=$((passed + $(get passed)))
  failed=$((failed + $(get failed) + $(get error) + $(get timeout) + $(get aborted)))
  skipped=$((skipped + $(get notExecuted)))
done

if [ $status -ne 0 ] && [ $failed -eq 0 ]; then
  failed=1 # the runner failed without a counted test failure (a crash, a fixture error): never report green
fi
echo "$passed passed, $failed failed, $skipped skipped"
[ $failed -eq 0 ]

#!/usr/bin/env bash
# npm test — every test: lint, format, types, unit + integration (SQLite and PostgreSQL), e2e in Chromium.
# As root it installs what it needs from Debian (chromium, chromium-headless-shell, postgresql, kamailio,
# sipp, baresip, linphonec, nginx); otherwise it says exactly what is missing. Under CI=true nothing is
# skipped: a missing dependency fails the run.
set -euo pipefail
cd "$(dirname "$0")/.."
# Each step's heading says when it began (seconds since the start), so a log shows where the time went.
step() { printf '\n\033[1m== %s\033[0m (at %ds)\n' "$*" "$SECONDS"; }
# A step that hangs (a download that trickles, a test stuck in a synchronous call that no test timeout
# can interrupt) would otherwise hold the run until CI's own limit ends it with nothing said: each long
# step has a limit of its own in seconds, far above its usual time, and says which step it was.
# coreutils timeout runs it in a process group of its own and signals the whole group (TERM, then
# KILL 30 s later); a signal to this script (a cancelled job, Ctrl-C) is passed on to it the same way,
# and the script ends once the step has. At a terminal the step stays in the terminal's group, so
# that Ctrl-C reaches it directly (its children are then not signalled by timeout).
bounded() {
  local limit=$1 name=$2 rc=0 fg=() pid='' stop='' started=$SECONDS
  shift 2
  [ -t 0 ] && fg=(--foreground)
  trap 'stop=130; [ -z "$pid" ] || kill -INT "$pid" 2>/dev/null || true' INT
  trap 'stop=143; [ -z "$pid" ] || kill -TERM "$pid" 2>/dev/null || true' TERM
  trap 'stop=129; [ -z "$pid" ] || kill -HUP "$pid" 2>/dev/null || true' HUP
  timeout "${fg[@]}" -k 30 "$limit" "$@" &
  pid=$!
  [ -z "$stop" ] || kill -TERM "$pid" 2>/dev/null || true
  wait "$pid" && rc=0 || rc=$?
  # A trapped signal ends that wait early: the step is waited for until it has ended.
  while [ -n "$stop" ] && kill -0 "$pid" 2>/dev/null; do wait "$pid" && rc=0 || rc=$?; done
  trap - INT TERM HUP
  [ -z "$stop" ] || exit "$stop"
  # 124: stopped at the limit; 137: KILLed 30 s after it, the step having ignored the TERM.
  if { [ "$rc" = 124 ] || [ "$rc" = 137 ]; } && [ $((SECONDS - started)) -ge "$limit" ]; then
    echo "$name did not finish within $((limit / 60)) minutes and was stopped (at ${SECONDS}s)" >&2
  fi
  return "$rc"
}

need=()
[ -x /usr/bin/chromium ] || need+=(chromium)
# The e2e suite's browser (scripts/chromium.ts); the benchmarks use chromium itself.
[ -x /usr/lib/chromium/chromium-headless-shell ] || need+=(chromium-headless-shell)
# The newest PostgreSQL installed (scripts/pg-bin.sh: 15 on Debian 12, 16 on Ubuntu 24.04), or $PGBIN.
scripts/pg-bin.sh >/dev/null || need+=(postgresql)
{ command -v kamailio >/dev/null || [ -x /usr/sbin/kamailio ]; } || need+=(kamailio kamailio-sqlite-modules)
{ command -v sipp >/dev/null || [ -x /usr/bin/sipp ]; } || need+=(sip-tester)
# Real softphones for the SIP password tests (tests/kamailio/softphones.test.ts).
command -v baresip >/dev/null || need+=(baresip-core)
command -v linphonec >/dev/null || need+=(linphone-cli)
# TLS in front of the portal, as docs/operations.md deploys it (e2e/18-behind-tls.spec.ts).
{ command -v nginx >/dev/null || [ -x /usr/sbin/nginx ]; } || need+=(nginx)
# The switch written from the docs alone (switch/interop/, e2e/19-python-switch.spec.ts).
command -v python3 >/dev/null || need+=(python3)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    step "Installing Debian packages: ${need[*]}"
    # A list that could not be refreshed (one mirror out) may still hold the packages.
    bounded 1200 'apt-get update' apt-get -o DPkg::Lock::Timeout=600 update -qq ||
      echo "apt-get update failed; installing from the package lists there are" >&2
    bounded 1200 'apt-get install' \
      env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq "${need[@]}" >/dev/null
  else
    echo "Missing Debian packages: ${need[*]}. Install them (sudo apt-get install -y ${need[*]}) or run npm test as root." >&2
    exit 1
  fi
fi

# The PostgreSQL binaries, also for tests that start a cluster of their own (db-hang.test.ts).
PGBIN=$(scripts/pg-bin.sh) || { echo "PostgreSQL was installed, but no initdb is under /usr/lib/postgresql/*/bin: set PGBIN" >&2; exit 1; }
export PGBIN

# ESLint, Prettier, tsc and then the production build run at the lowest priority (nice 19) beside the
# unit and integration tests: those wait on timers, sockets and PostgreSQL for about a third of their
# run (vmstat, 2026-12-05: the machine was 29 % idle through them), and the checks and the build fill
# that time instead of running before and after them. At nice 19 they take CPU only when the tests
# leave it. The build starts once tsc has finished, as it writes next-env.d.ts and .next/types, which
# tsc reads. Each one's output is printed in full once the tests are done, in this order.
step "Lint, format (Prettier: npm run format fixes it), typecheck, then the production build, in the background"
checks=$(mktemp -d /tmp/tollgate-checks.XXXXXX)
background=()
# On a failure before they are waited for, each background check and its children (npx → node) is stopped.
killtree() { local c; for c in $(pgrep -P "$1" || true); do killtree "$c"; done; kill "$1" 2>/dev/null || true; }
stop_background() { local p; for p in "${background[@]}"; do killtree "$p"; done; }
trap stop_background EXIT
bounded 2100 ESLint nice -n 19 npx eslint --max-warnings 0 . >"$checks/lint" 2>&1 &
background+=($!)
lint=$!
bounded 2100 Prettier nice -n 19 npx prettier --check --log-level warn . >"$checks/format" 2>&1 &
background+=($!)
format=$!
(
  bounded 1200 tsc nice -n 19 npx tsc --noEmit >"$checks/types" 2>&1 || exit 2
  bounded 1200 'next build' nice -n 19 npx next build >"$checks/build" 2>&1 || exit 3
) &
background+=($!)
typesAndBuild=$!

PGDIR=$(mktemp -d /tmp/tollgate-pg.XXXXXX)
PGPORT=$(node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")
cleanup() { scripts/pg-cluster.sh stop "$PGDIR"; }
trap 'stop_background; cleanup' EXIT
step "PostgreSQL (throwaway cluster on 127.0.0.1:$PGPORT)"
# Assigned, then exported: `export VAR=$(…)` would hide a failed start from set -e.
TEST_PG_URL=$(scripts/pg-cluster.sh start "$PGDIR" "$PGPORT")
export TEST_PG_URL

step "Unit and integration tests (SQLite and PostgreSQL)"
bounded 2100 'The unit and integration tests (vitest)' npx vitest run
# The e2e suite runs on SQLite: stop the cluster now, so that its background work on what the
# integration tests wrote (autovacuum, checkpoints) does not take CPU from the browser journeys.
cleanup
trap stop_background EXIT

step "Lint, format, typecheck and the production build (started in the background)"
failed=()
wait "$lint" || failed+=(lint)
cat "$checks/lint"
wait "$format" || failed+=(format)
cat "$checks/format"
rc=0
wait "$typesAndBuild" || rc=$?
cat "$checks/types"
[ "$rc" = 0 ] || [ "$rc" = 3 ] || failed+=(types)
[ -f "$checks/build" ] && cat "$checks/build"
[ "$rc" = 0 ] || [ "$rc" = 2 ] || failed+=(build)
background=()
trap - EXIT
rm -rf "$checks"
if [ ${#failed[@]} -gt 0 ]; then
  echo "Failed: ${failed[*]}" >&2
  exit 1
fi
echo "Lint, format, types and build passed (at ${SECONDS}s)"

step "End-to-end tests (Chromium)"
bounded 2100 'The end-to-end tests (Playwright)' npx playwright test
step "Done (${SECONDS}s)"

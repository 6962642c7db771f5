#!/usr/bin/env bash
# The operations lab: Tollgate deployed the way README "Production" and docs/operations.md
# "Several instances" describe it, on one machine, so that faults can be injected by hand.
#   bash scripts/ops-lab/lab.sh up           PostgreSQL, SMTP, switch simulator, portals a and b, seed data
#   bash scripts/ops-lab/lab.sh start a|b    (re)start one portal   kill a|b: kill -9 its whole tree
#   bash scripts/ops-lab/lab.sh smtp accept|blackhole|down
#   bash scripts/ops-lab/lab.sh sim up|down  status: readiness of both   down: stop everything
# Ports (OPS_LAB_BASE, default 5000): +1 portal a, +2 portal b, +10 simulator, +25 SMTP, +70 PostgreSQL.
# State, logs and the generated secrets live in OPS_LAB_DIR (default /tmp/ops-lab). Run from the repo
# root after `npm run build`. Every process is started in its own group and stopped by its pid.
set -euo pipefail
DIR=${OPS_LAB_DIR:-/tmp/ops-lab}; BASE=${OPS_LAB_BASE:-5000}
PORT_A=$((BASE + 1)); PORT_B=$((BASE + 2)); SIM_PORT=$((BASE + 10)); SMTP_PORT=$((BASE + 25)); PG_PORT=$((BASE + 70))
mkdir -p "$DIR"
export OPS_LAB_DIR=$DIR OPS_LAB_SMTP_PORT=$SMTP_PORT

secrets() {
  if [ ! -f "$DIR/secrets.env" ]; then
    {
      echo "AUTH_SECRET=$(openssl rand -base64 32)"
      echo "SWITCH_API_TOKEN=$(openssl rand -hex 20)"
      echo "SWITCH_WEBHOOK_SECRET=$(openssl rand -hex 32)"
      echo "METRICS_TOKEN=$(openssl rand -hex 16)"
    } >"$DIR/secrets.env"
  fi
  set -a; . "$DIR/secrets.env"
  # Per instance (a rotation rolls out one instance at a time): override-a.env, override-b.env.
  if [ -n "${INSTANCE:-}" ] && [ -f "$DIR/override-$INSTANCE.env" ]; then . "$DIR/override-$INSTANCE.env"; fi
  set +a
}

portal_env() {
  secrets
  export DATABASE_URL="postgresql://postgres@127.0.0.1:$PG_PORT/postgres"
  export APP_URL="http://localhost:$PORT_A" SWITCH_API_URL="http://127.0.0.1:$SIM_PORT"
  export SMTP_URL="smtp://127.0.0.1:$SMTP_PORT" MAIL_FROM="Tollgate <no-reply@tollgate.example>"
  export HOST=localhost TOLLGATE_WORKERS=${TOLLGATE_WORKERS:-1}
}

# start NAME CMD...: in its own process group, stdin held open by a sleeper only we own (the
# supervisor exits when its stdin closes, like under a service manager that keeps it open).
start_bg() {
  local name=$1; shift
  setsid bash -c "exec \"\$@\" < <(exec sleep 1000000 >/dev/null 2>&1) >>'$DIR/$name.log' 2>&1" _ "$@" &
  echo $! >"$DIR/$name.pid"
}

stop_pid() { # stop_pid NAME [SIGNAL]
  local f="$DIR/$1.pid"; [ -f "$f" ] || return 0
  local pid; pid=$(cat "$f")
  kill -"${2:-TERM}" -- "-$pid" 2>/dev/null || true
  for _ in $(seq 50); do kill -0 -- "-$pid" 2>/dev/null || break; sleep 0.1; done
  kill -KILL -- "-$pid" 2>/dev/null || true
  rm -f "$f"
}

tree() { local p; for p in $(pgrep -P "$1"); do echo "$p"; tree "$p"; done; }

# kill -9 of an instance: every process of the tree at once, the server too (the supervisor starts
# it in a process group of its own, and a server whose supervisor died stops gracefully: not a crash).
crash() {
  local f="$DIR/$1.pid"; [ -f "$f" ] || return 0
  local pid; pid=$(cat "$f")
  kill -KILL $(tree "$pid") "$pid" 2>/dev/null || true
  rm -f "$f"
}

wait_http() { for _ in $(seq 120); do curl -fsS -o /dev/null "$1" && return 0; sleep 0.5; done; echo "not up: $1" >&2; return 1; }

portal() { # portal a|b
  local name=$1 port; [ "$name" = a ] && port=$PORT_A || port=$PORT_B
  INSTANCE=$name portal_env
  stop_pid "portal-$name"           # never two on one port: the second would exit, the first keep serving
  PORT=$port start_bg "portal-$name" ${FAKETIME_CMD:-} npm start
  wait_http "http://localhost:$port/api/health"
}

sim() {
  secrets
  SWITCH_SIM_PORT=$SIM_PORT SWITCH_SIM_DATA="$DIR/switch-sim.db" \
    TOLLGATE_EVENTS_URL="http://localhost:$PORT_A/api/switch/events" start_bg sim npm run switch:sim
  wait_http "http://127.0.0.1:$SIM_PORT/_sim/accounts" -H "authorization: Bearer $SWITCH_API_TOKEN" || true
}

seed() {
  portal_env
  npm run -s admin -- create-account --number ACC-7001 --name "Lab Dental" >/dev/null
  npm run -s admin -- add-sip-credential --account ACC-7001 --username lab-desk --label Desk >/dev/null
  npm run -s admin -- add-sip-credential --account ACC-7001 --username lab-pbx --label PBX >/dev/null
  echo 'Quiet-Harbor-Violet-2026' | npm run -s admin -- create-user --email cust@lab.example --role customer --account ACC-7001 >/dev/null
  echo 'Orbit-Canyon-Maple-2026' | npm run -s admin -- create-user --email agent@lab.example --role agent >/dev/null
  curl -fsS -X PUT "http://127.0.0.1:$SIM_PORT/_sim/accounts/ACC-7001" -H "authorization: Bearer $SWITCH_API_TOKEN" \
    -H 'content-type: application/json' \
    -d '{"internationalCalling":"allowed","credentials":[{"username":"lab-desk"},{"username":"lab-pbx"}]}' >/dev/null
}

case "${1:-}" in
  up)
    [ -f "$DIR/pg/data/PG_VERSION" ] || bash scripts/pg-cluster.sh start "$DIR/pg" "$PG_PORT" >/dev/null
    start_bg smtp node scripts/ops-lab/smtp.mjs accept
    sim
    portal a; portal b
    [ -f "$DIR/seeded" ] || { seed; touch "$DIR/seeded"; }
    echo "portal a http://localhost:$PORT_A  portal b http://localhost:$PORT_B  sim http://127.0.0.1:$SIM_PORT  smtp :$SMTP_PORT"
    ;;
  start) portal "$2" ;;
  stop) stop_pid "portal-$2" ;;
  kill) crash "portal-$2" ;;
  smtp) stop_pid smtp; [ "$2" = down ] || start_bg smtp node scripts/ops-lab/smtp.mjs "$2" ;;
  sim) stop_pid sim; [ "$2" = down ] || sim ;;
  admin) shift; portal_env; npm run -s admin -- "$@" ;;
  env) portal_env; env | grep -E '^(DATABASE_URL|APP_URL|SWITCH_|SMTP_URL|MAIL_FROM|AUTH_SECRET|METRICS_TOKEN)=' ;;
  status)
    for p in $PORT_A $PORT_B; do echo "== $p"; curl -sS -m 10 "http://localhost:$p/api/health/ready" || echo "(no answer)"; echo; done ;;
  down)
    for n in portal-a portal-b sim smtp; do stop_pid "$n"; done
    bash scripts/pg-cluster.sh stop "$DIR/pg"; rm -rf "$DIR"
    ;;
  *) sed -n 2,10p "$0"; exit 2 ;;
esac

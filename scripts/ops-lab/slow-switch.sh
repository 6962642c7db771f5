#!/usr/bin/env bash
# Reproduction (issue 14, a slow switch): the switch answers every GET after 20 s (past the client's
# 5 s timeout) while 70 accounts wait for the reconciler (as after an outage, or a large customer
# base in the sweep). Before 2026-12-03 a reconciler pass read them one after another, 5 s each, and
# after 5 minutes readiness called the worker `stalled` and answered 503 on every instance at once:
# a slow switch took the whole portal out of the load balancer. Prints readiness each minute for
# 7 minutes, then removes the fault and the accounts. Needs the lab up (scripts/ops-lab/lab.sh up).
set -euo pipefail
cd "$(dirname "$0")/../.."
DIR=${OPS_LAB_DIR:-/tmp/ops-lab}; BASE=${OPS_LAB_BASE:-5000}; SIM="http://127.0.0.1:$((BASE + 10))"
PG="postgresql://postgres@127.0.0.1:$((BASE + 70))/postgres"
set -a; . "$DIR/secrets.env"; set +a
auth=(-H "authorization: Bearer $SWITCH_API_TOKEN" -H 'content-type: application/json')
psql -q "$PG" -c "INSERT INTO \"CustomerAccount\" (id, number, name, \"reconcileDue\")
  SELECT 'slow-' || g, 'ACC-9' || lpad(g::text, 4, '0'), 'Slow Co ' || g, true FROM generate_series(1, 70) g
  ON CONFLICT DO NOTHING"
curl -fsS -X PUT "$SIM/_sim/faults" "${auth[@]}" -d '{"delayMs":20000,"method":"GET"}' >/dev/null
for m in 1 2 3 4 5 6 7; do
  sleep 60
  for p in $((BASE + 1)) $((BASE + 2)); do
    printf '%s min, :%s ' "$m" "$p"
    curl -sS -m 10 -o "$DIR/ready.json" -w '%{http_code} ' "http://localhost:$p/api/health/ready" || true
    jq -c '{workers: .workers.status, reconcile: .workers.lastTickSecondsAgo.reconcile, switch: .switch.status}' "$DIR/ready.json"
  done
done
curl -fsS -X DELETE "$SIM/_sim/faults" "${auth[@]}" >/dev/null
psql -q "$PG" -c "DELETE FROM \"CustomerAccount\" WHERE id LIKE 'slow-%'"

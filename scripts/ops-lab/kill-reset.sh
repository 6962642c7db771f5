#!/usr/bin/env bash
# Reproduction (issue 14, kill -9): portal a is killed in the middle of a customer's SIP password
# reset, `after` the switch applied the PUT (the simulator applies, then answers 4 s late) or
# `before` it did (the simulator waits 4 s, then applies), 1 s after the PUT reached the simulator. Then portal a is restarted, and the
# script prints what the switch, the database and the reset page say, before and after the
# recovery worker's 2 minutes. Needs the lab up (scripts/ops-lab/lab.sh up).
#   bash scripts/ops-lab/kill-reset.sh after|before
set -euo pipefail
cd "$(dirname "$0")/../.."
when=${1:-after}
DIR=${OPS_LAB_DIR:-/tmp/ops-lab}; BASE=${OPS_LAB_BASE:-5000}; SIM="http://127.0.0.1:$((BASE + 10))"
PG="postgresql://postgres@127.0.0.1:$((BASE + 70))/postgres"
L="bash scripts/ops-lab/lab.sh"
set -a; . "$DIR/secrets.env"; set +a
auth=(-H "authorization: Bearer $SWITCH_API_TOKEN" -H 'content-type: application/json')
cred=$(psql "$PG" -Atc "SELECT id FROM \"SipCredential\" WHERE username = 'lab-desk'")
changes() { curl -fsS "$SIM/_sim/accounts/ACC-7001" "${auth[@]}" | jq '.credentials[] | select(.username == "lab-desk") | .passwordChanges'; }
rows() { psql "$PG" -Atc "SELECT status, coalesce(error, '') FROM \"SipPasswordChange\" WHERE \"credentialId\" = '$cred' ORDER BY \"createdAt\" DESC LIMIT 1"; }

# 4 s: inside the client's 5 s timeout, so the call is not retried before the kill.
fault='{"applyLateMs":4000,"applyLateNext":1,"method":"PUT"}'
[ "$when" = before ] && fault='{"delayMs":4000,"delayNext":1,"method":"PUT"}'
puts() { curl -fsS "$SIM/_sim/requests" "${auth[@]}" | jq '[.requests[] | select(.method == "PUT" and (.path | contains("lab-desk")))] | length'; }
seen=$(puts)
curl -fsS -X PUT "$SIM/_sim/faults/lab-desk" "${auth[@]}" -d "$fault" >/dev/null
before=$(changes)
npx tsx scripts/ops-lab/reset.ts "http://localhost:$((BASE + 1))" "$cred" 30000 >"$DIR/reset.out" 2>&1 &
browser=$!
until [ "$(puts)" -gt "$seen" ]; do sleep 0.2; done   # the PUT reached the switch
sleep 1
echo "switch password changes: $before before, $(changes) at the kill"
$L kill a
wait "$browser" || true
echo "browser: $(grep -v submitting "$DIR/reset.out")"
echo "portal's latest change: $(rows)"
$L start a >/dev/null
sleep 8
echo "switch password changes after restart: $(changes); portal: $(rows)"
echo "waiting for the recovery worker (2 min)…"
sleep 130
echo "switch password changes: $(changes); portal: $(rows)"
curl -fsS -X DELETE "$SIM/_sim/faults/lab-desk" "${auth[@]}" >/dev/null

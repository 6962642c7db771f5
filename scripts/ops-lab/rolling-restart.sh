#!/usr/bin/env bash
# Drill (issue 14, rolling restart): a customer browses both portals in a loop (browse-loop.ts,
# skipping an instance whose readiness is not 200, as a load balancer would) while the operator
# restarts portal a, waits for it to be ready, then restarts portal b (SIGTERM: `lab.sh start`).
# Prints each failure the browser saw and the tally; a signed-out or a 5xx is a finding.
# Needs the lab up (scripts/ops-lab/lab.sh up). Run it under the heavy-command lock.
set -euo pipefail
cd "$(dirname "$0")/../.."
BASE=${OPS_LAB_BASE:-5000}; A="http://localhost:$((BASE + 1))"; B="http://localhost:$((BASE + 2))"
L="bash scripts/ops-lab/lab.sh"
npx tsx scripts/ops-lab/browse-loop.ts 100 "$A" "$B" &
loop=$!
sleep 20
echo "$(date -u +%T) restarting a"; $L start a >/dev/null; echo "$(date -u +%T) a ready"
sleep 10
echo "$(date -u +%T) restarting b"; $L start b >/dev/null; echo "$(date -u +%T) b ready"
wait "$loop"

#!/usr/bin/env bash
# Reproduction (issue 14, clock faults): portal b's clock 3 minutes ahead (faketime) takes over a
# block notice portal a is still sending, and the customer gets it twice. Needs the lab up
# (scripts/ops-lab/lab.sh up) and `faketime` (apt-get install faketime). Leaves portal b running
# skewed and SMTP slow; `lab.sh start b` / `lab.sh smtp accept` put them back.
# Exit 0: every message delivered once; 1: a message was delivered twice (listed).
set -euo pipefail
cd "$(dirname "$0")/../.."
DIR=${OPS_LAB_DIR:-/tmp/ops-lab}; BASE=${OPS_LAB_BASE:-5000}; SIM="http://127.0.0.1:$((BASE + 10))"
L="bash scripts/ops-lab/lab.sh"
set -a; . "$DIR/secrets.env"; set +a
sim() { curl -fsS -X POST "$SIM/_sim/$1" -H "authorization: Bearer $SWITCH_API_TOKEN" -H 'content-type: application/json' -d "$2" >/dev/null; }

$L smtp accept
$L start b                       # its clock right, for the lift and its mail
sim lift '{"accountNumber":"ACC-7001"}' || true
sleep 8                          # the lift's mail delivered
$L smtp slow                     # each message's 250 comes 25 s after its data: a long conversation
$L stop b
lines=$(wc -l <"$DIR/mail.jsonl" 2>/dev/null || echo 0)
sim fraud '{"accountNumber":"ACC-7001","to":"+252611234567"}'   # a new block: portal a claims its notice
sleep 3
FAKETIME_CMD="faketime -f +180s" $L start b
sleep 45
new=$(tail -n +"$((lines + 1))" "$DIR/mail.jsonl")
echo "$new" | jq -r '"\(.at) \(.messageId) \(.subject)"'
dups=$(echo "$new" | jq -r .messageId | sort | uniq -d)
if [ -n "$dups" ]; then echo "delivered twice: $dups"; exit 1; fi
echo "every message delivered once"

#!/usr/bin/env bash
# Reproduction (issue 14, secret rotation): rotating AUTH_SECRET across two instances, one restart
# at a time. `swap-first` is what docs/operations.md said until 2026-12-03 (new AUTH_SECRET with the
# old one as AUTH_SECRET_PREVIOUS on one instance, then the next): a browser that signs in on the
# restarted instance is signed out on the next request the other instance serves. `accept-first` is
# what it says now: every instance accepts the new secret (as AUTH_SECRET_PREVIOUS) before any signs
# with it. Needs the lab up (scripts/ops-lab/lab.sh up); leaves both instances on the new secret.
#   bash scripts/ops-lab/rotate-auth-secret.sh swap-first|accept-first
set -euo pipefail
cd "$(dirname "$0")/../.."
DIR=${OPS_LAB_DIR:-/tmp/ops-lab}; BASE=${OPS_LAB_BASE:-5000}
A="http://localhost:$((BASE + 1))"; B="http://localhost:$((BASE + 2))"
L="bash scripts/ops-lab/lab.sh"
old=$(set -a; . "$DIR/secrets.env"; [ -f "$DIR/override-a.env" ] && . "$DIR/override-a.env"; echo "$AUTH_SECRET")
new=$(openssl rand -base64 32)
hop() { echo "-- $1"; npx tsx scripts/ops-lab/session-hop.ts "$2" "$3"; }
case "${1:-accept-first}" in
  swap-first)
    printf 'AUTH_SECRET=%s\nAUTH_SECRET_PREVIOUS=%s\n' "$new" "$old" >"$DIR/override-a.env"
    $L start a >/dev/null
    hop "a restarted with the new secret, b not yet: sign in on a, then b" "$A" "$B"
    ;;
  accept-first)
    printf 'AUTH_SECRET=%s\nAUTH_SECRET_PREVIOUS=%s\n' "$old" "$new" >"$DIR/override-a.env"
    $L start a >/dev/null
    hop "step 1 on a only (accepts the new secret): sign in on a, then b" "$A" "$B"
    cp "$DIR/override-a.env" "$DIR/override-b.env"; $L start b >/dev/null
    printf 'AUTH_SECRET=%s\nAUTH_SECRET_PREVIOUS=%s\n' "$new" "$old" >"$DIR/override-a.env"
    $L start a >/dev/null
    hop "step 2 on a only (signs with the new secret): sign in on a, then b" "$A" "$B"
    hop "the same, signed in on b first" "$B" "$A"
    cp "$DIR/override-a.env" "$DIR/override-b.env"; $L start b >/dev/null
    hop "step 2 on both" "$A" "$B"
    ;;
esac

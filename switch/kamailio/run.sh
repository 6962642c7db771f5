#!/usr/bin/env bash
# Tollgate reference switch (Kamailio 5.6 + companion). Usage: switch/kamailio/run.sh <command> [options]
#   switch/kamailio/run.sh start --sip-port 5060 --api-port 8088 --events-url http://localhost:3000/api/switch/events --next-hop 127.0.0.1:5080
# Needs the Debian packages kamailio and kamailio-sqlite-modules, Node 20 and this repository's
# node_modules (tsx, better-sqlite3). See docs/reference-switch.md.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
tsx="$root/node_modules/.bin/tsx"
if [ ! -x "$tsx" ]; then
  echo "error: $tsx not found; run npm ci in $root first" >&2
  exit 2
fi
if ! command -v kamailio >/dev/null 2>&1 && [ ! -x /usr/sbin/kamailio ] && [ "${1:-}" = "start" ]; then
  echo "error: kamailio is not installed (apt-get install -y kamailio kamailio-sqlite-modules)" >&2
  exit 2
fi
cmd="${1:-start}"
[ "$#" -gt 0 ] && shift
exec "$tsx" "$here/src/cli.ts" "$cmd" "$@"

#!/usr/bin/env bash
# Prints the directory of the PostgreSQL server binaries (initdb, pg_ctl) the tests use: $PGBIN when set,
# else the newest major version Debian and Ubuntu install under /usr/lib/postgresql/<major>/bin
# (15 on Debian 12, 16 on Ubuntu 24.04, 17 on Debian 13). Exits 1, printing nothing, when there is none.
set -euo pipefail
if [ -n "${PGBIN:-}" ]; then
  echo "$PGBIN"
  exit 0
fi
best=
for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V); do
  [ -x "$d/initdb" ] && best=$d
done
[ -n "$best" ] || exit 1
echo "$best"

#!/usr/bin/env bash
# Throwaway PostgreSQL cluster for tests (ENVIRONMENT.md): start DIR PORT | stop DIR
# | halt DIR (the server stops, its data stays) | resume DIR PORT (the halted server starts again)
set -euo pipefail
PGBIN=$("$(dirname "$0")/pg-bin.sh") || { echo 'No PostgreSQL server binaries under /usr/lib/postgresql/*/bin: install postgresql or set PGBIN' >&2; exit 1; }
cmd=$1; dir=$2
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
serve() {
  as_pg "$PGBIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
    -o "-p $1 -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" start >/dev/null
  echo "postgresql://postgres@127.0.0.1:$1/postgres"
}
case "$cmd" in
  start)
    port=$3
    mkdir -p "$dir"; [ "$(id -u)" = 0 ] && chown postgres "$dir"
    as_pg "$PGBIN/initdb" -A trust -U postgres -D "$dir/data" >"$dir/initdb.log" 2>&1
    serve "$port"
    ;;
  resume)
    serve "$3"
    ;;
  halt)
    as_pg "$PGBIN/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null
    ;;
  stop)
    as_pg "$PGBIN/pg_ctl" -D "$dir/data" -m fast stop >/dev/null 2>&1 || true
    rm -rf "$dir"
    ;;
esac

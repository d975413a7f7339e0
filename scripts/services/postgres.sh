#!/usr/bin/env bash
# A throwaway PostgreSQL on loopback for the job-queue tests and benchmarks (docs/scale-out.md).
#   scripts/services/postgres.sh start DIR   initdb in DIR/data (trust auth, loopback only), start,
#                                            print `export SOHOA_QUEUE=postgres://...`
#   scripts/services/postgres.sh stop DIR    pg_ctl stop -m fast, then SIGKILL to the postmaster
#                                            PID if it is still there
# Port $PG_PORT (default 55432). Needs Debian's `postgresql` (scripts/test.sh installs it). As
# root, the server runs as the `postgres` account (initdb refuses root), so DIR is made
# traversable for it.
set -euo pipefail
port=${PG_PORT:-55432}
bin=${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}
[ -x "$bin/initdb" ] || { echo "postgres.sh: no PostgreSQL server (initdb) found; install Debian's postgresql" >&2; exit 2; }

as_owner() {
  if [ "$(id -u)" = 0 ]; then su postgres -s /bin/sh -c "$*"; else sh -c "$*"; fi
}

start() {
  local dir
  dir=$(mkdir -p "$1" && cd "$1" && pwd)
  if [ "$(id -u)" = 0 ]; then
    chmod 755 "$dir"
    local d=$dir
    while [ "$d" != / ]; do chmod o+x "$d" 2>/dev/null || true; d=$(dirname "$d"); done
    chown postgres "$dir"
  fi
  if [ ! -f "$dir/data/PG_VERSION" ]; then
    as_owner "'$bin/initdb' -D '$dir/data' -A trust -U postgres --no-sync -E UTF8 --locale=C.UTF-8" >"$dir/initdb.log" 2>&1 \
      || { cat "$dir/initdb.log" >&2; exit 1; }
  fi
  as_owner "'$bin/pg_ctl' -D '$dir/data' -o \"-c listen_addresses=127.0.0.1 -p $port -k '$dir' -c fsync=off -c max_connections=200\" -l '$dir/postgres.log' -w start" >/dev/null \
    || { cat "$dir/postgres.log" >&2; exit 1; }
  head -n 1 "$dir/data/postmaster.pid" >"$dir/postgres.pid"
  echo "export SOHOA_QUEUE=postgres://postgres@127.0.0.1:$port/postgres"
}

stop() {
  local dir=$1 pid
  [ -f "$dir/postgres.pid" ] || return 0
  pid=$(cat "$dir/postgres.pid")
  as_owner "'$bin/pg_ctl' -D '$dir/data' -m fast -w stop" >/dev/null 2>&1 || true
  if kill -0 "$pid" 2>/dev/null; then kill -KILL "$pid" 2>/dev/null || true; fi
  rm -f "$dir/postgres.pid"
}

case "${1:-}" in
  start) start "$2" ;;
  stop) stop "$2" ;;
  *) echo "usage: $0 start DIR | stop DIR" >&2; exit 2 ;;
esac

#!/usr/bin/env bash
# Starts a private PostgreSQL cluster for the tests: a Unix socket in DIR, no TCP port, trust auth for
# the local postgres user. Installs Debian's postgresql when it is missing (as root, as CI runs).
# Prints the connection string; `stop` stops it.  Usage: scripts/pg-test-server.sh [start|stop] [DIR]
set -euo pipefail
ACTION=${1:-start}
DIR=${2:-/tmp/wasm-hsm-pg}
find_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1; }
BIN=$(find_bin || true)
if [ "$ACTION" = stop ]; then
  [ -n "$BIN" ] && [ -f "$DIR/data/postmaster.pid" ] && su postgres -s /bin/sh -c "$BIN/pg_ctl -D $DIR/data -m fast -w stop" >/dev/null
  exit 0
fi
if [ -z "$BIN" ]; then
  (apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends postgresql) >&2
  BIN=$(find_bin)
fi
mkdir -p "$DIR"
chown postgres "$DIR"
if [ ! -f "$DIR/data/PG_VERSION" ]; then
  su postgres -s /bin/sh -c "$BIN/initdb -D $DIR/data -A trust -U postgres" >"$DIR/initdb.log" 2>&1
fi
if ! su postgres -s /bin/sh -c "$BIN/pg_ctl -D $DIR/data status" >/dev/null 2>&1; then
  su postgres -s /bin/sh -c "$BIN/pg_ctl -D $DIR/data -l $DIR/server.log -o \"-k $DIR -c listen_addresses=''\" -w start" >&2
fi
echo "postgres://postgres@localhost/postgres?host=$DIR"

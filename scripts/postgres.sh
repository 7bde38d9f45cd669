#!/usr/bin/env bash
# Installs PostgreSQL from Debian's packages (if missing), starts a private
# cluster on loopback for trying or testing the relay on PostgreSQL, and
# prints its URL as the last line of standard output. Running it again
# reuses the cluster (and starts it if it stopped).
#
#   TANDEM_DATABASE_URL=$(bash scripts/postgres.sh) \
#     cargo test -p tandem-relay --features postgres --test postgres
#
# TANDEM_PG_PORT (default 5433) and TANDEM_PG_DIR (default /tmp/pg-tandem)
# choose the port and the data folder. The cluster trusts local
# connections: it is for a developer machine or CI, not for production.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/common.sh

port=${TANDEM_PG_PORT:-5433}
dir=${TANDEM_PG_DIR:-/tmp/pg-tandem}
database=tandem

{
  step "PostgreSQL (Debian)"
  if ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
    note "already installed"
  else
    as_root apt-get update
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y postgresql
  fi
} >&2
bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)

# The server refuses to run as root: then it runs as the `postgres` user.
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

{
  step "A cluster in $dir on 127.0.0.1:$port"
  if [ ! -f "$dir/PG_VERSION" ]; then
    mkdir -p "$dir"
    if [ "$(id -u)" -eq 0 ]; then chown postgres: "$dir"; fi
    chmod 700 "$dir"
    as_owner "$bin/initdb" --pgdata="$dir" --username=postgres --auth=trust \
      --encoding=UTF8 --no-instructions >/dev/null
    note "created"
  fi
  if as_owner "$bin/pg_ctl" --pgdata="$dir" status >/dev/null 2>&1; then
    note "already running"
  else
    as_owner "$bin/pg_ctl" --pgdata="$dir" --wait --log="$dir/server.log" \
      -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$dir -c max_connections=200" \
      start >/dev/null
    note "started (log: $dir/server.log)"
  fi
  psql=("$bin/psql" --host=127.0.0.1 --port="$port" --username=postgres --no-psqlrc --quiet)
  if [ "$("${psql[@]}" -tAc "SELECT 1 FROM pg_database WHERE datname = '$database'")" != 1 ]; then
    "${psql[@]}" -c "CREATE DATABASE $database" >/dev/null
    note "database $database created"
  fi
} >&2

echo "postgres://postgres@127.0.0.1:$port/$database"

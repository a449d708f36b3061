#!/usr/bin/env bash
# Run a command with a throwaway PostgreSQL server on loopback, its URL exported as
# INTAKE_TEST_DATABASE_URL. Without PostgreSQL binaries the command runs alone (the
# PostgreSQL tests then skip and say why).
set -euo pipefail
pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
if [ -z "$pgbin" ] || [ ! -x "$pgbin/initdb" ]; then
  echo "with-postgres: no PostgreSQL server binaries found; PostgreSQL tests will skip" >&2
  exec "$@"
fi
workdir=$(mktemp -d /tmp/intake-pg.XXXXXX)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
as_pg=()
if [ "$(id -u)" -eq 0 ]; then
  chown postgres "$workdir"
  as_pg=(runuser -u postgres --)
fi
cleanup() {
  "${as_pg[@]}" "$pgbin/pg_ctl" -D "$workdir/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$workdir"
}
trap cleanup EXIT
"${as_pg[@]}" "$pgbin/initdb" -D "$workdir/data" -A trust -U intake -E UTF8 >/dev/null
"${as_pg[@]}" "$pgbin/pg_ctl" -D "$workdir/data" -l "$workdir/log" -w \
  -o "-p $port -k $workdir -c listen_addresses=127.0.0.1 -c fsync=off" start >/dev/null
"$pgbin/createdb" -h 127.0.0.1 -p "$port" -U intake intake_test
export INTAKE_TEST_DATABASE_URL="postgresql+psycopg://intake@127.0.0.1:$port/intake_test"
echo "with-postgres: PostgreSQL $("$pgbin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port" >&2
"$@"

#!/usr/bin/env bash
# Install and start a throwaway PostgreSQL server for the PostgreSQL store tests
# (tests/test_store_postgres.py), and print its DSN as the last line on stdout:
#
#   export LAGEBILD_TEST_POSTGRES="$(bash scripts/install_postgres.sh)"
#
# Debian's postgresql package is installed with apt-get when no server binaries are
# there (as install_browser.sh does for Chromium). The server is a cluster of its own in
# a data directory under /tmp, listening on 127.0.0.1 only; it is not the system's
# cluster and holds test data only. Idempotent: a server already running there is reused,
# the role and database are created only when missing.
# Settings: LAGEBILD_PG_DIR (data directory), LAGEBILD_PG_PORT (port).
set -euo pipefail

DATA="${LAGEBILD_PG_DIR:-/tmp/lagebild-postgres}"
PORT="${LAGEBILD_PG_PORT:-54329}"
ROLE=lagebild
DB=lagebild

say() { echo "postgres: $*" >&2; }

find_bindir() {
    # The newest installed server version; Debian keeps each under /usr/lib/postgresql.
    local dir
    dir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
    if [ -n "$dir" ] && [ -x "$dir/initdb" ]; then
        echo "$dir"
    elif command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then
        dirname "$(command -v initdb)"
    fi
}

BIN="$(find_bindir)"
if [ -z "$BIN" ]; then
    if ! command -v apt-get >/dev/null 2>&1; then
        say "no PostgreSQL server found and apt-get is not available;"
        say "install PostgreSQL with the system's package manager"
        exit 1
    fi
    SUDO=""
    if [ "$(id -u)" -ne 0 ]; then
        SUDO="sudo"
    fi
    export DEBIAN_FRONTEND=noninteractive
    $SUDO apt-get update -q >&2
    $SUDO apt-get install -y -q --no-install-recommends postgresql >&2
    BIN="$(find_bindir)"
    if [ -z "$BIN" ]; then
        say "apt-get installed postgresql but no initdb was found"
        exit 1
    fi
fi

# PostgreSQL refuses to run as root: as root, the server runs as the postgres user.
if [ "$(id -u)" -eq 0 ]; then
    id postgres >/dev/null 2>&1 || useradd --system --home-dir /var/lib/postgresql postgres
    as_server() { su postgres -s /bin/sh -c "$(printf '%q ' "$@")"; }
else
    as_server() { "$@"; }
fi

if [ ! -f "$DATA/PG_VERSION" ]; then
    say "creating a cluster in $DATA"
    mkdir -p "$DATA"
    if [ "$(id -u)" -eq 0 ]; then
        chown postgres: "$DATA"
    fi
    chmod 700 "$DATA"
    # trust: only local connections to this throwaway test server are possible.
    as_server "$BIN/initdb" -D "$DATA" -U postgres -E UTF8 --locale=C.UTF-8 \
        -A trust >/dev/null
fi

if ! as_server "$BIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1; then
    say "starting the server on 127.0.0.1:$PORT"
    as_server "$BIN/pg_ctl" -D "$DATA" -l "$DATA/server.log" -w -t 60 \
        -o "-c listen_addresses=127.0.0.1 -p $PORT -k $DATA" start >/dev/null
fi

psql_admin() {
    "$BIN/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PORT" -U postgres -d postgres "$@"
}
if [ "$(psql_admin -tAc "SELECT 1 FROM pg_roles WHERE rolname = '$ROLE'")" != "1" ]; then
    say "creating role $ROLE"
    # CREATEDB: every test makes a database of its own and drops it.
    psql_admin -c "CREATE ROLE $ROLE LOGIN CREATEDB"
fi
if [ "$(psql_admin -tAc "SELECT 1 FROM pg_database WHERE datname = '$DB'")" != "1" ]; then
    say "creating database $DB"
    psql_admin -c "CREATE DATABASE $DB OWNER $ROLE"
fi
say "ready ($("$BIN/postgres" --version))"
echo "postgresql://$ROLE@127.0.0.1:$PORT/$DB"

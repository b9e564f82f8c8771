#!/bin/sh
# Entry point of the PostgreSQL 15 container of the JDBC profile (run as root
# by the harness; postgres itself runs as user postgres and, through exec, as
# PID 1, so `docker kill` SIGKILLs the postmaster and `docker stop` is a smart
# shutdown (SIGTERM)).
#
# First start: initdb into /srv/pg/data, trust auth from anywhere (the server
# is reachable only on the harness's docker network and on a 127.0.0.1-bound
# published port), database `activemq` with the ActiveMQ schema from
# /srv/pg/conf/activemq-schema.sql. The marker file is written last, so a
# container killed half-way through initialisation starts over next time.
# Later starts (docker kill + docker start) reuse the data directory and run
# crash recovery. Wait for the log line
#   database system is ready to accept connections
# which only the final server prints (the init-time server logs to
# /srv/pg/init.log).
#
# fsync=off is safe against process/container kills (written data stays in the
# host page cache) but not against a host crash; synchronous_commit stays on so
# that a committed ActiveMQ write survives `docker kill` of the database.
set -eu
PGBIN=/usr/lib/postgresql/15/bin
DATA=/srv/pg/data
SOCK=/srv/pg/run
MARK="$DATA/amqha-initialised"
as_pg() { setpriv --reuid=postgres --regid=postgres --init-groups "$@"; }

install -d -m 0755 -o postgres -g postgres /srv/pg "$SOCK"
if [ ! -f "$MARK" ]; then
  echo "pg-run: initialising $DATA"
  # Emptied, not removed: a disk-full scenario mounts a sized volume here.
  [ -d "$DATA" ] && find "$DATA" -mindepth 1 -delete
  install -d -m 0700 -o postgres -g postgres "$DATA"
  : > /srv/pg/init.log && chown postgres:postgres /srv/pg/init.log
  if ! {
    as_pg "$PGBIN/initdb" -D "$DATA" -U postgres -E UTF8 --locale=C.UTF-8 -A trust &&
    printf 'host all all 0.0.0.0/0 trust\nhost all all ::/0 trust\n' >> "$DATA/pg_hba.conf" &&
    as_pg "$PGBIN/pg_ctl" -D "$DATA" -l /srv/pg/init.log -w -t 60 \
      -o "-c listen_addresses='' -c unix_socket_directories=$SOCK" start &&
    as_pg psql -h "$SOCK" -U postgres -d postgres -v ON_ERROR_STOP=1 -q -c 'CREATE DATABASE activemq' &&
    as_pg psql -h "$SOCK" -U postgres -d activemq -v ON_ERROR_STOP=1 -q -f /srv/pg/conf/activemq-schema.sql &&
    as_pg "$PGBIN/pg_ctl" -D "$DATA" -m fast -w stop
  } >> /srv/pg/init.log 2>&1; then
    echo "pg-run: initialisation FAILED" >&2
    cat /srv/pg/init.log >&2
    exit 1
  fi
  touch "$MARK"
  echo "pg-run: initialised"
fi
exec setpriv --reuid=postgres --regid=postgres --init-groups "$PGBIN/postgres" -D "$DATA" \
  -c listen_addresses='*' -c port=5432 -c unix_socket_directories="$SOCK" \
  -c fsync=off -c full_page_writes=off -c max_connections=200 \
  -c log_line_prefix='%m [%p] %q%u@%d ' -c log_connections=off

#!/bin/sh
# Entry point of a Patroni/PostgreSQL container ("replicated" profile).
# Runs as root: prepares directories, then execs Patroni as user postgres so
# that Patroni is PID 1 (`docker kill` = SIGKILL to Patroni and, through the
# PID namespace teardown, to its postmaster; `docker stop` = SIGTERM, which
# makes Patroni stop PostgreSQL cleanly).
#
# Files the harness copies in before start:
#   /srv/pg/patroni.yml               rendered from patroni.yml.tmpl
#   /srv/pg/post-bootstrap.sh         patroni-post-bootstrap.sh
#   /srv/pg/activemq-schema.sql       activemq-schema.sql (shared with the jdbc profile)
#
# Restart safety: a killed container keeps its filesystem, so on a restart
# /srv/pg/data already holds a cluster. Patroni then starts it (and runs
# pg_rewind if it was a diverged old primary); it only bootstraps (initdb or
# pg_basebackup) into an EMPTY data dir. This script:
#   * removes a stale postmaster.pid and the socket lock file
#     /var/run/postgresql/.s.PGSQL.5432.lock: the PID namespace is new, so the
#     old postmaster cannot be alive, but its PID may now belong to another
#     process (e.g. a Patroni thread), and postgres then refuses to start
#     (seen: FATAL lock file ".s.PGSQL.5432.lock" already exists; Patroni
#     logged "failed to start postgres" and only succeeded 2.5 s later);
#   * removes a data dir that has no global/pg_control: that is an
#     interrupted pg_basebackup (pg_control is sent last), which Patroni
#     would otherwise try to start instead of cloning again.
set -eu

PG=/srv/pg
DATA=$PG/data

install -d -o postgres -g postgres -m 0755 $PG
# Debian's psql/pg_* default socket dir; lets `docker exec -u postgres pgN psql` work.
install -d -o postgres -g postgres -m 2775 /var/run/postgresql
rm -f /var/run/postgresql/.s.PGSQL.*

if [ -d "$DATA" ]; then
  rm -f "$DATA/postmaster.pid"
  if [ ! -f "$DATA/global/pg_control" ]; then
    # Emptied, not removed: a disk-full scenario mounts a sized volume
    # here, whose root only Patroni's bootstrap may fill (an empty data
    # directory is one it initialises or clones into).
    if [ -n "$(ls -A "$DATA")" ]; then
      echo "patroni-run: $DATA has no global/pg_control (interrupted clone); emptying it" >&2
      find "$DATA" -mindepth 1 -delete
    fi
  else
    chown -R postgres:postgres "$DATA"
    chmod 0700 "$DATA"
  fi
fi

chmod 0755 $PG/post-bootstrap.sh 2>/dev/null || true
chmod 0644 $PG/patroni.yml $PG/activemq-schema.sql 2>/dev/null || true

cd $PG
export HOME=$PG USER=postgres LOGNAME=postgres PGHOST=/var/run/postgresql
# /usr/bin/patroni starts with #!/usr/bin/python3; call it explicitly anyway
# so a python3 earlier in PATH (without kazoo/psycopg2) can never be used.
exec setpriv --reuid postgres --regid postgres --init-groups \
  /usr/bin/python3 /usr/bin/patroni $PG/patroni.yml

#!/bin/sh
# Patroni post_bootstrap hook ("replicated" profile). Patroni runs it once,
# as postgres, on the node that ran initdb, after the new cluster is up and
# before it takes the leader key; its only argument is a libpq connection
# URL for the superuser (PGOPTIONS=-c synchronous_commit=local is set by
# Patroni, so it does not wait for a synchronous standby that cannot exist
# yet). A non-zero exit makes Patroni discard the cluster and retry.
# Creates the activemq database and the ActiveMQ JDBC schema, including
# the single ACTIVEMQ_LOCK row the lease locker UPDATEs (brokers run with
# createTablesOnStartup=false).
set -eu
psql -v ON_ERROR_STOP=1 -X -q "$1" -c "CREATE DATABASE activemq"
# The schema file is shared with the jdbc profile, which loads it into the
# activemq database directly; here the session switches to it first.
psql -v ON_ERROR_STOP=1 -X -q "$1" -c '\connect activemq' -f "$(dirname "$0")/activemq-schema.sql"

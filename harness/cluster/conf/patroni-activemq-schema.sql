-- ActiveMQ 5.17.2 JDBC store schema for PostgreSQL ("replicated" profile),
-- run by patroni-post-bootstrap.sh (installed next to it as
-- /srv/pg/activemq-schema.sql). Taken from pg_dump --schema-only after a
-- 5.17.2 broker with <postgresql-jdbc-adapter/> and createTablesOnStartup=true
-- created its tables, with one correction: ActiveMQ's own upgrade statement
-- ("ALTER TABLE ACTIVEMQ_ACKS DROP CONSTRAINT activemq_acks_pkey" + ADD
-- PRIMARY KEY incl. PRIORITY) fails on a fresh PostgreSQL because its CREATE
-- names the key PK_ACTIVEMQ_ACKS; here the ACKS key is the intended
-- (CONTAINER, CLIENT_ID, SUB_NAME, PRIORITY) under the name the adapter
-- expects (acksPkName default activemq_acks_pkey).
\connect activemq

CREATE TABLE activemq_msgs (
    id bigint NOT NULL,
    container character varying(250) NOT NULL,
    msgid_prod character varying(250),
    msgid_seq bigint,
    expiration bigint,
    msg bytea,
    priority bigint,
    xid character varying(250),
    CONSTRAINT activemq_msgs_pkey PRIMARY KEY (id)
);
CREATE INDEX activemq_msgs_midx ON activemq_msgs (msgid_prod, msgid_seq);
CREATE INDEX activemq_msgs_cidx ON activemq_msgs (container);
CREATE INDEX activemq_msgs_eidx ON activemq_msgs (expiration);
CREATE INDEX activemq_msgs_pidx ON activemq_msgs (priority);
CREATE INDEX activemq_msgs_xidx ON activemq_msgs (xid);
CREATE INDEX activemq_msgs_iidx ON activemq_msgs (id, xid, container);

CREATE TABLE activemq_acks (
    container character varying(250) NOT NULL,
    sub_dest character varying(250),
    client_id character varying(250) NOT NULL,
    sub_name character varying(250) NOT NULL,
    selector character varying(250),
    last_acked_id bigint,
    priority bigint DEFAULT 5 NOT NULL,
    xid character varying(250),
    CONSTRAINT activemq_acks_pkey PRIMARY KEY (container, client_id, sub_name, priority)
);
CREATE INDEX activemq_acks_xidx ON activemq_acks (xid);

CREATE TABLE activemq_lock (
    id bigint NOT NULL,
    "time" bigint,
    broker_name character varying(250),
    CONSTRAINT activemq_lock_pkey PRIMARY KEY (id)
);
INSERT INTO activemq_lock (id) VALUES (1);

-- ActiveMQ 5.17.2 JDBC store schema for PostgreSQL 15, applied once by pg-run.sh (jdbc) and by Patroni's post_bootstrap (replicated)
-- to database `activemq` (brokers run with createTablesOnStartup="false").
--
-- Source: pg_dump --schema-only --no-owner --no-privileges of the tables that a
-- broker with createTablesOnStartup="true" and <postgresql-jdbc-adapter/> created
-- on an empty database (ActiveMQ 5.17.2, tomcat9-dbcp pool, pgjdbc 42.5.5).
-- Two deliberate differences from that dump:
--  1. ACTIVEMQ_ACKS's primary key includes PRIORITY. ActiveMQ creates the key as
--     PK_ACTIVEMQ_ACKS (container, client_id, sub_name) and then tries to replace it
--     with (container, client_id, sub_name, priority), but the PostgreSQL adapter
--     drops the constraint "activemq_acks_pkey", which does not exist, so on
--     PostgreSQL the upgrade always fails with two WARNs. The 4-column key is what
--     ActiveMQ intends (prioritised durable subscriptions store one row per priority).
--  2. The lease row: ActiveMQ inserts it after CREATE TABLE (INSERT INTO
--     ACTIVEMQ_LOCK(ID) VALUES (1)); a schema-only dump omits it, and without it
--     no broker can ever take the lease.

CREATE TABLE public.activemq_msgs (
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
CREATE INDEX activemq_msgs_midx ON public.activemq_msgs USING btree (msgid_prod, msgid_seq);
CREATE INDEX activemq_msgs_cidx ON public.activemq_msgs USING btree (container);
CREATE INDEX activemq_msgs_eidx ON public.activemq_msgs USING btree (expiration);
CREATE INDEX activemq_msgs_pidx ON public.activemq_msgs USING btree (priority);
CREATE INDEX activemq_msgs_xidx ON public.activemq_msgs USING btree (xid);
CREATE INDEX activemq_msgs_iidx ON public.activemq_msgs USING btree (id, xid, container);

CREATE TABLE public.activemq_acks (
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
CREATE INDEX activemq_acks_xidx ON public.activemq_acks USING btree (xid);

CREATE TABLE public.activemq_lock (
    id bigint NOT NULL,
    "time" bigint,
    broker_name character varying(250),
    CONSTRAINT activemq_lock_pkey PRIMARY KEY (id)
);
INSERT INTO public.activemq_lock (id) VALUES (1);

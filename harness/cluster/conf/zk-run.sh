#!/bin/sh
# Entry point of a ZooKeeper container (run as root by the harness; java runs
# as the `zookeeper` user). ZK_ID (1..255) is this server's id and must match
# its server.N line in zoo.cfg. exec makes java PID 1, so `docker kill`
# delivers SIGKILL to ZooKeeper itself and `docker stop` a SIGTERM.
# A restarted container keeps /srv/zk/data (same container filesystem), so the
# server rejoins with its snapshot/txn log; myid is rewritten, which is harmless.
# DNS caching is turned down because peers' aliases do not resolve until their
# containers start, and a restarted container may get a new IP: with the JVM
# default (10 s negative cache) a follower kept failing `UnknownHostException: zk3`
# towards a running leader and a leader kill took 10.7 s instead of 0.5 s.
# JDK 17's java.security sets networkaddress.cache.negative.ttl=10, which beats
# -Dsun.net.inetaddr.negative.ttl, so the override must be a security property.
set -eu
: "${ZK_ID:?ZK_ID must be set to this server's id}"
mkdir -p /srv/zk/data /srv/zk/tmp
echo "$ZK_ID" > /srv/zk/data/myid
printf 'networkaddress.cache.ttl=1\nnetworkaddress.cache.negative.ttl=0\n' > /srv/zk/tmp/dns.security
chown -R zookeeper:zookeeper /srv/zk/data /srv/zk/tmp
exec setpriv --reuid=zookeeper --regid=zookeeper --init-groups \
  java ${JAVA_OPTS:--Xms32m -Xmx256m} -XX:+UseSerialGC -XX:TieredStopAtLevel=1 \
  -Djava.awt.headless=true -Djava.io.tmpdir=/srv/zk/tmp \
  -Djava.security.properties=/srv/zk/tmp/dns.security \
  -Dzookeeper.admin.enableServer=false \
  -Dlog4j.configuration=file:/srv/zk/conf/log4j.properties \
  -cp /srv/zk/conf:/usr/share/java/zookeeper.jar:/usr/share/java/slf4j-log4j12.jar:/usr/share/java/log4j-1.2.jar:/usr/share/java/servlet-api.jar \
  org.apache.zookeeper.server.quorum.QuorumPeerMain /srv/zk/conf/zoo.cfg

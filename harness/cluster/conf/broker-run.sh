#!/bin/sh
# Entry point of a broker container. exec makes java PID 1, so `docker kill`
# delivers SIGKILL to the broker itself and `docker stop` a SIGTERM.
mkdir -p /srv/amq/data /srv/amq/lib /srv/amq/tmp
# JDK 17 caches failed DNS lookups for 10 s and hits for 30 s: a database or
# peer container that restarts (with another IP) would stay unreachable.
printf 'networkaddress.cache.ttl=1\nnetworkaddress.cache.negative.ttl=0\n' > /srv/amq/tmp/dns.security
for jar in postgresql tomcat9-dbcp tomcat9-juli; do
  [ -e "/usr/share/java/$jar.jar" ] && ln -sf "/usr/share/java/$jar.jar" /srv/amq/lib/
done
# A cluster whose scenario slows the store (store-delay) gives its brokers
# the store proxy (harness/cluster/storeproxy.go): AMQHA_STORE_PROXY lists
# its routes, and the JDBC URLs point at them on 127.0.0.1. The JVM starts
# once they listen, so its first lease attempt does not meet a closed
# port. The control files' latencies outlive a restart: only the harness
# ends a delay. The proxy runs before LD_PRELOAD: its clock stays real.
if [ -n "$AMQHA_STORE_PROXY" ]; then
  rm -f /srv/amq/tmp/store-proxy.ready
  python3 /srv/amqha/storeproxy.py /srv/amq/tmp/store-delay /srv/amq/tmp/store-proxy.ready $AMQHA_STORE_PROXY &
  i=0
  while [ ! -e /srv/amq/tmp/store-proxy.ready ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i+1)); done
fi
# The JVM runs under libfaketime so that a clock-skew fault can move its
# wall clock (harness/cluster/clock.go): the offset file starts at +0 when
# the container is created and is re-read at most once a second; it is the
# machine's clock, so a restart keeps what the harness wrote; monotonic
# time (nanoTime: sleeps, the lease keep-alive's schedule) stays real.
# FAKETIME_FORCE_MONOTONIC_FIX=0: with Debian's libfaketime 0.9.10 the
# default fix of pthread_cond_timedwait made an idle JVM spin on both
# cores (an idle ZooKeeper JVM: 17-20 s of CPU in 10 s, 4 s to open its
# port, against 0.02 s and 0.5 s bare); with it off, 0.01-0.04 s and about
# 1-2 s, as bare under the same load (libfaketime issue #425).
[ -e /srv/amq/tmp/faketime ] || printf '+0' > /srv/amq/tmp/faketime
export LD_PRELOAD=/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1 \
  FAKETIME_TIMESTAMP_FILE=/srv/amq/tmp/faketime FAKETIME_CACHE_DURATION=1 \
  FAKETIME_DONT_FAKE_MONOTONIC=1 FAKETIME_FORCE_MONOTONIC_FIX=0
exec java ${JAVA_OPTS:--Xms64m -Xmx256m} -XX:+UseSerialGC -XX:TieredStopAtLevel=1 \
  -Djava.awt.headless=true -Djava.io.tmpdir=/srv/amq/tmp \
  -Djava.security.properties=/srv/amq/tmp/dns.security \
  --add-reads=java.xml=java.logging \
  --add-opens java.base/java.security=ALL-UNNAMED --add-opens java.base/java.net=ALL-UNNAMED \
  --add-opens java.base/java.lang=ALL-UNNAMED --add-opens java.base/java.util=ALL-UNNAMED \
  --add-opens java.naming/javax.naming.spi=ALL-UNNAMED --add-opens java.rmi/sun.rmi.transport.tcp=ALL-UNNAMED \
  --add-opens java.base/java.util.concurrent=ALL-UNNAMED --add-opens java.base/java.util.concurrent.atomic=ALL-UNNAMED \
  -Dactivemq.home=/usr/share/activemq -Dactivemq.base=/srv/amq \
  -Dactivemq.conf=/srv/amq/conf -Dactivemq.data=/srv/amq/data \
  -Dactivemq.classpath=/srv/amq/conf:/srv/amq/lib \
  -Dlog4j.configuration=file:/srv/amq/conf/log4j.properties \
  -jar /usr/share/activemq/bin/activemq.jar start xbean:file:/srv/amq/conf/activemq.xml

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

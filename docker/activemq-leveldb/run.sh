#!/bin/sh
# Entry point of a replicated-LevelDB broker: the harness copies the seed's
# activemq.xml to /srv/amq/conf; exec makes java PID 1 so kills reach it.
set -eu
cp -n /opt/activemq/conf/*.properties /srv/amq/conf/ 2>/dev/null || true
exec java ${JAVA_OPTS:--Xms64m -Xmx256m} -Djava.awt.headless=true \
  -Dactivemq.home=/opt/activemq -Dactivemq.base=/opt/activemq \
  -Dactivemq.conf=/srv/amq/conf -Dactivemq.data=/srv/amq/data \
  -Djava.io.tmpdir=/srv/amq/data/tmp \
  -jar /opt/activemq/bin/activemq.jar start xbean:file:/srv/amq/conf/activemq.xml

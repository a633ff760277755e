#!/usr/bin/env bash
# The apache/kafka image's tool of the same name (compose's healthcheck runs it), from the jars.
exec java -Xmx128m -XX:TieredStopAtLevel=1 -Djava.awt.headless=true \
  -Dlog4j2.configurationFile=/opt/kafka/config/tools-log4j2.properties \
  -cp '/opt/kafka/libs/*' org.apache.kafka.tools.BrokerApiVersionsCommand "$@"

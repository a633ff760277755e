# Brooklet in a container: `docker build -t brooklet .` then
#   docker run -p 9092:9092 -v brooklet-data:/data brooklet
# The broker listens on every interface of the container (BROOKLET_HOST=0.0.0.0) and keeps its
# log in the /data volume. SIGTERM (docker stop) is a clean shutdown: in-flight requests are
# answered, the logs flushed, the clean-shutdown marker written, exit code 0. For clients both
# inside and outside Docker, give it two listeners (compose.yaml shows how; README "Docker").
# The `bench` stage (`docker build --target bench .`, or the compose `bench` service) adds a Java
# runtime and Kafka's jars, fetched from Maven Central as scripts/install-peers.sh does
# (scripts/kafka/pom.xml), to run bench/side-by-side.ts against brokers given by
# BROOKLET_BOOTSTRAP and KAFKA_BOOTSTRAP.
# Where no registry answers, scripts/docker/base-images.sh builds the two node images locally.
FROM node:20-bookworm AS build
WORKDIR /app
COPY package.json package-lock.json .npmrc tsconfig.json ./
# All of scripts/: the build (npm ci runs prepare) uses several of them, and a local dependency lives there.
COPY scripts scripts
COPY native native
COPY src src
COPY protocol protocol
COPY storage storage
COPY bench bench
# bench/ imports the test harness's Kafka configuration; tsc needs it to build.
COPY test test
RUN npm ci --no-audit --no-fund

# A Java runtime and Kafka's jars, in a stage of their own so a source change does not fetch them again.
FROM node:20-bookworm AS kafka-jars
RUN apt-get update && apt-get install -y --no-install-recommends openjdk-17-jre-headless maven \
  && rm -rf /var/lib/apt/lists/*
COPY scripts/kafka/pom.xml /opt/kafka/pom.xml
RUN mvn -q -B -f /opt/kafka/pom.xml dependency:copy-dependencies -DoutputDirectory=/opt/kafka/libs \
  && rm -rf /root/.m2

FROM kafka-jars AS bench
WORKDIR /app
COPY --from=build /app /app
# Containers share the host's cores as the scheduler sees fit: no taskset pinning inside.
ENV KAFKA_JARS_DIR=/opt/kafka/libs BENCH_PIN=0
ENTRYPOINT ["node", "dist/bench/side-by-side.js"]

FROM build AS runtime-deps
RUN npm prune --omit=dev

FROM node:20-bookworm-slim
WORKDIR /app
COPY --from=runtime-deps /app/package.json ./
COPY --from=runtime-deps /app/node_modules node_modules
COPY --from=runtime-deps /app/dist dist
COPY scripts/docker/healthcheck.cjs healthcheck.cjs
ENV BROOKLET_HOST=0.0.0.0 BROOKLET_DATA_DIR=/data
VOLUME /data
# Kafka, then the HTTP listener (/health, /ready, /metrics; on 127.0.0.1 inside unless BROOKLET_HTTP_HOST says otherwise).
EXPOSE 9092 9080
# Ready once the broker accepts Kafka connections with its storage recovered (GET /ready).
HEALTHCHECK --interval=5s --timeout=3s --start-period=10s --retries=3 CMD ["node", "healthcheck.cjs"]
STOPSIGNAL SIGTERM
ENTRYPOINT ["node", "dist/brooklet.cjs"]

# Brooklet in a container: `docker build -t brooklet .` then `docker run -p 9092:9092 brooklet`.
# The `bench` stage (`docker build --target bench .`, or the compose `bench` service) adds a Java
# runtime and Kafka's jars (broker and perf tools, copied from the apache/kafka image) to run
# bench/side-by-side.ts against brokers given by BROOKLET_BOOTSTRAP and KAFKA_BOOTSTRAP.
FROM node:20-bookworm AS build
WORKDIR /app
COPY package.json package-lock.json .npmrc tsconfig.json ./
COPY scripts/node-gyp-cxx17 scripts/node-gyp-cxx17
COPY native native
COPY scripts/kafka scripts/kafka
COPY scripts/bundle-cli.mjs scripts/bundle-cli.mjs
COPY src src
COPY protocol protocol
COPY storage storage
COPY bench bench
# bench/ imports the test harness's Kafka configuration; tsc needs it to build.
COPY test test
RUN npm ci --no-audit --no-fund

FROM build AS bench
RUN apt-get update && apt-get install -y --no-install-recommends openjdk-17-jre-headless \
  && rm -rf /var/lib/apt/lists/*
COPY --from=apache/kafka:4.1.1 /opt/kafka/libs /opt/kafka/libs
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
ENV BROOKLET_HOST=0.0.0.0 BROOKLET_DATA_DIR=/data
VOLUME /data
EXPOSE 9092
ENTRYPOINT ["node", "dist/brooklet.cjs"]

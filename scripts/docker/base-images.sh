#!/usr/bin/env bash
# The base images the Dockerfile, compose.yaml and the testcontainers path name, where no
# registry can give them:
#   node:20-bookworm        Debian bookworm (minbase + g++, make, python3, git, ca-certificates,
#                           curl: what npm ci needs to build native addons) + this machine's Node
#   node:20-bookworm-slim   Debian bookworm minbase + this machine's Node and npm
#   apache/kafka:<version>  Debian bookworm minbase + this machine's Java 17 + Kafka's jars from
#                           Maven Central (.cache/kafka-jars, scripts/install-peers.sh), behind an
#                           entry point with the official image's contract (kafka-image/run)
# A tag that exists is left alone; one a registry can give is pulled (so on a machine with a
# registry the real images are used); only the rest is built here. The Debian root filesystems
# come from debootstrap (Debian's mirror, as apt uses it) and are kept as tarballs in
# .cache/docker/, so a rebuild after `docker rmi` or on a new engine needs no download.
# Usage: base-images.sh [--rebuild]   (--rebuild builds all three here even if they exist)
set -euo pipefail
SCRIPT=base-images
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
HERE="$ROOT/scripts/docker"

REBUILD=false
[[ "${1:-}" == "--rebuild" ]] && REBUILD=true
SUITE=bookworm
KAFKA_VERSION="$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$ROOT/scripts/kafka/pom.xml" | head -1)"
NODE_FULL=node:20-bookworm
NODE_SLIM=node:20-bookworm-slim
KAFKA=apache/kafka:$KAFKA_VERSION
MIRROR="${DEBIAN_MIRROR:-$(grep -rhoE 'https?://[^ ]+/debian/?( |$)' /etc/apt/sources.list /etc/apt/sources.list.d/ 2>/dev/null \
  | head -1 | tr -d ' ' || true)}"
[[ -n "$MIRROR" ]] || fail "no Debian mirror in apt's sources: set DEBIAN_MIRROR to the mirror debootstrap should use"
BUILD_PACKAGES=g++,make,python3,git,ca-certificates,curl

docker version >/dev/null 2>&1 || fail "no Docker engine answers (scripts/docker/engine.sh starts one)"
has_image() { docker image inspect "$1" >/dev/null 2>&1; }

todo=()
for tag in "$NODE_FULL" "$NODE_SLIM" "$KAFKA"; do
  if ! $REBUILD && has_image "$tag"; then
    say "$tag: present"
  elif ! $REBUILD && timeout 300 docker pull -q "$tag" >/dev/null 2>&1; then
    say "$tag: pulled"
  else
    todo+=("$tag")
  fi
done
[[ ${#todo[@]} -eq 0 ]] && exit 0
wanted() { [[ " ${todo[*]} " == *" $1 "* ]]; }

# A Debian root filesystem as a tarball in .cache/docker, made once per package list.
rootfs() {
  local name="$1" include="$2" tar="$CACHE/rootfs-$SUITE-$1.tar"
  if [[ -f "$tar" && "$(cat "$tar.stamp" 2>/dev/null)" == "$SUITE $include" ]]; then
    say "rootfs $name: cached in .cache/docker" >&2
  else
    command -v debootstrap >/dev/null 2>&1 || apt_install debootstrap
    local dir
    dir="$(mktemp -d "$CACHE/rootfs-$name.XXXXXX")"
    say "rootfs $name: debootstrap $SUITE from $MIRROR" >&2
    mkdir -p "$CACHE/debs"
    if ! debootstrap --variant=minbase --cache-dir="$CACHE/debs" ${include:+--include=$include} \
        "$SUITE" "$dir" "$MIRROR" >"$CACHE/debootstrap-$name.log" 2>&1; then
      rm -rf "$dir"
      fail "debootstrap failed; see .cache/docker/debootstrap-$name.log"
    fi
    rm -rf "$dir"/var/lib/apt/lists/* "$dir"/var/cache/apt/archives/*.deb "$dir"/debootstrap
    tar -C "$dir" -cf "$tar.partial" .
    rm -rf "$dir"
    mv "$tar.partial" "$tar"
    echo "$SUITE $include" >"$tar.stamp"
  fi
  local image="brooklet-base/$SUITE-$name:local"
  has_image "$image" || docker import "$tar" "$image" >/dev/null
  echo "$image"
}

build() { # tag, context dir, Dockerfile text on stdin
  docker build -q --network host --label org.brooklet.local-base=true -t "$1" -f - "$2" \
    >"$CACHE/build-base.log" 2>&1 || fail "building $1 failed: $(tail -n 5 "$CACHE/build-base.log")"
  say "$1: built here ($(docker image inspect -f '{{.Size}}' "$1" | awk '{printf "%.0f MB", $1/1e6}'))"
}

node_context() {
  local ctx="$CACHE/context-node"
  rm -rf "$ctx" && mkdir -p "$ctx"
  local node npm_dir
  node="$(readlink -f "$(command -v node)")"
  npm_dir="$(dirname "$(dirname "$(readlink -f "$(command -v npm)")")")"
  [[ "$(node --version)" == v20.* ]] || fail "this machine's Node is $(node --version), the images need 20"
  cp "$node" "$ctx/node"
  # Node's headers, where the official images have them (node-gyp finds them beside the binary
  # instead of downloading them).
  local headers
  headers="$(dirname "$(dirname "$node")")/include/node"
  [[ -f "$headers/node.h" ]] || fail "Node's headers are missing in $headers (node-gyp needs them)"
  cp -a "$headers" "$ctx/include-node"
  cp -a "$npm_dir" "$ctx/npm"
  # The certificate authorities this machine trusts beyond Debian's (Debian's place for them), so
  # npm, apt and Maven inside a build reach what the machine reaches (a proxy's own CA included).
  mkdir -p "$ctx/local-ca"
  cp /usr/local/share/ca-certificates/*.crt "$ctx/local-ca/" 2>/dev/null || true
  echo "$ctx"
}

node_image() { # tag, base image
  build "$1" "$(node_context)" <<DOCKERFILE
FROM $2
COPY node /usr/local/bin/node
COPY npm /usr/local/lib/node_modules/npm
COPY include-node /usr/local/include/node
COPY local-ca /usr/local/share/ca-certificates
RUN ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm \
 && ln -s ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx && node --version && npm --version \
 && if command -v update-ca-certificates >/dev/null; then update-ca-certificates >/dev/null; fi
# node-gyp builds against these headers instead of fetching them from nodejs.org.
ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin NODE_VERSION=$(node --version | tr -d v) \
  npm_config_nodedir=/usr/local
${NODE_CA_ENV:-}
CMD ["node"]
DOCKERFILE
}

kafka_image() { # tag, base image
  local jars="$ROOT/.cache/kafka-jars/$KAFKA_VERSION"
  ls "$jars"/kafka_2.13-*.jar >/dev/null 2>&1 || fail "Kafka's jars are missing in .cache/kafka-jars/$KAFKA_VERSION: run scripts/install-peers.sh"
  local java_home
  java_home="$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")"
  java -version 2>&1 | grep -q 'version "17' || fail "this machine's Java is not 17 ($(java -version 2>&1 | head -1))"
  local ctx="$CACHE/context-kafka"
  rm -rf "$ctx" && mkdir -p "$ctx/jvm" "$ctx/java-etc" "$ctx/bin" "$ctx/config"
  # The runtime only: no jmods, headers or man pages. Debian's JVM links its config from /etc.
  cp -a "$java_home"/{bin,lib,conf,release} "$ctx/jvm/"
  [[ -d /etc/java-17-openjdk ]] && cp -aL /etc/java-17-openjdk/. "$ctx/java-etc/"
  cp -a "$jars" "$ctx/libs"
  rm -f "$ctx/libs/.stamp"
  cp "$HERE/kafka-image/run" "$ctx/run"
  cp "$HERE/kafka-image/kafka-broker-api-versions.sh" "$ctx/bin/"
  cp "$HERE/kafka-image/log4j2.properties" "$HERE/kafka-image/tools-log4j2.properties" "$ctx/config/"
  build "$1" "$ctx" <<DOCKERFILE
FROM $2
COPY jvm $java_home
COPY java-etc /etc/java-17-openjdk
COPY libs /opt/kafka/libs
COPY bin /opt/kafka/bin
COPY config /opt/kafka/config
COPY run /etc/kafka/docker/run
RUN ln -s $java_home/bin/java /usr/bin/java && useradd -u 1000 -M -d /home/appuser appuser \
 && mkdir -p /tmp/kraft-combined-logs /home/appuser && chown appuser /opt/kafka/config /tmp/kraft-combined-logs /home/appuser \
 && java -version
ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin KAFKA_VERSION=$KAFKA_VERSION
USER appuser
WORKDIR /home/appuser
CMD ["/etc/kafka/docker/run"]
DOCKERFILE
}

if wanted "$NODE_SLIM" || wanted "$KAFKA"; then MINBASE="$(rootfs minbase '')"; fi
# Node reads its own CA list, not the system's: point it at the system bundle (which has the local CAs).
wanted "$NODE_FULL" && NODE_CA_ENV="ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt" \
  node_image "$NODE_FULL" "$(rootfs build "$BUILD_PACKAGES")"
wanted "$NODE_SLIM" && node_image "$NODE_SLIM" "$MINBASE"
wanted "$KAFKA" && kafka_image "$KAFKA" "$MINBASE"
exit 0

#!/usr/bin/env bash
# Installs the test peers that Brooklet's compatibility tests and benchmarks run against:
#   - real Apache Kafka's jars   -> .cache/kafka-jars/<version>        (scripts/kafka/pom.xml)
#   - the Java client peer       -> test/compat/java/target/            (test/compat/java/pom.xml)
#   - Kafka Connect (worker + FileStream connectors) -> test/compat/connect/target/classpath.txt
#   - a Kafka Streams word count -> test/compat/streams/target/         (test/compat/streams/pom.xml)
#   - the franz-go peer          -> test/compat/go/target/compat-go     (test/compat/go/go.mod)
#   - the librdkafka peer        -> test/compat/python/.venv            (requirements.txt there)
#   - kcat                       -> from Debian with apt-get (when root)
#   - @confluentinc/kafka-javascript -> test/compat/confluent-js/node_modules (built from source)
# Idempotent and fast when nothing changed: each step records a stamp of its inputs and skips
# itself while the stamp matches. Prints one line per peer; exits non-zero if any step fails.
# Needs Java 17+, Maven 3.8+, Go 1.26+, Python 3.9+ with venv, and access to Maven Central, the Go
# module proxy, PyPI and npm
# (plus Debian packages for the builds, installed with apt-get when root).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

need() {
  command -v "$1" >/dev/null 2>&1 || { echo "install-peers: $1 is required but not on PATH" >&2; exit 1; }
}
need java
need mvn
need python3

# A stamp is the sha256 of the files that decide a step's output.
stamp_of() { cat "$@" | sha256sum | cut -d' ' -f1; }
up_to_date() { [[ -f "$1" && "$(cat "$1")" == "$2" ]]; }

MVN=(mvn -q -B -Dstyle.color=never)

# --- real Apache Kafka from Maven Central ---------------------------------------------------
KAFKA_VERSION="$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' scripts/kafka/pom.xml | head -1)"
KAFKA_DIR="$ROOT/.cache/kafka-jars/$KAFKA_VERSION"
KAFKA_STAMP="$(stamp_of scripts/kafka/pom.xml)"
if up_to_date "$KAFKA_DIR/.stamp" "$KAFKA_STAMP"; then
  echo "kafka $KAFKA_VERSION jars: cached in .cache/kafka-jars/$KAFKA_VERSION"
else
  rm -rf "$KAFKA_DIR.partial"
  "${MVN[@]}" -f scripts/kafka/pom.xml dependency:copy-dependencies -DoutputDirectory="$KAFKA_DIR.partial"
  rm -rf "$KAFKA_DIR"
  mv "$KAFKA_DIR.partial" "$KAFKA_DIR"
  echo "$KAFKA_STAMP" > "$KAFKA_DIR/.stamp"
  echo "kafka $KAFKA_VERSION jars: installed $(ls "$KAFKA_DIR" | grep -c '\.jar$') jars in .cache/kafka-jars/$KAFKA_VERSION"
fi

# --- Java client peer ------------------------------------------------------------------------
JAVA_PEER=test/compat/java
JAVA_STAMP="$(stamp_of $JAVA_PEER/pom.xml $(find $JAVA_PEER/src -type f | sort))"
if up_to_date "$JAVA_PEER/target/.stamp" "$JAVA_STAMP" && [[ -f "$JAVA_PEER/target/classpath.txt" ]]; then
  echo "java peer: built (test/compat/java/target)"
else
  "${MVN[@]}" -f $JAVA_PEER/pom.xml package dependency:build-classpath \
    -Dmdep.outputFile=target/classpath.txt
  echo "$JAVA_STAMP" > "$JAVA_PEER/target/.stamp"
  echo "java peer: built kafka-clients $(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' $JAVA_PEER/pom.xml | head -1) client into test/compat/java/target"
fi

# --- Kafka Connect peer (distributed worker + FileStream connectors) --------------------------
CONNECT_PEER=test/compat/connect
CONNECT_STAMP="$(stamp_of $CONNECT_PEER/pom.xml)"
if up_to_date "$CONNECT_PEER/target/.stamp" "$CONNECT_STAMP" && [[ -f "$CONNECT_PEER/target/classpath.txt" ]]; then
  echo "connect peer: resolved (test/compat/connect/target)"
else
  mkdir -p $CONNECT_PEER/target
  "${MVN[@]}" -f $CONNECT_PEER/pom.xml dependency:build-classpath -Dmdep.outputFile=target/classpath.txt
  echo "$CONNECT_STAMP" > "$CONNECT_PEER/target/.stamp"
  echo "connect peer: resolved connect-runtime and connect-file into test/compat/connect/target"
fi

# --- Kafka Streams peer (word count) ---------------------------------------------------------
STREAMS_PEER=test/compat/streams
STREAMS_STAMP="$(stamp_of $STREAMS_PEER/pom.xml $(find $STREAMS_PEER/src -type f | sort))"
if up_to_date "$STREAMS_PEER/target/.stamp" "$STREAMS_STAMP" && [[ -f "$STREAMS_PEER/target/classpath.txt" ]]; then
  echo "streams peer: built (test/compat/streams/target)"
else
  "${MVN[@]}" -f $STREAMS_PEER/pom.xml package dependency:build-classpath -Dmdep.outputFile=target/classpath.txt
  echo "$STREAMS_STAMP" > "$STREAMS_PEER/target/.stamp"
  echo "streams peer: built the kafka-streams word count into test/compat/streams/target"
fi

# --- franz-go peer (Go; GroupTransactSession) -------------------------------------------------
GO_PEER=test/compat/go
need go
GO_STAMP="$(stamp_of $GO_PEER/go.mod $GO_PEER/go.sum $GO_PEER/main.go)"
if up_to_date "$GO_PEER/target/.stamp" "$GO_STAMP" && [[ -x "$GO_PEER/target/compat-go" ]]; then
  echo "franz-go peer: built (test/compat/go/target)"
else
  (cd $GO_PEER && go build -o target/compat-go .)
  echo "$GO_STAMP" > "$GO_PEER/target/.stamp"
  echo "franz-go peer: built $(sed -n 's:^require github.com/twmb/franz-go \(.*\):\1:p' $GO_PEER/go.mod) into test/compat/go/target"
fi

# --- librdkafka peer (confluent-kafka for Python) --------------------------------------------
PY_PEER=test/compat/python
PY_STAMP="$(stamp_of $PY_PEER/requirements.txt)"
if up_to_date "$PY_PEER/.venv/.stamp" "$PY_STAMP" \
  && "$PY_PEER/.venv/bin/python" -c 'import confluent_kafka' 2>/dev/null; then
  echo "librdkafka peer: venv ready (confluent-kafka $("$PY_PEER/.venv/bin/python" -c 'import confluent_kafka; print(confluent_kafka.version())'))"
else
  rm -rf "$PY_PEER/.venv"
  python3 -m venv "$PY_PEER/.venv"
  "$PY_PEER/.venv/bin/pip" install -q --disable-pip-version-check -r "$PY_PEER/requirements.txt"
  echo "$PY_STAMP" > "$PY_PEER/.venv/.stamp"
  echo "librdkafka peer: installed confluent-kafka $("$PY_PEER/.venv/bin/python" -c 'import confluent_kafka; print(confluent_kafka.version(), "librdkafka", confluent_kafka.libversion()[0])')"
fi

# --- kcat (librdkafka's command-line client) from Debian --------------------------------------
# The compatibility matrix drives it as a client. apt-get needs root (CI runs as root); elsewhere
# a missing kcat only skips its matrix rows, unless CI=true, where the tests then fail.
if command -v kcat >/dev/null 2>&1; then
  echo "kcat: $(kcat -V 2>&1 | sed -n 's/^Version \([^ ]*\).*/\1/p' | head -1) on PATH"
elif command -v apt-get >/dev/null 2>&1 && [[ "$(id -u)" == 0 ]]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq kcat >/dev/null
  echo "kcat: installed $(kcat -V 2>&1 | sed -n 's/^Version \([^ ]*\).*/\1/p' | head -1) from Debian"
else
  echo "kcat: not installed (needs root and apt-get); its compatibility-matrix rows will be skipped" >&2
  [[ "${CI:-}" == "true" ]] && exit 1
fi

# --- Chromium (the web console's browser tests) from Debian -------------------------------------
# test/console/browser.test.ts drives /usr/bin/chromium headless through playwright-core; no
# browser is ever downloaded. Without root the tests fail naming this script.
if [[ -x /usr/bin/chromium ]]; then
  echo "chromium: $(/usr/bin/chromium --version 2>/dev/null | head -1) at /usr/bin/chromium"
elif command -v apt-get >/dev/null 2>&1 && [[ "$(id -u)" == 0 ]]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  echo "chromium: installed $(/usr/bin/chromium --version 2>/dev/null | head -1) from Debian"
else
  echo "chromium: not installed (needs root and apt-get: apt-get install chromium); the console's browser tests will fail" >&2
  [[ "${CI:-}" == "true" ]] && exit 1
fi

# --- @confluentinc/kafka-javascript (librdkafka for Node) -------------------------------------
# Its install script fetches a prebuilt binary from GitHub releases and falls back to building
# the librdkafka it ships. The default (static) build downloads zlib, OpenSSL, zstd and curl
# sources from GitHub too, so it fails offline; CKJS_LINKING=dynamic builds librdkafka against
# the Debian -dev packages below instead (about two minutes). It lives in its own folder so the
# root `npm ci` never pays for that build.
CJS_PEER=test/compat/confluent-js
CJS_DEBS=(g++ make pkg-config libssl-dev zlib1g-dev libzstd-dev liblz4-dev libsasl2-dev libcurl4-openssl-dev)
CJS_ADDON="$CJS_PEER/node_modules/@confluentinc/kafka-javascript/build/Release/confluent-kafka-javascript.node"
CJS_STAMP="$(stamp_of $CJS_PEER/package.json $CJS_PEER/package-lock.json <(printf '%s\n' "${CJS_DEBS[@]}"))"
cjs_version() { node -p "require('./$CJS_PEER/node_modules/@confluentinc/kafka-javascript/package.json').version"; }
if up_to_date "$CJS_PEER/node_modules/.stamp" "$CJS_STAMP" && [[ -f "$CJS_ADDON" ]]; then
  echo "confluent-js peer: built (@confluentinc/kafka-javascript $(cjs_version))"
else
  CJS_MISSING=()
  for deb in "${CJS_DEBS[@]}"; do
    dpkg -s "$deb" >/dev/null 2>&1 || CJS_MISSING+=("$deb")
  done
  if [[ ${#CJS_MISSING[@]} -gt 0 ]] && command -v apt-get >/dev/null 2>&1 && [[ "$(id -u)" == 0 ]]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${CJS_MISSING[@]}" >/dev/null
    CJS_MISSING=()
  fi
  if [[ ${#CJS_MISSING[@]} -gt 0 ]]; then
    echo "confluent-js peer: not built, missing Debian packages (${CJS_MISSING[*]}; needs root and apt-get); its compatibility-matrix rows will be skipped" >&2
    # An if, not `[[ ]] && exit`: as the script's last command that would make it exit 1 off CI too.
    if [[ "${CI:-}" == "true" ]]; then exit 1; fi
  else
    CJS_LOG="$(mktemp)"
    if ! (cd "$CJS_PEER" && CKJS_LINKING=dynamic npm ci --no-audit --no-fund --foreground-scripts) >"$CJS_LOG" 2>&1; then
      tail -40 "$CJS_LOG" >&2
      echo "confluent-js peer: build failed (full log: $CJS_LOG)" >&2
      exit 1
    fi
    rm -f "$CJS_LOG"
    echo "$CJS_STAMP" > "$CJS_PEER/node_modules/.stamp"
    echo "confluent-js peer: built @confluentinc/kafka-javascript $(cjs_version) from source into $CJS_PEER"
  fi
fi

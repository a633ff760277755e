#!/usr/bin/env bash
# Makes sure a Docker engine answers here, with a compose command beside it:
#   - the docker CLI and dockerd from Debian's docker.io when missing (apt-get, needs root)
#   - docker compose (the v2 plugin when present) or else Debian's docker-compose
#   - dockerd started when none answers, networking off: --bridge=none --iptables=false, so a
#     container has only the host's network (every test container runs with --network host and
#     is reached on 127.0.0.1); it logs to .cache/docker/dockerd.log
# Prints one line per step and, last, the compose command to use (`docker compose` or
# `docker-compose`) on a line of its own prefixed "compose: ". Exits non-zero with a reason when
# an engine cannot be had. Idempotent: an engine that already answers is left alone.
set -euo pipefail

SCRIPT=docker-engine
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

if ! command -v dockerd >/dev/null 2>&1 || ! command -v docker >/dev/null 2>&1; then
  say "installing Debian's docker.io"
  apt_install docker.io
fi

if docker compose version >/dev/null 2>&1; then
  COMPOSE="docker compose"
elif command -v docker-compose >/dev/null 2>&1; then
  COMPOSE="docker-compose"
else
  # Debian packages the compose v2 plugin in newer releases; bookworm has docker-compose 1.29.
  if apt-cache show docker-compose-v2 >/dev/null 2>&1; then
    say "installing Debian's compose plugin"; apt_install docker-compose-v2; COMPOSE="docker compose"
  else
    say "installing Debian's docker-compose"; apt_install docker-compose; COMPOSE="docker-compose"
  fi
fi

answers() { timeout 5 docker version --format '{{.Server.Version}}' >/dev/null 2>&1; }

if answers; then
  say "engine $(docker version --format '{{.Server.Version}}') answers"
else
  [[ "$(id -u)" == 0 ]] || fail "no Docker engine answers and only root can start dockerd here"
  say "starting dockerd (--bridge=none --iptables=false), log in .cache/docker/dockerd.log"
  # setsid: the engine outlives this script and the CI step that ran it.
  setsid dockerd --bridge=none --iptables=false --ip-masq=false >>"$CACHE/dockerd.log" 2>&1 < /dev/null &
  for _ in $(seq 1 60); do
    answers && break
    sleep 1
  done
  answers || fail "dockerd did not answer within 60 s; last lines of its log:
$(tail -n 20 "$CACHE/dockerd.log")"
  say "engine $(docker version --format '{{.Server.Version}}') started"
fi
echo "compose: $COMPOSE"

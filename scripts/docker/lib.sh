# Shared by the scripts in scripts/docker/ (sourced, not run).
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
CACHE="$ROOT/.cache/docker"
mkdir -p "$CACHE"

fail() { echo "$SCRIPT: $*" >&2; exit 1; }
say() { echo "$SCRIPT: $*"; }

# Installs Debian packages (root only); refreshes the package lists once when they lack one.
apt_install() {
  [[ "$(id -u)" == 0 ]] || fail "$* missing and not root: install it (Debian: apt-get install $*)"
  local pkg
  for pkg in "$@"; do
    if ! apt-cache show "$pkg" >/dev/null 2>&1; then apt-get update -qq; break; fi
  done
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

# shellcheck shell=bash
# Shared by the scripts in this folder: where the Python 3.14 environment lives and how to enter it.
#
# Home Assistant 2026.10 needs Python >= 3.14.2. A host that has it gets a plain venv. A host that
# does not (Debian 12 and 13 today) gets a small Debian unstable root with Debian's python3.14 in
# it, built once with mmdebstrap and cached; commands then run inside it with chroot, in a private
# mount namespace so that nothing stays mounted after they exit.

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CACHE_DIR="${OVH_HTTP2SMS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/ovh-http2sms-dev}"
ROOTFS="$CACHE_DIR/py314-root"

# Two environments share the cache folder (and the Debian root, when there is one); only the venv
# differs. "pinned" (the default): the Home Assistant the test harness pins, every package locked.
# "newest": the newest Home Assistant release, for the end-to-end and browser tests; chosen with
# --newest. Each venv is rebuilt when its own requirement files (or the root's packages) change,
# and only then, so that moving one environment's pins never rebuilds the other.
ENV_NAME=pinned
VENV_NAME=venv
REQUIREMENT_FILES=(requirements.txt requirements_lock.txt requirements_test.txt)
INSTALL_FROM=requirements_test.txt

use_newest() {
  ENV_NAME=newest
  VENV_NAME=venv-newest
  REQUIREMENT_FILES=(requirements_newest.txt)
  INSTALL_FROM=requirements_newest.txt
}

MIN_PYTHON="3.14.2"
# Debian packages the unstable root needs: Python, compilers for the two Home Assistant voice
# packages that have no Python 3.14 wheel, libturbojpeg for the camera platform, and the browser
# that the UI tests drive.
ROOTFS_PACKAGES="python3.14,python3.14-venv,python3.14-dev,ca-certificates,gcc,g++,libturbojpeg0,tzdata,chromium,fonts-dejavu-core"

log() { printf '%s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

# A host interpreter recent enough for Home Assistant, or nothing.
host_python() {
  local candidate
  for candidate in python3.14 python3.15 python3; do
    if command -v "$candidate" >/dev/null 2>&1 &&
      "$candidate" -c "import sys; sys.exit(sys.version_info < (${MIN_PYTHON//./, }))" 2>/dev/null; then
      command -v "$candidate"
      return 0
    fi
  done
  return 1
}

# "venv" when the host has Python >= 3.14.2, "rootfs" otherwise. OVH_HTTP2SMS_ENV overrides.
env_mode() {
  if [ -n "${OVH_HTTP2SMS_ENV:-}" ]; then
    printf '%s\n' "$OVH_HTTP2SMS_ENV"
  elif host_python >/dev/null; then
    printf 'venv\n'
  else
    printf 'rootfs\n'
  fi
}

# The CA bundle the host trusts; the root gets a copy so HTTPS works the same inside it.
host_ca_bundle() {
  local bundle
  bundle="$(python3 -c 'import ssl; print(ssl.get_default_verify_paths().cafile or "")' 2>/dev/null)"
  [ -n "$bundle" ] && [ -f "$bundle" ] || bundle=/etc/ssl/certs/ca-certificates.crt
  printf '%s\n' "$bundle"
}

venv_dir() {
  if [ "$(env_mode)" = venv ]; then
    printf '%s\n' "$CACHE_DIR/$VENV_NAME"
  else
    printf '/opt/%s\n' "$VENV_NAME"
  fi
}

# Run a command in the environment, from the repository root, with the venv first on PATH.
# With IN_ENV_EXEC=1 the shell is replaced by the command (same PID), so signals reach it.
in_env() {
  local mode venv
  mode="$(env_mode)"
  venv="$(venv_dir)"
  if [ "$mode" = venv ]; then
    cd "$REPO_ROOT"
    if [ "${IN_ENV_EXEC:-0}" = 1 ]; then
      PATH="$venv/bin:$PATH" VIRTUAL_ENV="$venv" exec "$@"
    fi
    (PATH="$venv/bin:$PATH" VIRTUAL_ENV="$venv" "$@")
    return
  fi
  [ "$(id -u)" = 0 ] || die "this host has no Python >= $MIN_PYTHON; install it, or run as root to use a Debian unstable root"
  local quoted
  quoted="$(printf '%q ' "$@")"
  mkdir -p "$ROOTFS$REPO_ROOT"
  cp "$(host_ca_bundle)" "$ROOTFS/etc/ssl/certs/host-ca.crt"
  cp /etc/resolv.conf "$ROOTFS/etc/resolv.conf" 2>/dev/null || true
  local launcher=()
  [ "${IN_ENV_EXEC:-0}" = 1 ] && launcher=(exec)
  "${launcher[@]}" unshare --mount --propagation private -- /bin/sh -c '
    set -e
    root="$1"; repo="$2"; shift 2
    mount --rbind /proc "$root/proc"
    mount --rbind /sys "$root/sys"
    mount --rbind /dev "$root/dev"
    mount -t tmpfs tmpfs "$root/dev/shm"
    mount --bind "$repo" "$root$repo"
    exec "$@"
  ' in_env "$ROOTFS" "$REPO_ROOT" \
    env -i \
    PATH="$venv/bin:/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin" \
    VIRTUAL_ENV="$venv" HOME=/root LANG=C.UTF-8 TERM="${TERM:-dumb}" CI="${CI:-}" \
    SSL_CERT_FILE=/etc/ssl/certs/host-ca.crt PIP_CERT=/etc/ssl/certs/host-ca.crt \
    PIP_DISABLE_PIP_VERSION_CHECK=1 PYTHONDONTWRITEBYTECODE="${PYTHONDONTWRITEBYTECODE:-}" \
    PYTEST_ADDOPTS="${PYTEST_ADDOPTS:-}" HYPOTHESIS_PROFILE="${HYPOTHESIS_PROFILE:-}" \
    PYTHONWARNINGS="${PYTHONWARNINGS:-}" \
    OVH_HTTP2SMS_REFRESH_DOCS="${OVH_HTTP2SMS_REFRESH_DOCS:-}" \
    /usr/sbin/chroot "$ROOTFS" /bin/bash -c "cd $(printf '%q' "$REPO_ROOT") && exec $quoted"
}

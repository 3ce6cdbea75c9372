#!/usr/bin/env bash
# engine-bootstrap.sh — make a Docker engine, a Debian base image and a local
# registry available on a machine that has no container registry access.
#
# Run with --help for usage. Idempotent: a second run returns at once.
set -euo pipefail

readonly DEFAULT_BASE_TAG="paddock/debian:bookworm"
readonly SUITE="bookworm"
DOCKERD_LOG="${PADDOCK_DOCKERD_LOG:-/var/log/paddock-dockerd.log}"
DOCKERD_WAIT="${PADDOCK_DOCKERD_WAIT:-60}"

usage() {
  cat <<EOF
Usage: $(basename "$0") [engine | base-image | registry | kind-registry | all]   (default: all)

  engine      Ensure a Docker engine answers \`docker info\`. If none does and we
              are root on Debian, install Debian's docker.io (+ iptables,
              debootstrap) with apt and start dockerd in the background,
              logging to ${DOCKERD_LOG}.
  base-image  Ensure the local image \$PADDOCK_IMAGE (default ${DEFAULT_BASE_TAG})
              exists. If ${DEFAULT_BASE_TAG} is already present it is only tagged;
              otherwise a minbase ${SUITE} root is debootstrapped from the same
              mirror apt uses and \`docker import\`ed. No registry is contacted.
  registry    Ensure a local OCI registry (Debian's docker-registry, the CNCF
              distribution registry 2.8) answers http://\$PADDOCK_REGISTRY_ADDR/v2/.
              Installs the package if missing (root on Debian), writes its own
              config.yml (blob deletion enabled), starts the binary in the
              background on loopback only, and waits until it answers. It prints
              where its storage, log and PID file are. Stop it with:
                kill "\$(cat /run/paddock-registry.pid)"   (as root; else the
                PID file printed, see PADDOCK_REGISTRY_PIDFILE)
  kind-registry
              The same registry in a container (\$PADDOCK_KIND_REGISTRY_NAME, default
              paddock-kind-registry) that publishes \$PADDOCK_KIND_REGISTRY_ADDR (default
              127.0.0.1:5001): kind's nodes reach it by name (docs/kind.md). Needs
              the engine and base-image steps. Remove it with docker rm -f NAME.
  all         engine, base-image, then registry (which, outside CI, only warns
              when it cannot install the package: not root, or not Debian).

Environment:
  PADDOCK_IMAGE            tag to produce for base-image (default ${DEFAULT_BASE_TAG})
  PADDOCK_BASE_REBUILD=1   debootstrap again even if ${DEFAULT_BASE_TAG} exists
  PADDOCK_TRUST_HOST_CAS=0 do not copy /usr/local/share/ca-certificates/*.crt into the image
  PADDOCK_DEBIAN_MIRROR    Debian mirror (default: first bookworm URI in apt sources)
  PADDOCK_STORAGE_DRIVER   dockerd storage driver (default: overlay2, falls back to vfs)
  PADDOCK_DOCKERD_LOG      dockerd log file (default /var/log/paddock-dockerd.log)
  PADDOCK_DOCKERD_WAIT     seconds to wait for dockerd (default 60)
  PADDOCK_APT_SOURCES_DIR  where apt's sources are read from (default /etc/apt)
  PADDOCK_REGISTRY_ADDR    registry address, loopback only (default 127.0.0.1:5000)
  PADDOCK_REGISTRY_DIR     registry storage (root: /var/lib/paddock-registry,
                           others: \$XDG_STATE_HOME/paddock-registry/storage)
  PADDOCK_REGISTRY_CONFIG  config.yml written for it (root: /etc/paddock-registry/config.yml)
  PADDOCK_REGISTRY_LOG     its log (root: /var/log/paddock-registry.log)
  PADDOCK_REGISTRY_PIDFILE its PID file (root: /run/paddock-registry.pid)
  PADDOCK_REGISTRY_WAIT    seconds to wait for it to answer (default 30)
EOF
}

log() { printf '[engine-bootstrap] %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

# Seconds since the step started, for progress lines.
step_start() { STEP_T0=$SECONDS; log "$*"; }
step_done() { log "$* ($((SECONDS - STEP_T0))s)"; }

# --- docker client -----------------------------------------------------------

# Prefer Debian's client (matches Debian's dockerd and has BuildKit built in),
# then whatever `docker` is on PATH. Prints the first client that reaches an
# engine; returns 1 if none does.
find_docker() {
  local c
  for c in /usr/bin/docker "$(command -v docker 2>/dev/null || true)"; do
    [[ -n "$c" && -x "$c" ]] || continue
    if "$c" info >/dev/null 2>&1; then
      printf '%s\n' "$c"
      return 0
    fi
  done
  return 1
}

is_root() { [[ "$(id -u)" -eq 0 ]]; }
is_debian_like() { command -v apt-get >/dev/null 2>&1 && command -v dpkg >/dev/null 2>&1; }

APT_UPDATED=0
apt_install() {
  local missing=() p
  for p in "$@"; do
    dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
  done
  ((${#missing[@]})) || return 0
  if ((APT_UPDATED == 0)); then
    log "apt-get update"
    apt-get -o DPkg::Lock::Timeout=300 update -qq
    APT_UPDATED=1
  fi
  log "apt-get install ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# --- engine ------------------------------------------------------------------

dockerd_running() {
  local pid
  [[ -r /var/run/docker.pid ]] || return 1
  pid="$(cat /var/run/docker.pid 2>/dev/null || true)"
  [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null
}

# Wait up to DOCKERD_WAIT seconds for the engine; returns 1 on timeout or if
# dockerd exited.
wait_for_engine() {
  local deadline=$((SECONDS + DOCKERD_WAIT))
  while ((SECONDS < deadline)); do
    find_docker >/dev/null && return 0
    dockerd_running || { sleep 1; dockerd_running || return 1; }
    sleep 1
  done
  return 1
}

start_dockerd() {
  local driver="$1"
  log "starting dockerd (storage driver ${driver}), log: ${DOCKERD_LOG}"
  mkdir -p "$(dirname "$DOCKERD_LOG")"
  printf '\n=== %s engine-bootstrap: dockerd --storage-driver=%s ===\n' "$(date -Is)" "$driver" >>"$DOCKERD_LOG"
  # setsid + nohup: dockerd must outlive this script and its terminal.
  setsid nohup dockerd --storage-driver="$driver" >>"$DOCKERD_LOG" 2>&1 </dev/null &
}

cmd_engine() {
  local docker
  if docker="$(find_docker)"; then
    log "engine: already running ($docker)"
    return 0
  fi
  step_start "engine: no Docker engine answers; setting one up"

  if ! is_root || ! is_debian_like; then
    die "no Docker engine is reachable. Install and start one (e.g. on Debian/Ubuntu as root: \
apt-get install docker.io iptables debootstrap && dockerd &), or run this script as root on Debian."
  fi

  # docker.io brings dockerd, containerd, runc and the 20.10 client
  # (/usr/bin/docker, with BuildKit via DOCKER_BUILDKIT=1).
  apt_install docker.io iptables debootstrap ca-certificates

  if dockerd_running; then
    log "engine: dockerd already started (pid $(cat /var/run/docker.pid)); waiting for it"
  else
    # overlay2 works when /var/lib/docker is on ext4/xfs and the kernel has
    # overlayfs; vfs (full copy per layer: slow, disk hungry, but works
    # anywhere) is the fallback for nested-overlay sandboxes.
    start_dockerd "${PADDOCK_STORAGE_DRIVER:-overlay2}"
  fi
  if wait_for_engine; then
    step_done "engine: dockerd is up"
    return 0
  fi

  if [[ -z "${PADDOCK_STORAGE_DRIVER:-}" ]] && ! dockerd_running; then
    log "engine: dockerd exited with overlay2; retrying with the vfs storage driver"
    tail -n 15 "$DOCKERD_LOG" >&2 || true
    start_dockerd vfs
    if wait_for_engine; then
      step_done "engine: dockerd is up (vfs)"
      return 0
    fi
  fi
  log "engine: dockerd did not answer within ${DOCKERD_WAIT}s; last lines of ${DOCKERD_LOG}:"
  tail -n 40 "$DOCKERD_LOG" >&2 || true
  exit 1
}

# --- base image --------------------------------------------------------------

# The Debian mirror apt already uses for $SUITE: the first http(s) URI of an enabled `deb`
# entry whose suites include $SUITE itself (deb822 `Suites:` in .sources files, the suite
# field of one-line .list entries), read in apt's order from $PADDOCK_APT_SOURCES_DIR
# (default /etc/apt). Anything else -- an Ubuntu runner's archive, security, backports --
# cannot debootstrap $SUITE, so without a match it is deb.debian.org.
apt_mirror() {
  if [[ -n "${PADDOCK_DEBIAN_MIRROR:-}" ]]; then
    printf '%s\n' "$PADDOCK_DEBIAN_MIRROR"
    return
  fi
  local dir="${PADDOCK_APT_SOURCES_DIR:-/etc/apt}" f m=""
  for f in "$dir/sources.list" "$dir"/sources.list.d/*; do
    [[ -f "$f" ]] || continue
    case "$f" in
      *.sources) m="$(mirror_from_deb822 "$f")" ;;
      *.list) m="$(mirror_from_one_line "$f")" ;;
      *) continue ;;
    esac
    [[ -n "$m" ]] && break
  done
  printf '%s\n' "${m:-http://deb.debian.org/debian}"
}

# deb822 stanzas (blank-line separated; field names case-insensitive; folded lines continue a field).
mirror_from_deb822() {
  awk -v suite="$SUITE" '
    function flush(   n, i, u) {
      if (!done && index(" " f["types"] " ", " deb ") && f["enabled"] != "no" && index(" " f["suites"] " ", " " suite " ")) {
        n = split(f["uris"], u, " ")
        for (i = 1; i <= n; i++) if (u[i] ~ /^https?:\/\//) { print u[i]; done = 1; break }
      }
      delete f
      field = ""
    }
    /^#/ { next }
    /^[ \t]*$/ { flush(); next }
    /^[ \t]/ { if (field != "") { v = $0; gsub(/[ \t]+/, " ", v); f[field] = f[field] v }; next }
    {
      field = tolower(substr($0, 1, index($0, ":") - 1))
      v = substr($0, index($0, ":") + 1)
      gsub(/[ \t]+/, " ", v)
      sub(/^ /, "", v)
      sub(/ $/, "", v)
      f[field] = v
    }
    END { flush() }
  ' "$1" 2>/dev/null || true
}

# One-line entries: deb [options] uri suite component...
mirror_from_one_line() {
  awk -v suite="$SUITE" '
    { sub(/#.*/, "") }
    $1 == "deb" {
      i = 2
      if ($i ~ /^\[/) { while (i <= NF && $i !~ /\]$/) i++; i++ }
      if ($i ~ /^https?:\/\// && $(i + 1) == suite) { print $i; exit }
    }
  ' "$1" 2>/dev/null || true
}

ROOTFS=""
cleanup_rootfs() {
  [[ -n "$ROOTFS" && -d "$ROOTFS" ]] || return 0
  # debootstrap mounts proc/sys inside the target; never rm -rf through them.
  cleanup_mounts_only
  rm -rf --one-file-system "$ROOTFS"
  rm -f "$ROOTFS.log"
  ROOTFS=""
}

cmd_base_image() {
  local target="${PADDOCK_IMAGE:-$DEFAULT_BASE_TAG}" docker mirror
  docker="$(find_docker)" || die "no Docker engine answers; run: bash $0 engine"

  if [[ "${PADDOCK_BASE_REBUILD:-0}" != 1 ]] && "$docker" image inspect "$DEFAULT_BASE_TAG" >/dev/null 2>&1; then
    if [[ "$target" != "$DEFAULT_BASE_TAG" ]]; then
      "$docker" tag "$DEFAULT_BASE_TAG" "$target"
      log "base-image: $DEFAULT_BASE_TAG exists; tagged $target"
    else
      log "base-image: $DEFAULT_BASE_TAG exists"
    fi
    return 0
  fi

  is_root || die "base-image needs root (debootstrap builds a chroot)"
  command -v debootstrap >/dev/null 2>&1 || { is_debian_like || die "install debootstrap"; apt_install debootstrap; }

  mirror="$(apt_mirror)"
  ROOTFS="$(mktemp -d /var/tmp/paddock-rootfs.XXXXXX)"
  trap cleanup_rootfs EXIT
  trap 'log "base-image: interrupted; removing $ROOTFS"; exit 130' INT TERM

  step_start "base-image: debootstrap --variant=minbase $SUITE from $mirror"
  if ! debootstrap --variant=minbase "$SUITE" "$ROOTFS" "$mirror" >"$ROOTFS.log" 2>&1; then
    tail -n 30 "$ROOTFS.log" >&2
    rm -f "$ROOTFS.log"
    die "debootstrap failed"
  fi
  rm -f "$ROOTFS.log"
  step_done "base-image: debootstrap done"

  # apt inside derived images: plain Debian mirrors, no docs/man/locales
  # (as Debian's official slim images do), no package cache left behind.
  cat >"$ROOTFS/etc/apt/sources.list" <<EOF
deb http://deb.debian.org/debian $SUITE main
deb http://deb.debian.org/debian $SUITE-updates main
deb http://deb.debian.org/debian-security $SUITE-security main
EOF
  cat >"$ROOTFS/etc/dpkg/dpkg.cfg.d/paddock-slim" <<'EOF'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/info/*
path-exclude /usr/share/locale/*
path-include /usr/share/locale/locale.alias
EOF
  cat >"$ROOTFS/etc/apt/apt.conf.d/90paddock" <<'EOF'
APT::Install-Recommends "false";
APT::Install-Suggests "false";
Acquire::Languages "none";
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
EOF
  # Trust what the host trusts: locally added CA certificates (e.g. a TLS-
  # intercepting proxy in front of the npm registry) go where Debian's
  # ca-certificates picks them up when an image installs it.
  if [[ "${PADDOCK_TRUST_HOST_CAS:-1}" == 1 ]] && compgen -G '/usr/local/share/ca-certificates/*.crt' >/dev/null; then
    install -d "$ROOTFS/usr/local/share/ca-certificates"
    cp /usr/local/share/ca-certificates/*.crt "$ROOTFS/usr/local/share/ca-certificates/"
    log "base-image: added host CA certificates: $(cd /usr/local/share/ca-certificates && echo *.crt)"
  fi
  rm -rf "$ROOTFS"/var/cache/apt/archives/*.deb "$ROOTFS"/var/lib/apt/lists/* "$ROOTFS"/var/log/*.log \
    "$ROOTFS"/var/log/apt/* "$ROOTFS"/tmp/* "$ROOTFS"/root/.bash_history 2>/dev/null || true
  cleanup_mounts_only

  step_start "base-image: docker import -> $DEFAULT_BASE_TAG"
  tar --numeric-owner --xattrs -C "$ROOTFS" -c . | "$docker" import \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'ENV LANG=C.UTF-8' \
    --change 'CMD ["bash"]' \
    --message "debootstrap --variant=minbase $SUITE $mirror" \
    - "$DEFAULT_BASE_TAG" >/dev/null
  step_done "base-image: imported $DEFAULT_BASE_TAG"
  if [[ "$target" != "$DEFAULT_BASE_TAG" ]]; then
    "$docker" tag "$DEFAULT_BASE_TAG" "$target"
    log "base-image: tagged $target"
  fi
  cleanup_rootfs
  trap - EXIT INT TERM
}

# Unmount anything debootstrap left mounted, before tar reads the tree.
cleanup_mounts_only() {
  local mp
  while read -r mp; do
    umount -l "$mp" 2>/dev/null || true
  done < <(awk -v r="$ROOTFS" 'index($2, r) == 1 { print $2 }' /proc/mounts | sort -r)
}

# --- registry ----------------------------------------------------------------

# The step lives in its own file (so editing it does not change this script, which
# stacks hash as the base image's input); it uses log, die and apt_install from here.
# $1 = optional: a registry that cannot be installed here is a warning (outside CI).
cmd_registry() {
  local lib
  lib="$(dirname "${BASH_SOURCE[0]}")/lib/registry.sh"
  [[ -r "$lib" ]] || die "registry: $lib is missing (it ships beside this script)"
  # shellcheck source=lib/registry.sh
  source "$lib"
  registry_step "${1:-required}"
}

cmd_kind_registry() {
  local dir
  dir="$(dirname "${BASH_SOURCE[0]}")/lib"
  # shellcheck source=lib/registry.sh
  source "$dir/registry.sh"
  # shellcheck source=lib/kind-registry.sh
  source "$dir/kind-registry.sh"
  kind_registry_step
}

# --- main --------------------------------------------------------------------

main() {
  local cmd="${1:-all}"
  case "$cmd" in
    -h | --help | help) usage ;;
    engine) cmd_engine ;;
    base-image) cmd_base_image ;;
    registry) cmd_registry ;;
    kind-registry) cmd_kind_registry ;;
    print-mirror) apt_mirror ;; # hidden: the mirror base-image would use (tests)
    all) cmd_engine; cmd_base_image; cmd_registry optional ;;
    *) usage >&2; exit 2 ;;
  esac
}

main "$@"

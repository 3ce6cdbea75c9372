# shellcheck shell=bash
# The `registry` step of engine-bootstrap.sh (sourced by it; uses its log, die,
# is_root, is_debian_like and apt_install): a local OCI registry -- Debian's
# docker-registry, the CNCF distribution registry 2.8 -- on loopback, started as a
# plain background process (no systemd needed), with a config.yml of our own.

REGISTRY_BIN=/usr/bin/docker-registry

# Settles addresses and paths from the environment; defaults differ for root
# (system folders) and other users (their XDG state folder).
registry_settings() {
  local state
  REGISTRY_ADDR="${PADDOCK_REGISTRY_ADDR:-127.0.0.1:5000}"
  if is_root; then
    REGISTRY_DIR="${PADDOCK_REGISTRY_DIR:-/var/lib/paddock-registry}"
    REGISTRY_CONFIG="${PADDOCK_REGISTRY_CONFIG:-/etc/paddock-registry/config.yml}"
    REGISTRY_LOG="${PADDOCK_REGISTRY_LOG:-/var/log/paddock-registry.log}"
    REGISTRY_PIDFILE="${PADDOCK_REGISTRY_PIDFILE:-/run/paddock-registry.pid}"
  else
    state="${XDG_STATE_HOME:-$HOME/.local/state}/paddock-registry"
    REGISTRY_DIR="${PADDOCK_REGISTRY_DIR:-$state/storage}"
    REGISTRY_CONFIG="${PADDOCK_REGISTRY_CONFIG:-$state/config.yml}"
    REGISTRY_LOG="${PADDOCK_REGISTRY_LOG:-$state/registry.log}"
    REGISTRY_PIDFILE="${PADDOCK_REGISTRY_PIDFILE:-$state/registry.pid}"
  fi
  REGISTRY_WAIT="${PADDOCK_REGISTRY_WAIT:-30}"

  # Loopback only: this registry has neither TLS nor authentication.
  local host port
  if [[ "$REGISTRY_ADDR" =~ ^\[(::1)\]:([0-9]+)$ ]] || [[ "$REGISTRY_ADDR" =~ ^(127\.[0-9]+\.[0-9]+\.[0-9]+|localhost):([0-9]+)$ ]]; then
    host="${BASH_REMATCH[1]}"
    port="${BASH_REMATCH[2]}"
  else
    die "registry: PADDOCK_REGISTRY_ADDR=$REGISTRY_ADDR is not a loopback HOST:PORT. The registry has no TLS and no authentication, so it listens on loopback only: use 127.0.0.1:PORT (or [::1]:PORT)."
  fi
  ((port >= 1 && port <= 65535)) || die "registry: PADDOCK_REGISTRY_ADDR=$REGISTRY_ADDR: port $port is out of range (1-65535)"
  REGISTRY_HOST="$host"
  REGISTRY_PORT="$port"
}

# GET /v2/ over bash's /dev/tcp (no curl needed). Prints "<status> registry" when
# the reply carries the distribution API header, "<status> other" otherwise;
# returns 1 when nothing answers within 3 s.
registry_probe() {
  local reply status
  reply="$(timeout 3 bash -c '
    exec 3<>"/dev/tcp/$0/$1" || exit 1
    printf "GET /v2/ HTTP/1.0\r\nHost: %s:%s\r\nConnection: close\r\n\r\n" "$0" "$1" >&3
    head -c 4096 <&3' "$REGISTRY_HOST" "$REGISTRY_PORT" 2>/dev/null)" || return 1
  status="$(awk 'NR == 1 { print $2 }' <<<"$reply")"
  [[ "$status" =~ ^[0-9]{3}$ ]] || return 1
  if grep -qi '^docker-distribution-api-version: *registry/2' <<<"$reply"; then
    printf '%s registry\n' "$status"
  else
    printf '%s other\n' "$status"
  fi
}

# The PID in the PID file, if that process is alive and is the registry binary.
registry_pid() {
  local pid
  [[ -r "$REGISTRY_PIDFILE" ]] || return 1
  pid="$(cat "$REGISTRY_PIDFILE" 2>/dev/null || true)"
  [[ "$pid" =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null || return 1
  grep -qa "docker-registry" "/proc/$pid/cmdline" 2>/dev/null || return 1
  printf '%s\n' "$pid"
}

registry_where() {
  log "registry: storage ${REGISTRY_DIR}, log ${REGISTRY_LOG}, config ${REGISTRY_CONFIG}"
  log "registry: stop it with: kill \"\$(cat ${REGISTRY_PIDFILE})\""
}

# Install the package without letting it start its own service (Debian's config
# listens on :5000 on every interface), and keep that service from starting at boot.
registry_install() {
  local guard=""
  if [[ ! -e /usr/sbin/policy-rc.d ]]; then
    guard=/usr/sbin/policy-rc.d
    printf '#!/bin/sh\n# engine-bootstrap.sh: no service starts while docker-registry installs\nexit 101\n' >"$guard"
    chmod 0755 "$guard"
  fi
  local status=0
  apt_install docker-registry || status=$?
  [[ -z "$guard" ]] || rm -f "$guard"
  ((status == 0)) || die "registry: apt-get install docker-registry failed"
  if [[ -d /run/systemd/system ]]; then
    systemctl disable docker-registry.service >/dev/null 2>&1 || true
  elif command -v update-rc.d >/dev/null 2>&1; then
    update-rc.d docker-registry disable >/dev/null 2>&1 || true
  fi
  log "registry: installed docker-registry (its own service stays off; this script starts the binary)"
}

registry_write_config() {
  local secret
  secret="$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
  mkdir -p "$(dirname "$REGISTRY_CONFIG")"
  # A fresh file each start: the settings below are the whole configuration.
  (umask 077 && cat >"$REGISTRY_CONFIG.tmp") <<EOF
# Written by scripts/engine-bootstrap.sh (registry step) at every start; edits are lost.
version: 0.1
log:
  level: info
  formatter: text
  fields:
    service: paddock-registry
storage:
  filesystem:
    rootdirectory: ${REGISTRY_DIR}
  # Blobs and manifests can be deleted by digest (tests remove layers this way).
  delete:
    enabled: true
  # No blob descriptor cache: it could keep answering for a blob that was deleted.
  maintenance:
    uploadpurging:
      enabled: true
      age: 24h
      interval: 1h
      dryrun: false
http:
  addr: ${REGISTRY_ADDR}
  # Signs upload state handed to clients; fixed for this process's lifetime.
  secret: ${secret}
  headers:
    X-Content-Type-Options: [nosniff]
health:
  storagedriver:
    enabled: true
    interval: 10s
    threshold: 3
EOF
  mv "$REGISTRY_CONFIG.tmp" "$REGISTRY_CONFIG"
}

# The package's system user, when we are root and it exists (as its own service runs).
registry_user() {
  is_root && getent passwd docker-registry >/dev/null 2>&1 && printf 'docker-registry\n'
}

registry_start() {
  local user
  user="$(registry_user || true)"
  mkdir -p "$REGISTRY_DIR" "$(dirname "$REGISTRY_LOG")" "$(dirname "$REGISTRY_PIDFILE")"
  registry_write_config
  if [[ -n "$user" ]]; then
    [[ "$(stat -c %U "$REGISTRY_DIR")" == "$user" ]] || chown -R "$user:$user" "$REGISTRY_DIR"
    chgrp "$user" "$REGISTRY_CONFIG" && chmod 0640 "$REGISTRY_CONFIG"
    setpriv --reuid="$user" --regid="$user" --init-groups test -w "$REGISTRY_DIR" -a -x "$REGISTRY_DIR" -a -r "$REGISTRY_CONFIG" ||
      die "registry: the $user user cannot write ${REGISTRY_DIR} or read ${REGISTRY_CONFIG} (a parent folder closed to it?); choose others with PADDOCK_REGISTRY_DIR and PADDOCK_REGISTRY_CONFIG"
  fi
  printf '\n=== %s engine-bootstrap: docker-registry serve %s ===\n' "$(date -Is)" "$REGISTRY_CONFIG" >>"$REGISTRY_LOG"
  log "registry: starting ${REGISTRY_BIN} on ${REGISTRY_ADDR}${user:+ as $user}"
  # A subshell that execs: $! is the registry's own PID. REGISTRY_* variables would
  # override the config file, so none reach it. setsid + nohup: it outlives this script.
  (
    while read -r name; do unset "$name"; done < <(compgen -e | grep '^REGISTRY_' || true)
    if [[ -n "$user" ]]; then
      exec setsid nohup setpriv --reuid="$user" --regid="$user" --init-groups "$REGISTRY_BIN" serve "$REGISTRY_CONFIG"
    fi
    exec setsid nohup "$REGISTRY_BIN" serve "$REGISTRY_CONFIG"
  ) >>"$REGISTRY_LOG" 2>&1 </dev/null &
  printf '%s\n' "$!" >"$REGISTRY_PIDFILE"
}

# Waits up to REGISTRY_WAIT seconds for /v2/ to answer; fails at once if the process exits.
registry_wait() {
  local pid="$1" deadline=$((SECONDS + REGISTRY_WAIT)) next_note=$((SECONDS + 5)) answer
  while ((SECONDS < deadline)); do
    if answer="$(registry_probe)" && [[ "$answer" == *registry ]]; then
      return 0
    fi
    if ! kill -0 "$pid" 2>/dev/null; then
      log "registry: the registry (pid $pid) exited; last lines of ${REGISTRY_LOG}:"
      tail -n 20 "$REGISTRY_LOG" >&2 || true
      rm -f "$REGISTRY_PIDFILE"
      die "registry: it did not start (a port already taken shows as 'address already in use' above; choose another with PADDOCK_REGISTRY_ADDR)"
    fi
    if ((SECONDS >= next_note)); then
      log "registry: waiting for http://${REGISTRY_ADDR}/v2/ ($((deadline - SECONDS))s left)"
      next_note=$((SECONDS + 5))
    fi
    sleep 0.2
  done
  log "registry: http://${REGISTRY_ADDR}/v2/ did not answer within ${REGISTRY_WAIT}s; last lines of ${REGISTRY_LOG}:"
  tail -n 20 "$REGISTRY_LOG" >&2 || true
  die "registry: not ready (pid $pid is still running; raise PADDOCK_REGISTRY_WAIT or read its log)"
}

# $1: required (the `registry` step), or optional (within `all`).
registry_step() {
  local pid answer mode="${1:-required}"
  registry_settings
  if answer="$(registry_probe)"; then
    [[ "$answer" == *registry ]] || die "registry: something that is not a registry answers at ${REGISTRY_ADDR} (GET /v2/: HTTP ${answer% *}); stop it or choose another address with PADDOCK_REGISTRY_ADDR"
    if pid="$(registry_pid)"; then
      log "registry: already running at http://${REGISTRY_ADDR}/v2/ (pid $pid)"
      registry_where
    else
      log "registry: a registry already answers at http://${REGISTRY_ADDR}/v2/ (HTTP ${answer% *}); it was not started from ${REGISTRY_PIDFILE}, so its storage and log are its own"
    fi
    return 0
  fi

  if [[ ! -x "$REGISTRY_BIN" ]]; then
    if ! is_root || ! is_debian_like; then
      local missing="${REGISTRY_BIN} is missing. Install Debian's docker-registry package (as root: apt-get install docker-registry), or run this script as root on Debian."
      if [[ "$mode" == optional && -z "${CI:-}" ]]; then
        log "registry: skipped: $missing (the registry tests will be skipped)"
        return 0
      fi
      die "registry: $missing"
    fi
    registry_install
  fi
  step_start "registry: setting up http://${REGISTRY_ADDR}/v2/"
  if pid="$(registry_pid)"; then
    log "registry: started earlier (pid $pid); waiting for it"
  else
    if [[ -e "$REGISTRY_PIDFILE" ]]; then
      log "registry: removing stale PID file ${REGISTRY_PIDFILE} (pid $(cat "$REGISTRY_PIDFILE" 2>/dev/null || echo '?') is not a running registry)"
      rm -f "$REGISTRY_PIDFILE"
    fi
    registry_start
    pid="$(cat "$REGISTRY_PIDFILE")"
  fi
  registry_wait "$pid"
  step_done "registry: answering at http://${REGISTRY_ADDR}/v2/ (pid $pid, PID file ${REGISTRY_PIDFILE})"
  registry_where
}

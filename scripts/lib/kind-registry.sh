# shellcheck shell=bash
# The `kind-registry` step of engine-bootstrap.sh (sourced by it, after lib/registry.sh): the same
# Debian registry, run in a container that publishes a loopback port, so kind's nodes can reach it by
# the container's name on their network (kind's local registry guide, with `registry:2` replaced by
# Debian's binary on the offline base image). Paddock connects it to the nodes' network itself.

kind_registry_step() {
  local name="${PADDOCK_KIND_REGISTRY_NAME:-paddock-kind-registry}"
  local addr="${PADDOCK_KIND_REGISTRY_ADDR:-127.0.0.1:5001}"
  local image="${PADDOCK_IMAGE:-paddock/debian:bookworm}"
  local docker state dir
  docker="$(find_docker)" || die "kind-registry: no Docker engine answers (run the engine step first)"
  # Settings and the probe of the registry step, pointed at the container's published address.
  PADDOCK_REGISTRY_ADDR="$addr" registry_settings
  dir="${PADDOCK_KIND_REGISTRY_DIR:-${REGISTRY_DIR%/*}/paddock-kind-registry}"

  state="$("$docker" inspect --format '{{.State.Running}}' "$name" 2>/dev/null || true)"
  if [[ "$state" == true ]] && registry_probe >/dev/null; then
    log "kind-registry: already running: container $name at http://${addr}/v2/"
    return 0
  fi
  [[ -x "$REGISTRY_BIN" ]] || { is_root && is_debian_like && registry_install; } ||
    die "kind-registry: ${REGISTRY_BIN} is missing: install Debian's docker-registry package (as root: apt-get install docker-registry)"
  "$docker" image inspect "$image" >/dev/null 2>&1 || die "kind-registry: the image $image is missing (run the base-image step first)"
  [[ -n "$state" ]] && "$docker" rm --force "$name" >/dev/null

  step_start "kind-registry: starting container $name on http://${addr}/v2/"
  mkdir -p "$dir/storage"
  REGISTRY_DIR=/var/lib/registry REGISTRY_ADDR=0.0.0.0:5000 REGISTRY_CONFIG="$dir/config.yml" registry_write_config
  "$docker" run --detach --name "$name" --label dev.paddock.kind-registry=true \
    --publish "${addr}:5000" \
    --volume "${REGISTRY_BIN}:/usr/bin/docker-registry:ro" \
    --volume "$dir/config.yml:/etc/docker-registry/config.yml:ro" \
    --volume "$dir/storage:/var/lib/registry" \
    "$image" /usr/bin/docker-registry serve /etc/docker-registry/config.yml >/dev/null
  local deadline=$((SECONDS + REGISTRY_WAIT))
  until registry_probe >/dev/null; do
    if [[ "$("$docker" inspect --format '{{.State.Running}}' "$name" 2>/dev/null)" != true ]] || ((SECONDS >= deadline)); then
      "$docker" logs --tail 20 "$name" >&2 || true
      die "kind-registry: the container $name did not answer at http://${addr}/v2/ (its last log lines are above; a taken port shows as 'address already in use': choose another with PADDOCK_KIND_REGISTRY_ADDR)"
    fi
    sleep 0.2
  done
  step_done "kind-registry: container $name answers at http://${addr}/v2/ (storage $dir/storage)"
  log "kind-registry: use cache: { registry: ${addr}/cache } with environment.kind.registry: true; remove it with: docker rm -f $name"
}

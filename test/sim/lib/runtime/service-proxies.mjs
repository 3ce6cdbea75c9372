// TEST SIMULATOR — not the real kind/kubectl. Used only by Paddock's tests; never shipped.
// One proxy container per Service (runtime/service-proxy.mjs) that its pods cannot serve themselves
// (service-routes.mjs), started and removed by the controller as Services come and go; its IP and
// container ID are reported in runtime.json `services` (`servedBy: "pods"` for the others).
import { docker } from "../docker-api.mjs";
import { BASE_IMAGE, clusterLabels } from "../docker-names.mjs";
import { helperBindsFromEnv, helperEnvFromEnv } from "./helper-mounts.mjs";
import { servedByPods, serviceNames } from "./service-routes.mjs";

export class ServiceProxies {
  constructor(ctx) {
    this.ctx = ctx;
    this.pending = new Set();
  }

  reconcile(objects) {
    const ctx = this.ctx;
    const wanted = new Map();
    for (const o of Object.values(objects))
      if (o.kind === "Service" && !o._sim?.deletedAt) wanted.set(`${o.metadata.namespace}/${o.metadata.name}`, o);
    for (const [key, o] of wanted) {
      const have = ctx.rt.services[key];
      if (this.pending.has(key) || (have?.id && have.uid === o.metadata.uid)) continue;
      // Its pods carry its names (service-routes.mjs): no proxy container, unless that changes.
      if (servedByPods(o, ctx.rt)) {
        if (have?.uid !== o.metadata.uid) {
          if (have?.id) docker.removeContainer(have.id).catch(() => undefined);
          ctx.rt.services[key] = { uid: o.metadata.uid, servedBy: "pods" };
          ctx.changed();
        }
        continue;
      }
      this.pending.add(key);
      this.start(key, o, have)
        .catch((e) => ctx.log(`service ${key}: ${e.message}`))
        .finally(() => this.pending.delete(key));
    }
    for (const [key, s] of Object.entries(ctx.rt.services)) {
      if (wanted.has(key) || this.pending.has(key)) continue;
      delete ctx.rt.services[key];
      ctx.changed();
      if (s.id) docker.removeContainer(s.id).catch(() => undefined);
    }
  }

  async start(key, o, previous) {
    const ctx = this.ctx;
    const { namespace: ns, name } = o.metadata;
    if (previous?.id) await docker.removeContainer(previous.id).catch(() => undefined);
    const containerName = ctx.names.service(ns, name);
    await docker.removeContainer(containerName).catch(() => undefined);
    const created = await docker.createContainer(containerName, {
      Image: BASE_IMAGE,
      Entrypoint: ["/usr/local/bin/node", "/sim/lib/runtime/service-proxy.mjs"],
      Env: helperEnvFromEnv({ SVC_NS: ns, SVC_NAME: name }),
      Labels: clusterLabels(ctx.clusterName, ctx.instance, "service", { "dev.paddock.sim.service": key }),
      HostConfig: {
        Binds: helperBindsFromEnv(),
        NetworkMode: ctx.names.network,
        LogConfig: { Type: "json-file", Config: {} },
      },
      NetworkingConfig: {
        EndpointsConfig: {
          [ctx.names.network]: { Aliases: serviceNames(ns, name) },
        },
      },
    });
    await docker.startContainer(created.Id);
    const info = await docker.inspectContainer(created.Id);
    ctx.rt.services[key] = {
      uid: o.metadata.uid,
      id: created.Id,
      ip: info?.NetworkSettings?.Networks?.[ctx.names.network]?.IPAddress,
    };
    ctx.changed();
  }
}

// TEST SIMULATOR — not the real kind/kubectl. Used only by Paddock's tests; never shipped.
// The controllers that turn workloads into pods (what kube-controller-manager does), acting on the
// stored objects and the pods the kubelet reports:
//   Deployment   a ReplicaSet per template (name-<hash>); new pods first, old ones removed once the
//                new ones are Ready; scale-down removes not-ready, then the newest pods
//   StatefulSet  name-0, name-1, … started in order, each after the previous is Running and Ready
//                (OrderedReady) or all at once (Parallel); updates from the highest ordinal down
//   Job          one pod at a time until `completions` succeeded, or failed pods beyond backoffLimit
//                (back-off 10 s, 20 s, … ≤ 360 s, simulated); restartPolicy OnFailure restarts in place
//   Pod          the stored Pod object itself
import crypto from "node:crypto";
import { realMs } from "../env.mjs";
import { suffix } from "../names.mjs";
import { iso, templateHash } from "../workloads.mjs";
import { objectRef, recordEvent } from "./events.mjs";

const randomSuffix = () => suffix(crypto.randomBytes(8).toString("hex"));
const isReady = (p) => p.phase === "Running" && p.conditions.some((c) => c.type === "Ready" && c.status === "True");
const live = (p) => !p.deletionTimestamp;

function event(ctx, o, type, reason, message, source) {
  recordEvent(ctx.rt, objectRef(o), type, reason, message, source);
}

export function ownedPods(ctx, key, uid) {
  return Object.values(ctx.rt.pods).filter((p) => p.ownerKey === key && p.ownerUid === uid);
}

function podLabels(o) {
  return { ...(o.spec?.template?.metadata?.labels ?? {}) };
}

function reconcileDeployment(ctx, key, o) {
  const name = o.metadata.name;
  const h = templateHash(o.spec?.template);
  const want = o.spec?.replicas ?? 1;
  if (ctx.rt.rollouts[key]?.hash !== h) ctx.rt.rollouts[key] = { hash: h, at: Date.now() };
  const pods = ownedPods(ctx, key, o.metadata.uid).filter(live);
  const cur = pods.filter((p) => p.hash === h);
  const old = pods.filter((p) => p.hash !== h);
  const rs = `${name}-${h}`;
  if (cur.length < want) {
    event(ctx, o, "Normal", "ScalingReplicaSet", `Scaled up replica set ${rs} to ${want}`, "deployment-controller");
    for (let i = cur.length; i < want; i++) {
      const pod = ctx.createPod({
        name: `${rs}-${randomSuffix()}`,
        namespace: o.metadata.namespace,
        ownerKey: key,
        ownerUid: o.metadata.uid,
        workload: { kind: "Deployment", name },
        hash: h,
        labels: { ...podLabels(o), "pod-template-hash": h },
        ownerReferences: [
          {
            apiVersion: "apps/v1",
            kind: "ReplicaSet",
            name: rs,
            uid: crypto
              .createHash("sha256")
              .update(o.metadata.uid + h)
              .digest("hex")
              .slice(0, 36),
            controller: true,
            blockOwnerDeletion: true,
          },
        ],
        spec: o.spec?.template?.spec ?? {},
      });
      recordEvent(
        ctx.rt,
        {
          kind: "ReplicaSet",
          name: rs,
          namespace: o.metadata.namespace,
          uid: pod.ownerReferences[0].uid,
          apiVersion: "apps/v1",
        },
        "Normal",
        "SuccessfulCreate",
        `Created pod: ${pod.name}`,
        "replicaset-controller",
      );
    }
  } else if (cur.length > want) {
    const order = [...cur].sort((a, b) => Number(isReady(a)) - Number(isReady(b)) || b.createdAt - a.createdAt);
    event(
      ctx,
      o,
      "Normal",
      "ScalingReplicaSet",
      `Scaled down replica set ${rs} to ${want} from ${cur.length}`,
      "deployment-controller",
    );
    for (const p of order.slice(0, cur.length - want)) ctx.terminatePod(p);
  }
  if (old.length && cur.filter(isReady).length >= want) {
    const oldSets = [...new Set(old.map((p) => p.hash))];
    for (const oh of oldSets)
      event(
        ctx,
        o,
        "Normal",
        "ScalingReplicaSet",
        `Scaled down replica set ${name}-${oh} to 0 from ${old.filter((p) => p.hash === oh).length}`,
        "deployment-controller",
      );
    for (const p of old) ctx.terminatePod(p);
  }
}

function reconcileStatefulSet(ctx, key, o) {
  const name = o.metadata.name;
  const h = templateHash(o.spec?.template);
  const want = o.spec?.replicas ?? 1;
  const parallel = o.spec?.podManagementPolicy === "Parallel";
  const all = ownedPods(ctx, key, o.metadata.uid);
  const byName = new Map(all.map((p) => [p.name, p]));
  const terminating = all.some((p) => !live(p));
  for (let i = 0; i < want; i++) {
    const podName = `${name}-${i}`;
    if (byName.has(podName)) continue;
    if (!parallel && all.some((p) => live(p) && p.ordinal < i && !isReady(p))) break;
    if (!parallel && [...Array(i).keys()].some((j) => !byName.has(`${name}-${j}`))) break;
    const pod = ctx.createPod({
      name: podName,
      namespace: o.metadata.namespace,
      ownerKey: key,
      ownerUid: o.metadata.uid,
      workload: { kind: "StatefulSet", name },
      hash: h,
      ordinal: i,
      labels: {
        ...podLabels(o),
        "apps.kubernetes.io/pod-index": String(i),
        "controller-revision-hash": `${name}-${h}`,
        "statefulset.kubernetes.io/pod-name": podName,
      },
      ownerReferences: [
        {
          apiVersion: "apps/v1",
          kind: "StatefulSet",
          name,
          uid: o.metadata.uid,
          controller: true,
          blockOwnerDeletion: true,
        },
      ],
      spec: {
        ...(o.spec?.template?.spec ?? {}),
        hostname: podName,
        ...(o.spec?.serviceName ? { subdomain: o.spec.serviceName } : {}),
      },
    });
    byName.set(podName, pod);
    event(
      ctx,
      o,
      "Normal",
      "SuccessfulCreate",
      `create Pod ${podName} in StatefulSet ${name} successful`,
      "statefulset-controller",
    );
    if (!parallel) break;
  }
  if (terminating) return;
  const extra = all.filter((p) => live(p) && p.ordinal >= want).sort((a, b) => b.ordinal - a.ordinal);
  if (extra.length) {
    for (const p of parallel ? extra : extra.slice(0, 1)) {
      event(
        ctx,
        o,
        "Normal",
        "SuccessfulDelete",
        `delete Pod ${p.name} in StatefulSet ${name} successful`,
        "statefulset-controller",
      );
      ctx.terminatePod(p);
    }
    return;
  }
  const outdated = all.filter((p) => live(p) && p.hash !== h).sort((a, b) => b.ordinal - a.ordinal);
  if (outdated.length && all.filter(live).every(isReady)) ctx.terminatePod(outdated[0]);
}

function jobCondition(type, reason, message) {
  const at = iso(Date.now());
  return { type, status: "True", reason, message, lastProbeTime: at, lastTransitionTime: at };
}

function reconcileJob(ctx, key, o) {
  const name = o.metadata.name;
  const state = (ctx.rt.jobs[key] ??= {
    uid: o.metadata.uid,
    succeeded: 0,
    failed: 0,
    startTime: iso(Date.now()),
    counted: [],
    lastFailureAt: 0,
  });
  if (state.uid !== o.metadata.uid)
    Object.assign(state, {
      uid: o.metadata.uid,
      succeeded: 0,
      failed: 0,
      startTime: iso(Date.now()),
      counted: [],
      lastFailureAt: 0,
      conditions: undefined,
      completionTime: undefined,
    });
  if (state.conditions) return;
  const pods = ownedPods(ctx, key, o.metadata.uid);
  const backoffLimit = o.spec?.backoffLimit ?? 6;
  const completions = o.spec?.completions ?? 1;
  const onFailure = o.spec?.template?.spec?.restartPolicy === "OnFailure";
  for (const p of pods) {
    if (state.counted.includes(p.uid)) continue;
    if (p.phase === "Succeeded") state.succeeded++;
    else if (p.phase === "Failed") {
      state.failed++;
      state.lastFailureAt = Date.now();
    } else continue;
    state.counted.push(p.uid);
  }
  const restarts = onFailure
    ? pods.reduce((n, p) => n + (p.containerStatuses ?? []).reduce((m, c) => m + (c.restartCount ?? 0), 0), 0)
    : 0;
  if (state.succeeded >= completions) {
    state.conditions = [
      jobCondition("SuccessCriteriaMet", "CompletionsReached", "Reached expected number of succeeded pods"),
      jobCondition("Complete", "CompletionsReached", "Reached expected number of succeeded pods"),
    ];
    state.completionTime = iso(Date.now());
    event(ctx, o, "Normal", "Completed", "Job completed", "job-controller");
    return;
  }
  if (state.failed + restarts > backoffLimit) {
    state.conditions = [
      jobCondition("FailureTarget", "BackoffLimitExceeded", "Job has reached the specified backoff limit"),
      jobCondition("Failed", "BackoffLimitExceeded", "Job has reached the specified backoff limit"),
    ];
    for (const p of pods.filter((x) => live(x) && x.phase !== "Succeeded" && x.phase !== "Failed")) ctx.terminatePod(p);
    event(ctx, o, "Warning", "BackoffLimitExceeded", "Job has reached the specified backoff limit", "job-controller");
    return;
  }
  const active = pods.filter((p) => live(p) && p.phase !== "Succeeded" && p.phase !== "Failed");
  if (active.length) return;
  const delay = state.failed ? Math.min(360, 10 * 2 ** (state.failed - 1)) : 0;
  if (Date.now() < state.lastFailureAt + realMs(delay)) return;
  const pod = ctx.createPod({
    name: `${name}-${randomSuffix()}`,
    namespace: o.metadata.namespace,
    ownerKey: key,
    ownerUid: o.metadata.uid,
    workload: { kind: "Job", name },
    labels: {
      ...podLabels(o),
      "batch.kubernetes.io/controller-uid": o.metadata.uid,
      "batch.kubernetes.io/job-name": name,
      "controller-uid": o.metadata.uid,
      "job-name": name,
    },
    ownerReferences: [
      { apiVersion: "batch/v1", kind: "Job", name, uid: o.metadata.uid, controller: true, blockOwnerDeletion: true },
    ],
    spec: { restartPolicy: "Never", ...(o.spec?.template?.spec ?? {}) },
  });
  event(ctx, o, "Normal", "SuccessfulCreate", `Created pod: ${pod.name}`, "job-controller");
}

function reconcilePod(ctx, key, o) {
  const podKey = `${o.metadata.namespace}/${o.metadata.name}`;
  const existing = ctx.rt.pods[podKey];
  if (existing || ctx.finishedPods.has(o.metadata.uid)) return;
  ctx.createPod({
    name: o.metadata.name,
    namespace: o.metadata.namespace,
    uid: o.metadata.uid,
    ownerKey: key,
    ownerUid: o.metadata.uid,
    workload: { kind: "Pod", name: o.metadata.name },
    labels: o.metadata.labels ?? {},
    annotations: o.metadata.annotations,
    ownerReferences: o.metadata.ownerReferences,
    spec: o.spec ?? {},
  });
}

export const CONTROLLERS = {
  Deployment: reconcileDeployment,
  StatefulSet: reconcileStatefulSet,
  Job: reconcileJob,
  Pod: reconcilePod,
};

// E2E tests for the kind SignalProcessing stack. Paddock runs them on the host with
//   node --test tests/
// with PADDOCK_<SERVICE>_URL for the published NodePorts and KUBECONFIG set to the
// run's own kubeconfig (so kubectl talks to the run's cluster, never your current context).
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { promisify } from "node:util";

const run = promisify(execFile);

function endpoint(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run these tests through \`paddock test\` (or set it by hand)`);
  return value.replace(/\/+$/, "");
}
const DATASTORAGE = endpoint("PADDOCK_DATASTORAGE_URL");
const SIGNALPROCESSING = endpoint("PADDOCK_SIGNALPROCESSING_URL");
// Where the stack's namespace is: itself on kind, the run's own namespace with provider: cluster.
const NS = process.env.PADDOCK_NAMESPACE_KUBERNAUT_SYSTEM ?? "kubernaut-system";

async function http(method, url, body) {
  const res = await fetch(url, {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
  const text = await res.text();
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    json = text;
  }
  return { status: res.status, body: json };
}

async function kubectl(...args) {
  if (!process.env.KUBECONFIG) throw new Error("KUBECONFIG is not set: run these tests through `paddock test`");
  const { stdout } = await run("kubectl", [...args, "-o", "json"]);
  return JSON.parse(stdout);
}

test("datastorage and the controller are healthy through their NodePorts", async () => {
  const ds = await http("GET", `${DATASTORAGE}/healthz`);
  assert.equal(ds.status, 200, `datastorage /healthz: ${JSON.stringify(ds.body)}`);
  assert.deepEqual(ds.body, { postgres: "ok", redis: "ok" });
  assert.equal((await http("GET", `${SIGNALPROCESSING}/healthz`)).status, 200, "signalprocessing /healthz");
});

test("a processed signal is stored with its severity", async () => {
  const type = `e2e.signal.${Date.now()}.${Math.floor(Math.random() * 1e6)}`;
  const processed = await http("POST", `${SIGNALPROCESSING}/process`, {
    type,
    payload: { level: "critical", alert: "HighMemoryUsage" },
  });
  assert.equal(processed.status, 201, JSON.stringify(processed.body));
  assert.equal(processed.body.severity, "critical");
  const stored = await http("GET", `${DATASTORAGE}/events/${processed.body.id}`);
  assert.equal(stored.status, 200);
  assert.equal(stored.body.type, type);
});

test("the CRDs serve and the smoke SignalProcessing exists", async () => {
  for (const crd of ["signalprocessings.kubernaut.ai", "remediationrequests.kubernaut.ai"]) {
    const object = await kubectl("get", "crd", crd);
    const established = object.status.conditions.find((c) => c.type === "Established");
    assert.equal(established?.status, "True", `${crd} Established`);
  }
  const sp = await kubectl("get", "signalprocessings", "smoke", "-n", NS);
  assert.equal(sp.spec.signal.name, "HighMemoryUsage");
});

test("the Rego policies were bootstrapped", async () => {
  const list = await kubectl(
    "get",
    "configmaps",
    "-n",
    NS,
    "-l",
    "app.kubernetes.io/part-of=signalprocessing-policies",
  );
  const names = list.items.map((i) => i.metadata.name).sort();
  assert.deepEqual(names, [
    "signalprocessing-policy-environment",
    "signalprocessing-policy-priority",
    "signalprocessing-policy-severity",
  ]);
});

// E2E tests for the hybrid stack, written once for two runners: `defineEventTests(test)`
// registers them with node:test (tests/events.test.mjs, run by `paddock test`) or with
// Vitest (tests/events.vitest.mjs, run through Paddock's Vitest globalSetup). Endpoints come
// from PADDOCK_<SERVICE>_URL.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { promisify } from "node:util";

const run = promisify(execFile);

function endpoint(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run these tests through \`paddock test\` (or set it by hand)`);
  return value.replace(/\/+$/, "");
}

// One type per run, so reruns against a long-lived stack do not collide.
const TYPE = `e2e.order-created.${Date.now()}.${Math.floor(Math.random() * 1e6)}`;

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
  return { status: res.status, headers: res.headers, body: json };
}

async function psqlAvailable() {
  try {
    await run("psql", ["--version"]);
    return true;
  } catch {
    return false;
  }
}
// Without psql on the host the direct PostgreSQL check is skipped (and reported as skipped).
const HAVE_PSQL = await psqlAvailable();

/** Registers the example's tests with a runner's `test` function (node:test or Vitest). */
export function defineEventTests(test) {
  const GATEWAY = endpoint("PADDOCK_GATEWAY_URL");
  const DATASTORAGE = endpoint("PADDOCK_DATASTORAGE_URL");
  const POSTGRESQL = endpoint("PADDOCK_POSTGRESQL_URL");
  const NOTIFIER = endpoint("PADDOCK_NOTIFIER_URL");

  test("every service reports healthy", async () => {
    assert.equal((await http("GET", `${GATEWAY}/healthz`)).status, 200, "gateway /healthz");
    const ds = await http("GET", `${DATASTORAGE}/healthz`);
    assert.equal(ds.status, 200, `datastorage /healthz: ${JSON.stringify(ds.body)}`);
    assert.deepEqual(ds.body, { postgres: "ok", redis: "ok" });
    assert.equal((await http("GET", `${NOTIFIER}/healthz`)).status, 200, "notifier /healthz");
  });

  test("gateway rejects malformed events", async () => {
    for (const bad of [
      { payload: {} },
      { type: "", payload: {} },
      { type: "x", payload: [1, 2] },
      { type: "x" },
      "not an object",
    ]) {
      const r = await http("POST", `${GATEWAY}/events`, bad);
      assert.equal(r.status, 400, `expected 400 for ${JSON.stringify(bad)}, got ${r.status}`);
      assert.equal(typeof r.body.error, "string");
    }
    const r = await fetch(`${GATEWAY}/events`, { method: "POST", body: "{oops", signal: AbortSignal.timeout(10_000) });
    assert.equal(r.status, 400, "invalid JSON");
  });

  const payload = { orderId: "A-1001", level: "error", note: 'it\'s "quoted"; DROP TABLE events; --' };
  let id;

  test("an event written through the gateway is stored, enriched and cached", async () => {
    const created = await http("POST", `${GATEWAY}/events`, { type: TYPE, payload });
    assert.equal(created.status, 201, `POST /events: ${JSON.stringify(created.body)}`);
    assert.ok(Number.isInteger(created.body.id) && created.body.id > 0, `id: ${JSON.stringify(created.body)}`);
    assert.deepEqual(Object.keys(created.body), ["id"]);
    id = created.body.id;

    const first = await http("GET", `${DATASTORAGE}/events/${id}`);
    assert.equal(first.status, 200);
    assert.equal(first.headers.get("x-cache"), "miss", "first read comes from PostgreSQL");
    assert.equal(first.body.id, id);
    assert.equal(first.body.type, TYPE);
    assert.deepEqual(first.body.payload, payload);
    assert.equal(first.body.severity, "high", 'processor maps level "error" to severity "high"');
    const processedAt = Date.parse(first.body.processedAt);
    assert.ok(Math.abs(Date.now() - processedAt) < 5 * 60_000, `processedAt is recent: ${first.body.processedAt}`);

    const second = await http("GET", `${DATASTORAGE}/events/${id}`);
    assert.equal(second.status, 200);
    assert.equal(second.headers.get("x-cache"), "hit", "second read comes from Redis");
    assert.deepEqual(second.body, first.body);

    const list = await http("GET", `${DATASTORAGE}/events?type=${encodeURIComponent(TYPE)}`);
    assert.equal(list.status, 200);
    assert.deepEqual(
      list.body.events.map((e) => e.id),
      [id],
    );
  });

  (HAVE_PSQL ? test : test.skip)("the event is really a row in PostgreSQL (checked with psql)", async () => {
    assert.ok(id, "the previous test created an event");
    const { stdout } = await run(
      "psql",
      [
        POSTGRESQL,
        "-X",
        "-A",
        "-t",
        "-v",
        "ON_ERROR_STOP=1",
        "-F",
        "|",
        "-c",
        `SELECT type, severity, payload->>'orderId', payload->>'note' FROM events WHERE id = ${Number(id)}`,
      ],
      { timeout: 15_000 },
    );
    assert.equal(stdout.trim(), [TYPE, "high", payload.orderId, payload.note].join("|"));
  });

  test("severity is computed from the payload", async () => {
    const cases = [
      [{ level: "FATAL" }, "critical"],
      [{ level: "warn" }, "medium"],
      [{ score: 95 }, "critical"],
      [{ score: 75 }, "high"],
      [{}, "low"],
    ];
    for (const [payload, severity] of cases) {
      const created = await http("POST", `${GATEWAY}/events`, { type: `${TYPE}.severity`, payload });
      assert.equal(created.status, 201);
      const got = await http("GET", `${DATASTORAGE}/events/${created.body.id}`);
      assert.equal(got.body.severity, severity, `severity of ${JSON.stringify(payload)}`);
    }
  });

  test("high and critical events are notified, the rest are not", async () => {
    // The severity test above posted FATAL, warn, score 95, score 75 and {}.
    const r = await http("GET", `${NOTIFIER}/notifications?type=${encodeURIComponent(`${TYPE}.severity`)}`);
    assert.equal(r.status, 200);
    assert.deepEqual(
      r.body.notifications.map((n) => [n.severity, n.channel]),
      [
        ["critical", "pager"],
        ["critical", "pager"],
        ["high", "chat"],
      ],
    );
  });

  test("notifier rejects malformed requests", async () => {
    for (const bad of [{ type: "x", severity: "urgent" }, { severity: "high" }]) {
      const r = await http("POST", `${NOTIFIER}/notify`, bad);
      assert.equal(r.status, 400, `expected 400 for ${JSON.stringify(bad)}, got ${r.status}`);
    }
    const r = await fetch(`${NOTIFIER}/notify`, { method: "POST", body: "{oops", signal: AbortSignal.timeout(10_000) });
    assert.equal(r.status, 400, "invalid JSON");
  });

  test("unknown events are 404", async () => {
    const r = await http("GET", `${DATASTORAGE}/events/999999999`);
    assert.equal(r.status, 404);
  });
}

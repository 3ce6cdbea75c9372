// The datastorage suite: events stored in PostgreSQL, read back through the Redis cache.
import assert from "node:assert/strict";
import { test } from "node:test";
import { http, endpoint, uniqueType } from "../../../shared/tests/http.mjs";

const DATASTORAGE = endpoint("PADDOCK_DATASTORAGE_URL");

test("datastorage is healthy: PostgreSQL and Redis answer", async () => {
  const health = await http("GET", `${DATASTORAGE}/healthz`);
  assert.equal(health.status, 200);
  assert.deepEqual(health.body, { postgres: "ok", redis: "ok" });
});

test("an event is stored, then served from the cache", async () => {
  const type = uniqueType("datastorage");
  const stored = await http("POST", `${DATASTORAGE}/events`, {
    type,
    payload: { order: 7 },
    severity: "low",
    processedAt: new Date().toISOString(),
  });
  assert.equal(stored.status, 201, JSON.stringify(stored.body));
  const first = await http("GET", `${DATASTORAGE}/events/${stored.body.id}`);
  assert.equal(first.status, 200);
  assert.equal(first.headers.get("x-cache"), "miss");
  assert.equal(first.body.type, type);
  const second = await http("GET", `${DATASTORAGE}/events/${stored.body.id}`);
  assert.equal(second.headers.get("x-cache"), "hit");
});

test("a malformed event is refused", async () => {
  const refused = await http("POST", `${DATASTORAGE}/events`, { type: "x", payload: [] });
  assert.equal(refused.status, 400);
});

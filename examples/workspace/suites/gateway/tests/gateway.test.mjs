// The gateway suite: an event through the whole chain, gateway -> processor -> datastorage.
import assert from "node:assert/strict";
import { test } from "node:test";
import { http, endpoint, uniqueType } from "../../../shared/tests/http.mjs";

const GATEWAY = endpoint("PADDOCK_GATEWAY_URL");
const DATASTORAGE = endpoint("PADDOCK_DATASTORAGE_URL");

test("the gateway is healthy once the chain behind it is", async () => {
  assert.equal((await http("GET", `${GATEWAY}/healthz`)).status, 200);
});

test("an event posted to the gateway is stored, enriched", async () => {
  const type = uniqueType("gateway");
  const accepted = await http("POST", `${GATEWAY}/events`, { type, payload: { order: 42 } });
  assert.ok(accepted.status === 201 || accepted.status === 202, JSON.stringify(accepted.body));
  const listed = await http("GET", `${DATASTORAGE}/events?type=${encodeURIComponent(type)}`);
  assert.equal(listed.status, 200);
  assert.equal(listed.body.events.length, 1);
  assert.equal(listed.body.events[0].type, type);
});

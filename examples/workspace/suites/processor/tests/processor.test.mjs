// The processor suite: events are enriched with a severity and stored in datastorage.
import assert from "node:assert/strict";
import { test } from "node:test";
import { http, endpoint, uniqueType } from "../../../shared/tests/http.mjs";

const PROCESSOR = endpoint("PADDOCK_PROCESSOR_URL");
const DATASTORAGE = endpoint("PADDOCK_DATASTORAGE_URL");

test("the processor is healthy once datastorage is", async () => {
  assert.equal((await http("GET", `${PROCESSOR}/healthz`)).status, 200);
});

test("an event is enriched with a severity and stored", async () => {
  const type = uniqueType("processor");
  const processed = await http("POST", `${PROCESSOR}/process`, { type, payload: { amount: 5000 } });
  assert.equal(processed.status, 201, JSON.stringify(processed.body));
  assert.match(processed.body.severity, /^(low|medium|high|critical)$/);
  // The notifier is not part of this suite: processing does not depend on it.
  assert.equal(processed.body.notified, false);
  const stored = await http("GET", `${DATASTORAGE}/events/${processed.body.id}`);
  assert.equal(stored.status, 200);
  assert.equal(stored.body.severity, processed.body.severity);
});

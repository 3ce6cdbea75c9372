// The example's E2E tests under node:test: `paddock test` runs `node --test tests/`.
import { test } from "node:test";
import { defineEventTests } from "./events.cases.mjs";

defineEventTests(test);

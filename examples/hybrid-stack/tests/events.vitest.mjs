// The same E2E tests under Vitest, with Paddock's globalSetup bringing the stack up and down
// (see ../vitest.config.mjs): `npx vitest run --config vitest.config.mjs` from the example.
import { test } from "vitest";
import { defineEventTests } from "./events.cases.mjs";

defineEventTests(test);

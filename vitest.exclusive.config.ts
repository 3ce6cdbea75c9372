import { defineConfig } from "vitest/config";

/**
 * Tests that need the engine to themselves (they prune the builder cache or stop services the
 * others use): run after the main suite, one file at a time (`npm test` runs both).
 */
export default defineConfig({
  test: {
    include: ["test/exclusive/**/*.test.ts"],
    globalSetup: ["test/global-setup.ts"],
    fileParallelism: false,
    testTimeout: 300_000,
    hookTimeout: 600_000,
  },
});

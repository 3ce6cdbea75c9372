import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Tests that need the engine to themselves run after these: vitest.exclusive.config.ts.
    exclude: ["test/exclusive/**", "**/node_modules/**"],
    globalSetup: ["test/global-setup.ts"],
    // Docker-backed suites are slow by nature; unit suites finish far below this.
    testTimeout: 30_000,
    hookTimeout: 600_000,
  },
});

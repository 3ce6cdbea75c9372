import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    globalSetup: ["test/global-setup.ts"],
    // Docker-backed suites are slow by nature; unit suites finish far below this.
    testTimeout: 30_000,
    hookTimeout: 600_000,
  },
});

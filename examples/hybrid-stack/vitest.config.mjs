// A second way to run the example's tests: Vitest with Paddock's globalSetup, which brings
// the stack up before the tests and removes it afterwards. From this folder:
//   npx vitest run --config vitest.config.mjs
// (In a project that installed paddock from npm: globalSetup: ["paddock/vitest-global-setup"].)
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    root: fileURLToPath(new URL(".", import.meta.url)),
    include: ["tests/**/*.vitest.mjs"],
    globalSetup: [fileURLToPath(new URL("../../dist/src/vitest/global-setup.js", import.meta.url))],
    hookTimeout: 900_000,
    testTimeout: 60_000,
  },
});

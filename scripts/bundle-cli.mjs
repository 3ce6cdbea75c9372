// The CLI as one file (dist/cli.mjs, which bin/paddock.js runs): Node 20 loads the ~830 modules
// of the compiled tree and its dependencies one by one, and that took ~0.5 s of every command's
// start (0.7 s of CPU). One bundle starts in ~0.25 s. The library (dist/src) stays as tsc wrote it.
import { build } from "esbuild";

await build({
  entryPoints: ["dist/src/cli/main.js"],
  outfile: "dist/cli.mjs",
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  // Bundled CommonJS packages call require(); in an ES module it must be made.
  banner: {
    js: "import { createRequire as __paddockRequire } from 'node:module'; const require = __paddockRequire(import.meta.url);",
  },
  // istanbul-reports requires its report classes by path from its own folder (__dirname): it stays a package.
  external: ["istanbul-reports"],
  logLevel: "warning",
  legalComments: "none",
});

// TEST SIMULATOR — not the real kind/kubectl. Used only by Paddock's tests; never shipped.
// The yaml package, loaded on first use: most kubectl calls only read state and a kubeconfig
// parsed before (kubeconfig.mjs caches it), and loading the package was a quarter of such a
// call's CPU. The real kubectl is a Go binary; many runs on 2 cores feel every stand-in call.
import { createRequire } from "node:module";

const require = createRequire(import.meta.url); // the repo's node_modules, relative to this file
let loaded;
const lib = () => (loaded ??= require("yaml"));

export const YAML = {
  parse: (...args) => lib().parse(...args),
  parseAllDocuments: (...args) => lib().parseAllDocuments(...args),
  stringify: (...args) => lib().stringify(...args),
};

import { checkManifests } from "../kubernetes/validation/check-manifests.js";
import type { ProviderEntry } from "../types.js";
import { KindEnvironment } from "./environment.js";
import { kindGarbage } from "./garbage.js";

/** A kind cluster per run, driven through the kind and kubectl CLIs (docs/kind.md). */
export const kindProvider: ProviderEntry = {
  name: "kind",
  capabilities: { loadsImages: true, collectsCoverage: true },
  async open(options) {
    return new KindEnvironment(options);
  },
  garbage: kindGarbage,
  preflight: checkManifests,
};

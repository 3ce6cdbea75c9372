import { detectDockerCli } from "../../exec/docker-cli.js";
import type { ProviderEntry } from "../types.js";
import { DockerEnvironment } from "./environment.js";
import { dockerGarbage } from "./garbage.js";

/** Plain containers on one Docker network per run: the default provider, no Kubernetes needed. */
export const dockerProvider: ProviderEntry = {
  name: "docker",
  capabilities: { loadsImages: false, collectsCoverage: true },
  async open(options) {
    return new DockerEnvironment(await detectDockerCli(), options.stack, options.run);
  },
  garbage: dockerGarbage,
};

import { DockerBuilder } from "../build/docker-builder.js";
import { PaddockError } from "../errors.js";
import { detectDockerCli } from "../exec/docker-cli.js";
import { DockerProvider } from "./docker/docker-provider.js";
import { KindProvider } from "./kind/kind-provider.js";
import type { Provider, ProviderOptions } from "./provider.js";

/** The provider the stack names. Providers know their tools, not the CLI. */
export async function createProvider(options: ProviderOptions): Promise<Provider> {
  switch (options.stack.environment.provider) {
    case "docker": {
      const cli = options.builder instanceof DockerBuilder ? options.builder.cli : await detectDockerCli();
      return new DockerProvider(cli, options.stack, options.run);
    }
    case "kind":
      return new KindProvider(options);
    case "cluster":
      throw new PaddockError("the cluster provider (an existing cluster plus a registry) is not built yet", {
        hint: "use provider: kind or docker for now; the Provider interface already fits it (namespace per run, push to a registry)",
      });
  }
}

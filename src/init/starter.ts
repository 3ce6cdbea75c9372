import path from "node:path";
import type { DetectedImage } from "./detect.js";

function relative(from: string, to: string): string {
  const r = path.relative(from, to).split(path.sep).join("/");
  return r === "" ? "." : r;
}

/**
 * The commented starting point `paddock init` writes when there is no Compose file: an image per
 * Dockerfile and a service per image, with the fields a user fills in as comments. It is a valid
 * stack file as written (`paddock plan` runs on it).
 */
export function renderStarter(
  name: string,
  outputDir: string,
  images: readonly DetectedImage[],
  composeHint: string | undefined,
): string {
  const out: string[] = [
    "# paddock.yaml: a starting point written by `paddock init` from the Dockerfiles below this folder.",
    "# Fill in ports, readiness checks, dependencies and the test command, then run `paddock plan`",
    "# (the task graph) and `paddock test`. Every field: docs/stack-file.md, or `paddock schema`.",
  ];
  if (composeHint)
    out.push(`# There is a Compose file here: \`paddock init --from ${composeHint} --force\` converts it instead.`);
  out.push(
    `name: ${name}`,
    "",
    "# build:",
    "#   network: host          # lets apt/npm inside the builds reach the package mirrors",
    "",
  );
  if (images.length === 0) {
    out.push(
      "# No Dockerfile was found below this folder. Declare images to build, or run upstream ones:",
      "# images:",
      "#   api: { dockerfile: api/Dockerfile, context: api }",
      "services:",
      '  # web: { image: "nginx:1.27", ports: [80], ready: { http: { port: 80, path: / } } }',
      "  {}",
    );
  } else {
    out.push("images:");
    for (const image of images) {
      out.push(
        `  ${image.name}:`,
        `    dockerfile: ${relative(outputDir, image.dockerfile)}`,
        `    context: ${relative(outputDir, image.context)}          # what the build can see; widen it if the Dockerfile COPYs from elsewhere`,
      );
      out.push('    # args: { VERSION: "1.0" }   # "${images.other}" passes another image\'s tag and builds it first');
    }
    out.push("", "services:");
    for (const image of images) {
      out.push(`  ${image.name}:`, `    image: ${image.name}`);
      const port = image.exposes[0];
      if (image.exposes.length > 0)
        out.push(
          `    ports: [${image.exposes.join(", ")}]       # from EXPOSE; published on free 127.0.0.1 ports ("18080:8080" fixes one)`,
        );
      else out.push("    # ports: [8080]             # container ports, published on free 127.0.0.1 ports");
      if (image.healthcheck) out.push("    ready: { healthcheck: true }   # the Dockerfile's HEALTHCHECK");
      else if (port !== undefined)
        out.push(
          `    # ready: { http: { port: ${port}, path: /healthz } }   # or tcp: ${port}, exec: [cmd, ...], log: "listening"`,
        );
      else out.push('    # ready: { log: "listening" }   # or http: { port, path }, tcp: PORT, exec: [cmd, ...]');
      out.push("    # env: { LOG_LEVEL: debug }", "    # dependsOn: [other-service]");
    }
  }
  out.push(
    "",
    "# jobs:                        # one-shot workloads (migrations); their success gates their dependents",
    "#   migrations: { image: IMAGE, command: [./migrate, up], dependsOn: [SERVICE] }",
    "",
    "# test:",
    "#   command: [npm, test]       # what `paddock test` runs, with PADDOCK_<SERVICE>_URL, _HOST and _PORT set",
    "",
  );
  return out.join("\n");
}

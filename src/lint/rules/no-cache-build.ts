import type { Rule } from "../rule.js";
import { basename, subcommandIndex } from "../shell-argv.js";
import type { NormalizedCommand } from "../shell.js";
import type { ShellWord } from "../shell-tokenizer.js";
import type { RawFinding } from "../types.js";

const ENGINE_VALUE_OPTIONS: ReadonlySet<string> = new Set([
  "-H",
  "--host",
  "-c",
  "--context",
  "--config",
  "-l",
  "--log-level",
  "--tlscacert",
  "--tlscert",
  "--tlskey",
  "--root",
  "--runroot",
  "--storage-driver",
  "--url",
  "--connection",
  "--cgroup-manager",
  "--namespace",
  "-n",
  "--address",
  "-a",
]);
const COMPOSE_VALUE_OPTIONS: ReadonlySet<string> = new Set([
  "-f",
  "--file",
  "-p",
  "--project-name",
  "--profile",
  "--env-file",
  "--project-directory",
  "--ansi",
  "--parallel",
  "--progress",
]);

const VARIABLE_COMMAND = /^\$[({]?[A-Za-z_][A-Za-z0-9_.-]*[)}]?$/;

/** `docker build`, `podman build`, `buildah bud`… as shown in messages, with the index of the first argument after the subcommand. */
export function containerBuild(cmd: NormalizedCommand): { text: string; argsFrom: number } | null {
  const argv = cmd.argv;
  const first = argv[0]?.value ?? "";
  const name = basename(first);
  const at = (from: number, options: ReadonlySet<string>): number => subcommandIndex(argv, from, options);
  const word = (i: number): string | undefined => (i >= 0 ? argv[i]?.value : undefined);

  if (name === "docker-compose" || name === "podman-compose") {
    const i = at(1, COMPOSE_VALUE_OPTIONS);
    return word(i) === "build" ? { text: `${name} build`, argsFrom: i + 1 } : null;
  }
  if (name === "buildah") {
    const i = at(1, ENGINE_VALUE_OPTIONS);
    const s = word(i);
    return s === "bud" || s === "build" || s === "build-using-dockerfile"
      ? { text: `buildah ${s}`, argsFrom: i + 1 }
      : null;
  }
  // An engine given by a variable (`$(DOCKER) build`, `${ENGINE} build`) counts as an engine.
  const engine =
    name === "docker" || name === "podman" || name === "nerdctl" || VARIABLE_COMMAND.test(first)
      ? VARIABLE_COMMAND.test(first)
        ? first
        : name
      : null;
  if (!engine) return null;
  const i = at(1, ENGINE_VALUE_OPTIONS);
  const s = word(i);
  if (s === "build") return { text: `${engine} build`, argsFrom: i + 1 };
  if (s === "buildx" || s === "builder" || s === "image") {
    const j = at(i + 1, ENGINE_VALUE_OPTIONS);
    const t = word(j);
    if (t === "build" || (s === "buildx" && t === "bake")) return { text: `${engine} ${s} ${t}`, argsFrom: j + 1 };
    return null;
  }
  if (s === "compose") {
    const j = at(i + 1, COMPOSE_VALUE_OPTIONS);
    return word(j) === "build" ? { text: `${engine} compose build`, argsFrom: j + 1 } : null;
  }
  return null;
}

function noCacheFlag(argv: ShellWord[], from: number): ShellWord | null {
  for (let k = from; k < argv.length; k++) {
    const w = argv[k] as ShellWord;
    if (w.value === "--no-cache" || /^--no-cache=(true|1|yes)?$/i.test(w.value)) return w;
  }
  return null;
}

export const NO_CACHE_FIX =
  "drop --no-cache: the layer cache is what makes repeated builds fast; for a one-off clean build, remove the image or prune the builder cache instead";

export const noCacheBuildRule: Rule = {
  meta: {
    id: "no-cache-build",
    shortDescription: "Image builds keep the layer cache (no --no-cache)",
    help:
      "`docker build --no-cache` (also podman, buildah bud, nerdctl, docker compose build) rebuilds every layer on every run, minutes each time for a typical service. " +
      "Build scripts, Makefiles and the stack's build options are scanned; comments are ignored.",
    defaultSeverity: "warning",
  },
  checkScript(ctx) {
    const out: RawFinding[] = [];
    for (const cmd of ctx.commands) {
      const build = containerBuild(cmd);
      if (!build) continue;
      const flag = noCacheFlag(cmd.argv, build.argsFrom);
      if (!flag) continue;
      out.push({
        ...ctx.positionAt(flag.start),
        message: `\`${build.text} --no-cache\` throws away the layer cache on every build`,
        fix: NO_CACHE_FIX,
      });
    }
    return out;
  },
};

import type { Env } from "dockerfile-ast";
import type { RunInfo, Stage } from "../dockerfile.js";
import { stageArgs } from "../dockerfile.js";
import type { Rule } from "../rule.js";
import { basename, subcommandIndex } from "../shell-argv.js";
import type { NormalizedCommand } from "../shell.js";
import type { ShellWord } from "../shell-tokenizer.js";
import type { CoverageKind, RawFinding } from "../types.js";

/** Variables the tool reads from the environment by itself: declaring the ARG is enough. */
const IMPLICIT: Record<CoverageKind, ReadonlySet<string>> = {
  go: new Set(["GOFLAGS"]),
  node: new Set(["NODE_OPTIONS", "NODE_V8_COVERAGE"]),
};

const SUGGESTED: Record<CoverageKind, string> = { go: "GOFLAGS", node: "NODE_OPTIONS" };
const NO_VALUE_OPTIONS: ReadonlySet<string> = new Set();

/** The build command (`go build`, `npm run build`…) as shown in messages, or null. */
export function buildCommand(cmd: NormalizedCommand, kind: CoverageKind): string | null {
  const argv = cmd.argv;
  const name = basename(argv[0]?.value ?? "");
  const sub = (): string | undefined => {
    const i = subcommandIndex(argv, 1, NO_VALUE_OPTIONS);
    return i < 0 ? undefined : argv[i]?.value;
  };
  if (kind === "go") {
    if (name !== "go") return null;
    const s = sub();
    if (s === "build" || s === "install") return `go ${s}`;
    if (s === "test" && argv.some((w) => w.value === "-c")) return "go test -c";
    return null;
  }
  switch (name) {
    case "npm": {
      const s = sub();
      return s === "run" || s === "run-script" || s === "build" ? `npm ${s}` : null;
    }
    case "yarn":
    case "pnpm":
    case "bun": {
      const s = sub();
      if (s === undefined || ["install", "i", "add", "fetch", "remove", "ci", "config", "cache"].includes(s))
        return null;
      return `${name} ${s}`;
    }
    case "npx":
    case "tsc":
    case "node":
      return name;
    default:
      return null;
  }
}

function referencesVariable(text: string, name: string): boolean {
  return new RegExp(`\\$\\{?${name}(?![A-Za-z0-9_])`).test(text);
}

/** ARGs of the stage declared before `line`, plus ENVs (here or in base stages) fed from them. */
function carriers(stage: Stage, line: number): Set<string> {
  const names = new Set<string>();
  for (const { name, info } of stageArgs(stage)) if (info.startLine < line) names.add(name);
  const chain: Stage[] = [];
  for (let s: Stage | null = stage; s && !chain.includes(s); s = s.baseStage) chain.unshift(s);
  for (const s of chain) {
    for (const info of s.instructions) {
      if (info.keyword !== "ENV" || (s === stage && info.startLine >= line)) continue;
      for (const prop of (info.node as Env).getProperties()) {
        const v = prop.getValue() ?? "";
        if ([...names].some((n) => referencesVariable(v, n))) names.add(prop.getName());
      }
    }
  }
  return names;
}

interface BuildSite {
  run: RunInfo;
  word: ShellWord;
  text: string;
}

export const coverageArgRule: Rule = {
  meta: {
    id: "coverage-arg",
    shortDescription: "Images built with coverage declare an ARG that their build command uses",
    help:
      "For an image the stack builds with `coverage: go|node`, paddock passes the instrumentation flags as a build arg. " +
      "The stage that runs the build (`go build`, `go install`, `go test -c`; `npm run`, `yarn build`, `pnpm build`, `npx`, `tsc`…) must declare an ARG before it and use it: " +
      "referenced as `$NAME` in the RUN, read implicitly by the tool (GOFLAGS; NODE_OPTIONS, NODE_V8_COVERAGE), or through an ENV set from the ARG.",
    defaultSeverity: "error",
  },
  checkDockerfile(ctx) {
    const kind = ctx.image?.coverage;
    // Node coverage is switched on at run time (NODE_V8_COVERAGE): only Go needs a build argument.
    if (kind !== "go") return [];
    const { dockerfile } = ctx;
    const imageName = ctx.image?.name ?? "?";
    const out: RawFinding[] = [];
    let sawBuild = false;
    for (const stage of dockerfile.stages) {
      const sites: BuildSite[] = [];
      for (const run of stage.runs)
        for (const cmd of run.commands) {
          const text = buildCommand(cmd, kind);
          if (text) sites.push({ run, word: cmd.argv[0] as ShellWord, text });
        }
      if (sites.length === 0) continue;
      sawBuild = true;
      const used = sites.some((site) => {
        const raw = (site.run.node.getRawArgumentsContent() ?? "").replace(/^\s*#.*$/gm, "");
        const names = carriers(stage, site.run.startLine);
        return [...names].some((n) => IMPLICIT[kind].has(n) || referencesVariable(raw, n));
      });
      if (used) continue;
      const first = sites[0] as BuildSite;
      const label = stage.name ? `stage '${stage.name}'` : `stage ${stage.index}`;
      out.push({
        ...dockerfile.positionAt(first.word.start),
        message: `image '${imageName}' is built with coverage: ${kind}, but \`${first.text}\` in ${label} uses no build ARG to receive the coverage flags`,
        fix: `declare \`ARG ${SUGGESTED[kind]}\` in this stage before \`${first.text}\`${kind === "go" ? " (the go tool reads it)" : " (or an ARG passed to the build script)"}`,
      });
    }
    if (!sawBuild) {
      const last = dockerfile.stages[dockerfile.stages.length - 1];
      const at = last ? last.from.position : { line: 1, column: 1 };
      out.push({
        ...at,
        message: `image '${imageName}' is built with coverage: ${kind}, but no stage runs a ${kind === "go" ? "`go build`" : "node build command"} that could take the coverage flags`,
        fix: `build inside the Dockerfile with an \`ARG ${SUGGESTED[kind]}\` declared before the build command, or turn coverage off for this image`,
      });
    }
    return out;
  },
};

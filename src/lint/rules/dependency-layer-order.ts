import type { Copy } from "dockerfile-ast";
import type { InstructionInfo, RunInfo } from "../dockerfile.js";
import type { Rule } from "../rule.js";
import { basename, subcommandIndex } from "../shell-argv.js";
import type { NormalizedCommand } from "../shell.js";
import type { ShellWord } from "../shell-tokenizer.js";
import type { RawFinding } from "../types.js";

const WHOLE_CONTEXT = new Set([".", "./", "*", "./*"]);
const NO_VALUE_OPTIONS: ReadonlySet<string> = new Set();

/** Sources of a COPY/ADD from the build context (not `--from=`), or null. */
function contextSources(info: InstructionInfo): string[] | null {
  const node = info.node as Copy;
  if (node.getFlags().some((f) => f.getName().toLowerCase() === "from")) return null;
  const json = node.getJSONStrings();
  const args =
    json.length > 0 && node.getOpeningBracket() !== null
      ? json.map((j) => j.getJSONValue())
      : node.getArguments().map((a) => a.getValue());
  if (args.length < 2) return null;
  return args.slice(0, -1);
}

function value(argv: ShellWord[], k: number): string | undefined {
  return argv[k]?.value;
}

/** A dependency download (`npm ci`, `go mod download`…), as shown in messages, or null. */
export function dependencyDownload(cmd: NormalizedCommand): string | null {
  const argv = cmd.argv;
  let name = basename(value(argv, 0) ?? "");
  let k = 1;
  if (/^python[0-9.]*$/.test(name) && value(argv, 1) === "-m" && /^pip[0-9.]*$/.test(value(argv, 2) ?? "")) {
    name = "pip";
    k = 3;
  }
  const sub = (): string | undefined => {
    const i = subcommandIndex(argv, k, NO_VALUE_OPTIONS);
    return i < 0 ? undefined : value(argv, i);
  };
  switch (name) {
    case "go":
      return sub() === "mod" && argv.some((w) => w.value === "download") ? "go mod download" : null;
    case "npm": {
      const s = sub();
      return s === "ci" || s === "clean-install" || s === "install" || s === "i" ? `npm ${s}` : null;
    }
    case "yarn": {
      const s = sub();
      return s === undefined || s === "install" ? "yarn install" : null;
    }
    case "pnpm": {
      const s = sub();
      return s === "install" || s === "i" || s === "fetch" ? `pnpm ${s}` : null;
    }
    case "bundle":
    case "bundler":
      return sub() === "install" ? "bundle install" : null;
    case "cargo":
      return sub() === "fetch" ? "cargo fetch" : null;
    default:
      if (/^pip[0-9.]*$/.test(name)) {
        const i = subcommandIndex(argv, k, NO_VALUE_OPTIONS);
        if (i < 0 || value(argv, i) !== "install") return null;
        return argv
          .slice(i + 1)
          .some((w) => w.value === "-r" || w.value === "--requirement" || /^(-r|--requirement=)\S/.test(w.value))
          ? `${name} install -r`
          : null;
      }
      return null;
  }
}

export const dependencyLayerOrderRule: Rule = {
  meta: {
    id: "dependency-layer-order",
    shortDescription: "Dependencies are downloaded before the whole build context is copied",
    help:
      "`COPY . .` (or `ADD . .`) before `go mod download`, `npm ci`, `pip install -r`, `yarn install`, `pnpm install`, `bundle install` or `cargo fetch` in the same stage " +
      "means any source change invalidates the dependency layer, so every build downloads everything again. Copy only the manifests first, download, then copy the rest.",
    defaultSeverity: "warning",
  },
  checkDockerfile(ctx) {
    const out: RawFinding[] = [];
    for (const stage of ctx.dockerfile.stages) {
      let copy: InstructionInfo | null = null;
      for (const info of stage.instructions) {
        if ((info.keyword === "COPY" || info.keyword === "ADD") && copy === null) {
          const sources = contextSources(info);
          if (sources && sources.some((s) => WHOLE_CONTEXT.has(s))) copy = info;
          continue;
        }
        if (info.keyword !== "RUN" || copy === null) continue;
        const download = (info as RunInfo).commands.map(dependencyDownload).find((d) => d !== null);
        if (!download) continue;
        out.push({
          ...copy.position,
          message: `\`${copy.node.getTextContent().split("\n")[0]?.trim()}\` copies the whole context before \`${download}\` (line ${info.position.line}): every source change re-downloads dependencies`,
          fix: "copy only the dependency manifests (go.mod go.sum, package*.json, requirements.txt…), download, then copy the rest",
        });
        copy = null;
      }
    }
    return out;
  },
};

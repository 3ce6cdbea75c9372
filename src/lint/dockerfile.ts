import {
  DockerfileParser,
  type Instruction,
  type Dockerfile as AstDockerfile,
  type Comment,
  type From,
  type Run,
  type Arg,
} from "dockerfile-ast";
import { parseExecForm, parseShell, type NormalizedCommand } from "./shell.js";
import type { ShellWord } from "./shell-tokenizer.js";

/**
 * A Dockerfile as the rules see it: stages with their instructions, RUN bodies split into
 * normalized shell commands whose offsets map back to lines and columns of the original text.
 */

export interface Position {
  /** 1-based. */
  line: number;
  /** 1-based. */
  column: number;
}

export interface InstructionInfo {
  keyword: string;
  node: Instruction;
  /** 0-based, as in dockerfile-ast. */
  startLine: number;
  endLine: number;
  /** Position of the keyword. */
  position: Position;
}

export interface RunInfo extends InstructionInfo {
  commands: NormalizedCommand[];
}

export interface Stage {
  index: number;
  /** `AS name`, lower-cased (stage names are case-insensitive). */
  name: string | null;
  from: InstructionInfo & { node: From };
  /** The image reference as written (`${BASE}`, `golang:1.22`…). */
  imageRaw: string;
  /** Global-ARG-resolved image reference, or null when it depends on a value nobody knows. */
  image: string | null;
  /** Names of the variables that could not be resolved. */
  unresolved: string[];
  /** The earlier stage used as base (`FROM builder`), if any. */
  baseStage: Stage | null;
  instructions: InstructionInfo[];
  runs: RunInfo[];
}

export interface ParsedDockerfile {
  text: string;
  ast: AstDockerfile;
  escapeChar: string;
  stages: Stage[];
  instructions: InstructionInfo[];
  /** Comments outside instructions (candidates for `# paddock-ignore:`). */
  comments: Comment[];
  positionAt(offset: number): Position;
}

function lineStartsOf(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
  return starts;
}

function makePositionAt(starts: number[]): (offset: number) => Position {
  return (offset: number): Position => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((starts[mid] as number) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - (starts[lo] as number) + 1 };
  };
}

const VARIABLE = /\$(?:\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-+])([^}]*))?\}|([A-Za-z_][A-Za-z0-9_]*))/g;

/** Expands `$X`, `${X}`, `${X:-d}`, `${X-d}`, `${X:+a}`, `${X+a}`. */
export function expandVariables(
  value: string,
  lookup: (name: string) => string | null | undefined,
): { value: string; unresolved: string[] } {
  const unresolved: string[] = [];
  const expanded = value.replace(
    VARIABLE,
    (_m, braced: string | undefined, op: string | undefined, word: string | undefined, bare: string | undefined) => {
      const name = (braced ?? bare) as string;
      const v = lookup(name);
      const isSet = v !== null && v !== undefined;
      if (op === ":-") return isSet && v !== "" ? v : (word ?? "");
      if (op === "-") return isSet ? v : (word ?? "");
      if (op === ":+") return isSet && v !== "" ? (word ?? "") : "";
      if (op === "+") return isSet ? (word ?? "") : "";
      if (!isSet) {
        unresolved.push(name);
        return "";
      }
      return v;
    },
  );
  return { value: expanded, unresolved };
}

/**
 * The shell source of a RUN instruction: the command part with Dockerfile line continuations
 * joined (comment and blank lines inside a continuation dropped, as Docker does), followed by
 * the raw here-document lines. `map[k]` is the file offset of `source[k]`.
 */
function runSource(
  text: string,
  starts: number[],
  from: number,
  endLine: number,
  escapeChar: string,
): { source: string; map: number[] } {
  let source = "";
  const map: number[] = [];
  const endOffset = endLine + 1 < starts.length ? (starts[endLine + 1] as number) - 1 : text.length;
  let pos = from;
  let continuing = false;
  let line = 0;
  while (pos <= endOffset) {
    const nl = text.indexOf("\n", pos);
    const lineEnd = nl < 0 || nl > endOffset ? endOffset : nl;
    let content = text.slice(pos, lineEnd);
    if (content.endsWith("\r")) content = content.slice(0, -1);
    if (continuing && line > 0 && /^\s*(#|$)/.test(content)) {
      pos = lineEnd + 1;
      line++;
      continue;
    }
    const trimmed = content.replace(/[ \t]+$/, "");
    if (trimmed.endsWith(escapeChar)) {
      const keep = trimmed.length - 1;
      for (let k = 0; k < keep; k++) {
        source += content[k];
        map.push(pos + k);
      }
      source += " ";
      map.push(pos + keep);
      continuing = true;
      pos = lineEnd + 1;
      line++;
      continue;
    }
    // Last line of the command part; here-document lines (if any) follow verbatim.
    for (let k = pos; k < endOffset; k++) {
      source += text[k];
      map.push(k);
    }
    break;
  }
  return { source, map };
}

function decodeJsonString(raw: string): string | null {
  try {
    const v: unknown = JSON.parse(raw);
    return typeof v === "string" ? v : null;
  } catch {
    return null;
  }
}

export function parseDockerfile(text: string, buildArgs: Readonly<Record<string, string>> = {}): ParsedDockerfile {
  const ast = DockerfileParser.parse(text);
  const starts = lineStartsOf(text);
  const positionAt = makePositionAt(starts);
  const offsetOf = (p: { line: number; character: number }): number => (starts[p.line] ?? text.length) + p.character;
  const escapeChar = ast.getEscapeCharacter();

  const globalArgs = new Map<string, string | null>();
  for (const arg of ast.getInitialARGs()) {
    const prop = arg.getProperty();
    if (!prop) continue;
    const name = prop.getName();
    const value = prop.getValue();
    if (value === null) {
      globalArgs.set(name, null);
      continue;
    }
    const expanded = expandVariables(value, (n) => (n in buildArgs ? buildArgs[n] : globalArgs.get(n)));
    globalArgs.set(name, expanded.unresolved.length > 0 ? null : expanded.value);
  }
  const lookupGlobal = (name: string): string | null | undefined =>
    name in buildArgs ? buildArgs[name] : globalArgs.get(name);

  const instructions: InstructionInfo[] = [];
  const stages: Stage[] = [];
  const byName = new Map<string, Stage>();
  for (const node of ast.getInstructions()) {
    const range = node.getRange();
    const keyword = node.getKeyword().toUpperCase();
    const kw = node.getInstructionRange().start;
    const base: InstructionInfo = {
      keyword,
      node,
      startLine: range.start.line,
      endLine: range.end.line,
      position: { line: kw.line + 1, column: kw.character + 1 },
    };
    let info: InstructionInfo = base;
    if (keyword === "FROM") {
      const from = node as From;
      const imageRaw = from.getImage() ?? "";
      const { value, unresolved } = expandVariables(imageRaw, lookupGlobal);
      const image = unresolved.length > 0 ? null : value;
      const stageName = from.getBuildStage();
      const stage: Stage = {
        index: stages.length,
        name: stageName ? stageName.toLowerCase() : null,
        from: { ...base, node: from },
        imageRaw,
        image,
        unresolved,
        baseStage: image !== null ? (byName.get(image.toLowerCase()) ?? null) : null,
        instructions: [],
        runs: [],
      };
      stages.push(stage);
      if (stage.name) byName.set(stage.name, stage);
    } else if (keyword === "RUN") {
      info = { ...base, commands: runCommands(node as Run) } as RunInfo;
    }
    instructions.push(info);
    const stage = stages[stages.length - 1];
    if (stage) {
      stage.instructions.push(info);
      if (keyword === "RUN") stage.runs.push(info as RunInfo);
    }
  }

  function runCommands(run: Run): NormalizedCommand[] {
    const json = run.getJSONStrings();
    if (json.length > 0 && run.getOpeningBracket() !== null) {
      const argv: ShellWord[] = json.map((j) => {
        // getJSONValue() drops whitespace inside strings; decode the raw text instead.
        const r = j.getRange();
        const start = offsetOf(r.start);
        const end = offsetOf(r.end);
        return { value: decodeJsonString(text.slice(start, end)) ?? j.getJSONValue(), start, end };
      });
      return parseExecForm(argv);
    }
    const flags = run.getFlags();
    const lastFlag = flags[flags.length - 1];
    const from = offsetOf(lastFlag ? lastFlag.getRange().end : run.getInstructionRange().end);
    const { source, map } = runSource(text, starts, from, run.getRange().end.line, escapeChar);
    const commands = parseShell(source, { bareHeredocIsScript: true });
    const remap = (o: number): number => map[o] ?? (map.length > 0 ? (map[map.length - 1] as number) + 1 : from);
    return commands.map((c) => ({
      argv: c.argv.map((w) => ({
        value: w.value,
        start: remap(w.start),
        end: remap(Math.max(w.start, w.end - 1)) + 1,
      })),
    }));
  }

  const comments = ast.getComments().filter((c) => {
    const line = c.getRange().start.line;
    return !instructions.some((i) => i.startLine <= line && line <= i.endLine);
  });

  return { text, ast, escapeChar, stages, instructions, comments, positionAt };
}

/** Values of ARGs declared in a stage (name → default or null), for messages and coverage. */
export function stageArgs(stage: Stage): Array<{ name: string; info: InstructionInfo }> {
  const out: Array<{ name: string; info: InstructionInfo }> = [];
  for (const info of stage.instructions) {
    if (info.keyword !== "ARG") continue;
    const prop = (info.node as Arg).getProperty();
    if (prop) out.push({ name: prop.getName(), info });
  }
  return out;
}

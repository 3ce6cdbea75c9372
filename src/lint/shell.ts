/**
 * Finds the simple commands in RUN bodies, build scripts and Makefile recipes: tokenizes
 * (`shell-tokenizer.ts`), strips wrappers (`shell-argv.ts`), substitutes known variables used as
 * whole words and follows what a shell runs in turn: `sh -c '...'` and here-documents read by a
 * shell.
 *
 * Offsets are indexes into the string given to `parseShell`; nested pieces are mapped back to it.
 */

import { basename, stripWrappers } from "./shell-argv.js";
import { tokenizeShell, type ShellWord } from "./shell-tokenizer.js";

export interface ParseShellOptions {
  /**
   * A command with no words but a here-document (Dockerfile `RUN <<EOF`) runs the body as a
   * script. True for Dockerfile RUN instructions.
   */
  bareHeredocIsScript?: boolean;
  /** Resolves a variable used as a whole word (`$DOCKER`, `$(DOCKER)` in Makefiles) to its words. */
  variables?: ReadonlyMap<string, string>;
}

/** A command after wrappers (`sudo`, `env`, assignments, `if`/`then`…) were stripped. */
export interface NormalizedCommand {
  /** The command name is `argv[0].value`; never empty. */
  argv: ShellWord[];
}

const SHELLS = new Set(["sh", "bash", "ash", "dash", "zsh", "ksh", "mksh", "busybox"]);

const VARIABLE_WORD =
  /^\$(?:\{([A-Za-z_][A-Za-z0-9_]*)(?::?-[^}]*)?\}|\(([A-Za-z_][A-Za-z0-9_.-]*)\)|([A-Za-z_][A-Za-z0-9_]*))$/;

/**
 * Replaces words that are a whole variable reference (`$X`, `${X}`, `${X:-d}`, Make's `$(X)`) by the
 * words of its known value, so `$(DOCKER) build --no-cache` is seen as `docker build`. Unlike a
 * Dockerfile's string expansion (`expandVariables` in dockerfile.ts), unknown variables stay as written.
 */
function substituteVariableWords(words: ShellWord[], variables: ReadonlyMap<string, string> | undefined): ShellWord[] {
  if (!variables || variables.size === 0) return words;
  const out: ShellWord[] = [];
  for (const w of words) {
    const m = VARIABLE_WORD.exec(w.value);
    const name = m ? (m[1] ?? m[2] ?? m[3]) : undefined;
    const value = name !== undefined ? variables.get(name) : undefined;
    if (value === undefined) {
      out.push(w);
      continue;
    }
    for (const part of value.split(/\s+/).filter(Boolean)) out.push({ value: part, start: w.start, end: w.end });
  }
  return out;
}

/** The script of `sh -c 'script'` (with its offset), if this command is one. */
function shellDashC(argv: ShellWord[]): ShellWord | null {
  const first = argv[0];
  if (!first || !SHELLS.has(basename(first.value))) return null;
  for (let k = 1; k < argv.length; k++) {
    const v = (argv[k] as ShellWord).value;
    if (v === "-c" || (/^-[a-zA-Z]+$/.test(v) && v.includes("c"))) return argv[k + 1] ?? null;
    if (!v.startsWith("-")) return null;
  }
  return null;
}

/** Whether a here-document given to this command is a script the shell runs. */
function readsScriptFromStdin(argv: ShellWord[], bareHeredocIsScript: boolean): boolean {
  const first = argv[0];
  if (!first) return bareHeredocIsScript;
  if (!SHELLS.has(basename(first.value))) return false;
  // `bash <<EOF`, `sh -s <<EOF`, `bash -ex <<EOF`: no script file operand.
  return argv.slice(1).every((w) => w.value.startsWith("-"));
}

function shebangIsShell(body: string): boolean {
  const m = /^#!\s*(\S+)(?:\s+(\S+))?/.exec(body);
  if (!m) return true;
  const interp = basename(m[1] as string);
  const target = interp === "env" ? basename(m[2] ?? "") : interp;
  return SHELLS.has(target);
}

/**
 * All simple commands in `src` (including those inside substitutions, `sh -c` strings and
 * here-documents read by a shell), with wrappers stripped.
 */
export function parseShell(src: string, options: ParseShellOptions = {}, base = 0, depth = 0): NormalizedCommand[] {
  const out: NormalizedCommand[] = [];
  if (depth > 8) return out;
  for (const cmd of tokenizeShell(src, base)) {
    const argv = stripWrappers(substituteVariableWords(cmd.words, options.variables));
    if (argv.length > 0) out.push({ argv });
    const script = shellDashC(argv);
    if (script) {
      // Position inside the quoted string: exact when it was quoted without escapes.
      const offset = script.end - script.start - script.value.length >= 2 ? script.start + 1 : script.start;
      out.push(...parseShell(script.value, { variables: options.variables }, offset, depth + 1));
    }
    if (cmd.heredocs.length > 0 && readsScriptFromStdin(argv, options.bareHeredocIsScript === true)) {
      for (const h of cmd.heredocs) {
        if (!shebangIsShell(h.body)) continue;
        out.push(...parseShell(h.body, { variables: options.variables }, h.bodyStart, depth + 1));
      }
    }
  }
  return out;
}

/** Parses an exec-form argv (`RUN ["sh", "-c", "..."]`) the same way. */
export function parseExecForm(argv: ShellWord[], options: ParseShellOptions = {}): NormalizedCommand[] {
  const stripped = stripWrappers(argv);
  const out: NormalizedCommand[] = stripped.length > 0 ? [{ argv: stripped }] : [];
  const script = shellDashC(stripped);
  if (script) out.push(...parseShell(script.value, { variables: options.variables }, script.start + 1, 1));
  return out;
}

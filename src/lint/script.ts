import { parseShell, type NormalizedCommand } from "./shell.js";

/**
 * Build scripts and Makefiles, reduced to shell commands whose offsets are offsets in the file.
 */

export interface ParsedScript {
  commands: NormalizedCommand[];
  /** 1-based line → text of each line (for ignore comments). */
  lines: string[];
}

const MAKE_ASSIGNMENT = /^(?:export\s+|override\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*(:{1,3}=|\?=|\+=|!=|=)\s*(.*)$/;
const SHELL_ASSIGNMENT = /^\s*(?:export\s+|readonly\s+|local\s+)?([A-Za-z_][A-Za-z0-9_]*)()=(.*)$/;
const MAKE_RULE = /^[^\s#][^=]*?:(?!=)/;

function unquote(value: string): string {
  const v = value.trim();
  if ((v.startsWith('"') && v.endsWith('"')) || (v.startsWith("'") && v.endsWith("'"))) return v.slice(1, -1);
  return v;
}

/** Literal values of simple assignments (`DOCKER ?= docker`, `ENGINE=${ENGINE:-podman}`). */
function collectVariables(lines: string[], make: boolean): Map<string, string> {
  const vars = new Map<string, string>();
  for (const line of lines) {
    if (make && line.startsWith("\t")) continue;
    const m = (make ? MAKE_ASSIGNMENT : SHELL_ASSIGNMENT).exec(line);
    if (!m) continue;
    const name = m[1] as string;
    const op = m[2] ?? "=";
    let value = unquote((m[3] ?? "").replace(/\s+#.*$/, ""));
    const def = /^\$\{[A-Za-z_][A-Za-z0-9_]*:?-([^}]*)\}$/.exec(value);
    if (def) value = def[1] ?? "";
    if (/[$`]/.test(value) || op === "!=") continue;
    if (op === "+=") vars.set(name, `${vars.get(name) ?? ""} ${value}`.trim());
    else if (op !== "?=" || !vars.has(name)) vars.set(name, value);
  }
  return vars;
}

export function isMakefile(path: string): boolean {
  const base = path.split(/[\\/]/).pop() ?? path;
  return /^(GNUmakefile|makefile|Makefile)$/.test(base) || /\.mk$/i.test(base);
}

export function parseScript(path: string, text: string): ParsedScript {
  const lines = text.split("\n");
  if (!isMakefile(path)) {
    return { commands: parseShell(text, { variables: collectVariables(lines, false) }), lines };
  }
  // Keep offsets: blank out everything that is not a recipe, and recipe prefixes (tab, @, -, +).
  const variables = collectVariables(lines, true);
  let source = "";
  let inRecipe = false;
  let continued = false;
  for (const line of lines) {
    if (inRecipe && (line.startsWith("\t") || continued)) {
      const prefix = continued ? 0 : (/^\t[@+\-\s]*/.exec(line)?.[0].length ?? 0);
      source += " ".repeat(prefix) + line.slice(prefix) + "\n";
      continued = /\\\s*$/.test(line);
      continue;
    }
    continued = false;
    const trimmed = line.trim();
    if (line.startsWith("\t") || trimmed === "" || trimmed.startsWith("#")) {
      source += " ".repeat(line.length) + "\n";
      continue;
    }
    inRecipe = !MAKE_ASSIGNMENT.test(line) && MAKE_RULE.test(line);
    // Inline recipe: `target: deps ; command`
    const semi = inRecipe ? line.indexOf(";") : -1;
    source += semi >= 0 ? " ".repeat(semi + 1) + line.slice(semi + 1) + "\n" : " ".repeat(line.length) + "\n";
  }
  return { commands: parseShell(source.slice(0, text.length), { variables }), lines };
}

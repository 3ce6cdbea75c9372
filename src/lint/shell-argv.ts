/**
 * Reading a command's argv: its real name once assignments, reserved words and wrappers (`sudo`,
 * `env`, `nice`, `timeout`…) are stripped, and where its subcommand is. Shared by the parser and
 * the lint rules that look for particular commands.
 */

import type { ShellWord } from "./shell-tokenizer.js";

const RESERVED_PREFIXES = new Set([
  "if",
  "then",
  "else",
  "elif",
  "do",
  "while",
  "until",
  "!",
  "{",
  "time",
  "exec",
  "command",
  "nohup",
  "builtin",
]);

export function basename(cmd: string): string {
  const slash = cmd.lastIndexOf("/");
  return slash >= 0 ? cmd.slice(slash + 1) : cmd;
}

const ASSIGNMENT = /^[A-Za-z_][A-Za-z0-9_]*=/;

/** Options taking a separate value, per wrapper command. */
const WRAPPER_VALUE_OPTIONS: Record<string, ReadonlySet<string>> = {
  sudo: new Set([
    "-u",
    "-g",
    "-C",
    "-D",
    "-h",
    "-p",
    "-r",
    "-t",
    "-U",
    "-T",
    "--user",
    "--group",
    "--chdir",
    "--prompt",
    "--host",
  ]),
  doas: new Set(["-u", "-C"]),
  env: new Set(["-u", "-C", "-S", "--unset", "--chdir", "--split-string"]),
  nice: new Set(["-n", "--adjustment"]),
  timeout: new Set(["-s", "-k", "--signal", "--kill-after"]),
  stdbuf: new Set(["-i", "-o", "-e"]),
  ionice: new Set(["-c", "-n", "-p"]),
  chroot: new Set(["--userspec", "--groups"]),
  eatmydata: new Set(),
};

/** Strips assignments, reserved words and wrappers (`sudo -E`, `env X=1`, `nice -n 5`, `timeout 60`…). */
export function stripWrappers(words: ShellWord[]): ShellWord[] {
  let i = 0;
  for (;;) {
    while (
      i < words.length &&
      (ASSIGNMENT.test((words[i] as ShellWord).value) || RESERVED_PREFIXES.has((words[i] as ShellWord).value))
    )
      i++;
    const w = words[i];
    if (!w) return [];
    const name = basename(w.value);
    const valueOptions = WRAPPER_VALUE_OPTIONS[name];
    if (!valueOptions) return words.slice(i);
    i++;
    while (i < words.length) {
      const v = (words[i] as ShellWord).value;
      if (v === "--") {
        i++;
        break;
      }
      if (name === "env" && ASSIGNMENT.test(v)) {
        i++;
        continue;
      }
      if (!v.startsWith("-") || v === "-") break;
      i += valueOptions.has(v) ? 2 : 1;
    }
    if (name === "timeout" && i < words.length) i++; // the duration
    if (name === "nice" && i < words.length && /^-?\d+$/.test((words[i] as ShellWord).value)) i++;
  }
}

/** The first non-option argument after `argv[from]`, skipping options that take a separate value. */
export function subcommandIndex(argv: ShellWord[], from: number, valueOptions: ReadonlySet<string>): number {
  let k = from;
  while (k < argv.length) {
    const v = (argv[k] as ShellWord).value;
    if (v === "--") return k + 1 < argv.length ? k + 1 : -1;
    if (!v.startsWith("-") || v === "-") return k;
    k += valueOptions.has(v) ? 2 : 1;
  }
  return -1;
}

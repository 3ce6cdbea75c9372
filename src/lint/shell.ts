/**
 * A small POSIX-shell tokenizer, enough to find simple commands in RUN bodies, build scripts and
 * Makefile recipes. It understands quotes, backslash escapes and line continuations, comments,
 * the list/pipeline operators (`&&`, `||`, `;`, `|`, `&`, newlines, parentheses), redirections,
 * here-documents (their bodies are not commands, unless a shell reads them), `$(...)` and
 * backtick substitutions (parsed recursively) and `sh -c '...'`.
 *
 * Offsets are indexes into the string given to `parseShell`; nested pieces are mapped back to it.
 */

export interface ShellWord {
  /** The word with quotes and escapes removed (substitutions are kept as written). */
  value: string;
  /** Offset of the word's first character in the source. */
  start: number;
  /** Offset just past the word. */
  end: number;
}

export interface ShellHeredoc {
  delimiter: string;
  body: string;
  /** Offset of the body's first character in the source. */
  bodyStart: number;
}

export interface ShellCommand {
  words: ShellWord[];
  heredocs: ShellHeredoc[];
  /** Offset of the command's first token (word or redirection). */
  start: number;
}

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
const RESERVED_PREFIXES = new Set(["if", "then", "else", "elif", "do", "while", "until", "!", "{", "time", "exec", "command", "nohup", "builtin"]);

interface RawCommand {
  words: ShellWord[];
  heredocs: ShellHeredoc[];
  start: number;
  /** Commands found inside `$(...)` / backticks of this command's words. */
  nested: RawCommand[];
}

interface PendingHeredoc {
  delimiter: string;
  stripTabs: boolean;
  owner: RawCommand;
}

function isWordBreak(ch: string): boolean {
  return ch === " " || ch === "\t" || ch === "\n" || ch === "\r" || ch === ";" || ch === "&" || ch === "|" || ch === "(" || ch === ")" || ch === "<" || ch === ">";
}

/** Finds the offset just past the `)` matching a `$(` whose content starts at `i`. */
function skipParenSubstitution(src: string, i: number): number {
  let depth = 1;
  while (i < src.length) {
    const ch = src[i];
    if (ch === "\\") {
      i += 2;
      continue;
    }
    if (ch === "'") {
      const close = src.indexOf("'", i + 1);
      i = close < 0 ? src.length : close + 1;
      continue;
    }
    if (ch === '"') {
      i = skipDoubleQuoted(src, i + 1);
      continue;
    }
    if (ch === "(") depth++;
    else if (ch === ")") {
      depth--;
      if (depth === 0) return i + 1;
    }
    i++;
  }
  return src.length;
}

/** Offset just past the closing `"` of a double-quoted string whose content starts at `i`. */
function skipDoubleQuoted(src: string, i: number): number {
  while (i < src.length) {
    const ch = src[i];
    if (ch === "\\") {
      i += 2;
      continue;
    }
    if (ch === '"') return i + 1;
    if (ch === "$" && src[i + 1] === "(") {
      i = skipParenSubstitution(src, i + 2);
      continue;
    }
    i++;
  }
  return src.length;
}

class Tokenizer {
  private i = 0;
  private readonly commands: RawCommand[] = [];
  private current: RawCommand;
  private pending: PendingHeredoc[] = [];

  constructor(
    private readonly src: string,
    private readonly base: number,
  ) {
    this.current = this.newCommand(0);
  }

  private newCommand(at: number): RawCommand {
    return { words: [], heredocs: [], start: this.base + at, nested: [] };
  }

  private endCommand(): void {
    const c = this.current;
    if (c.words.length > 0 || c.heredocs.length > 0 || c.nested.length > 0 || this.pending.some((p) => p.owner === c)) {
      this.commands.push(c);
    }
    this.current = this.newCommand(this.i);
  }

  run(): RawCommand[] {
    const src = this.src;
    let redirect: string | null = null;
    while (this.i < src.length) {
      const ch = src[this.i] as string;
      if (ch === " " || ch === "\t" || ch === "\r") {
        this.i++;
        continue;
      }
      if (ch === "\\" && src[this.i + 1] === "\n") {
        this.i += 2;
        continue;
      }
      if (ch === "\n") {
        this.i++;
        this.endCommand();
        this.readHeredocBodies();
        continue;
      }
      if (ch === "#") {
        const nl = src.indexOf("\n", this.i);
        this.i = nl < 0 ? src.length : nl;
        continue;
      }
      if (ch === ";" || ch === "|" || ch === "(" || ch === ")") {
        this.i += ch === ";" && src[this.i + 1] === ";" ? 2 : ch === "|" && (src[this.i + 1] === "|" || src[this.i + 1] === "&") ? 2 : 1;
        this.endCommand();
        continue;
      }
      if (ch === "&") {
        if (src[this.i + 1] === ">") {
          this.i += src[this.i + 2] === ">" ? 3 : 2;
          redirect = ">";
          continue;
        }
        this.i += src[this.i + 1] === "&" ? 2 : 1;
        this.endCommand();
        continue;
      }
      if (ch === "<" || ch === ">") {
        redirect = this.readRedirectOperator();
        if (this.current.words.length === 0 && this.current.heredocs.length === 0) this.current.start = this.base + this.i;
        continue;
      }
      const word = this.readWord();
      if (word === null) continue;
      if (redirect !== null) {
        if (redirect === "<<" || redirect === "<<-") {
          this.pending.push({ delimiter: word.value, stripTabs: redirect === "<<-", owner: this.current });
        }
        redirect = null;
        continue;
      }
      if (this.current.words.length === 0) this.current.start = word.start;
      this.current.words.push(word);
    }
    this.endCommand();
    // Heredocs still pending at the end of input have no body.
    return this.commands;
  }

  private readRedirectOperator(): string {
    const src = this.src;
    // Drop a preceding fd number ("2>&1"): it was read as a word glued to the operator.
    const last = this.current.words[this.current.words.length - 1];
    if (last && last.end === this.base + this.i && /^\d+$/.test(last.value)) this.current.words.pop();
    for (const op of ["<<-", "<<<", "<<", "<>", "<&", ">>", ">&", ">|", "<", ">"]) {
      if (src.startsWith(op, this.i)) {
        this.i += op.length;
        // "<&-", ">&-" close a descriptor; ">&2" duplicates: both take a word, which we skip.
        return op;
      }
    }
    this.i++;
    return "<";
  }

  private readWord(): ShellWord | null {
    const src = this.src;
    const start = this.i;
    let value = "";
    while (this.i < src.length) {
      const ch = src[this.i] as string;
      if (isWordBreak(ch)) break;
      if (ch === "\\") {
        const next = src[this.i + 1];
        if (next === "\n") {
          this.i += 2;
          continue;
        }
        if (next !== undefined) value += next;
        this.i += 2;
        continue;
      }
      if (ch === "'") {
        const close = src.indexOf("'", this.i + 1);
        const end = close < 0 ? src.length : close;
        value += src.slice(this.i + 1, end);
        this.i = end + 1;
        continue;
      }
      if (ch === '"') {
        const end = skipDoubleQuoted(src, this.i + 1);
        const inner = src.slice(this.i + 1, Math.max(this.i + 1, end - 1));
        this.collectSubstitutions(inner, this.i + 1);
        value += inner.replace(/\\([\\"$`\n])/g, (_m, c: string) => (c === "\n" ? "" : c));
        this.i = end;
        continue;
      }
      if (ch === "$" && src[this.i + 1] === "(") {
        const end = skipParenSubstitution(src, this.i + 2);
        if (src[this.i + 2] !== "(") {
          // $(...) runs commands; $((...)) is arithmetic.
          const inner = src.slice(this.i + 2, Math.max(this.i + 2, end - 1));
          this.current.nested.push(...new Tokenizer(inner, this.base + this.i + 2).run());
        }
        value += src.slice(this.i, end);
        this.i = end;
        continue;
      }
      if (ch === "$" && src[this.i + 1] === "{") {
        const close = src.indexOf("}", this.i + 2);
        const end = close < 0 ? src.length : close + 1;
        value += src.slice(this.i, end);
        this.i = end;
        continue;
      }
      if (ch === "`") {
        const close = src.indexOf("`", this.i + 1);
        const end = close < 0 ? src.length : close;
        this.current.nested.push(...new Tokenizer(src.slice(this.i + 1, end), this.base + this.i + 1).run());
        value += src.slice(this.i, end + 1);
        this.i = end + 1;
        continue;
      }
      value += ch;
      this.i++;
    }
    if (this.i === start) {
      this.i++;
      return null;
    }
    return { value, start: this.base + start, end: this.base + this.i };
  }

  private collectSubstitutions(inner: string, offset: number): void {
    let k = inner.indexOf("$(");
    while (k >= 0) {
      if (inner[k + 2] === "(") {
        k = inner.indexOf("$(", k + 3);
        continue;
      }
      const end = skipParenSubstitution(inner, k + 2);
      this.current.nested.push(...new Tokenizer(inner.slice(k + 2, Math.max(k + 2, end - 1)), this.base + offset + k + 2).run());
      k = inner.indexOf("$(", end);
    }
  }

  /** Called just after a newline: consumes the bodies of pending here-documents. */
  private readHeredocBodies(): void {
    const src = this.src;
    for (const p of this.pending) {
      const bodyStart = this.i;
      let lineStart = this.i;
      let bodyEnd = src.length;
      let next = src.length;
      while (lineStart < src.length) {
        const nl = src.indexOf("\n", lineStart);
        const lineEnd = nl < 0 ? src.length : nl;
        let line = src.slice(lineStart, lineEnd).replace(/\r$/, "");
        if (p.stripTabs) line = line.replace(/^\t+/, "");
        if (line === p.delimiter) {
          bodyEnd = lineStart;
          next = nl < 0 ? src.length : nl + 1;
          break;
        }
        lineStart = lineEnd + 1;
      }
      p.owner.heredocs.push({ delimiter: p.delimiter, body: src.slice(bodyStart, bodyEnd), bodyStart: this.base + bodyStart });
      this.i = next;
    }
    this.pending = [];
  }
}

function unquoteDelimiter(d: string): string {
  return d.replace(/^["']|["']$/g, "");
}

/** Splits shell source into commands (no normalization). Exposed for tests. */
export function tokenizeShell(src: string, base = 0): ShellCommand[] {
  const out: ShellCommand[] = [];
  const walk = (cmds: RawCommand[]): void => {
    for (const c of cmds) {
      out.push({ words: c.words, heredocs: c.heredocs.map((h) => ({ ...h, delimiter: unquoteDelimiter(h.delimiter) })), start: c.start });
      walk(c.nested);
    }
  };
  walk(new Tokenizer(src, base).run());
  return out;
}

export function basename(cmd: string): string {
  const slash = cmd.lastIndexOf("/");
  return slash >= 0 ? cmd.slice(slash + 1) : cmd;
}

const ASSIGNMENT = /^[A-Za-z_][A-Za-z0-9_]*=/;
const VARIABLE_WORD = /^\$(?:\{([A-Za-z_][A-Za-z0-9_]*)(?::?-[^}]*)?\}|\(([A-Za-z_][A-Za-z0-9_.-]*)\)|([A-Za-z_][A-Za-z0-9_]*))$/;

/** Options taking a separate value, per wrapper command. */
const WRAPPER_VALUE_OPTIONS: Record<string, ReadonlySet<string>> = {
  sudo: new Set(["-u", "-g", "-C", "-D", "-h", "-p", "-r", "-t", "-U", "-T", "--user", "--group", "--chdir", "--prompt", "--host"]),
  doas: new Set(["-u", "-C"]),
  env: new Set(["-u", "-C", "-S", "--unset", "--chdir", "--split-string"]),
  nice: new Set(["-n", "--adjustment"]),
  timeout: new Set(["-s", "-k", "--signal", "--kill-after"]),
  stdbuf: new Set(["-i", "-o", "-e"]),
  ionice: new Set(["-c", "-n", "-p"]),
  chroot: new Set(["--userspec", "--groups"]),
  eatmydata: new Set(),
};

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

/** Strips assignments, reserved words and wrappers (`sudo -E`, `env X=1`, `nice -n 5`, `timeout 60`…). */
export function stripWrappers(words: ShellWord[]): ShellWord[] {
  let i = 0;
  for (;;) {
    while (i < words.length && (ASSIGNMENT.test((words[i] as ShellWord).value) || RESERVED_PREFIXES.has((words[i] as ShellWord).value))) i++;
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

/**
 * A small POSIX-shell tokenizer, enough to find simple commands in RUN bodies, build scripts and
 * Makefile recipes. It understands quotes, backslash escapes and line continuations, comments,
 * the list/pipeline operators (`&&`, `||`, `;`, `|`, `&`, newlines, parentheses), redirections,
 * here-documents (their bodies are not commands, unless a shell reads them), `$(...)` and
 * backtick substitutions (tokenized recursively). It splits only: `shell.ts` normalizes.
 *
 * Offsets are indexes into the string given to `tokenizeShell`; nested pieces are mapped back to it.
 */

import { isWordBreak, skipDoubleQuoted, skipParenSubstitution } from "./shell-quoting.js";

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
        this.i +=
          ch === ";" && src[this.i + 1] === ";"
            ? 2
            : ch === "|" && (src[this.i + 1] === "|" || src[this.i + 1] === "&")
              ? 2
              : 1;
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
        if (this.current.words.length === 0 && this.current.heredocs.length === 0)
          this.current.start = this.base + this.i;
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
      this.current.nested.push(
        ...new Tokenizer(inner.slice(k + 2, Math.max(k + 2, end - 1)), this.base + offset + k + 2).run(),
      );
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
      p.owner.heredocs.push({
        delimiter: p.delimiter,
        body: src.slice(bodyStart, bodyEnd),
        bodyStart: this.base + bodyStart,
      });
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
      out.push({
        words: c.words,
        heredocs: c.heredocs.map((h) => ({ ...h, delimiter: unquoteDelimiter(h.delimiter) })),
        start: c.start,
      });
      walk(c.nested);
    }
  };
  walk(new Tokenizer(src, base).run());
  return out;
}

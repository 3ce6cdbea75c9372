import { readFileSync } from "node:fs";
import { isMap, isScalar, isSeq, LineCounter, parseDocument, Scalar, visit, type Document, type Node } from "yaml";
import { ComposeError } from "./compose-error.js";

/** `!reset` in an override file: removes the value the earlier files set. */
export const RESET = Symbol("compose !reset");
/** `!override` in an override file: replaces the earlier value instead of merging with it. */
export class Override {
  constructor(readonly value: unknown) {}
}

/** One Compose file, parsed, remembering where each field came from so errors can name a line. */
export class ComposeSource {
  private constructor(
    readonly file: string,
    private readonly doc: Document.Parsed,
    private readonly lines: LineCounter,
  ) {}

  static read(file: string): ComposeSource {
    let text: string;
    try {
      text = readFileSync(file, "utf8");
    } catch (error) {
      throw new ComposeError(
        file,
        "",
        `cannot read the Compose file (${(error as NodeJS.ErrnoException).code ?? String(error)})`,
        {
          hint: "check the path given to --from",
        },
      );
    }
    const lines = new LineCounter();
    // `<<: *anchor` merge keys are YAML 1.1, and Compose files use them.
    const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true, merge: true });
    const first = doc.errors[0];
    if (first) {
      throw new ComposeError(file, "", `YAML syntax error: ${first.message.split("\n")[0]}`, {
        line: lines.linePos(first.pos[0]).line,
        hint: "fix the YAML at that line",
      });
    }
    return new ComposeSource(file, doc, lines);
  }

  /** The file as plain data; `!reset` and `!override` become `RESET` and `Override` markers. */
  value(): unknown {
    const copy = this.doc.clone();
    visit(copy, {
      Node(_key, node) {
        if (node.tag === "!reset") return new Scalar(RESET);
        if (node.tag === "!override") {
          node.tag = undefined;
          return new Scalar(new Override(node.toJS(copy, { maxAliasCount: 100 })));
        }
        return undefined;
      },
    });
    return copy.toJS({ maxAliasCount: 100 }) ?? {};
  }

  /** The 1-based line of the deepest node on `path` that exists in this file. */
  lineOf(path: readonly (string | number)[]): number | undefined {
    let node: unknown = this.doc.contents;
    let line = this.startLine(node);
    for (const key of path) {
      if (isMap(node)) {
        const pair = node.items.find((item) => isScalar(item.key) && String(item.key.value) === String(key));
        if (!pair) return line;
        line = this.startLine(pair.key) ?? line;
        node = pair.value;
      } else if (isSeq(node) && typeof key === "number") {
        node = node.items[key];
        line = this.startLine(node) ?? line;
      } else {
        return line;
      }
    }
    return line;
  }

  private startLine(node: unknown): number | undefined {
    const range = (node as Node | undefined)?.range;
    return range ? this.lines.linePos(range[0]).line : undefined;
  }
}

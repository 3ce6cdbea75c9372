import { readFileSync } from "node:fs";
import { LineCounter, parseDocument, isMap, isSeq, isScalar, type Document, type Node } from "yaml";
import { ConfigError } from "../errors.js";

/** One parsed YAML file that remembers where each field came from, so errors can name a line. */
export class YamlSource {
  private constructor(
    readonly file: string,
    private readonly doc: Document.Parsed,
    private readonly lines: LineCounter,
  ) {}

  static read(file: string): YamlSource {
    let text: string;
    try {
      text = readFileSync(file, "utf8");
    } catch (error) {
      throw new ConfigError(file, "", `cannot read the file (${(error as NodeJS.ErrnoException).code ?? String(error)})`, {
        hint: "check the path given to --config or include:",
      });
    }
    const lines = new LineCounter();
    const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
    const first = doc.errors[0];
    if (first) {
      const line = lines.linePos(first.pos[0]).line;
      const duplicate = first.code === "DUPLICATE_KEY";
      throw new ConfigError(file, "", duplicate ? `duplicate name: ${first.message.split("\n")[0]}` : `YAML syntax error: ${first.message.split("\n")[0]}`, {
        line,
        hint: duplicate ? "each image, service and job needs a unique name" : "fix the YAML syntax at that line",
      });
    }
    return new YamlSource(file, doc, lines);
  }

  value(): unknown {
    return this.doc.toJS({ maxAliasCount: 100 }) ?? {};
  }

  /** The 1-based line of the deepest node on `path` that exists in this file. */
  lineOf(path: readonly (string | number)[]): number | undefined {
    let node: unknown = this.doc.contents;
    let line: number | undefined = this.startLine(node);
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

  /** Whether this file itself spells out `path` (used to blame the right file among includes). */
  has(path: readonly (string | number)[]): boolean {
    return path.length > 0 && this.doc.hasIn(path as (string | number)[]);
  }

  private startLine(node: unknown): number | undefined {
    const range = (node as Node | undefined)?.range;
    return range ? this.lines.linePos(range[0]).line : undefined;
  }
}

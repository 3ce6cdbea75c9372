import {
  LineCounter,
  parseDocument,
  isMap,
  isPair,
  isSeq,
  isScalar,
  visit,
  type Document,
  type Node,
  type Pair,
  type YAMLMap,
} from "yaml";
import { ConfigError } from "../errors.js";
import { readStackFileText } from "./stack-file-text.js";

/** More copies than this through YAML aliases is refused: a small file must not expand to gigabytes. */
const MAX_ALIAS_COUNT = 100;

type Path = readonly (string | number)[];

/** One parsed YAML file that remembers where each field came from, so errors can name a line. */
export class YamlSource {
  /** Each mapping's keys, indexed on first use: line lookups stay linear in large files. */
  private readonly keyIndex = new WeakMap<YAMLMap, Map<string, Pair>>();
  private converted: { value: unknown } | undefined;

  private constructor(
    readonly file: string,
    private readonly doc: Document.Parsed,
    private readonly lines: LineCounter,
  ) {}

  static read(file: string): YamlSource {
    const text = readStackFileText(file);
    const lines = new LineCounter();
    // Duplicate keys are found below in one pass: the yaml package's own check compares every
    // key of a mapping with every other (quadratic in a stack with thousands of services).
    const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: false });
    const first = doc.errors[0];
    if (first) {
      throw new ConfigError(file, "", `YAML syntax error: ${first.message.split("\n")[0]}`, {
        line: lines.linePos(first.pos[0]).line,
        hint: "fix the YAML syntax at that line",
      });
    }
    const source = new YamlSource(file, doc, lines);
    source.checkDuplicateKeys();
    return source;
  }

  /** Nothing but whitespace, comments or document markers. */
  isEmpty(): boolean {
    const contents = this.doc.contents;
    return contents === null || (isScalar(contents) && contents.value === null && contents.source === "");
  }

  value(): unknown {
    if (!this.converted) {
      try {
        this.converted = { value: this.doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) ?? {} };
      } catch (error) {
        const aliases = /alias count/i.test((error as Error).message);
        throw new ConfigError(
          this.file,
          "",
          aliases
            ? `YAML aliases expand to more than ${MAX_ALIAS_COUNT} copies (a "billion laughs" file?)`
            : `cannot read the YAML: ${(error as Error).message}`,
          {
            hint: aliases
              ? "write the repeated values out, or use fewer anchors (&name) and aliases (*name); Paddock refuses files that expand this much"
              : "fix the YAML at that place",
          },
        );
      }
    }
    return this.converted.value;
  }

  /** The 1-based line of the deepest node on `path` that exists in this file. */
  lineOf(path: Path): number | undefined {
    let node: unknown = this.doc.contents;
    let line: number | undefined = this.startLine(node);
    for (const key of path) {
      if (isMap(node)) {
        const pair = this.pairOf(node, key);
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
  has(path: Path): boolean {
    if (path.length === 0) return false;
    let node: unknown = this.doc.contents;
    for (const key of path) {
      if (isMap(node)) {
        const pair = this.pairOf(node, key);
        if (!pair) return false;
        node = pair.value;
      } else if (isSeq(node) && typeof key === "number" && key < node.items.length) {
        node = node.items[key];
      } else {
        return false;
      }
    }
    return true;
  }

  private pairOf(map: YAMLMap, key: string | number): Pair | undefined {
    let index = this.keyIndex.get(map);
    if (!index) {
      index = new Map();
      for (const item of map.items) {
        if (isScalar(item.key) && !index.has(String(item.key.value))) index.set(String(item.key.value), item);
      }
      this.keyIndex.set(map, index);
    }
    return index.get(String(key));
  }

  /** A key written twice in one mapping: the second one is reported, with its field path. */
  private checkDuplicateKeys(): void {
    let duplicate: { key: string; line: number | undefined; path: string[] } | undefined;
    visit(this.doc, {
      Map: (_, map, ancestors) => {
        const seen = new Set<unknown>();
        for (const item of map.items) {
          if (!isScalar(item.key)) continue;
          if (seen.has(item.key.value)) {
            const path = ancestors.filter(isPair).map((pair) => (isScalar(pair.key) ? String(pair.key.value) : "?"));
            duplicate = { key: String(item.key.value), line: this.startLine(item.key), path };
            return visit.BREAK;
          }
          seen.add(item.key.value);
        }
        return undefined;
      },
    });
    if (duplicate) {
      const where = duplicate.path.length > 0 ? ` in ${duplicate.path.join(".")}` : "";
      throw new ConfigError(this.file, "", `duplicate name: "${duplicate.key}" is written twice${where}`, {
        line: duplicate.line,
        hint: "each image, service and job needs a unique name, and each field appears once: remove or rename one",
      });
    }
  }

  private startLine(node: unknown): number | undefined {
    const range = (node as Node | undefined)?.range;
    return range ? this.lines.linePos(range[0]).line : undefined;
  }
}

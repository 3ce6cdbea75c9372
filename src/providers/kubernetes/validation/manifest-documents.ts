import YAML, { isMap, isScalar, isSeq, LineCounter, type Document } from "yaml";
import { isRecord, nested, type Json } from "../kube-object.js";
import type { FieldPath } from "./field-path.js";

/** One object of a manifest file, with what a message needs to point at it. */
export interface ManifestDocument {
  file: string;
  /** 1-based, counting every document of the file (empty ones too), as Paddock's other manifest messages do. */
  index: number;
  /** `Deployment "api"`, or `item 2 of a List`. */
  label: string;
  object: Json & { apiVersion: string; kind: string };
  /** The line of a field of the object (of its key), or of the nearest enclosing field there is. */
  lineOf(path: FieldPath): number | undefined;
}

/** What cannot even be checked: YAML that does not parse, a document that is no Kubernetes object. */
export interface UnreadableDocument {
  file: string;
  index: number;
  line: number | undefined;
  problem: string;
  hint: string;
}

function offsetOf(node: unknown): number | undefined {
  const range = (node as { range?: [number, number, number] } | null | undefined)?.range;
  return range?.[0];
}

function lineFinder(document: Document, lines: LineCounter, at: FieldPath): (path: FieldPath) => number | undefined {
  return (path) => {
    let node: unknown = document.contents;
    let offset = offsetOf(node);
    for (const segment of [...at, ...path]) {
      if (isMap(node)) {
        const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(segment));
        if (!pair) break;
        offset = offsetOf(pair.key) ?? offset;
        node = pair.value;
      } else if (isSeq(node) && typeof segment === "number" && node.items[segment] !== undefined) {
        node = node.items[segment];
        offset = offsetOf(node) ?? offset;
      } else break;
    }
    return offset === undefined ? undefined : lines.linePos(offset).line;
  };
}

function missingIdentity(value: Json): string[] {
  return [
    typeof value["apiVersion"] === "string" ? undefined : "apiVersion",
    typeof value["kind"] === "string" ? undefined : "kind",
    // Server-side apply needs a name: generateName is not enough.
    typeof nested(value, "metadata", "name") === "string" ? undefined : "metadata.name",
  ].filter((m): m is string => m !== undefined);
}

/** The objects of a manifest file's text (`kind: List` flattened), and what in it cannot be read. */
export function manifestDocuments(
  text: string,
  file: string,
): { documents: ManifestDocument[]; unreadable: UnreadableDocument[] } {
  const lines = new LineCounter();
  const documents: ManifestDocument[] = [];
  const unreadable: UnreadableDocument[] = [];
  YAML.parseAllDocuments(text, { lineCounter: lines }).forEach((document, i) => {
    const index = i + 1;
    const syntax = document.errors[0];
    if (syntax) {
      unreadable.push({
        file,
        index,
        line: lines.linePos(syntax.pos[0]).line,
        problem: `not valid YAML: ${syntax.message.split("\n")[0]}`,
        hint: "fix the YAML syntax at that line",
      });
      return;
    }
    const value: unknown = document.toJS();
    if (value === null || value === undefined || (isRecord(value) && Object.keys(value).length === 0)) return;
    const list = isRecord(value) && value["kind"] === "List" && Array.isArray(value["items"]);
    const items: [unknown, FieldPath][] = list
      ? (value["items"] as unknown[]).map((item, n) => [item, ["items", n]])
      : [[value, []]];
    for (const [item, at] of items) {
      const lineOf = lineFinder(document, lines, at);
      const missing = isRecord(item) ? missingIdentity(item) : ["apiVersion", "kind", "metadata.name"];
      if (!isRecord(item) || missing.length > 0) {
        unreadable.push({
          file,
          index,
          line: lineOf([]),
          problem: isRecord(item)
            ? `${missing.join(", ")} not set`
            : "not a Kubernetes object (a mapping with apiVersion, kind and metadata)",
          hint: "every object needs apiVersion, kind and metadata.name",
        });
        continue;
      }
      const object = item as ManifestDocument["object"];
      const label = `${object.kind} ${JSON.stringify(nested(object, "metadata", "name"))}${at.length > 0 ? `, item ${Number(at[1]) + 1} of a List` : ""}`;
      documents.push({ file, index, label, object, lineOf });
    }
  });
  return { documents, unreadable };
}

import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";

/** One import between two files of src/, relative paths resolved. */
export interface ImportEdge {
  from: string;
  to: string;
}

export function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const file = path.join(dir, name);
    if (statSync(file).isDirectory()) return sourceFiles(file);
    return name.endsWith(".ts") ? [file] : [];
  });
}

const SPECIFIER = /(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+"([^"]+)"|import\("([^"]+)"\)/g;

/** Every relative import of every file under `root`, as paths relative to `root` ending in .ts. */
export function importEdges(root: string): ImportEdge[] {
  const edges: ImportEdge[] = [];
  for (const file of sourceFiles(root)) {
    const text = readFileSync(file, "utf8");
    for (const match of text.matchAll(SPECIFIER)) {
      const spec = match[1] ?? match[2] ?? "";
      if (!spec.startsWith(".")) continue;
      const target = path.resolve(path.dirname(file), spec).replace(/\.js$/, ".ts");
      edges.push({ from: path.relative(root, file), to: path.relative(root, target) });
    }
  }
  return edges;
}

/** The top folder of a path under src/ ("plan/estimate.ts" → "plan"); a file at the top is its own node ("errors.ts"). */
export function folderOf(file: string): string {
  return file.split(path.sep)[0]!;
}

/** Cycles between folders, each as the path that closes it (a → b → a). */
export function folderCycles(edges: readonly ImportEdge[]): string[][] {
  const graph = new Map<string, Set<string>>();
  for (const { from, to } of edges) {
    const a = folderOf(from);
    const b = folderOf(to);
    if (a === b) continue;
    if (!graph.has(a)) graph.set(a, new Set());
    graph.get(a)!.add(b);
  }
  const cycles: string[][] = [];
  const seen = new Set<string>();
  for (const [a, targets] of graph) {
    for (const b of targets) {
      // Is there a path back from b to a?
      const back = pathBetween(graph, b, a);
      if (back) {
        const key = [a, ...back].slice(0, -1).sort().join(",");
        if (!seen.has(key)) {
          seen.add(key);
          cycles.push([a, ...back]);
        }
      }
    }
  }
  return cycles;
}

function pathBetween(graph: Map<string, Set<string>>, from: string, to: string): string[] | undefined {
  const queue: string[][] = [[from]];
  const visited = new Set([from]);
  while (queue.length > 0) {
    const route = queue.shift()!;
    const last = route[route.length - 1]!;
    if (last === to) return route;
    for (const next of graph.get(last) ?? []) {
      if (visited.has(next)) continue;
      visited.add(next);
      queue.push([...route, next]);
    }
  }
  return undefined;
}

/** The edges that make up a folder-level step a → b, to say which files to change. */
export function edgesBetween(edges: readonly ImportEdge[], a: string, b: string): ImportEdge[] {
  return edges.filter((e) => folderOf(e.from) === a && folderOf(e.to) === b);
}

/** Small graph algorithms over nodes that name their dependencies: task graphs, image bases, workloads. */

export interface GraphNode {
  id: string;
  dependsOn: readonly string[];
}

/** Nodes in an order where every node comes after its dependencies (unknown dependencies are ignored). */
export function topologicalOrder<T extends GraphNode>(nodes: readonly T[]): T[] {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const done = new Set<string>();
  const order: T[] = [];
  const visit = (node: T): void => {
    if (done.has(node.id)) return;
    done.add(node.id);
    for (const dep of node.dependsOn) {
      const d = byId.get(dep);
      if (d) visit(d);
    }
    order.push(node);
  };
  nodes.forEach(visit);
  return order;
}

/** Finds one dependency cycle, returned as the path that closes it (a → b → a), or undefined. */
export function findCycle(nodes: Iterable<string>, edgesOf: (node: string) => readonly string[]): string[] | undefined {
  const state = new Map<string, "visiting" | "done">();
  const stack: string[] = [];

  const visit = (node: string): string[] | undefined => {
    state.set(node, "visiting");
    stack.push(node);
    for (const next of edgesOf(node)) {
      const seen = state.get(next);
      if (seen === "visiting") return [...stack.slice(stack.indexOf(next)), next];
      if (seen === undefined) {
        const cycle = visit(next);
        if (cycle) return cycle;
      }
    }
    stack.pop();
    state.set(node, "done");
    return undefined;
  };

  for (const node of nodes) {
    if (!state.has(node)) {
      const cycle = visit(node);
      if (cycle) return cycle;
    }
  }
  return undefined;
}

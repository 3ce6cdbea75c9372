/**
 * What `paddock init` could not carry over from Compose, or carried over with a different
 * meaning, per service: nothing is dropped without a line here.
 */
export interface InitNote {
  /** A service name, or "" for the project's top level. */
  scope: string;
  /** The Compose field, e.g. "restart" or "ports[1]". */
  field: string;
  message: string;
  /** dropped: not in paddock.yaml; changed: carried over, but behaves differently. */
  kind: "dropped" | "changed";
}

export class InitReport {
  readonly notes: InitNote[] = [];

  dropped(scope: string, field: string, message: string): void {
    this.notes.push({ scope, field, message, kind: "dropped" });
  }

  changed(scope: string, field: string, message: string): void {
    this.notes.push({ scope, field, message, kind: "changed" });
  }

  for(scope: string): InitNote[] {
    return this.notes.filter((n) => n.scope === scope);
  }

  /** The terminal report: a block per service (top level first), dropped before changed. */
  format(): string {
    if (this.notes.length === 0) return "Everything in the Compose file was carried over.";
    const scopes = [...new Set(this.notes.map((n) => n.scope))].sort((a, b) =>
      a === "" ? -1 : b === "" ? 1 : a.localeCompare(b),
    );
    const out: string[] = [];
    for (const scope of scopes) {
      out.push(scope === "" ? "(top level)" : scope);
      for (const kind of ["dropped", "changed"] as const) {
        for (const note of this.for(scope).filter((n) => n.kind === kind)) {
          out.push(`  ${kind === "dropped" ? "not carried over" : "changed"}: ${note.field}: ${note.message}`);
        }
      }
    }
    const dropped = this.notes.filter((n) => n.kind === "dropped").length;
    const changed = this.notes.length - dropped;
    return `${dropped} field(s) not carried over, ${changed} carried over with a different meaning:\n${out.join("\n")}`;
  }
}

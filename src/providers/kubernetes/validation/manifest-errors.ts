import path from "node:path";
import { ConfigError, PaddockError } from "../../../errors.js";
import { KUBERNETES_SCHEMA_RELEASE } from "./builtin-schemas.js";

/**
 * A manifest problem: the file (and line), which object in it (`document 5 (Deployment "api")`),
 * the field path and the fix. A `ConfigError`, so CI annotates it on its line like a stack-file
 * problem; `file` stays absolute for that, the message shows it relative to the working directory.
 */
export class ManifestError extends ConfigError {
  constructor(
    file: string,
    /** `document 5 (Deployment "api")`, or for an object Paddock renders, the stack-file entry it comes from. */
    readonly place: string,
    fieldPath: string,
    problem: string,
    options: { line?: number; hint?: string; document?: number } = {},
  ) {
    super(file, fieldPath, problem, options);
    this.document = options.document;
    const shown = path.relative(process.cwd(), file) || file;
    const where = options.line === undefined ? shown : `${shown}:${options.line}`;
    this.message = `${where}: ${place}: ${fieldPath ? `${fieldPath}: ` : ""}${problem}`;
  }
  /** 1-based index of the document in its file, when the object comes from a file. */
  readonly document: number | undefined;
}

const SHOWN = 50;

/** Every manifest problem the preflight found; nothing has started. */
export class ManifestErrors extends PaddockError {
  constructor(readonly errors: ManifestError[]) {
    const lines = errors.slice(0, SHOWN).map((e) => e.message + (e.hint ? `\n    fix: ${e.hint}` : ""));
    if (errors.length > SHOWN) lines.push(`… and ${errors.length - SHOWN} more`);
    super(
      `the Kubernetes API server would reject ${errors.length === 1 ? "this manifest" : "these manifests"} (checked before the cluster exists; nothing was started):\n${lines.join("\n")}`,
      {
        hint:
          `correct them and run again. Built-in kinds are checked against Kubernetes ${KUBERNETES_SCHEMA_RELEASE}'s schemas (kubernetes-models), custom resources against their CRD's openAPIV3Schema; ` +
          "for a field newer than that, or a check that is wrong, pass --no-manifest-check (docs/kind.md)",
      },
    );
  }
}

import { z } from "zod";

/**
 * Names in a stack become parts of other names: run ids (`<stack>-<date>-<time>-<hex>`, a
 * Kubernetes label value of at most 63), container, network and volume names, image tags
 * (`paddock/<stack>-<image>:<key>`), DNS names on the run network, Kubernetes object names
 * (RFC 1035 labels: Services must start with a letter) and log file names. The limits below
 * hold for every provider; docs/stack-file.md lists them.
 */
export const NAME_LIMITS = { stack: 40, image: 40, workload: 40 } as const;

/** Characters Paddock adds to a stack name to make a run id: `-20261121-235556-e36e`. */
export const RUN_ID_SUFFIX_LENGTH = 21;

type NameKind = keyof typeof NAME_LIMITS;

const PATTERNS: Record<NameKind, RegExp> = {
  stack: /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/,
  image: /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/,
  workload: /^[a-z](?:[a-z0-9-]*[a-z0-9])?$/,
};

const WHAT: Record<NameKind, string> = {
  stack: "a stack name",
  image: "an image name",
  workload: "a service or job name",
};

const CHARACTERS: Record<NameKind, string> = {
  stack: "lowercase letters, digits and '-', starting and ending with a letter or digit",
  image: "lowercase letters, digits and '-', starting and ending with a letter or digit",
  workload: "lowercase letters, digits and '-', starting with a letter and ending with a letter or digit",
};

const WHY: Record<NameKind, string> = {
  stack: "it becomes part of run ids, container, network and image names",
  image: "it becomes part of the image tag paddock/<stack>-<image>",
  workload: "it becomes a DNS name on the run network, Kubernetes object names and file names",
};

/** The rule a name must follow, in words: what the user reads when one is refused. */
export const NAME_RULES: Record<NameKind, string> = {
  stack: `${CHARACTERS.stack}, at most ${NAME_LIMITS.stack} characters (${WHY.stack})`,
  image: `${CHARACTERS.image}, at most ${NAME_LIMITS.image} characters (${WHY.image})`,
  workload: `${CHARACTERS.workload}, at most ${NAME_LIMITS.workload} characters (${WHY.workload})`,
};

/** A readable form of a name that may be very long or hold odd characters. */
export function shownName(name: string): string {
  const text = JSON.stringify(name.length > 40 ? `${name.slice(0, 32)}…` : name);
  return name.length > 40 ? `${text} (${name.length} characters)` : text;
}

/** A shortened suggestion that follows the rule, for the fix. */
function suggestion(name: string, kind: NameKind): string {
  let fixed = name
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, "-")
    .replace(/-+/g, "-")
    .slice(0, NAME_LIMITS[kind])
    .replace(/^-+|-+$/g, "");
  if (kind === "workload" && !/^[a-z]/.test(fixed)) fixed = `s-${fixed}`.slice(0, NAME_LIMITS[kind]).replace(/-+$/, "");
  return fixed || "api";
}

/** Why `name` is not a valid name of this kind, with a fix; undefined when it is valid. */
export function nameProblem(name: string, kind: NameKind): { problem: string; hint: string } | undefined {
  const limit = NAME_LIMITS[kind];
  const fixed = suggestion(name, kind);
  if (name.length > limit) {
    return {
      problem: `${WHAT[kind]} of ${name.length} characters is too long: at most ${limit}`,
      hint: `shorten it to ${limit} characters or fewer, e.g. "${fixed}" (${WHY[kind]}, which have length limits)`,
    };
  }
  if (!PATTERNS[kind].test(name)) {
    return {
      problem: `${shownName(name)} is not valid as ${WHAT[kind]}`,
      hint: `use ${NAME_RULES[kind]}, e.g. "${fixed}"`,
    };
  }
  return undefined;
}

/**
 * The zod schema of a name. Pattern and length stay visible in `paddock schema`; the messages
 * carry the fix (issue-messages.ts reads `params.hint`).
 */
export function nameSchema(kind: NameKind): z.ZodString {
  return z
    .string()
    .max(NAME_LIMITS[kind], { error: (issue) => nameProblem(String(issue.input), kind)?.problem ?? "too long" })
    .regex(PATTERNS[kind], { error: (issue) => nameProblem(String(issue.input), kind)?.problem ?? "not a valid name" });
}

/** The fix for a name the schema refused. */
export function nameHint(name: unknown, kind: NameKind): string {
  return typeof name === "string"
    ? (nameProblem(name, kind)?.hint ?? `use ${NAME_RULES[kind]}`)
    : `use ${NAME_RULES[kind]}`;
}

/** Env and build-arg names that every provider passes on: Docker, Kubernetes (which once allowed only these) and a shell's environment. */
const VARIABLE_NAME = /^[A-Za-z_.-][A-Za-z0-9_.-]*$/;

export const VARIABLE_NAME_HINT = "use letters, digits, '_', '.' and '-', not starting with a digit, e.g. LOG_LEVEL";

export const variableNameSchema = z.string().regex(VARIABLE_NAME, {
  error: (issue) =>
    issue.input === ""
      ? "the variable name is empty"
      : `${shownName(String(issue.input))} is not a valid variable name`,
});

/**
 * The Docker image reference grammar (distribution/reference):
 *
 *   reference := name [":" tag] ["@" digest]
 *   name      := [host[":" port] "/"] path-component ["/" path-component]*
 *   path-component := [a-z0-9]+ (([._] | "__" | "-"+) [a-z0-9]+)*
 *   tag       := [\w][\w.-]{0,127}
 *   digest    := algorithm ":" hex (32 or more; sha256: 64)
 *
 * The first part is a registry host when it has a dot or a port, or is `localhost`. Checked
 * when the stack is loaded, so a bad reference fails before anything starts, with the rule.
 */

const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const DOMAIN_COMPONENT = /^(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])$/;
const IPV6 = /^\[[0-9a-fA-F:.]+\]$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}$/;
const DIGEST_LENGTHS: Record<string, number> = { sha256: 64, sha384: 96, sha512: 128 };
/** Docker refuses longer repository names. */
const MAX_NAME_LENGTH = 255;

export const IMAGE_REFERENCE_EXAMPLES =
  '"redis:7", "postgres:16-bookworm", "127.0.0.1:5000/team/api:1.2" or "alpine@sha256:<64 hex digits>"';

function hostProblem(host: string): string | undefined {
  const match = /^(.*?)(?::(\d+))?$/.exec(host);
  const name = match?.[1] ?? host;
  const port = match?.[2];
  if (port !== undefined && (Number(port) < 1 || Number(port) > 65535))
    return `registry port ${port} is out of range (1-65535)`;
  if (IPV6.test(name) || name.split(".").every((part) => DOMAIN_COMPONENT.test(part))) return undefined;
  return `registry host "${host}" is not a host name or address`;
}

/** Why `reference` is not a valid image reference, in words; undefined when it is valid. */
export function imageReferenceProblem(reference: string): string | undefined {
  if (reference.trim() === "") return "it is empty";
  if (/\s/.test(reference)) return "it contains whitespace";
  let rest = reference;
  const at = rest.indexOf("@");
  if (at >= 0) {
    const digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(digest)) return `digest "${digest}" is not algorithm:hex (e.g. sha256:<64 hex digits>)`;
    const [algorithm = "", hex = ""] = digest.split(":");
    const length = DIGEST_LENGTHS[algorithm];
    if (length !== undefined && hex.length !== length)
      return `a ${algorithm} digest has ${length} hex digits, this one ${hex.length}`;
  }
  const lastSlash = rest.lastIndexOf("/");
  const colon = rest.indexOf(":", lastSlash + 1);
  if (colon >= 0) {
    const tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) {
      return tag.length > 128
        ? `tag of ${tag.length} characters is too long (at most 128)`
        : `tag "${tag}" is not valid: letters, digits, '_', '.' and '-', not starting with '.' or '-'`;
    }
  }
  if (rest.length > MAX_NAME_LENGTH)
    return `the repository name is ${rest.length} characters (at most ${MAX_NAME_LENGTH})`;
  const parts = rest.split("/");
  const first = parts[0] ?? "";
  if (parts.length > 1 && (/[.:]/.test(first) || first === "localhost")) {
    const problem = hostProblem(first);
    if (problem) return problem;
    parts.shift();
  }
  for (const part of parts) {
    if (part === "") return "it has an empty path component (two '/' in a row, or a '/' at an end)";
    if (PATH_COMPONENT.test(part)) continue;
    if (/[A-Z]/.test(part)) return `"${part}" has capital letters: repository names are lowercase`;
    return `"${part}" is not a valid repository name: lowercase letters and digits, separated by '.', '_', '__' or '-'`;
  }
  return undefined;
}

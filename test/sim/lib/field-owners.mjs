// TEST SIMULATOR — not the real kind/kubectl. Used only by Paddock's tests; never shipped.
// Simplified server-side-apply field ownership: leaf paths (lists are atomic) -> manager.
// Paths are written ".spec.replicas", but keys may hold dots themselves (label keys such as
// "dev.paddock.kept"), so the parts are joined with SEP and shown with dots only in messages.
export const SEP = "\u001f";
const SKIP = new Set([`${SEP}apiVersion`, `${SEP}kind`, `${SEP}metadata${SEP}name`, `${SEP}metadata${SEP}namespace`]);

/** ".spec.replicas" → the internal path of that field (for keys without dots). */
export const fieldPath = (dotted) => dotted.split(".").join(SEP);
export const showPath = (p) => p.split(SEP).join(".");

export function leafPaths(obj, prefix = "", out = new Map()) {
  if (obj && typeof obj === "object" && !Array.isArray(obj) && Object.keys(obj).length) {
    for (const [k, v] of Object.entries(obj)) leafPaths(v, `${prefix}${SEP}${k}`, out);
  } else if (!SKIP.has(prefix) && prefix) out.set(prefix, obj);
  return out;
}

export function getAt(obj, p) {
  return p
    .split(SEP)
    .slice(1)
    .reduce((o, k) => (o == null ? undefined : o[k]), obj);
}

export function setAt(obj, p, v) {
  const ks = p.split(SEP).slice(1);
  let o = obj;
  for (const k of ks.slice(0, -1)) o = o[k] && typeof o[k] === "object" ? o[k] : (o[k] = {});
  o[ks[ks.length - 1]] = structuredClone(v);
}

export const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);

/** Returns conflicts [{ path, manager }] for `manager` applying `config` over `existing`. */
export function conflicts(owners, existing, config, manager) {
  const res = [];
  for (const [p, v] of leafPaths(config)) {
    const m = owners[p];
    if (m && m !== manager && !same(getAt(existing, p), v)) res.push({ path: p, manager: m });
  }
  return res;
}

export function conflictMessage(list, apiVersion) {
  const lines = list.map((c) => `conflict with "${c.manager}" using ${apiVersion}: ${showPath(c.path)}`);
  const head =
    list.length === 1
      ? `Apply failed with 1 conflict: ${lines[0]}`
      : `Apply failed with ${list.length} conflicts: ${lines.join("\n")}`;
  return `error: ${head}
Please review the fields above--they currently have other managers. Here
are the ways you can resolve this warning:
* If you intend to manage all of these fields, please re-run the apply
  command with the \`--force-conflicts\` flag.
* If you do not intend to manage all of the fields, please edit your
  manifest to remove references to the fields that should keep their
  current managers.
* You may co-own fields by updating your manifest to match the existing
  value; in this case, you'll become the manager if the other manager(s)
  stop managing the field (remove it from their configuration).
See https://kubernetes.io/docs/reference/using-api/server-side-apply/#conflicts`;
}

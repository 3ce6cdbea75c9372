// TEST SIMULATOR — not the real kind/kubectl. Used only by Paddock's tests; never shipped.
// Kubernetes resource quantities ("512Mi", "1G", "1.5") as numbers, for memory limits.
const SUFFIX = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, k: 1e3, K: 1e3, M: 1e6, G: 1e9, T: 1e12, m: 1e-3 };

export function parseQuantity(q) {
  if (typeof q === "number") return q;
  const m = /^([0-9.]+)([A-Za-z]*)$/.exec(String(q ?? "").trim());
  if (!m) return undefined;
  const factor = m[2] ? SUFFIX[m[2]] : 1;
  return factor === undefined ? undefined : Number(m[1]) * factor;
}

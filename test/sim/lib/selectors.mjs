// TEST SIMULATOR — not the real kind/kubectl. Used only by Paddock's tests; never shipped.
// Label selectors (-l) and field selectors (--field-selector), equality/set-based subset.
export function parseLabelSelector(s) {
  if (!s) return () => true;
  const reqs = [];
  // split on commas not inside parentheses
  let depth = 0;
  let cur = "";
  for (const ch of s) {
    if (ch === "(") depth++;
    if (ch === ")") depth--;
    if (ch === "," && depth === 0) {
      reqs.push(cur.trim());
      cur = "";
    } else cur += ch;
  }
  if (cur.trim()) reqs.push(cur.trim());
  const tests = reqs.map((r) => {
    let m;
    if ((m = /^([\w./-]+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(r))) {
      const vals = m[3].split(",").map((x) => x.trim());
      return m[2] === "in" ? (l) => vals.includes(l[m[1]]) : (l) => !vals.includes(l[m[1]]);
    }
    if ((m = /^([\w./-]+)\s*(!=)\s*([\w.-]*)$/.exec(r))) return (l) => l[m[1]] !== m[3];
    if ((m = /^([\w./-]+)\s*(==|=)\s*([\w.-]*)$/.exec(r))) return (l) => l[m[1]] === m[3];
    if ((m = /^!([\w./-]+)$/.exec(r))) return (l) => !(m[1] in l);
    if ((m = /^([\w./-]+)$/.exec(r))) return (l) => m[1] in l;
    throw new Error(`unable to parse requirement: found '${r}', expected: in, notin, =, ==, !=, gt, lt`);
  });
  return (labels) => tests.every((t) => t(labels ?? {}));
}

function getPath(obj, p) {
  return p.split(".").reduce((o, k) => (o == null ? undefined : o[k]), obj);
}

export function parseFieldSelector(s) {
  if (!s) return () => true;
  const tests = s.split(",").map((r) => {
    const m = /^([\w.]+)\s*(==|=|!=)\s*(.*)$/.exec(r.trim());
    if (!m) throw new Error(`invalid selector: '${s}'; can't understand '${r}'`);
    return (o) => {
      const v = String(getPath(o, m[1]) ?? "");
      return m[2] === "!=" ? v !== m[3] : v === m[3];
    };
  });
  return (obj) => tests.every((t) => t(obj));
}

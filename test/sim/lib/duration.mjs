// TEST SIMULATOR — not the real kind/kubectl. Used only by Paddock's tests; never shipped.
// Go time.Duration parsing/formatting (as used by --timeout / --wait flags).
const UNITS = { ns: 1e-9, us: 1e-6, µs: 1e-6, ms: 1e-3, s: 1, m: 60, h: 3600 };

/** Parses a Go duration string to seconds; throws Error with Go's message if invalid. */
export function parseDuration(s) {
  const orig = s;
  if (s === "0") return 0;
  let sign = 1;
  if (s.startsWith("-") || s.startsWith("+")) {
    if (s[0] === "-") sign = -1;
    s = s.slice(1);
  }
  if (s === "") throw new Error(`time: invalid duration "${orig}"`);
  let total = 0;
  const re = /^(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)/;
  while (s.length) {
    const m = re.exec(s);
    if (!m) {
      if (/^(\d+(?:\.\d*)?|\.\d+)$/.test(s)) throw new Error(`time: missing unit in duration "${orig}"`);
      throw new Error(`time: invalid duration "${orig}"`);
    }
    total += parseFloat(m[1]) * UNITS[m[2]];
    s = s.slice(m[0].length);
  }
  return sign * total;
}

/** Formats seconds like Go's Duration.String() (e.g. 5m0s, 1h0m0s, 30s, 1.5s). */
export function formatDuration(sec) {
  if (sec === 0) return "0s";
  const neg = sec < 0;
  sec = Math.abs(sec);
  let outp;
  if (sec < 1) outp = `${Math.round(sec * 1000)}ms`;
  else {
    const h = Math.floor(sec / 3600);
    const m = Math.floor((sec % 3600) / 60);
    const s = +(sec % 60).toFixed(3);
    outp = h ? `${h}h${m}m${s}s` : m ? `${m}m${s}s` : `${s}s`;
  }
  return (neg ? "-" : "") + outp;
}

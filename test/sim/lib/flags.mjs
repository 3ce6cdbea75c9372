// TEST SIMULATOR — not the real kind/kubectl. Used only by Paddock's tests; never shipped.
// A small pflag/cobra-style flag parser. Errors carry pflag's message texts.
import { parseDuration } from "./duration.mjs";

export class FlagError extends Error {}

/**
 * spec: { [longName]: { type: "bool"|"string"|"array"|"int"|"duration", short?: "n", default?: any } }
 * array flags accept repeats and (if commaSplit) comma separated values.
 * Returns { flags, positional, set:Set<string> }.
 */
export function parseFlags(args, spec) {
  const flags = {};
  const set = new Set();
  for (const [name, s] of Object.entries(spec)) {
    flags[name] = s.default !== undefined ? s.default : s.type === "bool" ? false : s.type === "array" ? [] : undefined;
  }
  const byShort = {};
  for (const [name, s] of Object.entries(spec)) if (s.short) byShort[s.short] = name;
  const positional = [];

  const assign = (name, raw, display) => {
    const s = spec[name];
    let v = raw;
    if (s.type === "bool") {
      if (!["true", "false", "1", "0", "t", "f", "TRUE", "FALSE", "True", "False"].includes(raw))
        throw new FlagError(
          `invalid argument "${raw}" for "${display}" flag: strconv.ParseBool: parsing "${raw}": invalid syntax`,
        );
      v = ["true", "1", "t", "TRUE", "True"].includes(raw);
    } else if (s.type === "int") {
      if (!/^-?\d+$/.test(raw))
        throw new FlagError(
          `invalid argument "${raw}" for "${display}" flag: strconv.ParseInt: parsing "${raw}": invalid syntax`,
        );
      v = parseInt(raw, 10);
    } else if (s.type === "duration") {
      try {
        v = parseDuration(raw);
      } catch (e) {
        throw new FlagError(`invalid argument "${raw}" for "${display}" flag: ${e.message}`);
      }
    } else if (s.type === "array") {
      const parts = s.commaSplit ? raw.split(",") : [raw];
      v = [...(set.has(name) ? flags[name] : []), ...parts];
    }
    flags[name] = v;
    set.add(name);
  };

  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === "--") {
      positional.push(...args.slice(i + 1));
      break;
    }
    if (a.startsWith("--")) {
      const eq = a.indexOf("=");
      const name = eq >= 0 ? a.slice(2, eq) : a.slice(2);
      const s = spec[name];
      if (!s) throw new FlagError(`unknown flag: --${name}`);
      if (eq >= 0) assign(name, a.slice(eq + 1), `--${name}`);
      else if (s.type === "bool") assign(name, "true", `--${name}`);
      else {
        if (i + 1 >= args.length) throw new FlagError(`flag needs an argument: --${name}`);
        assign(name, args[++i], `--${name}`);
      }
      continue;
    }
    if (a.startsWith("-") && a.length > 1) {
      // shorthand cluster, e.g. -n ns, -nns, -n=ns, -q
      let j = 1;
      while (j < a.length) {
        const c = a[j];
        const name = byShort[c];
        if (!name) throw new FlagError(`unknown shorthand flag: '${c}' in ${a}`);
        const s = spec[name];
        const rest = a.slice(j + 1);
        if (s.type === "bool") {
          if (rest.startsWith("=")) {
            assign(name, rest.slice(1), `-${c}, --${name}`);
            break;
          }
          assign(name, "true", `-${c}, --${name}`);
          j++;
          continue;
        }
        if (rest.length) assign(name, rest.startsWith("=") ? rest.slice(1) : rest, `-${c}, --${name}`);
        else {
          if (i + 1 >= args.length) throw new FlagError(`flag needs an argument: '${c}' in -${c}`);
          assign(name, args[++i], `-${c}, --${name}`);
        }
        break;
      }
      continue;
    }
    positional.push(a);
  }
  return { flags, positional, set };
}

/** Splits leading command words (non-flag tokens) from args, skipping values of known value flags. */
export function splitCommandWords(args, valueFlags, maxWords) {
  const words = [];
  const rest = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === "--") {
      rest.push(...args.slice(i));
      break;
    }
    if (a.startsWith("-")) {
      rest.push(a);
      const takesValue =
        (a.startsWith("--") && !a.includes("=") && valueFlags.has(a.slice(2))) ||
        (!a.startsWith("--") && a.length === 2 && valueFlags.has(a.slice(1)));
      if (takesValue && i + 1 < args.length) rest.push(args[++i]);
      continue;
    }
    if (words.length < maxWords) words.push(a);
    else rest.push(a);
  }
  return { words, rest };
}

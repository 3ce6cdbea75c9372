/** Paddock's name rule (stack, image, service and job names): lowercase letters, digits and '-'. */
export const PADDOCK_NAME = /^[a-z0-9][a-z0-9-]*$/;

/** The closest name that follows Paddock's rule: "My_App.v2" → "my-app-v2". */
export function sanitizeName(text: string, fallback = "stack"): string {
  const name = text
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, "-")
    .replace(/-{2,}/g, "-")
    .replace(/^-+|-+$/g, "");
  return name === "" ? fallback : name;
}

/** Paddock names for a list of names, in order, distinct from each other ("db", "db-2", ...). */
export function distinctNames(originals: readonly string[], fallback = "service"): string[] {
  const taken = new Set<string>();
  return originals.map((original) => {
    const base = sanitizeName(original, fallback);
    let name = base;
    for (let n = 2; taken.has(name); n++) name = `${base}-${n}`;
    taken.add(name);
    return name;
  });
}

/** Gives each (distinct) original name a Paddock name, distinct from the others. */
export function uniqueNames(originals: readonly string[]): Map<string, string> {
  const names = distinctNames(originals);
  return new Map(originals.map((original, i) => [original, names[i] ?? original]));
}

import { ComposeError } from "./compose-error.js";
import { mergeComposeFiles } from "./compose-merge.js";
import { isMap, mapOf, stringOf, type ComposeMap } from "./values.js";

/**
 * Resolves `extends: { service: base }` within the project: the service is `base` with its own
 * fields merged over it (the same rules as merging files). `extends` naming another `file:` is
 * left in place for the converter to report: it is not followed.
 */
export function resolveExtends(
  services: ComposeMap,
  where: (service: string) => { file: string; line: number | undefined },
): ComposeMap {
  const resolved: ComposeMap = {};
  const resolve = (name: string, chain: string[]): ComposeMap => {
    const done = resolved[name];
    if (isMap(done)) return done;
    const service = mapOf(services[name]);
    const spec = mapOf(service["extends"]);
    const baseName = stringOf(spec["service"]);
    if (baseName === undefined || spec["file"] !== undefined) {
      resolved[name] = service;
      return service;
    }
    const at = where(name);
    if ([...chain, name].includes(baseName)) {
      throw new ComposeError(
        at.file,
        `services.${name}.extends`,
        `extends cycle: ${[...chain, name, baseName].join(" → ")}`,
        { line: at.line, hint: "a service cannot extend one that extends it" },
      );
    }
    if (!isMap(services[baseName])) {
      throw new ComposeError(
        at.file,
        `services.${name}.extends`,
        `extends service "${baseName}", which the project does not define`,
        {
          line: at.line,
          hint: `use one of: ${Object.keys(services)
            .filter((s) => s !== name)
            .join(", ")}`,
        },
      );
    }
    const base = resolve(baseName, [...chain, name]);
    const { extends: _extends, ...own } = service;
    const merged = mapOf(
      mergeComposeFiles([{ services: { [name]: base } }, { services: { [name]: own } }])["services"],
    )[name];
    resolved[name] = mapOf(merged);
    return resolved[name] as ComposeMap;
  };
  for (const name of Object.keys(services)) resolve(name, []);
  return resolved;
}

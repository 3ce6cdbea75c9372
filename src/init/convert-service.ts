import { convertEnvironment } from "./convert-environment.js";
import { convertHealthcheck } from "./convert-healthcheck.js";
import { convertPorts } from "./convert-ports.js";
import { convertFileMounts, convertVolumes } from "./convert-volumes.js";
import { shellWords } from "./shell-words.js";
import { brief, type ConvertContext, type WorkloadOut } from "./stack-out.js";
import { CONVERTED_SERVICE_FIELDS, EXTENSION_FIELD, UNSUPPORTED_SERVICE_FIELDS } from "./unsupported-fields.js";
import { isMap, mapOf, stringOf } from "./values.js";

/** Fields the project-level conversion handles (images, dependencies, profiles). */
const PROJECT_LEVEL = new Set(["image", "build", "depends_on", "profiles"]);

/**
 * One Compose service's own fields as a Paddock service or job: command, entrypoint, env,
 * ports, volumes, readiness. Everything else is reported with the reason.
 */
export function convertWorkload(
  scope: string,
  service: Record<string, unknown>,
  kind: "service" | "job",
  ctx: ConvertContext,
): Omit<WorkloadOut, "image"> {
  const { report } = ctx;
  const out: Omit<WorkloadOut, "image"> = {};
  for (const [key, value] of Object.entries(service)) {
    if (PROJECT_LEVEL.has(key)) continue;
    if (key.startsWith("x-")) {
      report.dropped(scope, key, EXTENSION_FIELD);
      continue;
    }
    if (!(CONVERTED_SERVICE_FIELDS as readonly string[]).includes(key)) {
      report.dropped(scope, key, `${brief(value)}: ${UNSUPPORTED_SERVICE_FIELDS[key] ?? "not supported by Paddock"}`);
      continue;
    }
    switch (key) {
      case "command":
      case "entrypoint": {
        const words = commandWords(scope, key, value, ctx);
        if (words !== undefined && words.length > 0) out[key] = words;
        else if (words !== undefined && key === "entrypoint")
          report.dropped(
            scope,
            key,
            "an empty entrypoint clears the image's ENTRYPOINT in Compose; Paddock keeps the image's (write the command in full as entrypoint instead)",
          );
        break;
      }
      case "ports":
        if (kind === "job")
          report.dropped(
            scope,
            key,
            `${brief(value)}: a job publishes no ports (it runs to completion before its dependents start)`,
          );
        else if (Array.isArray(value)) out.ports = convertPorts(scope, value, report);
        break;
      case "expose":
        report.dropped(
          scope,
          key,
          `${brief(value)}: not needed: the services of a run reach each other's ports on the run's network`,
        );
        break;
      case "volumes":
        if (Array.isArray(value)) out.volumes = [...(out.volumes ?? []), ...convertVolumes(scope, value, ctx)];
        break;
      case "secrets":
      case "configs":
        if (Array.isArray(value)) out.volumes = [...(out.volumes ?? []), ...convertFileMounts(scope, key, value, ctx)];
        break;
      case "healthcheck":
        if (kind === "job") {
          report.dropped(scope, key, "a job is done when its command exits 0; a health check does not apply");
        } else {
          const { ready, timeout } = convertHealthcheck(scope, mapOf(value), report);
          if (ready) out.ready = ready;
          if (timeout) out.timeout = timeout;
        }
        break;
      case "restart": {
        const policy = stringOf(value) ?? "";
        if (policy !== "no" && policy !== "") {
          report.dropped(
            scope,
            key,
            `${brief(value)}: Paddock starts each workload once per run and never restarts it; one that exits early fails the run with its last log lines`,
          );
        }
        break;
      }
      case "extends":
        report.dropped(
          scope,
          key,
          `${brief(value)}: extends a service in another file, which is not followed; copy the fields it needs into this service, or pass that file with another --from`,
        );
        break;
    }
  }
  const { env, secretEnv } = convertEnvironment(scope, service, ctx);
  if (Object.keys(env).length > 0) out.env = env;
  if (secretEnv.length > 0) out.secretEnv = secretEnv;
  if (out.volumes?.length === 0) delete out.volumes;
  if (out.ports?.length === 0) delete out.ports;
  return out;
}

/** A Compose command: a list as is, a string split into words as Compose does (no shell). */
function commandWords(scope: string, key: string, value: unknown, ctx: ConvertContext): string[] | undefined {
  if (value === null || value === undefined) return undefined;
  if (Array.isArray(value)) return value.map((w) => stringOf(w) ?? (isMap(w) ? JSON.stringify(w) : ""));
  const text = stringOf(value) ?? "";
  try {
    return shellWords(text);
  } catch (error) {
    ctx.report.dropped(scope, key, `${brief(value)}: ${(error as Error).message}`);
    return undefined;
  }
}

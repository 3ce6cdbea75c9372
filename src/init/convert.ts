import { convertBuild } from "./convert-build.js";
import { convertWorkload } from "./convert-service.js";
import type { ComposeProject } from "./load-compose.js";
import { sanitizeName, uniqueNames } from "./names.js";
import { InitReport } from "./report.js";
import { brief, type ConvertContext, type ImageOut, type StackOut, type WorkloadOut } from "./stack-out.js";
import {
  CONVERTED_TOP_LEVEL_FIELDS,
  EXTENSION_FIELD,
  UNSUPPORTED_TOP_LEVEL_FIELDS,
  UNSUPPORTED_VOLUME_FIELDS,
} from "./unsupported-fields.js";
import { isMap, mapOf, stringList, stringOf, truthy, type ComposeMap } from "./values.js";

export interface ConvertOptions {
  /** Active profiles (--profile, COMPOSE_PROFILES); "*" activates all. */
  profiles: string[];
  outputDir: string;
}

export interface Conversion {
  stack: StackOut;
  report: InitReport;
  /** Paddock workload name → Compose service name, for comments beside each workload. */
  origins: Map<string, string>;
}

/** "postgres" and "docker.io/library/postgres:latest" name the same image. */
function normalizeRef(ref: string): string {
  let name = ref.replace(/^(?:docker\.io|index\.docker\.io)\//, "").replace(/^library\//, "");
  if (!/[:@][^/]*$/.test(name)) name += ":latest";
  return name;
}

/** One-shot services run as jobs: those another service waits for with `service_completed_successfully`. */
function oneShotServices(services: Record<string, ComposeMap>): Set<string> {
  const jobs = new Set<string>();
  for (const service of Object.values(services)) {
    for (const [dep, spec] of Object.entries(mapOf(service["depends_on"]))) {
      if (mapOf(spec)["condition"] === "service_completed_successfully") jobs.add(dep);
    }
  }
  return jobs;
}

/** A Compose project → the stack file and the report of what did not carry over. */
export function convertProject(project: ComposeProject, options: ConvertOptions): Conversion {
  const report = new InitReport();
  const ctx: ConvertContext = { project, outputDir: options.outputDir, report };
  reportTopLevel(project.model, report);

  const all = Object.fromEntries(Object.entries(mapOf(project.model["services"])).map(([n, s]) => [n, mapOf(s)]));
  const activeProfiles = new Set(options.profiles);
  const isActive = (service: ComposeMap): boolean => {
    const profiles = stringList(service["profiles"]);
    return profiles.length === 0 || activeProfiles.has("*") || profiles.some((p) => activeProfiles.has(p));
  };
  const names = uniqueNames(Object.keys(all));
  for (const [original, name] of names) {
    if (original !== name)
      report.changed(
        original,
        "service name",
        `is "${name}" in paddock.yaml (Paddock's names are lowercase letters, digits and '-'): other containers reach it as ${name}, so update hostnames in env and commands`,
      );
  }

  // Images: one per service with a build, named after the service.
  const images: Record<string, ImageOut> = {};
  const builtRefs = new Map<string, string>();
  const unbuildable = new Map<string, string>();
  for (const [original, service] of Object.entries(all)) {
    if (!isMap(service["build"])) continue;
    const name = names.get(original) ?? original;
    const result = convertBuild(original, service["build"], ctx);
    if ("problem" in result) {
      unbuildable.set(original, result.problem);
      continue;
    }
    images[name] = result.image;
    const tag = stringOf(service["image"]);
    if (tag !== undefined) {
      builtRefs.set(normalizeRef(tag), name);
      report.changed(
        original,
        "image",
        `${brief(tag)}: Paddock tags the image it builds by content (paddock/<stack>-${name}:<key>); services that use this tag get the stack image ${name}`,
      );
    }
  }
  // Build args that name another service's image become ${images.X}: the real tag, and the build order.
  for (const original of Object.keys(all)) {
    const image = images[names.get(original) ?? original];
    if (!image?.args) continue;
    for (const [key, value] of Object.entries(image.args)) {
      const built = builtRefs.get(normalizeRef(value));
      if (built === undefined || built === (names.get(original) ?? original)) continue;
      image.args[key] = `\${images.${built}}`;
      report.changed(
        original,
        `build.args.${key}`,
        `${brief(value)} is built by service ${[...names].find(([, n]) => n === built)?.[0] ?? built}: passed as \${images.${built}}, which also builds it first`,
      );
    }
  }

  const active = Object.entries(all).filter(([, s]) => isActive(s));
  const jobNames = oneShotServices(Object.fromEntries(active));
  const services: Record<string, WorkloadOut> = {};
  const jobs: Record<string, WorkloadOut> = {};
  const origins = new Map<string, string>();
  const converted = new Set<string>();
  for (const [original, service] of active) {
    const name = names.get(original) ?? original;
    const kind = jobNames.has(original) ? "job" : "service";
    const image = imageOf(original, service, name, images, builtRefs, unbuildable, report);
    if (image === undefined) continue;
    const workload: WorkloadOut = { image, ...convertWorkload(original, service, kind, ctx) };
    (kind === "job" ? jobs : services)[name] = workload;
    origins.set(name, original);
    converted.add(original);
  }
  for (const [original, service] of active) {
    const workload = services[names.get(original) ?? original] ?? jobs[names.get(original) ?? original];
    if (!workload) continue;
    const dependsOn = convertDependsOn(original, service, { converted, jobNames, names, all, services, report });
    if (dependsOn.length > 0) workload.dependsOn = dependsOn;
  }

  // Images of services that are not deployed stay only when something uses them.
  const used = new Set<string>([...Object.values(services), ...Object.values(jobs)].map((w) => w.image));
  for (let grew = true; grew;) {
    grew = false;
    for (const name of used) {
      for (const value of Object.values(images[name]?.args ?? {})) {
        const ref = /^\$\{images\.([a-z0-9-]+)\}$/.exec(value)?.[1];
        if (ref !== undefined && !used.has(ref)) {
          used.add(ref);
          grew = true;
        }
      }
    }
  }
  for (const name of Object.keys(images)) if (!used.has(name)) delete images[name];
  for (const [original, service] of Object.entries(all)) {
    if (isActive(service)) continue;
    const name = names.get(original) ?? original;
    const kept = images[name] ? `; its image ${name} stays in images: because other images or services use it` : "";
    report.dropped(
      original,
      "profiles",
      `${brief(stringList(service["profiles"]))}: no active profile, so it is not deployed (paddock init --profile ${stringList(service["profiles"])[0] ?? "NAME"} includes it)${kept}`,
    );
  }

  return { stack: { name: sanitizeName(project.name), images, services, jobs }, report, origins };
}

/** The stack image the service builds or runs, else its upstream reference; undefined: none (reported). */
function imageOf(
  original: string,
  service: ComposeMap,
  name: string,
  images: Record<string, ImageOut>,
  builtRefs: Map<string, string>,
  unbuildable: Map<string, string>,
  report: InitReport,
): string | undefined {
  if (images[name]) return name;
  const ref = stringOf(service["image"]);
  const problem = unbuildable.get(original);
  if (ref === undefined) {
    report.dropped(
      original,
      problem ? "build" : "service",
      problem
        ? `${problem}; with no image: to run instead, the service is left out`
        : "has neither build nor image, so there is nothing to run; the service is left out",
    );
    return undefined;
  }
  if (problem) report.dropped(original, "build", `${problem}; the service runs its image ${ref} as is`);
  return builtRefs.get(normalizeRef(ref)) ?? (/[:@]/.test(ref.split("/").pop() ?? "") ? ref : `${ref}:latest`);
}

interface DependencyContext {
  converted: Set<string>;
  jobNames: Set<string>;
  names: Map<string, string>;
  all: Record<string, ComposeMap>;
  services: Record<string, WorkloadOut>;
  report: InitReport;
}

/**
 * `depends_on` → `dependsOn`. Paddock starts a workload once its dependencies are ready (their
 * `ready:` check passed) or, for jobs, finished successfully; the notes say where that differs.
 */
function convertDependsOn(original: string, service: ComposeMap, ctx: DependencyContext): string[] {
  const out: string[] = [];
  for (const [dep, rawSpec] of Object.entries(mapOf(service["depends_on"]))) {
    const spec = mapOf(rawSpec);
    const field = `depends_on.${dep}`;
    const condition = stringOf(spec["condition"]) ?? "service_started";
    const depName = ctx.names.get(dep) ?? dep;
    if (spec["restart"] !== undefined && truthy(spec["restart"]))
      ctx.report.dropped(
        original,
        `${field}.restart`,
        "Paddock never restarts a workload when its dependency restarts",
      );
    if (!ctx.converted.has(dep)) {
      const why =
        ctx.all[dep] === undefined ? "is not a service of the project" : "is not in paddock.yaml (see its own notes)";
      ctx.report.dropped(
        original,
        field,
        `${dep} ${why}${spec["required"] === false ? " (an optional dependency)" : ""}`,
      );
      continue;
    }
    out.push(depName);
    const target = ctx.services[depName];
    if (ctx.jobNames.has(dep)) {
      if (condition !== "service_completed_successfully")
        ctx.report.changed(
          original,
          field,
          `${condition}: ${dep} runs as a job, so this starts only after it finished successfully`,
        );
    } else if (condition === "service_healthy" && target && !target.ready) {
      if (ctx.all[dep]?.["healthcheck"] === undefined) {
        target.ready = { healthcheck: true };
        ctx.report.changed(
          dep,
          "healthcheck",
          `${original} waits for it to be healthy and it sets no healthcheck: ready: { healthcheck: true } waits for its image's HEALTHCHECK, as Compose does`,
        );
      } else {
        ctx.report.changed(
          original,
          field,
          `service_healthy: ${dep} has no usable health check, so Paddock starts this once ${dep} started`,
        );
      }
    } else if (condition === "service_started" && target?.ready) {
      ctx.report.changed(
        original,
        field,
        `service_started: Paddock starts this once ${dep} is ready (its ready: check passed), later than Compose would`,
      );
    }
  }
  return out;
}

function reportTopLevel(model: ComposeMap, report: InitReport): void {
  for (const [key, value] of Object.entries(model)) {
    if (key.startsWith("x-")) {
      report.dropped("", key, EXTENSION_FIELD);
    } else if (!(CONVERTED_TOP_LEVEL_FIELDS as readonly string[]).includes(key)) {
      report.dropped("", key, `${brief(value)}: ${UNSUPPORTED_TOP_LEVEL_FIELDS[key] ?? "not supported by Paddock"}`);
    }
  }
  for (const [name, volume] of Object.entries(mapOf(model["volumes"]))) {
    for (const [key, value] of Object.entries(mapOf(volume))) {
      if (!key.startsWith("x-"))
        report.dropped(
          "",
          `volumes.${name}.${key}`,
          `${brief(value)}: ${UNSUPPORTED_VOLUME_FIELDS[key] ?? "not supported for Paddock's run volumes"}`,
        );
    }
  }
  for (const kind of ["secrets", "configs"]) {
    for (const [name, definition] of Object.entries(mapOf(model[kind]))) {
      for (const [key, value] of Object.entries(mapOf(definition))) {
        if (["file", "environment", "content", "external"].includes(key) || key.startsWith("x-")) continue;
        report.dropped("", `${kind}.${name}.${key}`, `${brief(value)}: Paddock mounts the file as it is`);
      }
    }
  }
}

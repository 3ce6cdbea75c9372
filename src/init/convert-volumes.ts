import { existsSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { brief, stackPath, type ConvertContext } from "./stack-out.js";
import { isMap, mapOf, stringOf, truthy } from "./values.js";

const KEPT_MODES = new Set(["ro", "rw"]);

interface Mount {
  type: string;
  source: string | undefined;
  target: string;
  readOnly: boolean;
}

/** `volumes:` → Paddock volumes: "./host:/path[:ro]" bind mounts and "name:/path" run volumes. */
export function convertVolumes(scope: string, volumes: unknown[], ctx: ConvertContext): string[] {
  const out: string[] = [];
  volumes.forEach((item, index) => {
    const field = `volumes[${index}]`;
    const mount =
      typeof item === "string"
        ? parseShort(scope, field, item, ctx)
        : isMap(item)
          ? parseLong(scope, field, item, ctx)
          : undefined;
    if (mount === undefined) return;
    if (mount.type !== "bind" && mount.type !== "volume") {
      ctx.report.dropped(scope, field, `${brief(item)}: ${mount.type} mounts have no Paddock equivalent`);
      return;
    }
    if (mount.source === undefined || mount.source === "") {
      ctx.report.dropped(
        scope,
        field,
        `${brief(item)}: an anonymous volume; Paddock mounts named volumes and host paths (the container's own file system is thrown away with the run anyway)`,
      );
      return;
    }
    const mode = mount.readOnly ? ":ro" : "";
    if (mount.type === "volume") {
      out.push(`${mount.source}:${mount.target}${mode}`);
      return;
    }
    const hostPath = mount.source.startsWith("~")
      ? path.join(os.homedir(), mount.source.slice(1))
      : path.resolve(ctx.project.dir, mount.source);
    if (!existsSync(hostPath)) {
      ctx.report.dropped(
        scope,
        field,
        `${brief(item)}: ${hostPath} does not exist; Compose would create it, Paddock requires it: create it, then add "${stackPath(ctx, hostPath)}:${mount.target}" to volumes`,
      );
      return;
    }
    out.push(`${path.isAbsolute(mount.source) ? mount.source : stackPath(ctx, hostPath)}:${mount.target}${mode}`);
  });
  return out;
}

function parseShort(scope: string, field: string, text: string, ctx: ConvertContext): Mount | undefined {
  const parts = text.split(":");
  if (parts.length === 1) return { type: "volume", source: undefined, target: text, readOnly: false };
  const [source = "", target = "", modes = ""] = parts;
  const options = modes === "" ? [] : modes.split(",");
  const dropped = options.filter((o) => !KEPT_MODES.has(o));
  if (dropped.length > 0)
    ctx.report.dropped(
      scope,
      field,
      `${brief(text)}: mount options ${dropped.join(",")} have no Paddock equivalent (only ro/rw)`,
    );
  const bind = source.startsWith(".") || source.startsWith("/") || source.startsWith("~");
  return { type: bind ? "bind" : "volume", source, target, readOnly: options.includes("ro") };
}

function parseLong(
  scope: string,
  field: string,
  item: Record<string, unknown>,
  ctx: ConvertContext,
): Mount | undefined {
  const type = stringOf(item["type"]) ?? "volume";
  for (const key of ["consistency", "bind", "volume", "tmpfs", "image"]) {
    if (item[key] === undefined) continue;
    ctx.report.dropped(scope, `${field}.${key}`, `${brief(item[key])}: mount options have no Paddock equivalent`);
  }
  const target = stringOf(item["target"]);
  if (target === undefined) {
    ctx.report.dropped(scope, field, `${brief(item)}: has no target`);
    return undefined;
  }
  return { type, source: stringOf(item["source"]), target, readOnly: truthy(item["read_only"]) };
}

/**
 * `secrets:` and `configs:` whose top-level definition names a `file:` become read-only bind
 * mounts where Compose puts them (/run/secrets/<name>, /<name>, or their `target`).
 */
export function convertFileMounts(
  scope: string,
  kind: "secrets" | "configs",
  items: unknown[],
  ctx: ConvertContext,
): string[] {
  const definitions = mapOf(ctx.project.model[kind]);
  const out: string[] = [];
  items.forEach((item, index) => {
    const field = `${kind}[${index}]`;
    const source = isMap(item) ? stringOf(item["source"]) : stringOf(item);
    if (source === undefined) return;
    if (isMap(item)) {
      for (const key of ["uid", "gid", "mode"]) {
        if (item[key] !== undefined)
          ctx.report.dropped(
            scope,
            `${field}.${key}`,
            `${brief(item[key])}: the file is mounted with its own owner and mode`,
          );
      }
    }
    const target =
      (isMap(item) ? stringOf(item["target"]) : undefined) ??
      (kind === "secrets" ? `/run/secrets/${source}` : `/${source}`);
    const absoluteTarget = target.startsWith("/") ? target : `/run/secrets/${target}`;
    const definition = mapOf(definitions[source]);
    const file = stringOf(definition["file"]);
    if (file === undefined) {
      const from =
        definition["environment"] !== undefined
          ? `comes from the variable ${String(definition["environment"])}`
          : definition["content"] !== undefined
            ? "is inline content"
            : truthy(definition["external"])
              ? "is external"
              : "has no file";
      ctx.report.dropped(
        scope,
        field,
        `${brief(source)} ${from}; Paddock mounts files only: write it to a file and mount it with volumes`,
      );
      return;
    }
    const hostPath = path.resolve(ctx.project.dir, file);
    if (!existsSync(hostPath)) {
      ctx.report.dropped(scope, field, `${brief(source)}: its file ${hostPath} does not exist`);
      return;
    }
    out.push(`${stackPath(ctx, hostPath)}:${absoluteTarget}:ro`);
  });
  return out;
}

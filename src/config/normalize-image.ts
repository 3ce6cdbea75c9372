import path from "node:path";
import type { FieldContext, FieldPath } from "./field-context.js";
import type { ImageFile, StackFile } from "./schema.js";
import { IMAGE_REFERENCE, type ImageSpec } from "./stack.js";

/** One image: how it is built (Dockerfile, command, or an upstream ref), the stack images its args build it from, its coverage mode. */
export function normalizeImage(
  ctx: FieldContext,
  raw: StackFile,
  imageName: string,
  image: ImageFile,
  at: FieldPath,
): ImageSpec {
  const sources = (["dockerfile", "ref", "command"] as const).filter((key) => image[key] !== undefined);
  if (sources.length !== 1) {
    ctx.fail(
      at,
      sources.length === 0
        ? "says neither how to build nor where to find the image"
        : `sets ${sources.join(" and ")}; choose one`,
      "give exactly one of: dockerfile (with optional context), ref (an upstream image), command (a custom builder)",
    );
  }
  const dependsOn = new Set<string>();
  for (const [key, value] of Object.entries(image.args ?? {})) {
    for (const match of value.matchAll(IMAGE_REFERENCE)) {
      const target = match[1] ?? "";
      if (!(target in raw.images))
        ctx.fail(
          [...at, "args", key],
          `refers to image "${target}", which the stack does not define`,
          `define images.${target}, or correct the name (images: ${Object.keys(raw.images).join(", ")})`,
        );
      else dependsOn.add(target);
    }
  }
  const coverage = raw.coverage === false || image.coverage === false ? undefined : image.coverage;
  if (image.ref !== undefined)
    return { name: imageName, source: { type: "ref", ref: image.ref }, dependsOn: [...dependsOn], coverage };
  if (image.command !== undefined) {
    const inputs = (image.inputs ?? []).map((input, i) => ctx.mustExist(input, [...at, "inputs", i], "file"));
    return {
      name: imageName,
      source: { type: "command", command: image.command, inputs, cwd: ctx.baseOf([...at, "command"]) },
      dependsOn: [...dependsOn],
      coverage,
    };
  }
  const dockerfile =
    image.dockerfile === undefined
      ? ctx.resolve("Dockerfile", at)
      : ctx.mustExist(image.dockerfile, [...at, "dockerfile"], "file");
  const context =
    image.context === undefined
      ? path.dirname(dockerfile)
      : ctx.mustExist(image.context, [...at, "context"], "directory");
  return {
    name: imageName,
    source: {
      type: "dockerfile",
      dockerfile,
      context,
      args: image.args ?? {},
      target: image.target,
      network: image.network ?? raw.build?.network,
    },
    dependsOn: [...dependsOn],
    coverage,
  };
}

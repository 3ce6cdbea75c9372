import { z } from "zod";

/** `paddock.workspace.yaml`: several stacks run as one graph (docs/workspaces.md). */
export const workspaceFileSchema = z.strictObject({
  name: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]{0,39}$/, "use lowercase letters, digits and '-', at most 40 characters")
    .optional()
    .describe("default: the folder's name"),
  stacks: z
    .array(z.string().min(1))
    .min(1)
    .describe("stack files or globs, relative to this file, e.g. suites/*/paddock.yaml"),
  include: z
    .array(z.string().min(1))
    .optional()
    .describe("fragments merged under every stack (each stack's own file wins)"),
  resources: z
    .strictObject({
      buildSlots: z
        .number()
        .int()
        .positive()
        .optional()
        .describe("parallel builds for the whole workspace (default: from cores and memory)"),
      memory: z
        .union([z.string(), z.number().positive()])
        .optional()
        .describe('memory environments may use at once, e.g. "12GiB" (default: three quarters of this machine\'s)'),
      environments: z.number().int().positive().optional().describe("at most this many environments at once"),
    })
    .optional(),
});

export type WorkspaceFile = z.infer<typeof workspaceFileSchema>;

import type { Command } from "commander";
import { stackJsonSchema } from "../config/schema.js";

export function registerSchema(program: Command): void {
  program
    .command("schema")
    .description("print the JSON Schema of paddock.yaml (for editors: yaml-language-server: $schema=...)")
    .action(() => {
      process.stdout.write(JSON.stringify(stackJsonSchema(), null, 2) + "\n");
    });
}

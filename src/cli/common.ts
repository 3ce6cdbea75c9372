import type { Command } from "commander";
import { findStackFile, loadStack } from "../config/load.js";
import type { Stack } from "../config/stack.js";

export interface GlobalOptions {
  config?: string;
}

export function globalOptions(command: Command): GlobalOptions {
  return command.optsWithGlobals<GlobalOptions>();
}

export function loadStackFor(command: Command, cwd = process.cwd()): Stack {
  return loadStack(findStackFile(cwd, globalOptions(command).config));
}

export function parsePositiveInt(name: string): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n <= 0) throw new Error(`${name} must be a positive whole number, got "${value}"`);
    return n;
  };
}

export function oneOf<T extends string>(name: string, values: readonly T[]): (value: string) => T {
  return (value) => {
    if (!values.includes(value as T)) throw new Error(`${name} must be one of ${values.join(", ")}, got "${value}"`);
    return value as T;
  };
}

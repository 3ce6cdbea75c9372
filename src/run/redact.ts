import { workloads, type Stack } from "../config/stack.js";

/** What replaces a secret value wherever Paddock prints or writes text. */
export const REDACTED = "******";

/**
 * Replaces the values of every `secretEnv` key of the stack's services and jobs (values of three
 * characters or more) in a text: applied to everything Paddock prints or writes (terminal, task
 * logs, profile, trace, report). Longest values first, so one secret inside another goes whole.
 */
export function secretRedactor(stack: Stack): (text: string) => string {
  const secrets = [
    ...new Set(
      workloads(stack)
        .flatMap((w) => w.secretEnv.map((key) => w.env[key]))
        .filter((v): v is string => v !== undefined && v.length >= 3),
    ),
  ].sort((a, b) => b.length - a.length);
  if (secrets.length === 0) return (text) => text;
  return (text) => secrets.reduce((t, secret) => t.replaceAll(secret, REDACTED), text);
}

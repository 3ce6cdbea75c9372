/** `.paddock/env`: `source` it in a shell to reach the environment by hand. */
export function shellEnvFile(env: Record<string, string>): string {
  const quote = (v: string): string => `'${v.replaceAll("'", `'\\''`)}'`;
  return (
    Object.entries(env)
      .map(([k, v]) => `export ${k}=${quote(v)}`)
      .join("\n") + "\n"
  );
}

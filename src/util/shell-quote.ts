/** A command as a shell would need it typed: arguments with spaces or special characters single-quoted. */
export function shellQuote(argv: readonly string[]): string {
  return argv.map(quoteArg).join(" ");
}

const SAFE = /^[A-Za-z0-9_\-+=.,/:@%^]+$/;

function quoteArg(arg: string): string {
  if (arg === "") return "''";
  if (SAFE.test(arg)) return arg;
  return `'${arg.replaceAll("'", `'\\''`)}'`;
}

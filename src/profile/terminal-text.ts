/**
 * Text for a live terminal line: the ANSI codes the tty renderer paints with, log lines made safe
 * to show on one line, and cutting coloured text to the terminal's width.
 */

export const ESC = "\x1b[";
export const COLORS = {
  green: `${ESC}32m`,
  red: `${ESC}31m`,
  cyan: `${ESC}36m`,
  yellow: `${ESC}33m`,
  dim: `${ESC}2m`,
  bold: `${ESC}1m`,
  reset: `${ESC}0m`,
};

/** Make a log line safe for a one-line live display: no escape sequences, control characters or tabs. */
export function sanitizeLine(line: string): string {
  return (
    line
      // eslint-disable-next-line no-control-regex
      .replace(/\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b[@-_]/g, "")
      .replace(/\t/g, " ")
      // eslint-disable-next-line no-control-regex
      .replace(/[\x00-\x1f\x7f]/g, "")
      .trim()
  );
}

/** Cut a string (that may hold ANSI colour codes) to `width` visible characters. */
export function truncateVisible(text: string, width: number): string {
  let visible = 0;
  let out = "";
  for (let i = 0; i < text.length;) {
    if (text.startsWith(ESC, i)) {
      const end = text.indexOf("m", i);
      if (end === -1) break;
      out += text.slice(i, end + 1);
      i = end + 1;
      continue;
    }
    const codePoint = text.codePointAt(i) ?? 0;
    const ch = String.fromCodePoint(codePoint);
    if (visible + 1 > width) {
      out += COLORS.reset;
      return out;
    }
    out += ch;
    visible += 1;
    i += ch.length;
  }
  return out;
}

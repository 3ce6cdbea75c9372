import { isUtf8 } from "node:buffer";
import { lstatSync, readFileSync, readlinkSync } from "node:fs";
import { ConfigError } from "../errors.js";

/** Read errors in words, with what to try. */
const READ_ERRORS: Record<string, { words: string; hint: string }> = {
  ENOENT: { words: "it does not exist", hint: "check the path given to --config or include:" },
  ELOOP: {
    words: "its symbolic links form a loop",
    hint: "a symbolic link on the path points back at itself through others: `ls -l` shows where each points; make it point at the real file",
  },
  EACCES: {
    words: "permission denied",
    hint: "check the file's and its folders' permissions (`ls -l`), or run as a user who may read it",
  },
  EPERM: { words: "the operation is not permitted", hint: "check the file's permissions and attributes" },
  EISDIR: { words: "it is a directory", hint: "point at the paddock.yaml inside it" },
  ENOTDIR: { words: "a part of its path is not a directory", hint: "check the path" },
  ENAMETOOLONG: { words: "its path is too long", hint: "use a shorter path" },
  EMFILE: { words: "too many files are open", hint: "close other programs or raise the open-file limit (ulimit -n)" },
  EIO: { words: "an input/output error", hint: "the disk or network file system failed; check it (dmesg)" },
};

/** Whether anything is at `file`, also a dangling or looping symbolic link (which reading then explains). */
export function entryExists(file: string): boolean {
  return lstatSync(file, { throwIfNoEntry: false }) !== undefined;
}

export function readErrorOf(file: string, error: unknown): ConfigError {
  const code = (error as NodeJS.ErrnoException).code ?? "";
  const known = READ_ERRORS[code];
  let words = known?.words ?? String((error as Error).message ?? error);
  if (code === "ENOENT" && lstatSync(file, { throwIfNoEntry: false })?.isSymbolicLink())
    words = `it is a symbolic link to ${readlinkSync(file)}, which does not exist`;
  return new ConfigError(file, "", `cannot read the file: ${words}${code ? ` (${code})` : ""}`, {
    hint: known?.hint ?? "check the path given to --config or include:",
  });
}

/** Printable ASCII as is, everything else escaped, at most `max` characters. */
function escapedExcerpt(bytes: Buffer, from: number, max: number): string {
  let text = "";
  for (let i = from; i < bytes.length; i++) {
    const byte = bytes[i] ?? 0;
    const piece =
      byte === 0x0a
        ? "\\n"
        : byte === 0x09
          ? "\\t"
          : byte === 0x5c
            ? "\\\\"
            : byte >= 0x20 && byte < 0x7f
              ? String.fromCharCode(byte)
              : `\\x${byte.toString(16).padStart(2, "0")}`;
    if (text.length + piece.length > max) break;
    text += piece;
  }
  return text;
}

/** Offset of the first byte that is not part of a well-formed UTF-8 sequence. */
function firstInvalidUtf8(bytes: Buffer): number {
  for (let i = 0; i < bytes.length;) {
    const byte = bytes[i] ?? 0;
    const length =
      byte < 0x80
        ? 1
        : byte >= 0xc2 && byte <= 0xdf
          ? 2
          : byte >= 0xe0 && byte <= 0xef
            ? 3
            : byte >= 0xf0 && byte <= 0xf4
              ? 4
              : 0;
    if (length === 0) return i;
    for (let k = 1; k < length; k++) if (((bytes[i + k] ?? 0) & 0xc0) !== 0x80) return i;
    // Overlong forms, surrogates and code points past U+10FFFF.
    const second = bytes[i + 1] ?? 0;
    if (
      (byte === 0xe0 && second < 0xa0) ||
      (byte === 0xed && second > 0x9f) ||
      (byte === 0xf0 && second < 0x90) ||
      (byte === 0xf4 && second > 0x8f)
    )
      return i;
    i += length;
  }
  return -1;
}

function lineAt(bytes: Buffer, offset: number): number {
  let line = 1;
  for (let i = bytes.indexOf(0x0a); i >= 0 && i < offset; i = bytes.indexOf(0x0a, i + 1)) line++;
  return line;
}

/**
 * The stack file's text. A file that is not UTF-8 text (NUL bytes, a binary, UTF-16, bytes of
 * another encoding) is refused with the byte offset and a short escaped excerpt, never the raw bytes.
 */
export function readStackFileText(file: string): string {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (error) {
    throw readErrorOf(file, error);
  }
  const nul = bytes.indexOf(0);
  const offset = nul >= 0 ? nul : isUtf8(bytes) ? -1 : firstInvalidUtf8(bytes);
  if (offset < 0) return bytes.toString("utf8");
  const utf16 = (bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff);
  const what = utf16 ? "is UTF-16 text" : nul >= 0 ? "has a NUL byte" : "is not valid UTF-8";
  const excerpt = escapedExcerpt(bytes, Math.max(0, offset - 24), 80);
  throw new ConfigError(file, "", `the file ${what} at byte ${offset}: "${excerpt}"`, {
    line: lineAt(bytes, offset),
    hint: utf16
      ? "save it as UTF-8"
      : "a stack file is UTF-8 YAML text: is this the right file (not a binary or an archive)? Re-save it as UTF-8",
  });
}

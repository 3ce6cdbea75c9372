import { mkdirSync, symlinkSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { findStackFile, loadStack } from "../../src/config/load.js";
import { runCli } from "../helpers/cli.js";
import { errorsOf, expectNothingWritten, loadErrors, project } from "./helpers.js";

/** An anchor repeated ten times per level: 10^6 copies from a few hundred bytes. */
const ALIAS_BOMB = [
  "a: &a [x, x, x, x, x, x, x, x, x, x]",
  ...["b", "c", "d", "e", "f"].map(
    (level, i) => `${level}: &${level} [${Array(10).fill(`*${"abcdef"[i]}`).join(", ")}]`,
  ),
  "name: demo",
  "",
].join("\n");

describe("files that are not a stack are named and explained", () => {
  it("an empty file says it is empty and shows a minimal stack", () => {
    for (const text of ["", "   \n\n", "# a stack, one day\n# (nothing yet)\n", "---\n"]) {
      const { file, errors } = loadErrors({ "paddock.yaml": text });
      expect(errors).toHaveLength(1);
      expect(errors[0]?.file).toBe(file);
      expect(errors[0]?.problem).toBe("the file is empty (nothing but whitespace or comments)");
      expect(errors[0]?.hint).toContain("name: shop");
      expect(errors[0]?.hint).toContain("services:");
      expect(errors[0]?.message).not.toMatch(/add name/);
    }
  });

  it("NUL bytes: the byte offset and a short escaped excerpt, never the raw bytes", () => {
    const garbage = Buffer.alloc(2500);
    for (let i = 0; i < garbage.length; i++) garbage[i] = (i * 37) % 256;
    const { errors } = loadErrors({ "paddock.yaml": Buffer.concat([Buffer.from("name: demo\nservices:\n"), garbage]) });
    const error = errors[0];
    expect(error?.line).toBe(3);
    expect(error?.problem).toMatch(/^the file has a NUL byte at byte 21: "/);
    const excerpt = /: "(.*)"$/.exec(error?.problem ?? "")?.[1] ?? "";
    expect(excerpt.length).toBeGreaterThan(10);
    expect(excerpt.length).toBeLessThanOrEqual(80);
    expect(excerpt).toContain("services:\\n\\x00");
    const raw = [...(error?.message ?? "")].filter((c) => (c < " " && c !== "\n") || (c >= "\x7f" && c <= "\x9f"));
    expect(raw, "no raw control bytes in the message").toEqual([]);
    expect(error?.message.length).toBeLessThan(300);
    expect(error?.hint).toMatch(/UTF-8/);
  });

  it("invalid UTF-8 (a Latin-1 file) is reported at its byte", () => {
    const { errors } = loadErrors({
      "paddock.yaml": Buffer.concat([Buffer.from("name: demo\n# caf"), Buffer.from([0xe9]), Buffer.from(" au lait\n")]),
    });
    expect(errors[0]?.line).toBe(2);
    expect(errors[0]?.problem).toBe('the file is not valid UTF-8 at byte 16: "name: demo\\n# caf\\xe9 au lait\\n"');
  });

  it("a UTF-16 file is told to be saved as UTF-8", () => {
    const { errors } = loadErrors({ "paddock.yaml": Buffer.from("\ufeffname: demo\n", "utf16le") });
    expect(errors[0]?.problem).toMatch(/^the file is UTF-16 text at byte \d+/);
    expect(errors[0]?.hint).toBe("save it as UTF-8");
  });

  it("a YAML alias bomb names the file and says why it is refused", () => {
    const { file, errors } = loadErrors({ "paddock.yaml": ALIAS_BOMB });
    expect(errors[0]?.file).toBe(file);
    expect(errors[0]?.problem).toBe('YAML aliases expand to more than 100 copies (a "billion laughs" file?)');
    expect(errors[0]?.hint).toMatch(/anchors \(&name\) and aliases \(\*name\)/);
  });

  it("an alias bomb in an included fragment names the fragment", () => {
    const { dir, errors } = loadErrors({
      "bomb.yaml": ALIAS_BOMB.replace("name: demo\n", ""),
      "paddock.yaml": "name: demo\ninclude: [bomb.yaml]\n",
    });
    expect(errors[0]?.file).toBe(path.join(dir, "bomb.yaml"));
    expect(errors[0]?.problem).toMatch(/YAML aliases expand/);
  });

  it("a symbolic link loop is named with its path and the error in words, found or given", () => {
    const dir = project({});
    const file = path.join(dir, "paddock.yaml");
    symlinkSync(path.join(dir, "other.yaml"), file);
    symlinkSync(file, path.join(dir, "other.yaml"));
    const nested = path.join(dir, "sub");
    mkdirSync(nested);
    for (const found of [findStackFile(nested), findStackFile(dir, "paddock.yaml")]) {
      expect(found).toBe(file);
      const [error] = errorsOf(() => loadStack(found));
      expect(error?.file).toBe(file);
      expect(error?.problem).toBe("cannot read the file: its symbolic links form a loop (ELOOP)");
      expect(error?.message).not.toMatch(/no paddock\.yaml here/);
      expect(error?.hint).toMatch(/symbolic link/);
    }
  });

  it("a dangling symbolic link says where it points, instead of searching the parents", () => {
    const dir = project({});
    symlinkSync(path.join(dir, "moved-away.yaml"), path.join(dir, "paddock.yaml"));
    const [error] = errorsOf(() => loadStack(findStackFile(dir)));
    expect(error?.problem).toBe(
      `cannot read the file: it is a symbolic link to ${path.join(dir, "moved-away.yaml")}, which does not exist (ENOENT)`,
    );
  });

  it("an include that loops names the including file's entry", () => {
    const dir = project({ "paddock.yaml": "name: demo\ninclude: [loop.yaml]\n" });
    symlinkSync(path.join(dir, "loop.yaml"), path.join(dir, "loop.yaml"));
    const [error] = errorsOf(() => loadStack(path.join(dir, "paddock.yaml")));
    expect(error?.file).toBe(path.join(dir, "loop.yaml"));
    expect(error?.problem).toBe("cannot read the file: its symbolic links form a loop (ELOOP)");
  });

  it("a directory where the stack file should be says so", () => {
    const dir = project({});
    mkdirSync(path.join(dir, "paddock.yaml"));
    const [error] = errorsOf(() => loadStack(findStackFile(dir)));
    expect(error?.problem).toBe("cannot read the file: it is a directory (EISDIR)");
  });

  it("paddock plan on binary garbage prints a short message and writes nothing", async () => {
    const bytes = Buffer.alloc(2500);
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 91 + 7) % 256;
    const dir = project({ "paddock.yaml": bytes });
    const result = await runCli(["plan"], { cwd: dir });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/paddock\.yaml:\d+: the file (has a NUL byte|is not valid UTF-8) at byte \d+: "/);
    expect(result.stderr.length).toBeLessThan(600);
    expectNothingWritten(dir);
  });
});

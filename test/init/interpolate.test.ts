import { describe, expect, it } from "vitest";
import { parseDotenv } from "../../src/init/dotenv.js";
import { interpolate, InterpolationError } from "../../src/init/interpolate.js";
import { shellWords } from "../../src/init/shell-words.js";

const vars: Record<string, string> = { SET: "value", EMPTY: "", PORT: "8080" };
const lookup = (name: string): string | undefined => vars[name];

describe("Compose interpolation", () => {
  it.each([
    ["$SET and ${SET}", "value and value"],
    ["${UNSET}|$UNSET", "|"],
    ["${SET:-d} ${EMPTY:-d} ${UNSET:-d}", "value d d"],
    ["${SET-d} ${EMPTY-d} ${UNSET-d}", "value  d"],
    ["${SET:+r} ${EMPTY:+r} ${UNSET:+r}", "r  "],
    ["${SET+r} ${EMPTY+r} ${UNSET+r}", "r r "],
    ["${UNSET:-${PORT}}", "8080"],
    ["${UNSET:-${ALSO_UNSET:-deep}}", "deep"],
    ["$$f and $${SET}", "$f and ${SET}"],
    ["cost: 5$ and $ alone", "cost: 5$ and $ alone"],
    ["127.0.0.1:${PORT}:80", "127.0.0.1:8080:80"],
  ])("%s → %s", (text, expected) => {
    expect(interpolate(text, lookup)).toBe(expected);
  });

  it("fails on ${VAR:?err} when unset or empty, and on ${VAR?err} only when unset, with the message", () => {
    expect(() => interpolate("${UNSET:?set UNSET first}", lookup)).toThrow(
      /required variable UNSET is missing: set UNSET first/,
    );
    expect(() => interpolate("${EMPTY:?must not be empty}", lookup)).toThrow(/EMPTY is empty: must not be empty/);
    expect(interpolate("${EMPTY?x}", lookup)).toBe("");
    expect(() => interpolate("${UNSET?needed}", lookup)).toThrow(InterpolationError);
    expect(interpolate("${SET:?x}", lookup)).toBe("value");
  });

  it("rejects malformed expressions", () => {
    expect(() => interpolate("${SET", lookup)).toThrow(/unclosed/);
    expect(() => interpolate("${1X}", lookup)).toThrow(/invalid variable name/);
    expect(() => interpolate("${SET!x}", lookup)).toThrow(/invalid interpolation format/);
  });
});

describe(".env files", () => {
  it("reads KEY=VALUE, export, quotes, comments, multi-line values and earlier keys", () => {
    const env = parseDotenv(
      [
        "# comment",
        "",
        "PLAIN=one two  # inline comment",
        "export EXPORTED=yes",
        "SINGLE='$PLAIN stays'",
        'DOUBLE="line1\\nline2 ${PLAIN}"',
        'MULTI="first',
        'second"',
        "REF=${PLAIN}-${FROM_SHELL}",
        "INHERITED",
        "NOT_SET_ANYWHERE",
        "EMPTY=",
      ].join("\n"),
      (name) => ({ FROM_SHELL: "shell", INHERITED: "from shell" })[name],
    );
    expect(env).toEqual({
      PLAIN: "one two",
      EXPORTED: "yes",
      SINGLE: "$PLAIN stays",
      DOUBLE: "line1\nline2 one two",
      MULTI: "first\nsecond",
      REF: "one two-shell",
      INHERITED: "from shell",
      EMPTY: "",
    });
  });

  it("names the line of a malformed entry", () => {
    expect(() => parseDotenv("GOOD=1\nnot a variable\n")).toThrow(/line 2/);
    expect(() => parseDotenv('OPEN="never closed\n')).toThrow(/never closed/);
  });
});

describe("command strings", () => {
  it("split into words like a shell would, without running one", () => {
    expect(shellWords(`npm run start -- --port "8080" 'a b' c\\ d`)).toEqual([
      "npm",
      "run",
      "start",
      "--",
      "--port",
      "8080",
      "a b",
      "c d",
    ]);
    expect(shellWords(`sh -c "echo \\"hi\\" \\$HOME"`)).toEqual(["sh", "-c", 'echo "hi" $HOME']);
    expect(shellWords(`''`)).toEqual([""]);
    expect(() => shellWords(`echo "open`)).toThrow(/unclosed/);
  });
});

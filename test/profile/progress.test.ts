import { Writable } from "node:stream";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createProgress } from "../../src/profile/progress.js";
import type { ProgressEvent } from "../../src/profile/progress-types.js";
import { sanitizeLine, truncateVisible } from "../../src/profile/terminal-text.js";

class Sink extends Writable {
  text = "";
  columns = 80;
  rows = 24;
  override _write(chunk: Buffer | string, _enc: BufferEncoding, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

const events: ProgressEvent[] = [
  { type: "run", state: "started", at: 0 },
  { type: "task", id: "build:gateway", kind: "build", state: "waiting", at: 0 },
  { type: "task", id: "env:create", kind: "env:create", state: "waiting", at: 0 },
  { type: "task", id: "deploy:api", kind: "deploy", state: "waiting", at: 0 },
  { type: "task", id: "build:gateway", kind: "build", state: "running", at: 0.1 },
  { type: "task", id: "env:create", kind: "env:create", state: "running", at: 0.1 },
  { type: "log", id: "env:create", line: 'Creating cluster "paddock" ...', at: 1 },
  { type: "task", id: "build:gateway", kind: "build", state: "succeeded", cached: true, at: 12.3 },
  { type: "task", id: "env:create", kind: "env:create", state: "succeeded", at: 24.1 },
  { type: "task", id: "deploy:api", kind: "deploy", state: "running", at: 24.2 },
  { type: "log", id: "deploy:api", line: 'Waiting for deployment "api" rollout', at: 25 },
  { type: "task", id: "deploy:api", kind: "deploy", state: "retrying", attempt: 1, error: "probe failed", at: 30 },
  { type: "task", id: "deploy:api", kind: "deploy", state: "running", attempt: 2, at: 31 },
  { type: "task", id: "deploy:api", kind: "deploy", state: "failed", attempt: 2, error: "rollout timed out", at: 61.5 },
  { type: "run", state: "finished", at: 61.6 },
];

function feed(mode: "plain" | "quiet" | "json" | "tty", list = events, now?: () => number): string {
  const sink = new Sink();
  const progress = createProgress({ mode, stream: sink, ...(now === undefined ? {} : { now }) });
  for (const e of list) progress.onEvent(e);
  progress.close();
  progress.close();
  return sink.text;
}

afterEach(() => {
  vi.useRealTimers();
});

describe("plain progress", () => {
  it("prints one timestamped line per state change", () => {
    const lines = feed("plain").trimEnd().split("\n");
    expect(lines).toContain("[  12.3s] build:gateway  succeeded (cached)");
    expect(lines).toContain("[   0.1s] env:create  running");
    expect(lines).toContain("[  30.0s] deploy:api  retrying: probe failed");
    expect(lines).toContain("[  31.0s] deploy:api  running (attempt 2)");
    expect(lines).toContain("[  61.5s] deploy:api  failed (attempt 2): rollout timed out");
    expect(lines).toContain('    Waiting for deployment "api" rollout');
    expect(lines[0]).toBe("[   0.0s] run started");
    expect(lines.at(-1)).toBe("[  61.6s] run finished");
    expect(lines.some((l) => l.includes("waiting"))).toBe(false);
    expect(lines.some((l) => l.includes("Creating cluster"))).toBe(false);
    expect(feed("plain")).not.toContain("\x1b");
  });
});

describe("quiet progress", () => {
  it("prints only failures", () => {
    const out = feed("quiet");
    expect(out).toBe(
      '[  61.5s] deploy:api  failed (attempt 2): rollout timed out\n  last 1 log line(s) of deploy:api:\n    Waiting for deployment "api" rollout\n',
    );
    expect(
      feed(
        "quiet",
        events.filter((e) => !(e.type === "task" && e.state === "failed")),
      ),
    ).toBe("");
  });
});

describe("json progress", () => {
  it("prints one JSON line per event", () => {
    const lines = feed("json").trimEnd().split("\n");
    expect(lines).toHaveLength(events.length);
    expect(lines.map((l) => JSON.parse(l) as unknown)).toEqual(events);
  });
});

describe("tty progress", () => {
  it("leaves a clean final list and restores the cursor", () => {
    const out = feed("tty", events, () => 61.6);
    // Render the byte stream the way a terminal would, to check the final screen.
    const screen = emulate(out);
    expect(screen).toEqual([
      "↺ build:gateway  12.2s  cached",
      "✓ env:create  24.0s",
      "✗ deploy:api  37.3s (2 attempts)  rollout timed out",
      "  last 1 log line(s) of deploy:api:",
      '    Waiting for deployment "api" rollout',
      "2 succeeded (1 cached), 1 failed in 61.6s",
    ]);
    expect(out.startsWith("\x1b[?25l")).toBe(true);
    expect(out.endsWith("\x1b[?25h")).toBe(true);
  });

  it("ticks running tasks every 100 ms and stops ticking on close", () => {
    vi.useFakeTimers();
    const sink = new Sink();
    let t = 5;
    const progress = createProgress({ mode: "tty", stream: sink, now: () => t });
    progress.onEvent({ type: "task", id: "build:api", kind: "build", state: "running", at: 5 });
    expect(emulate(sink.text)[0]).toMatch(/build:api {2}0\.0s/);
    t = 7.25;
    vi.advanceTimersByTime(100);
    expect(emulate(sink.text)[0]).toMatch(/build:api {2}2\.3s/);
    const before = sink.text.length;
    vi.advanceTimersByTime(100);
    vi.advanceTimersByTime(100);
    expect(sink.text.length).toBeGreaterThan(before); // spinner frames
    progress.close();
    expect(vi.getTimerCount()).toBe(0);
    const after = sink.text.length;
    vi.advanceTimersByTime(1000);
    expect(sink.text.length).toBe(after);
    expect(emulate(sink.text)).toEqual(["- build:api  interrupted", "0 succeeded in 7.3s"]);
  });

  it("never writes a line wider than the terminal", () => {
    const sink = new Sink();
    sink.columns = 30;
    const progress = createProgress({ mode: "tty", stream: sink, now: () => 1 });
    progress.onEvent({
      type: "task",
      id: "deploy:a-very-long-service-name-indeed",
      kind: "deploy",
      state: "running",
      at: 0,
    });
    progress.onEvent({
      type: "log",
      id: "deploy:a-very-long-service-name-indeed",
      line: "\x1b[31mred\x1b[0m\tlog line that goes on",
      at: 0.5,
    });
    progress.close();
    for (const line of emulate(sink.text, 30)) expect(line.length).toBeLessThanOrEqual(29);
  });
});

describe("helpers", () => {
  it("truncates by visible width and strips control sequences from log lines", () => {
    expect(truncateVisible("\x1b[32mabcdef\x1b[0m", 3)).toBe("\x1b[32mabc\x1b[0m");
    expect(sanitizeLine("\x1b[2K\x1b[31mred\x1b[0m\tx\r")).toBe("red x");
  });
});

/** A tiny terminal emulator: enough of ANSI (CR, LF, CUU, EL, ED, colours ignored) to get the final screen. */
function emulate(output: string, columns = 200): string[] {
  const screen: string[] = [""];
  let row = 0;
  let col = 0;
  for (let i = 0; i < output.length;) {
    const ch = output[i] ?? "";
    if (ch === "\x1b") {
      // eslint-disable-next-line no-control-regex
      const m = /^\x1b\[(\??)(\d*)([A-Za-z])/.exec(output.slice(i));
      if (m === null) throw new Error(`unknown escape at ${i}`);
      const n = m[2] === "" ? 0 : Number(m[2]);
      const cmd = m[3];
      if (m[1] === "") {
        if (cmd === "A") row = Math.max(0, row - Math.max(1, n));
        else if (cmd === "K") screen[row] = (screen[row] ?? "").slice(0, col);
        else if (cmd === "J") {
          screen.splice(row + 1);
          screen[row] = (screen[row] ?? "").slice(0, col);
        }
      }
      i += m[0].length;
      continue;
    }
    if (ch === "\r") col = 0;
    else if (ch === "\n") {
      row++;
      col = 0;
      while (screen.length <= row) screen.push("");
    } else {
      const line = (screen[row] ?? "").padEnd(col);
      screen[row] = line.slice(0, col) + ch + line.slice(col + ch.length);
      col += ch.length;
      if (col > columns) throw new Error(`line ${row} wider than ${columns}`);
    }
    i++;
  }
  return screen.filter((l, index) => l !== "" || index < screen.length - 1);
}

import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { buildStep } from "../../src/profile/build-step.js";
import { colorEnabled, liveProgressByDefault } from "../../src/profile/color.js";
import { createProgress } from "../../src/profile/progress.js";

class Sink extends Writable {
  text = "";
  columns = 120;
  rows = 24;
  override _write(chunk: Buffer | string, _enc: BufferEncoding, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

// eslint-disable-next-line no-control-regex
const SGR = /\x1b\[[0-9;]*m/;

describe("the build step of a line of build output", () => {
  it.each([
    ["#8 [builder 3/5] RUN go build -o /out ./...", "[builder 3/5] RUN go build -o /out ./..."],
    ["#5 [2/3] COPY package.json ./", "[2/3] COPY package.json ./"],
    [
      "#12 [stage-1 1/2] FROM docker.io/library/debian:bookworm@sha256:abc",
      "[stage-1 1/2] FROM docker.io/library/debian:bookworm@sha256:abc",
    ],
    ["Step 3/5 : RUN apt-get update", "[3/5] RUN apt-get update"],
    ["STEP 2/4: COPY . /app", "[2/4] COPY . /app"],
  ])("%s", (line, step) => {
    expect(buildStep(line)).toBe(step);
  });

  it.each([
    "#8 0.512 go: downloading golang.org/x/sys v0.1.0",
    "#8 DONE 12.1s",
    "#8 CACHED",
    "#1 [internal] load build definition from Dockerfile",
    "#4 [auth] library/debian:pull token",
    " ---> Running in 3f2a1b",
    "Successfully built 3f2a1b",
  ])("%s is no step", (line) => {
    expect(buildStep(line)).toBeUndefined();
  });
});

describe("colour decisions", () => {
  it("follow NO_COLOR (any non-empty value), FORCE_COLOR (non-empty, not 0), else the terminal", () => {
    const tty = { isTTY: true };
    const pipe = { isTTY: false };
    expect(colorEnabled(tty, {})).toBe(true);
    expect(colorEnabled(pipe, {})).toBe(false);
    expect(colorEnabled(tty, { NO_COLOR: "1" })).toBe(false);
    expect(colorEnabled(tty, { NO_COLOR: "" })).toBe(true);
    expect(colorEnabled(pipe, { FORCE_COLOR: "1" })).toBe(true);
    expect(colorEnabled(pipe, { FORCE_COLOR: "0" })).toBe(false);
    expect(colorEnabled(pipe, { FORCE_COLOR: "" })).toBe(false);
    expect(colorEnabled(pipe, { FORCE_COLOR: "1", NO_COLOR: "1" })).toBe(false);
    expect(liveProgressByDefault(tty, {})).toBe(true);
    expect(liveProgressByDefault(tty, { CI: "true" })).toBe(false);
    expect(liveProgressByDefault(tty, { NO_COLOR: "x" })).toBe(false);
    expect(liveProgressByDefault(pipe, {})).toBe(false);
  });

  it("the live list paints only when colour is on", () => {
    const feed = (color: boolean): string => {
      const sink = new Sink();
      const progress = createProgress({ mode: "tty", stream: sink, now: () => 1, color });
      progress.onEvent({ type: "task", id: "build:api", kind: "build", state: "running", at: 0 });
      progress.onEvent({ type: "task", id: "build:api", kind: "build", state: "failed", error: "boom", at: 1 });
      progress.close();
      return sink.text;
    };
    expect(feed(true)).toMatch(SGR);
    expect(feed(false)).not.toMatch(SGR);
  });
});

describe("the live list shows a running build's step", () => {
  it("keeps the last step while the step prints output, and shows that output after it", () => {
    const sink = new Sink();
    const progress = createProgress({ mode: "tty", stream: sink, now: () => 14, color: false });
    progress.onEvent({ type: "task", id: "build:api", kind: "build", state: "running", at: 0 });
    progress.onEvent({
      type: "log",
      id: "build:api",
      line: "#1 [internal] load build definition from Dockerfile",
      at: 0.1,
    });
    progress.onEvent({ type: "log", id: "build:api", line: "#8 [builder 3/5] RUN go build ./...", at: 2 });
    const atStep = sink.text.length;
    progress.onEvent({ type: "log", id: "build:api", line: "#8 4.12 compiling internal/server", at: 6 });
    const frame = sink.text.slice(atStep);
    expect(frame).toContain("build:api  14.0s  [builder 3/5] RUN go build ./...  #8 4.12 compiling internal/server");
    progress.close();
  });

  it("shows the last log line for other tasks, as before", () => {
    const sink = new Sink();
    const progress = createProgress({ mode: "tty", stream: sink, now: () => 1, color: false });
    progress.onEvent({ type: "task", id: "deploy:api", kind: "deploy", state: "running", at: 0 });
    progress.onEvent({ type: "log", id: "deploy:api", line: "#8 [1/2] looks like a step", at: 0.5 });
    expect(sink.text).toContain("deploy:api  1.0s  #8 [1/2] looks like a step");
    progress.close();
  });
});

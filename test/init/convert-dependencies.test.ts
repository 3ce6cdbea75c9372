import { describe, expect, it } from "vitest";
import { convertFiles, notesAbout } from "./helpers.js";

const compose = (...lines: string[]): Record<string, string> => ({ "compose.yaml": lines.join("\n") + "\n" });

describe("healthchecks and dependencies", () => {
  it("chooses the ready check by the healthcheck's form, and notes where Paddock waits differently", () => {
    const { stack, report } = convertFiles(
      compose(
        "services:",
        "  cmd: { image: a:1, healthcheck: { test: [CMD, probe, --ok], timeout: 3s, start_interval: 1s, interval: 1m30s, retries: 2 } }",
        "  shell: { image: a:1, healthcheck: { test: [CMD-SHELL, 'curl -f localhost || exit 1'], interval: 500ms, retries: 3 } }",
        "  string: { image: a:1, healthcheck: { test: 'probe --ok' } }",
        "  image-check: { image: a:1, healthcheck: { interval: 5s } }",
        "  disabled: { image: a:1, healthcheck: { disable: true } }",
        "  none: { image: a:1, healthcheck: { test: [NONE] } }",
        "  bad: { image: a:1, healthcheck: { test: [probe] } }",
        "  plain: { image: a:1 }",
        "  implicit: { image: a:1 }",
        "  client:",
        "    image: a:1",
        "    depends_on:",
        "      cmd: { condition: service_started, restart: true }",
        "      plain: { condition: service_started }",
        "      implicit: { condition: service_healthy }",
        "      disabled: { condition: service_healthy }",
        "      job: { condition: service_started }",
        "      ghost: { condition: service_started, required: false }",
        "  job: { image: a:1, command: [migrate], ports: ['80'], healthcheck: { test: [CMD, x] } }",
        "  after-job: { image: a:1, depends_on: { job: { condition: service_completed_successfully } } }",
      ),
    );
    const s = stack.services;
    expect(s["cmd"]?.ready).toEqual({ exec: ["probe", "--ok"] });
    expect(s["cmd"]?.timeout).toBe("180s");
    expect(s["shell"]?.ready).toEqual({ exec: ["sh", "-c", "curl -f localhost || exit 1"] });
    expect(s["shell"]?.timeout).toBe("1500ms");
    expect(s["string"]?.ready).toEqual({ exec: ["sh", "-c", "probe --ok"] });
    expect(s["image-check"]?.ready).toEqual({ healthcheck: true });
    expect(s["disabled"]?.ready).toBeUndefined();
    expect(s["none"]?.ready).toBeUndefined();
    expect(s["bad"]?.ready).toBeUndefined();
    expect(s["plain"]?.ready).toBeUndefined();
    expect(s["implicit"]?.ready).toEqual({ healthcheck: true });
    expect(s["client"]?.dependsOn).toEqual(["cmd", "plain", "implicit", "disabled", "job"]);
    expect(stack.jobs["job"]).toEqual({ image: "a:1", command: ["migrate"] });
    expect(s["after-job"]?.dependsOn).toEqual(["job"]);

    const at = (scope: string, field: string): string[] => notesAbout(report.notes, scope, field);
    expect(at("cmd", "healthcheck.timeout")[0]).toMatch(/"3s": Paddock's checks have no per-check time limit/);
    expect(at("cmd", "healthcheck.start_interval")[0]).toMatch(/Paddock polls at one interval from the start/);
    expect(at("image-check", "healthcheck")[0]).toMatch(
      /has no test: ready: \{ healthcheck: true \} waits for the image's own HEALTHCHECK/,
    );
    expect(at("disabled", "healthcheck")[0]).toMatch(/disabled: no ready: check/);
    expect(at("none", "healthcheck")[0]).toMatch(/disabled: no ready: check/);
    expect(at("bad", "healthcheck.test")[0]).toMatch(/must start with CMD, CMD-SHELL or NONE/);
    expect(at("implicit", "healthcheck")[0]).toMatch(
      /client waits for it to be healthy and it sets no healthcheck: ready: \{ healthcheck: true \}/,
    );
    expect(at("client", "depends_on.cmd")[0]).toMatch(
      /service_started: Paddock starts this once cmd is ready \(its ready: check passed\), later than Compose would/,
    );
    expect(at("client", "depends_on.cmd.restart")).toEqual([
      "dropped depends_on.cmd.restart: Paddock never restarts a workload when its dependency restarts",
    ]);
    expect(at("client", "depends_on.plain")).toEqual([]);
    expect(at("client", "depends_on.disabled")[0]).toMatch(
      /service_healthy: disabled has no usable health check, so Paddock starts this once disabled started/,
    );
    expect(at("client", "depends_on.job")[0]).toMatch(
      /service_started: job runs as a job, so this starts only after it finished successfully/,
    );
    expect(at("client", "depends_on.ghost")).toEqual([
      "dropped depends_on.ghost: ghost is not a service of the project (an optional dependency)",
    ]);
    expect(at("job", "ports")[0]).toMatch(/a job publishes no ports/);
    expect(at("job", "healthcheck")[0]).toMatch(/a job is done when its command exits 0/);
  });
});

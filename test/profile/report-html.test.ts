import { describe, expect, it } from "vitest";
import { escapeHtml } from "../../src/profile/html-escape.js";
import { renderReportHtml } from "../../src/profile/report-html.js";
import { failedGraphProfile, loadFixture, profileOf, task } from "./helpers/fixtures.js";

const barTag = (html: string, id: string): string | undefined =>
  new RegExp(`<g [^>]*data-task-id="${id.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}"[^>]*>`).exec(html)?.[0];

describe("renderReportHtml", () => {
  it("is one self-contained page with a bar per task, a legend and the tables", () => {
    const profile = loadFixture("seeds-graph");
    const html = renderReportHtml(profile, { estimates: { phased: 201.1, sequential: 276.8 } });
    expect(html.startsWith("<!DOCTYPE html>")).toBe(true);
    expect(html).not.toMatch(/<(link|img|iframe)\b/i);
    expect(html).not.toMatch(/\bsrc=|https?:\/\/(?!www\.w3\.org\/2000\/svg)/);
    expect(html).not.toMatch(/@import|@font-face|url\(/);
    for (const t of profile.tasks) expect(barTag(html, t.id)).toBeDefined();
    expect(html).toContain('class="legend"');
    for (const label of [
      "Build images",
      "Create environment",
      "Load images",
      "Deploy services",
      "Test",
      "Teardown",
      "Critical path",
    ]) {
      expect(html).toContain(label);
    }
    expect(html).toContain("the same run would have taken 201.1s phased / 276.8s sequential");
    expect(html).toContain("1 / 3 builds");
    expect(html).toContain("seconds from run start");
  });

  it("highlights the critical path and shows hover details", () => {
    const html = renderReportHtml(loadFixture("seeds-graph"));
    expect(barTag(html, "build:signalprocessing")).toMatch(/class="[^"]*\bcritical\b[^"]*"[\s\S]*data-critical="yes"/);
    expect(barTag(html, "build:datastorage")).toMatch(/class="[^"]*"/);
    expect(barTag(html, "build:datastorage")).not.toMatch(/class="[^"]*\bcritical\b/);
    expect(barTag(html, "build:datastorage")).toContain('data-critical="no"');
    expect(barTag(html, "build:gateway")).toContain('data-cached="yes"');
    expect(barTag(html, "deploy:redis")).toContain('data-attempts="2"');
    expect(html).toMatch(/<title>build:signalprocessing\nBuild images \(build\)\nstart 0\.0s · end 128\.0s · 128\.0s/);
    expect(html).toContain('id="hover"');
  });

  it("shows failed tasks in red with their error", () => {
    const html = renderReportHtml(failedGraphProfile());
    expect(barTag(html, "deploy:signalprocessing")).toContain("state-failed");
    expect(html).toMatch(/data-failed-task="deploy:signalprocessing"[\s\S]*rollout timed out: 0\/1 pods ready/);
    expect(html).toContain('fill="#d62728"');
    expect(barTag(html, "test")).toContain("state-cancelled");
  });

  it("escapes every user-provided string", () => {
    const evil = `deploy:<img src=x onerror="alert(1)">&'`;
    const error = `</pre><script>alert("x")</script>`;
    const profile = profileOf(
      [
        task("build:a", "build", 0, 5),
        task(evil, "deploy", 5, 9, {
          dependsOn: ["build:a"],
          state: "failed",
          error,
          attemptLog: [{ start: 5, end: 9, outcome: error }],
        }),
      ],
      { stack: "<stack>", runId: `"run"`, state: "failed" },
    );
    const html = renderReportHtml(profile, { title: "<b>title</b>" });
    expect(html).not.toContain("<img");
    expect(html).not.toContain("<script>alert");
    expect(html).not.toContain("<stack>");
    expect(html).not.toContain("<b>title</b>");
    expect(html).toContain(escapeHtml(evil));
    expect(html).toContain(`data-task-id="${escapeHtml(evil)}"`);
    expect(html).toContain("&lt;/pre&gt;&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;");
    // The only script is the report's own.
    expect(html.match(/<script>/g)).toHaveLength(1);
  });
});

describe("escapeHtml", () => {
  it("escapes the five HTML-significant characters", () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe("&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
  });
});

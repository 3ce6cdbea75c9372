import { describe, expect, it } from "vitest";
import { formatChanges, workloadChanges } from "../../src/profile/changes.js";
import { profileOf, task } from "./helpers/fixtures.js";

const env = (change: "created" | "updated" | "unchanged") => task("env:create", "env:create", 0, 0.1, { change });
const deploy = (name: string, change: "created" | "updated" | "unchanged") =>
  task(`deploy:${name}`, "deploy", 0.1, 0.5, { change });

describe("what an update in place changed, in the profile and the summary", () => {
  it("says nothing for a run that made its environment", () => {
    const profile = profileOf([env("created"), deploy("api", "created")]);
    expect(workloadChanges(profile)).toBeUndefined();
    expect(formatChanges(profile)).toBeUndefined();
  });

  it("says that nothing changed when every workload was left alone", () => {
    expect(formatChanges(profileOf([env("unchanged"), deploy("api", "unchanged")]))).toBe(
      "Nothing changed: the running environment was left as it was (1 workload unchanged)",
    );
  });

  it("lists what was replaced, made and left alone, a job included", () => {
    const profile = profileOf([
      env("unchanged"),
      deploy("api", "updated"),
      deploy("db", "unchanged"),
      task("job:migrate", "job", 0.1, 0.3, { change: "updated" }),
      deploy("new", "created"),
    ]);
    expect(workloadChanges(profile)).toEqual({ created: ["new"], updated: ["api", "migrate"], unchanged: ["db"] });
    expect(formatChanges(profile)).toBe("Updated in place: updated api, migrate; created new; 1 unchanged (db)");
  });

  it("never says nothing changed when the update failed", () => {
    const failed = task("deploy:api", "deploy", 0.1, 5, { state: "failed" });
    expect(formatChanges(profileOf([env("unchanged"), deploy("db", "unchanged"), failed], { state: "failed" }))).toBe(
      "Before the update stopped: 1 unchanged (db)",
    );
  });
});

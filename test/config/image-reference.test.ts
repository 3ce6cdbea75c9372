import { describe, expect, it } from "vitest";
import { imageReferenceProblem } from "../../src/config/image-reference.js";

describe("image references follow Docker's grammar", () => {
  it.each([
    "redis",
    "redis:7",
    "postgres:16-bookworm",
    "library/redis:7.2.4",
    "docker.io/library/redis:latest",
    "127.0.0.1:5000/team/api:1.2",
    "localhost:5000/cache",
    "registry.example.com/a/b/c_d__e.f-g:v1_2.3-rc",
    "Registry.Example.com/team/api",
    "[::1]:5000/team/api:dev",
    `alpine@sha256:${"a".repeat(64)}`,
    `alpine:3.20@sha256:${"0123456789abcdef".repeat(4)}`,
    `x:${"t".repeat(128)}`,
  ])("accepts %s", (reference) => {
    expect(imageReferenceProblem(reference)).toBeUndefined();
  });

  it.each([
    ["", "it is empty"],
    ["Redis Latest", "it contains whitespace"],
    ["Redis:7", '"Redis" has capital letters: repository names are lowercase'],
    ["team/My-Api:1", '"My-Api" has capital letters: repository names are lowercase'],
    ["redis:-7", `tag "-7" is not valid: letters, digits, '_', '.' and '-', not starting with '.' or '-'`],
    [`redis:${"t".repeat(129)}`, "tag of 129 characters is too long (at most 128)"],
    ["redis@sha256:abc", 'digest "sha256:abc" is not algorithm:hex (e.g. sha256:<64 hex digits>)'],
    [`redis@sha256:${"a".repeat(40)}`, "a sha256 digest has 64 hex digits, this one 40"],
    ["team//api", "it has an empty path component (two '/' in a row, or a '/' at an end)"],
    [
      "api-:1",
      `"api-" is not a valid repository name: lowercase letters and digits, separated by '.', '_', '__' or '-'`,
    ],
    ["reg_istry.com:5000/api", 'registry host "reg_istry.com:5000" is not a host name or address'],
    ["localhost:99999/api", "registry port 99999 is out of range (1-65535)"],
    [`${"a".repeat(256)}:1`, "the repository name is 256 characters (at most 255)"],
  ])("refuses %j: %s", (reference, problem) => {
    expect(imageReferenceProblem(reference)).toBe(problem);
  });
});

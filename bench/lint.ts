/**
 * Lint benchmark: writes 500 varied Dockerfiles to a temp dir and lints them with `lintFiles`.
 * Prints wall time and files/s; the last line is `{"files":500,"seconds":s}`. Target: < 2 s.
 *
 *   npm run -s build && node dist/bench/lint.js
 */
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import { lintFiles } from "../src/lint/index.js";

const FILES = 500;

const bases = [
  "golang:1.22",
  "node:20.15-alpine",
  "python:3.12-slim",
  "ubuntu",
  "debian:latest",
  "registry.access.redhat.com/ubi9/ubi-minimal:9.4",
  "alpine@sha256:" + "a".repeat(64),
];
const installs = [
  "dnf install -y --nodocs git make && dnf clean all",
  "microdnf update -y && microdnf install -y shadow-utils",
  "apt-get update && apt-get install -y --no-install-recommends curl ca-certificates && rm -rf /var/lib/apt/lists/*",
  "apt-get update && apt-get -y dist-upgrade",
  "apk add --no-cache git && apk upgrade",
  "zypper -n in tar gzip",
];

function dockerfile(i: number): string {
  const base = bases[i % bases.length] as string;
  const install = installs[i % installs.length] as string;
  const lines: string[] = [];
  if (i % 5 === 0) lines.push("# syntax=docker/dockerfile:1.7");
  if (i % 4 === 0) lines.push(`ARG BASE=${base}`, "FROM ${BASE} AS build");
  else lines.push(`FROM ${base} AS build`);
  lines.push("WORKDIR /src");
  lines.push(`# step ${i}: dnf update is discussed here but not run`);
  if (i % 3 === 0) {
    lines.push("COPY . .", "RUN go mod download", "ARG GOFLAGS", "RUN go build -o /out/app ./cmd/app");
  } else {
    lines.push("COPY go.mod go.sum ./", "RUN go mod download", "COPY . .");
    lines.push(
      "RUN set -eux; \\",
      `    ${install} && \\`,
      "    # a comment line inside the continuation",
      "    go build -o /out/app ./cmd/app",
    );
  }
  if (i % 7 === 0) lines.push("RUN <<EOF", "set -e", install, "echo done", "EOF");
  if (i % 6 === 0) lines.push("# paddock-ignore: package-upgrade compliance needs patched packages", `RUN ${install}`);
  lines.push("", i % 2 === 0 ? "FROM gcr.io/distroless/static-debian12:nonroot" : "FROM build AS final");
  lines.push("COPY --from=build /out/app /app");
  if (i % 3 === 1) lines.push("USER 65532:65532");
  if (i % 11 === 0) lines.push("USER root");
  lines.push('ENTRYPOINT ["/app"]');
  return lines.join("\n") + "\n";
}

async function main(): Promise<void> {
  const dir = await mkdtemp(path.join(tmpdir(), "paddock-lint-bench-"));
  try {
    const paths: string[] = [];
    for (let i = 0; i < FILES; i++) {
      const file = path.join(dir, `svc${i}`, i % 2 === 0 ? "Dockerfile" : `svc${i}.Dockerfile`);
      paths.push(file);
    }
    await Promise.all(
      paths.map(async (p, i) => {
        await mkdir(path.dirname(p), { recursive: true });
        await writeFile(p, dockerfile(i));
      }),
    );
    const start = performance.now();
    const findings = await lintFiles(paths, { cwd: dir });
    const seconds = (performance.now() - start) / 1000;
    const byRule = new Map<string, number>();
    for (const f of findings) byRule.set(f.rule, (byRule.get(f.rule) ?? 0) + 1);
    console.log(
      `linted ${FILES} Dockerfiles in ${seconds.toFixed(3)} s (${Math.round(FILES / seconds)} files/s), ${findings.length} findings`,
    );
    for (const [rule, n] of [...byRule].sort()) console.log(`  ${rule}: ${n}`);
    console.log(JSON.stringify({ files: FILES, seconds: Number(seconds.toFixed(3)) }));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

await main();

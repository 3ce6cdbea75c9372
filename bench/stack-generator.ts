/**
 * A large, valid stack for load benchmarks and the large-file test: services in chains of
 * dependencies, each with env, ports, a readiness check and a timeout, and a fragment
 * (`shared.yaml`) that the main file includes and partly overrides.
 */
export interface GeneratedStack {
  /** File name → content; `paddock.yaml` is the stack file. */
  files: Record<string, string>;
  bytes: number;
  services: number;
}

function service(i: number): string {
  const name = `svc-${i}`;
  const lines = [
    `  ${name}:`,
    `    image: ${i % 3 === 0 ? "api" : "worker"}`,
    `    command: [/app, --listen, ":8080", --name, ${name}]`,
    "    env:",
    `      SERVICE_NAME: ${name}`,
    `      LOG_LEVEL: ${i % 2 === 0 ? "debug" : "info"}`,
    `      UPSTREAM_URL: http://svc-${Math.max(0, i - 1)}:8080/api/v1/items?limit=100`,
    `      FEATURE_FLAGS: "alpha,beta,gamma,delta,${i}"`,
    "    ports: [8080, 9090]",
    "    ready: { http: { port: 8080, path: /healthz } }",
    "    timeout: 90s",
  ];
  if (i % 10 !== 0) lines.push(`    dependsOn: [svc-${i - 1}]`);
  return lines.join("\n") + "\n";
}

/** One service whose env map holds the whole size: the widest mapping a stack file can have. */
function wideService(targetBytes: number): { text: string; keys: number } {
  const lines = ["  wide:", '    image: "redis:7"', "    env:"];
  let bytes = 0;
  let keys = 0;
  while (bytes < targetBytes) {
    const line = `      KEY_${keys}: value-${keys}-for-a-wide-mapping`;
    lines.push(line);
    bytes += line.length + 1;
    keys++;
  }
  return { text: lines.join("\n") + "\n", keys };
}

/**
 * A stack of about `targetBytes` (the main file; the fragment is small): `services` spreads it
 * over thousands of services, `wide` puts it in one service's env (one mapping of many keys).
 */
export function generatedStack(targetBytes: number, shape: "services" | "wide" = "services"): GeneratedStack {
  const head = [
    "name: big",
    "include: [shared.yaml]",
    "images:",
    "  api: { dockerfile: Dockerfile }",
    '  worker: { dockerfile: Dockerfile, args: { BASE: "${images.api}" } }',
    "services:",
    "",
  ].join("\n");
  const parts = [head];
  let bytes = head.length;
  let count = 0;
  if (shape === "wide") {
    const wide = wideService(targetBytes);
    parts.push(service(count++), wide.text);
    bytes += wide.text.length;
    count++;
  }
  while (bytes < targetBytes) {
    const text = service(count++);
    parts.push(text);
    bytes += text.length;
  }
  const shared = ["services:", "  svc-0:", "    timeout: 30s", '    env: { FROM_FRAGMENT: "yes" }', ""].join("\n");
  return {
    files: { "paddock.yaml": parts.join(""), "shared.yaml": shared, Dockerfile: "FROM paddock/debian:bookworm\n" },
    bytes,
    services: count,
  };
}

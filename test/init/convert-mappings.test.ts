import { describe, expect, it } from "vitest";
import { convertFiles, notesAbout } from "./helpers.js";

const compose = (...lines: string[]): Record<string, string> => ({ "compose.yaml": lines.join("\n") + "\n" });

describe("ports", () => {
  it("maps every short and long form to container ports or fixed host:container pairs, on 127.0.0.1", () => {
    const { stack, report } = convertFiles(
      compose(
        "services:",
        "  web:",
        "    image: web:1",
        "    ports:",
        "      - 80",
        "      - '81'",
        "      - '8082:82'",
        "      - '127.0.0.1::83'",
        "      - '127.0.0.1:8084:84'",
        "      - '3000-3001'",
        "      - '9090-9091:8080-8081'",
        "      - '8000-8010:85'",
        "      - '10.1.2.3:8086:86'",
        "      - '[::1]:8087:87'",
        "      - '53:53/udp'",
        "      - '8088:88/tcp'",
        "      - '9999:80'",
        "      - 'not a port'",
        "      - { target: 89, published: '8089', host_ip: 127.0.0.1, protocol: tcp, mode: host, name: web, app_protocol: http }",
        "      - { target: 90 }",
        "      - { target: 91, protocol: udp }",
      ),
    );
    expect(stack.services["web"]?.ports).toEqual([
      80,
      81,
      "8082:82",
      83,
      "8084:84",
      3000,
      3001,
      "9090:8080",
      "9091:8081",
      85,
      "8086:86",
      "8087:87",
      "8088:88",
      "8089:89",
      90,
    ]);
    const web = (field: string): string[] => notesAbout(report.notes, "web", field);
    expect(web("ports")).toEqual([
      "changed ports: Paddock publishes on 127.0.0.1 only, where Compose publishes these on every interface",
    ]);
    expect(web("ports[7]")).toEqual([
      'changed ports[7]: "8000-8010:85": Paddock publishes on a free port instead of one from the range 8000-8010',
    ]);
    expect(web("ports[8]")).toEqual(['changed ports[8]: "10.1.2.3:8086:86": published on 127.0.0.1, not on 10.1.2.3']);
    expect(web("ports[9]")).toEqual(['changed ports[9]: "[::1]:8087:87": published on 127.0.0.1, not on ::1']);
    expect(web("ports[10]")).toEqual([
      'dropped ports[10]: "53:53/udp": Paddock publishes TCP ports only (udp has no equivalent)',
    ]);
    expect(web("ports[12]")).toEqual([
      'dropped ports[12]: "9999:80": container port 80 is already published; Paddock publishes each container port once',
    ]);
    expect(web("ports[13]")).toEqual(['dropped ports[13]: "not a port": not a port Paddock understands']);
    expect(web("ports[14].mode")).toEqual([
      'dropped ports[14].mode: "host": Paddock publishes plain TCP ports on 127.0.0.1; mode has no equivalent',
    ]);
    expect(web("ports[14].name")).toHaveLength(1);
    expect(web("ports[14].app_protocol")).toHaveLength(1);
    expect(web("ports[16]")).toEqual([
      'dropped ports[16]: {"target":91,"protocol":"udp"}: Paddock publishes TCP ports only (udp has no equivalent)',
    ]);
  });
});

describe("volumes, secrets and configs", () => {
  it("maps bind mounts, named volumes and file secrets/configs, and reports the rest", () => {
    const { stack, report } = convertFiles({
      ...compose(
        "services:",
        "  app:",
        "    image: app:1",
        "    volumes:",
        "      - ./conf:/etc/app:ro",
        "      - data:/var/lib/app",
        "      - /anonymous",
        "      - ./missing:/missing",
        "      - ./conf:/etc/z:ro,z",
        "      - { type: bind, source: ./conf, target: /long, read_only: true, bind: { propagation: rshared } }",
        "      - { type: volume, source: data, target: /long-data, volume: { nocopy: true } }",
        "      - { type: tmpfs, target: /scratch }",
        "      - { type: volume, target: /anon-long }",
        "    secrets: [token, { source: token, target: api-token, uid: '1000' }, from_env]",
        "    configs: [nginx, inline]",
        "volumes:",
        "  data: { driver: local, external: true }",
        "secrets:",
        "  token: { file: ./token.txt, labels: { a: b } }",
        "  from_env: { environment: API_TOKEN }",
        "configs:",
        "  nginx: { file: ./conf/nginx.conf }",
        "  inline: { content: 'x = 1' }",
      ),
      "conf/nginx.conf": "server {}\n",
      "token.txt": "t0k3n\n",
    });
    expect(stack.services["app"]?.volumes).toEqual([
      "./conf:/etc/app:ro",
      "data:/var/lib/app",
      "./conf:/etc/z:ro",
      "./conf:/long:ro",
      "data:/long-data",
      "./token.txt:/run/secrets/token:ro",
      "./token.txt:/run/secrets/api-token:ro",
      "./conf/nginx.conf:/nginx:ro",
    ]);
    const app = (field: string): string[] => notesAbout(report.notes, "app", field);
    expect(app("volumes[2]")[0]).toMatch(/an anonymous volume; Paddock mounts named volumes and host paths/);
    expect(app("volumes[3]")[0]).toMatch(
      /missing does not exist; Compose would create it, Paddock requires it: create it, then add "\.\/missing:\/missing" to volumes/,
    );
    expect(app("volumes[4]")).toEqual([
      'dropped volumes[4]: "./conf:/etc/z:ro,z": mount options z have no Paddock equivalent (only ro/rw)',
    ]);
    expect(app("volumes[5].bind")).toEqual([
      'dropped volumes[5].bind: {"propagation":"rshared"}: mount options have no Paddock equivalent',
    ]);
    expect(app("volumes[6].volume")).toHaveLength(1);
    expect(app("volumes[7]")).toEqual([
      'dropped volumes[7]: {"type":"tmpfs","target":"/scratch"}: tmpfs mounts have no Paddock equivalent',
    ]);
    expect(app("volumes[8]")[0]).toMatch(/anonymous volume/);
    expect(app("secrets[1].uid")).toEqual([
      'dropped secrets[1].uid: "1000": the file is mounted with its own owner and mode',
    ]);
    expect(app("secrets[2]")).toEqual([
      'dropped secrets[2]: "from_env" comes from the variable API_TOKEN; Paddock mounts files only: write it to a file and mount it with volumes',
    ]);
    expect(app("configs[1]")[0]).toMatch(/"inline" is inline content; Paddock mounts files only/);
    expect(notesAbout(report.notes, "", "volumes.data.driver")).toEqual([
      "dropped volumes.data.driver: \"local\": Paddock's volumes belong to the run and use Docker's local driver",
    ]);
    expect(notesAbout(report.notes, "", "volumes.data.external")[0]).toMatch(
      /made empty at its start, removed at teardown/,
    );
    expect(notesAbout(report.notes, "", "secrets.token.labels")).toHaveLength(1);
  });
});

describe("commands and environment", () => {
  it("splits string commands like Compose, keeps lists, and reads env_file forms", () => {
    const { stack, report } = convertFiles(
      {
        ...compose(
          "services:",
          "  a:",
          "    image: a:1",
          "    command: sh -c 'echo \"$$HOME\" && sleep 1'",
          "    entrypoint: /entry.sh --verbose",
          "    env_file: [base.env, { path: raw.env, format: raw }, { path: optional.env, required: false }]",
          "    environment: [FROM_LIST=1, FROM_SHELL, NOT_SET, API_KEY=k]",
          "  b:",
          "    image: b:1",
          "    entrypoint: []",
          "    environment: { MAPPED: 2, EMPTY: '', NULL_VALUE: null }",
          "    env_file: base.env",
        ),
        "base.env": "BASE=1\nFROM_LIST=overridden\nREF=${FROM_SHELL}\n",
        "raw.env": "RAW=${NOT_INTERPOLATED}\n",
      },
      { env: { FROM_SHELL: "shell" } },
    );
    expect(stack.services["a"]?.command).toEqual(["sh", "-c", 'echo "$HOME" && sleep 1']);
    expect(stack.services["a"]?.entrypoint).toEqual(["/entry.sh", "--verbose"]);
    expect(stack.services["a"]?.env).toEqual({
      BASE: "1",
      FROM_LIST: "1",
      REF: "shell",
      RAW: "${NOT_INTERPOLATED}",
      FROM_SHELL: "shell",
      API_KEY: "k",
    });
    expect(stack.services["a"]?.secretEnv).toEqual(["API_KEY"]);
    expect(notesAbout(report.notes, "a", "environment.NOT_SET")).toEqual([
      "dropped environment.NOT_SET: has no value and the variable is not set here; Compose passes it only when it is set, so it is left out",
    ]);
    expect(stack.services["b"]?.env).toEqual({
      BASE: "1",
      FROM_LIST: "overridden",
      REF: "shell",
      MAPPED: "2",
      EMPTY: "",
    });
    expect(stack.services["b"]?.entrypoint).toBeUndefined();
    expect(notesAbout(report.notes, "b", "entrypoint")[0]).toMatch(
      /an empty entrypoint clears the image's ENTRYPOINT in Compose; Paddock keeps the image's/,
    );
    expect(notesAbout(report.notes, "b", "environment.NULL_VALUE")).toHaveLength(1);
    expect(notesAbout(report.notes, "a", "env_file[0]")[0]).toMatch(
      /^changed env_file\[0\]: base\.env is read now and its values written into env: \(Paddock reads no env files/,
    );
    expect(notesAbout(report.notes, "a", "env_file[2]")).toEqual([]); // optional and missing: nothing read
  });

  it("fails with the field when a required env_file is missing", () => {
    expect(() => convertFiles(compose("services:", "  a:", "    image: a:1", "    env_file: nope.env"))).toThrow(
      /services\.a\.env_file\[0\]: env file not found/,
    );
  });
});

describe("builds", () => {
  it("reads string and list forms, takes value-less args from the environment, and reports what builders cannot do", () => {
    const { stack, report } = convertFiles(
      {
        ...compose(
          "services:",
          "  api:",
          "    build:",
          "      context: api",
          "      args: [VERSION, UNSET_ARG, PLAIN=1]",
          "      network: backend",
          "      cache_from: [type=local,src=/tmp/cache]",
          "      no_cache: true",
          "      tags: ['api:extra']",
          "      ssh: [default]",
          "      x-note: ignored",
          "  worker: { build: ./worker }",
          "  remote: { build: 'https://github.com/example/app.git', image: 'example/app:1' }",
          "  inline: { build: { dockerfile_inline: 'FROM scratch' } }",
          "  nodir: { build: ./does-not-exist }",
          "  client: { image: example/app:1, depends_on: [inline] }",
        ),
        "api/Dockerfile": "FROM scratch\n",
        "worker/Dockerfile": "FROM scratch\n",
      },
      { env: { VERSION: "2.1" } },
    );
    expect(stack.images["api"]).toEqual({
      dockerfile: "./api/Dockerfile",
      context: "./api",
      args: { VERSION: "2.1", PLAIN: "1" },
    });
    expect(stack.images["worker"]).toEqual({ dockerfile: "./worker/Dockerfile", context: "./worker" });
    const api = (field: string): string[] => notesAbout(report.notes, "api", field);
    expect(api("build.args.UNSET_ARG")).toEqual([
      "dropped build.args.UNSET_ARG: has no value and the variable is not set here (Compose would leave it unset too)",
    ]);
    expect(api("build.network")[0]).toMatch(/builds run on host, none or the default network/);
    expect(api("build.cache_from")[0]).toMatch(/Paddock caches by content key/);
    expect(api("build.no_cache")[0]).toMatch(/build\.noCache: true turns the layer cache off for the whole stack/);
    expect(api("build.tags")[0]).toMatch(/Paddock tags images by their content key/);
    expect(api("build.ssh")[0]).toMatch(/Paddock's builders do not pass it to the build/);
    expect(api("build.x-note")[0]).toMatch(/an extension field: Compose ignores it too/);
    expect(stack.services["remote"]?.image).toBe("example/app:1");
    expect(notesAbout(report.notes, "remote", "build")[0]).toMatch(
      /is a remote URL; Paddock builds from a local directory; the service runs its image example\/app:1 as is/,
    );
    expect(stack.services["inline"]).toBeUndefined();
    expect(notesAbout(report.notes, "inline", "build")[0]).toMatch(
      /dockerfile_inline: Paddock builds from a Dockerfile on disk; with no image: to run instead, the service is left out/,
    );
    expect(notesAbout(report.notes, "nodir", "build")[0]).toMatch(
      /build context \.\/does-not-exist is not a directory/,
    );
    expect(notesAbout(report.notes, "client", "depends_on.inline")).toEqual([
      "dropped depends_on.inline: inline is not in paddock.yaml (see its own notes)",
    ]);
    // The client's image is the remote service's tag, which Paddock did not build: it stays a reference.
    expect(stack.services["client"]?.image).toBe("example/app:1");
  });

  it("passes another service's built image as ${images.X}, and keeps a profile-only base image that others build from", () => {
    const { stack, report } = convertFiles({
      ...compose(
        "services:",
        "  base: { image: 'acme/base', build: ./base, profiles: [build] }",
        "  app: { build: { context: ./app, args: { BASE: 'docker.io/acme/base:latest' } } }",
        "  unused: { build: ./base, profiles: [tools] }",
        "  runner: { image: 'acme/base:latest', command: [run] }",
      ),
      "base/Dockerfile": "FROM scratch\n",
      "app/Dockerfile": "ARG BASE\nFROM ${BASE}\n",
    });
    expect(stack.images["app"]?.args).toEqual({ BASE: "${images.base}" });
    expect(Object.keys(stack.images).sort()).toEqual(["app", "base"]); // unused is gone: nothing uses it
    expect(stack.services["runner"]?.image).toBe("base");
    expect(Object.keys(stack.services)).toEqual(["app", "runner"]);
    expect(notesAbout(report.notes, "app", "build.args.BASE")[0]).toMatch(
      /is built by service base: passed as \$\{images\.base\}, which also builds it first/,
    );
    expect(notesAbout(report.notes, "base", "profiles")[0]).toMatch(
      /its image base stays in images: because other images or services use it/,
    );
    expect(notesAbout(report.notes, "unused", "profiles")[0]).not.toMatch(/stays in images/);
  });
});

describe("names and the project", () => {
  it("sanitises service names and updates references, names the stack from the folder without name:, and reports top-level fields", () => {
    const { stack, report } = convertFiles(
      {
        "My Project/compose.yaml": [
          "version: '3.9'",
          "include: [other/compose.yaml]",
          "networks: { front: {} }",
          "services:",
          "  Web.App: { image: 'w:1', depends_on: [db_1], restart: always, extends: { file: base.yml, service: web }, networks: [front], cap_add: [NET_ADMIN], x-owner: team }",
          "  db_1: { image: 'p:1', container_name: db, deploy: { resources: { limits: { cpus: '1' } } }, expose: ['5432'] }",
          "  db-1: { image: 'p:2' }",
          "  noimage: { command: [x] }",
        ].join("\n"),
      },
      { from: ["My Project/compose.yaml"] },
    );
    expect(stack.name).toBe("my-project");
    expect(Object.keys(stack.services)).toEqual(["web-app", "db-1", "db-1-2"]);
    expect(stack.services["web-app"]?.dependsOn).toEqual(["db-1"]);
    const at = (scope: string, field: string): string[] => notesAbout(report.notes, scope, field);
    expect(at("Web.App", "service name")[0]).toMatch(
      /is "web-app" in paddock\.yaml .* other containers reach it as web-app/,
    );
    expect(at("db-1", "service name")[0]).toMatch(/is "db-1-2"/);
    expect(at("Web.App", "restart")[0]).toMatch(
      /"always": Paddock starts each workload once per run and never restarts it/,
    );
    expect(at("Web.App", "extends")[0]).toMatch(/extends a service in another file, which is not followed/);
    expect(at("Web.App", "networks")[0]).toMatch(/every service of a run joins the run's one network/);
    expect(at("Web.App", "cap_add")[0]).toMatch(/Docker's default privileges/);
    expect(at("Web.App", "x-owner")[0]).toMatch(/an extension field: Compose ignores it too/);
    expect(at("db_1", "container_name")[0]).toMatch(/Paddock names containers after the run/);
    expect(at("db_1", "deploy")[0]).toMatch(/without resource limits or reservations, replicas or placement/);
    expect(at("db_1", "expose")[0]).toMatch(/not needed: the services of a run reach each other's ports/);
    expect(at("noimage", "service")).toEqual([
      "dropped service: has neither build nor image, so there is nothing to run; the service is left out",
    ]);
    expect(at("", "version")[0]).toMatch(/obsolete in the Compose Specification/);
    expect(at("", "include")[0]).toMatch(/included Compose projects are not followed/);
    expect(at("", "networks")[0]).toMatch(/every service of a run joins the run's one network/);
  });
});

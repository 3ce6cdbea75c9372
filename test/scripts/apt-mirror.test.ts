import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { repoRoot } from "../helpers/cli.js";

const script = path.join(repoRoot, "scripts", "engine-bootstrap.sh");

/** The mirror `base-image` would debootstrap bookworm from, given these apt source files. */
function mirrorFor(files: Record<string, string>, env: Record<string, string> = {}): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), "paddock-apt-"));
  mkdirSync(path.join(dir, "sources.list.d"));
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
  const { PADDOCK_DEBIAN_MIRROR: _ignored, ...rest } = process.env;
  try {
    return execFileSync("bash", [script, "print-mirror"], {
      env: { ...rest, PADDOCK_APT_SOURCES_DIR: dir, ...env },
      encoding: "utf8",
    }).trim();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const UBUNTU_NOBLE = `Types: deb
URIs: http://azure.archive.ubuntu.com/ubuntu/
Suites: noble noble-updates noble-backports
Components: main universe restricted multiverse
Signed-By: /usr/share/keyrings/ubuntu-archive-keyring.gpg

## Ubuntu security updates
Types: deb
URIs: http://azure.archive.ubuntu.com/ubuntu/
Suites: noble-security
Components: main universe restricted multiverse
Signed-By: /usr/share/keyrings/ubuntu-archive-keyring.gpg
`;

const DEBIAN_BOOKWORM = `Types: deb
# http://snapshot.debian.org/archive/debian/20250520T000000Z
URIs: http://ftp.de.debian.org/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: http://deb.debian.org/debian-security
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
`;

describe("engine-bootstrap.sh: the Debian mirror for debootstrap", () => {
  it("does not take an Ubuntu mirror: with only Ubuntu sources it falls back to deb.debian.org", () => {
    expect(mirrorFor({ "sources.list.d/ubuntu.sources": UBUNTU_NOBLE })).toBe("http://deb.debian.org/debian");
  });

  it("takes the URI of a deb822 entry whose suites include bookworm", () => {
    expect(mirrorFor({ "sources.list.d/debian.sources": DEBIAN_BOOKWORM })).toBe("http://ftp.de.debian.org/debian");
  });

  it("finds the Debian entry beside Ubuntu ones, whatever the file order", () => {
    expect(
      mirrorFor({
        "sources.list.d/00-ubuntu.sources": UBUNTU_NOBLE,
        "sources.list.d/50-debian.sources": DEBIAN_BOOKWORM,
      }),
    ).toBe("http://ftp.de.debian.org/debian");
  });

  it("reads one-line sources.list entries by their suite field, options in brackets included", () => {
    const list = [
      "# deb http://commented.example/debian bookworm main",
      "deb http://archive.ubuntu.com/ubuntu noble main",
      "deb-src http://src.example/debian bookworm main",
      "deb [arch=amd64 signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://mirror.example.org/debian bookworm main contrib",
      "",
    ].join("\n");
    expect(mirrorFor({ "sources.list": list })).toBe("http://mirror.example.org/debian");
  });

  it("skips a security-only file (bookworm-security is not bookworm)", () => {
    const security = "deb http://security.debian.org/debian-security bookworm-security main\n";
    const securitySources =
      "Types: deb\nURIs: http://deb.debian.org/debian-security\nSuites: bookworm-security\nComponents: main\n";
    expect(mirrorFor({ "sources.list": security, "sources.list.d/security.sources": securitySources })).toBe(
      "http://deb.debian.org/debian",
    );
  });

  it("skips disabled and deb-src-only stanzas and reads folded fields", () => {
    const sources = [
      "Types: deb",
      "URIs: http://disabled.example/debian",
      "Suites: bookworm",
      "Components: main",
      "Enabled: no",
      "",
      "Types: deb-src",
      "URIs: http://source-only.example/debian",
      "Suites: bookworm",
      "",
      "types: deb",
      "uris: http://folded.example/debian",
      "suites: trixie",
      "  bookworm",
      "components: main",
      "",
    ].join("\n");
    expect(mirrorFor({ "sources.list.d/mixed.sources": sources })).toBe("http://folded.example/debian");
  });

  it("lets PADDOCK_DEBIAN_MIRROR win", () => {
    expect(
      mirrorFor(
        { "sources.list.d/debian.sources": DEBIAN_BOOKWORM },
        { PADDOCK_DEBIAN_MIRROR: "http://given.example/debian" },
      ),
    ).toBe("http://given.example/debian");
  });
});

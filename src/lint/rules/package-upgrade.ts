import type { Stage } from "../dockerfile.js";
import type { Rule } from "../rule.js";
import { basename, subcommandIndex } from "../shell-argv.js";
import type { NormalizedCommand } from "../shell.js";
import type { ShellWord } from "../shell-tokenizer.js";
import type { RawFinding } from "../types.js";

interface Family {
  /** Subcommands that upgrade installed packages. */
  upgrade: ReadonlySet<string>;
  /** Subcommands that install packages. */
  install: ReadonlySet<string>;
  /** Options that take a separate value (so the value is not mistaken for the subcommand). */
  valueOptions: ReadonlySet<string>;
  /** The upgrade command suggested by the `require` policy. */
  suggestion: string;
}

const DNF: Family = {
  upgrade: new Set(["update", "upgrade", "update-minimal", "upgrade-minimal", "distro-sync"]),
  install: new Set(["install", "reinstall", "localinstall", "groupinstall"]),
  valueOptions: new Set([
    "-c",
    "--config",
    "--releasever",
    "--installroot",
    "--setopt",
    "--enablerepo",
    "--disablerepo",
    "--repo",
    "--repoid",
    "-x",
    "--exclude",
    "-d",
    "--debuglevel",
    "-e",
    "--errorlevel",
    "--color",
    "--forcearch",
    "--nogpgcheck-repo",
    "--rpmverbosity",
  ]),
  suggestion: "dnf -y upgrade",
};
const APT: Family = {
  upgrade: new Set(["upgrade", "dist-upgrade", "full-upgrade", "safe-upgrade"]),
  install: new Set(["install"]),
  valueOptions: new Set([
    "-o",
    "--option",
    "-c",
    "--config-file",
    "-t",
    "--target-release",
    "--default-release",
    "-a",
    "--host-architecture",
  ]),
  suggestion: "apt-get update && apt-get -y upgrade",
};
const APK: Family = {
  upgrade: new Set(["upgrade"]),
  install: new Set(["add"]),
  valueOptions: new Set([
    "-X",
    "--repository",
    "-p",
    "--root",
    "--arch",
    "--cache-dir",
    "--keys-dir",
    "--repositories-file",
    "-t",
    "--virtual",
  ]),
  suggestion: "apk upgrade --no-cache",
};
const ZYPPER: Family = {
  upgrade: new Set(["update", "up", "dist-upgrade", "dup"]),
  install: new Set(["install", "in"]),
  valueOptions: new Set([
    "-R",
    "--root",
    "-c",
    "--config",
    "-D",
    "--reposd-dir",
    "-C",
    "--cache-dir",
    "--raw-cache-dir",
    "--solv-cache-dir",
    "--pkg-cache-dir",
    "--userdata",
  ]),
  suggestion: "zypper --non-interactive update",
};

const FAMILIES: Record<string, Family> = {
  dnf: DNF,
  dnf5: DNF,
  microdnf: { ...DNF, suggestion: "microdnf -y upgrade" },
  yum: { ...DNF, suggestion: "yum -y update" },
  tdnf: DNF,
  "apt-get": APT,
  apt: APT,
  aptitude: APT,
  apk: APK,
  zypper: ZYPPER,
};

export interface PackageCommand {
  kind: "upgrade" | "install";
  /** e.g. "dnf update". */
  text: string;
  manager: string;
  at: ShellWord;
  suggestion: string;
}

export function classifyPackageCommand(cmd: NormalizedCommand): PackageCommand | null {
  const first = cmd.argv[0] as ShellWord;
  const manager = basename(first.value);
  const family = FAMILIES[manager];
  if (!family) return null;
  const k = subcommandIndex(cmd.argv, 1, family.valueOptions);
  if (k < 0) return null;
  let sub = (cmd.argv[k] as ShellWord).value;
  // `dnf group install x`, `dnf module install x`
  if ((sub === "group" || sub === "groups" || sub === "module") && cmd.argv[k + 1]?.value === "install")
    sub = "install";
  const kind = family.upgrade.has(sub) ? "upgrade" : family.install.has(sub) ? "install" : null;
  if (!kind) return null;
  return { kind, text: `${manager} ${sub}`, manager, at: first, suggestion: family.suggestion };
}

function stagePackageCommands(stage: Stage): PackageCommand[] {
  const out: PackageCommand[] = [];
  for (const run of stage.runs)
    for (const cmd of run.commands) {
      const c = classifyPackageCommand(cmd);
      if (c) out.push(c);
    }
  return out;
}

function upgradesInAncestry(stage: Stage, cache: Map<Stage, boolean>): boolean {
  const known = cache.get(stage);
  if (known !== undefined) return known;
  cache.set(stage, false);
  const result =
    stagePackageCommands(stage).some((c) => c.kind === "upgrade") ||
    (stage.baseStage !== null && upgradesInAncestry(stage.baseStage, cache));
  cache.set(stage, result);
  return result;
}

function stageLabel(stage: Stage): string {
  return stage.name ? `stage '${stage.name}'` : `stage ${stage.index}`;
}

export const packageUpgradeRule: Rule = {
  meta: {
    id: "package-upgrade",
    shortDescription:
      "Package upgrades in RUN (dnf/yum/microdnf update, apt-get upgrade, apk upgrade, zypper update) follow the configured policy",
    help:
      "policy forbid (default): every full package upgrade is flagged; it makes builds slower and non-reproducible, and is better done by moving to a newer base image. " +
      "policy require: a stage that installs packages without upgrading (in itself or in a stage it builds on) is flagged, for teams whose compliance requires upgrades. " +
      "`apt-get update` only refreshes package lists and is never flagged.",
    defaultSeverity: "error",
  },
  checkDockerfile(ctx) {
    const { dockerfile, config } = ctx;
    const out: RawFinding[] = [];
    const pos = (w: ShellWord) => dockerfile.positionAt(w.start);
    if (config.packageUpgrade.policy === "forbid") {
      for (const stage of dockerfile.stages)
        for (const c of stagePackageCommands(stage)) {
          if (c.kind !== "upgrade") continue;
          out.push({
            ...pos(c.at),
            message: `\`${c.text}\` upgrades every installed package (slow, non-reproducible builds; policy: forbid)`,
            fix: "remove the upgrade and pin a newer base image instead, or set lint.packageUpgrade.policy: require",
          });
        }
      return out;
    }
    const cache = new Map<Stage, boolean>();
    for (const stage of dockerfile.stages) {
      const installs = stagePackageCommands(stage).filter((c) => c.kind === "install");
      const first = installs[0];
      if (!first || upgradesInAncestry(stage, cache)) continue;
      out.push({
        ...pos(first.at),
        message: `${stageLabel(stage)} installs packages (\`${first.text}\`) without upgrading them (policy: require)`,
        fix: `run \`${first.suggestion}\` in this stage before installing`,
      });
    }
    return out;
  },
};

// TEST SIMULATOR — not the real kind/kubectl. Used only by Paddock's tests; never shipped.
// Reads -f sources (files, directories, "-") into [{ source, doc }] like kubectl's builder.
import fs from "node:fs";
import path from "node:path";
import { YAML } from "./yaml.mjs";
import { CliExit, readStdin } from "./env.mjs";

export async function readManifests(paths, recursive = false) {
  const out = [];
  for (const p of paths) {
    if (p === "-") {
      pushDocs(out, "STDIN", await readStdin());
      continue;
    }
    if (/^https?:\/\//.test(p)) throw new CliExit(`error: paddock-sim cannot fetch URLs: "${p}"`, 1);
    if (!fs.existsSync(p)) throw new CliExit(`error: the path "${p}" does not exist`, 1);
    if (fs.statSync(p).isDirectory()) {
      const walk = (d) => {
        for (const e of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
          const f = path.join(d, e.name);
          if (e.isDirectory()) {
            if (recursive) walk(f);
          } else if (/\.(ya?ml|json)$/.test(e.name)) pushDocs(out, f, fs.readFileSync(f, "utf8"));
        }
      };
      walk(p);
    } else pushDocs(out, p, fs.readFileSync(p, "utf8"));
  }
  return out;
}

function pushDocs(out, source, text) {
  let docs;
  try {
    docs = YAML.parseAllDocuments(text);
  } catch (e) {
    throw new CliExit(`error: error parsing ${source}: ${e.message}`, 1);
  }
  for (const d of docs) {
    if (d.errors?.length)
      throw new CliExit(
        `error: error parsing ${source}: error converting YAML to JSON: yaml: ${d.errors[0].message.split("\n")[0]}`,
        1,
      );
    const doc = d.toJS();
    if (doc == null || (typeof doc === "object" && Object.keys(doc).length === 0)) continue;
    if (doc.kind === "List" && Array.isArray(doc.items)) for (const it of doc.items) out.push({ source, doc: it });
    else out.push({ source, doc });
  }
}

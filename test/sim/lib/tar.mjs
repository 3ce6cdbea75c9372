// TEST SIMULATOR — not the real kind/kubectl. Used only by Paddock's tests; never shipped.
// Minimal ustar reader: enough to read manifest.json from a `docker save` archive.
import fs from "node:fs";

/** Returns a Map of entry name -> Buffer for regular files whose names satisfy `want`. */
export function readTarEntries(file, want = () => true) {
  const buf = fs.readFileSync(file);
  const out = new Map();
  let off = 0;
  let longName = null;
  while (off + 512 <= buf.length) {
    const header = buf.subarray(off, off + 512);
    if (header.every((b) => b === 0)) break;
    const str = (a, b) => header.subarray(a, b).toString("utf8").replace(/\0.*$/s, "");
    let name = str(0, 100);
    const prefix = str(345, 500);
    if (prefix) name = `${prefix}/${name}`;
    const size = parseInt(str(124, 136).trim() || "0", 8);
    const type = String.fromCharCode(header[156] || 48);
    const data = buf.subarray(off + 512, off + 512 + size);
    if (type === "L") longName = data.toString("utf8").replace(/\0.*$/s, "");
    else {
      if (longName) name = longName;
      longName = null;
      if ((type === "0" || type === "\0") && want(name)) out.set(name, Buffer.from(data));
    }
    off += 512 + Math.ceil(size / 512) * 512;
  }
  return out;
}

/** Reads image tags and IDs from a docker-save archive: [{ ref, id }]. Throws on malformed archives. */
export function imagesInArchive(file) {
  const entries = readTarEntries(file, (n) => n === "manifest.json");
  const manifest = entries.get("manifest.json");
  if (!manifest) throw new Error("manifest.json not found in archive");
  const list = JSON.parse(manifest.toString("utf8"));
  const images = [];
  for (const m of list) {
    const cfg = String(m.Config ?? "");
    const hex = cfg.replace(/^blobs\/sha256\//, "").replace(/\.json$/, "");
    const id = `sha256:${hex}`;
    for (const ref of m.RepoTags ?? []) images.push({ ref, id });
    if (!(m.RepoTags ?? []).length) images.push({ ref: null, id });
  }
  return images;
}

// TEST SIMULATOR — not the real kind/kubectl. Used only by Paddock's tests; never shipped.
// Cross-process locking (mkdir is atomic) and atomic JSON writes (write temp + rename).
import fs from "node:fs";
import path from "node:path";

const STALE_MS = 15_000;
const sab = new Int32Array(new SharedArrayBuffer(4));
function sleepSync(ms) {
  Atomics.wait(sab, 0, 0, ms);
}

/** Runs fn while holding the lock directory `lockPath`. fn may be async. */
export async function withLock(lockPath, fn) {
  fs.mkdirSync(path.dirname(lockPath), { recursive: true });
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      fs.mkdirSync(lockPath);
      break;
    } catch (e) {
      if (e.code !== "EEXIST") throw e;
      try {
        const st = fs.statSync(lockPath);
        if (Date.now() - st.mtimeMs > STALE_MS) fs.rmSync(lockPath, { recursive: true, force: true });
      } catch {
        // vanished meanwhile
      }
      if (Date.now() > deadline) throw new Error(`paddock-sim: could not acquire lock ${lockPath}`);
      sleepSync(2 + Math.floor(Math.random() * 8));
    }
  }
  try {
    return await fn();
  } finally {
    fs.rmSync(lockPath, { recursive: true, force: true });
  }
}

export function readJson(file, fallback) {
  try {
    return JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (e) {
    if (e.code === "ENOENT") return fallback;
    throw e;
  }
}

export function writeFileAtomic(file, content) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  fs.writeFileSync(tmp, content);
  fs.renameSync(tmp, file);
}

export function writeJsonAtomic(file, value) {
  writeFileAtomic(file, JSON.stringify(value, null, 2) + "\n");
}

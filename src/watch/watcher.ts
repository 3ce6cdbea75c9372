import { watch, type FSWatcher } from "chokidar";
import { NEVER_WATCHED, type WatchSet } from "./watch-set.js";

/** Waits this long after the last change before reporting (an editor's save, a `git checkout`, come as bursts). */
export const DEBOUNCE_MS = 300;

/** Watches a stack's files; calls `onChange` with the relevant paths changed in each burst. */
export class StackWatcher {
  private watcher: FSWatcher | undefined;
  private pending = new Set<string>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly onChange: (files: string[]) => void) {}

  /** Watches (again) what `set` names; resolves once the watcher has read the folders. */
  async watch(set: WatchSet): Promise<void> {
    await this.watcher?.close();
    const watcher = watch(set.roots, {
      ignoreInitial: true,
      ignored: (file) => NEVER_WATCHED.test(file),
      awaitWriteFinish: false,
    });
    this.watcher = watcher;
    const changed = (file: string): void => {
      if (!set.relevant(file)) return;
      this.pending.add(file);
      clearTimeout(this.timer);
      this.timer = setTimeout(() => this.flush(), DEBOUNCE_MS);
    };
    for (const event of ["add", "change", "unlink", "addDir", "unlinkDir"] as const) watcher.on(event, changed);
    await new Promise<void>((resolve, reject) => {
      watcher.once("ready", resolve);
      watcher.once("error", reject);
    });
  }

  private flush(): void {
    const files = [...this.pending].sort();
    this.pending.clear();
    if (files.length > 0) this.onChange(files);
  }

  async close(): Promise<void> {
    clearTimeout(this.timer);
    await this.watcher?.close();
  }
}

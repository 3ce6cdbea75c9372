import type { SchedulerEvent } from "../scheduler/events.js";

/**
 * One line, redrawn in place on a terminal, that says what an update is doing:
 * `updating hybrid-stack · 9/16 tasks · deploy:processor`. Cleared before the tests
 * print, so their output is never mixed with it.
 */
export class StatusLine {
  private done = 0;
  private total = 0;
  private readonly running = new Set<string>();
  private shown = false;
  private paused = false;

  constructor(
    private readonly stream: NodeJS.WriteStream,
    private readonly label: string,
  ) {}

  private get live(): boolean {
    return this.stream.isTTY === true && !this.paused;
  }

  start(taskCount: number): void {
    this.done = 0;
    this.total = taskCount;
    this.running.clear();
    this.paused = false;
    this.draw();
  }

  onEvent(event: SchedulerEvent): void {
    if (event.type !== "task") return;
    if (event.state === "running") this.running.add(event.id);
    else if (event.state !== "waiting" && event.state !== "retrying") {
      this.running.delete(event.id);
      this.done++;
    }
    // The tests write to the terminal themselves.
    if (event.id === "test" && event.state === "running") {
      this.clear();
      this.paused = true;
    }
    this.draw();
  }

  private draw(): void {
    if (!this.live) return;
    const now = [...this.running].slice(0, 3).join(", ");
    const line = `${this.label} · ${this.done}/${this.total} tasks${now ? ` · ${now}` : ""}`;
    const width = this.stream.columns ?? 100;
    this.stream.write(`\r\x1b[K${line.length > width - 1 ? line.slice(0, width - 2) + "…" : line}`);
    this.shown = true;
  }

  clear(): void {
    if (this.shown && this.stream.isTTY) this.stream.write("\r\x1b[K");
    this.shown = false;
  }
}

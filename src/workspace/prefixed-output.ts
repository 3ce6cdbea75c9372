import { Writable } from "node:stream";

/**
 * Several stacks' tests write at once: each line of one stack's output goes through with the
 * stack's name in front, so interleaved lines stay readable. A partial line waits for its end.
 */
export function prefixedOutput(target: NodeJS.WritableStream, prefix: string): Writable {
  let pending = "";
  return new Writable({
    write(chunk: Buffer, _encoding, done) {
      pending += chunk.toString("utf8");
      const lines = pending.split("\n");
      pending = lines.pop() ?? "";
      for (const line of lines) target.write(`${prefix}${line}\n`);
      done();
    },
    final(done) {
      if (pending) target.write(`${prefix}${pending}\n`);
      pending = "";
      done();
    },
  });
}

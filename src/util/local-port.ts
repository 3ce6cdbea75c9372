import net from "node:net";

/**
 * Whether 127.0.0.1:`port` is free now: what Docker's published ports and kind's port mappings
 * (both on 127.0.0.1) will need; something listening on 0.0.0.0:`port` holds it too. Only
 * "address in use" counts as taken: a port below 1024 that this user may not bind is left to
 * the engine, which binds as root.
 */
export function isLocalPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once("error", (error: NodeJS.ErrnoException) => resolve(error.code !== "EADDRINUSE"));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
  });
}

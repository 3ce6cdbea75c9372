// processor: enriches events and stores them through datastorage.
//   POST /process {"type", "payload"} -> 201 {"id", "severity", "processedAt", "notified"}
//     (after storing, it tells notifier about the event; notifier alerts on high and critical)
//   GET  /healthz -> 200 only when datastorage's /healthz answers 200
import http from "node:http";

const PORT = Number(process.env.PORT ?? 8080);
const DATASTORAGE_URL = (process.env.DATASTORAGE_URL ?? "http://datastorage:8080").replace(/\/+$/, "");
const NOTIFIER_URL = (process.env.NOTIFIER_URL ?? "http://notifier:8080").replace(/\/+$/, "");
const MAX_BODY = 1024 * 1024;

function send(res, status, body) {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

function readJson(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let size = 0;
    req.on("data", (c) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(Object.assign(new Error("body too large"), { status: 413 }));
        req.destroy();
      } else chunks.push(c);
    });
    req.on("end", () => {
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString("utf8")));
      } catch {
        reject(Object.assign(new Error("body is not valid JSON"), { status: 400 }));
      }
    });
    req.on("error", reject);
  });
}

// Small JSON client on node:http (no fetch: it is experimental on node 18).
function request(method, url, body, timeoutMs = 5000) {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : JSON.stringify(body);
    const req = http.request(
      url,
      {
        method,
        timeout: timeoutMs,
        headers: data ? { "content-type": "application/json", "content-length": Buffer.byteLength(data) } : {},
      },
      (res) => {
        const chunks = [];
        res.on("data", (c) => chunks.push(c));
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          let json = null;
          try {
            json = text ? JSON.parse(text) : null;
          } catch {
            /* not JSON */
          }
          resolve({ status: res.statusCode, body: json });
        });
      },
    );
    req.on("timeout", () => req.destroy(new Error(`${method} ${url} timed out`)));
    req.on("error", reject);
    req.end(data);
  });
}

// Severity from the payload: an explicit `level` wins, else a numeric
// `score` (0-100), else "low".
const LEVELS = {
  fatal: "critical",
  critical: "critical",
  error: "high",
  warn: "medium",
  warning: "medium",
  info: "low",
  debug: "low",
};
export function severityOf(payload) {
  const level = typeof payload.level === "string" ? LEVELS[payload.level.toLowerCase()] : undefined;
  if (level) return level;
  if (typeof payload.score === "number" && Number.isFinite(payload.score)) {
    if (payload.score >= 90) return "critical";
    if (payload.score >= 70) return "high";
    if (payload.score >= 40) return "medium";
  }
  return "low";
}

const server = http.createServer(async (req, res) => {
  const { pathname } = new URL(req.url, "http://localhost");
  try {
    if (req.method === "GET" && pathname === "/healthz") {
      const r = await request("GET", `${DATASTORAGE_URL}/healthz`, undefined, 2000).catch((e) => ({
        status: 0,
        error: e,
      }));
      return r.status === 200
        ? send(res, 200, { status: "ok" })
        : send(res, 503, { status: "unavailable", datastorage: r.status || String(r.error?.message) });
    }
    if (req.method === "POST" && pathname === "/process") {
      const event = await readJson(req);
      if (
        typeof event?.type !== "string" ||
        event.payload === null ||
        typeof event.payload !== "object" ||
        Array.isArray(event.payload)
      ) {
        return send(res, 400, { error: 'expected {"type": string, "payload": object}' });
      }
      const enriched = {
        type: event.type,
        payload: event.payload,
        severity: severityOf(event.payload),
        processedAt: new Date().toISOString(),
      };
      const r = await request("POST", `${DATASTORAGE_URL}/events`, enriched);
      if (r.status !== 201 || !Number.isInteger(r.body?.id)) {
        return send(res, 502, { error: "datastorage failed", status: r.status, detail: r.body });
      }
      // Best effort: the event is stored either way; a notifier outage is logged, not fatal.
      const n = await request(
        "POST",
        `${NOTIFIER_URL}/notify`,
        { id: r.body.id, type: enriched.type, severity: enriched.severity },
        2000,
      ).catch((err) => ({ status: 0, body: { error: err.message } }));
      if (n.status !== 200 && n.status !== 202)
        console.error(`notifier: ${n.status || "unreachable"} ${JSON.stringify(n.body)}`);
      return send(res, 201, {
        id: r.body.id,
        severity: enriched.severity,
        processedAt: enriched.processedAt,
        notified: n.body?.notified === true,
      });
    }
    return send(res, 404, { error: "not found" });
  } catch (err) {
    if (err.status) return send(res, err.status, { error: err.message });
    console.error(`${req.method} ${pathname}:`, err);
    return send(res, 502, { error: "upstream error", detail: err.message });
  }
});

server.listen(PORT, "0.0.0.0", () => console.log(`processor listening on :${PORT}, datastorage at ${DATASTORAGE_URL}`));

// Clean shutdown (exit 0) so NODE_V8_COVERAGE is written.
function shutdown(signal) {
  console.log(`processor: ${signal}, shutting down`);
  server.close(() => process.exit(0));
  server.closeAllConnections();
  setTimeout(() => process.exit(0), 5000).unref();
}
process.on("SIGTERM", () => shutdown("SIGTERM"));
process.on("SIGINT", () => shutdown("SIGINT"));

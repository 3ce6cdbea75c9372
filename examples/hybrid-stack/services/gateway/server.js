// gateway: public entry point. Validates events and hands them to processor.
//   POST /events  {"type": string, "payload": object}  -> 201 {"id": n}
//   GET  /healthz -> 200 only when processor's /healthz answers 200
import http from "node:http";

const PORT = Number(process.env.PORT ?? 8080);
const PROCESSOR_URL = (process.env.PROCESSOR_URL ?? "http://processor:8080").replace(/\/+$/, "");
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

function validate(event) {
  if (event === null || typeof event !== "object" || Array.isArray(event)) return "body must be a JSON object";
  if (typeof event.type !== "string" || !/^[A-Za-z0-9_.:-]{1,100}$/.test(event.type)) {
    return '"type" must be a string of 1-100 letters, digits or _.:-';
  }
  if (event.payload === null || typeof event.payload !== "object" || Array.isArray(event.payload)) {
    return '"payload" must be a JSON object';
  }
  return null;
}

const server = http.createServer(async (req, res) => {
  const { pathname } = new URL(req.url, "http://localhost");
  try {
    if (req.method === "GET" && pathname === "/healthz") {
      const r = await request("GET", `${PROCESSOR_URL}/healthz`, undefined, 2000).catch((e) => ({
        status: 0,
        error: e,
      }));
      return r.status === 200
        ? send(res, 200, { status: "ok" })
        : send(res, 503, { status: "unavailable", processor: r.status || String(r.error?.message) });
    }
    if (req.method === "POST" && pathname === "/events") {
      const event = await readJson(req);
      const problem = validate(event);
      if (problem) return send(res, 400, { error: problem });
      const r = await request("POST", `${PROCESSOR_URL}/process`, { type: event.type, payload: event.payload });
      if (r.status !== 201 || !Number.isInteger(r.body?.id)) {
        return send(res, 502, { error: "processor failed", status: r.status, detail: r.body });
      }
      return send(res, 201, { id: r.body.id });
    }
    return send(res, 404, { error: "not found" });
  } catch (err) {
    if (err.status) return send(res, err.status, { error: err.message });
    console.error(`${req.method} ${pathname}:`, err);
    return send(res, 502, { error: "upstream error", detail: err.message });
  }
});

server.listen(PORT, "0.0.0.0", () => console.log(`gateway listening on :${PORT}, processor at ${PROCESSOR_URL}`));

// Clean shutdown (exit 0) so NODE_V8_COVERAGE is written.
function shutdown(signal) {
  console.log(`gateway: ${signal}, shutting down`);
  server.close(() => process.exit(0));
  server.closeAllConnections();
  setTimeout(() => process.exit(0), 5000).unref();
}
process.on("SIGTERM", () => shutdown("SIGTERM"));
process.on("SIGINT", () => shutdown("SIGINT"));

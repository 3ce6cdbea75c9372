// datastorage: stores events in PostgreSQL, caches reads in Redis.
//   POST /events {"type", "payload", "severity", "processedAt"} -> 201 {"id": n}
//   GET  /events/:id      -> the row; header x-cache: hit | miss
//   GET  /events?type=... -> {"events": [...]} (newest last, at most 100)
//   GET  /healthz -> 200 only when `SELECT 1` and Redis PING both answer
import http from "node:http";
import net from "node:net";
import pg from "pg";

const PORT = Number(process.env.PORT ?? 8080);
const DATABASE_URL = process.env.DATABASE_URL ?? "postgresql://paddock:paddock@postgresql:5432/app";
const REDIS_URL = process.env.REDIS_URL ?? "redis://redis:6379";
const CACHE_TTL_SECONDS = Number(process.env.CACHE_TTL_SECONDS ?? 300);
const MAX_BODY = 1024 * 1024;

const db = new pg.Pool({ connectionString: DATABASE_URL, max: 5, connectionTimeoutMillis: 3000 });
db.on("error", (err) => console.error("postgres pool:", err.message));

// ---- Redis: a minimal RESP client over one TCP connection ------------------
// Commands are pipelined; replies come back in order, so a FIFO of pending
// promises is all the bookkeeping needed.
class Redis {
  constructor(url) {
    const u = new URL(url);
    this.host = u.hostname;
    this.port = Number(u.port || 6379);
    this.password = u.password ? decodeURIComponent(u.password) : null;
    this.socket = null;
    this.pending = [];
    this.buffer = Buffer.alloc(0);
  }

  connect() {
    if (this.socket) return this.ready;
    const socket = net.createConnection({ host: this.host, port: this.port });
    socket.setNoDelay(true);
    this.socket = socket;
    this.ready = new Promise((resolve, reject) => {
      socket.once("connect", resolve);
      socket.once("error", reject);
    });
    this.ready.catch(() => {});
    socket.on("data", (chunk) => this.onData(chunk));
    const fail = (err) => {
      if (this.socket !== socket) return;
      this.socket = null;
      this.buffer = Buffer.alloc(0);
      for (const p of this.pending.splice(0)) p.reject(err ?? new Error("redis connection closed"));
    };
    socket.on("error", fail);
    socket.on("close", () => fail());
    if (this.password) this.command("AUTH", this.password).catch(() => {});
    return this.ready;
  }

  command(...args) {
    this.connect();
    let out = `*${args.length}\r\n`;
    for (const a of args) {
      const s = String(a);
      out += `$${Buffer.byteLength(s)}\r\n${s}\r\n`;
    }
    return new Promise((resolve, reject) => {
      this.pending.push({ resolve, reject });
      this.socket.write(out);
    });
  }

  onData(chunk) {
    this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk;
    for (;;) {
      const parsed = parseReply(this.buffer, 0);
      if (!parsed) return; // incomplete
      this.buffer = this.buffer.subarray(parsed.end);
      const p = this.pending.shift();
      if (!p) continue;
      if (parsed.value instanceof Error) p.reject(parsed.value);
      else p.resolve(parsed.value);
    }
  }

  close() {
    this.socket?.end();
    this.socket = null;
  }
}

// Parses one RESP2 reply at `pos`; returns {value, end} or null if incomplete.
function parseReply(buf, pos) {
  const nl = buf.indexOf("\r\n", pos);
  if (nl < 0) return null;
  const type = String.fromCharCode(buf[pos]);
  const line = buf.toString("utf8", pos + 1, nl);
  const next = nl + 2;
  switch (type) {
    case "+":
      return { value: line, end: next };
    case "-":
      return { value: new Error(line), end: next };
    case ":":
      return { value: Number(line), end: next };
    case "$": {
      const len = Number(line);
      if (len < 0) return { value: null, end: next };
      if (buf.length < next + len + 2) return null;
      return { value: buf.toString("utf8", next, next + len), end: next + len + 2 };
    }
    case "*": {
      const n = Number(line);
      if (n < 0) return { value: null, end: next };
      const items = [];
      let at = next;
      for (let i = 0; i < n; i++) {
        const item = parseReply(buf, at);
        if (!item) return null;
        items.push(item.value);
        at = item.end;
      }
      return { value: items, end: at };
    }
    default:
      throw new Error(`bad RESP reply type ${JSON.stringify(type)}`);
  }
}

const redis = new Redis(REDIS_URL);

function withTimeout(promise, ms, what) {
  let timer;
  return Promise.race([
    promise,
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} timed out`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

// ---- HTTP -----------------------------------------------------------------

function send(res, status, body, headers = {}) {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text), ...headers });
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

const COLUMNS = `id, type, payload, severity, processed_at AS "processedAt", created_at AS "createdAt"`;
const SEVERITIES = new Set(["low", "medium", "high", "critical"]);

async function health() {
  const [pgResult, ping] = await Promise.allSettled([
    withTimeout(db.query("SELECT 1 AS ok"), 2000, "postgres"),
    withTimeout(redis.command("PING"), 2000, "redis"),
  ]);
  return {
    postgres:
      pgResult.status === "fulfilled" && pgResult.value.rows[0]?.ok === 1
        ? "ok"
        : String(pgResult.reason?.message ?? "bad reply"),
    redis: ping.status === "fulfilled" && ping.value === "PONG" ? "ok" : String(ping.reason?.message ?? "bad reply"),
  };
}

const server = http.createServer(async (req, res) => {
  const url = new URL(req.url, "http://localhost");
  const { pathname } = url;
  try {
    if (req.method === "GET" && pathname === "/healthz") {
      const h = await health();
      return send(res, h.postgres === "ok" && h.redis === "ok" ? 200 : 503, h);
    }
    if (req.method === "POST" && pathname === "/events") {
      const e = await readJson(req);
      if (
        typeof e?.type !== "string" ||
        e.payload === null ||
        typeof e.payload !== "object" ||
        Array.isArray(e.payload) ||
        !SEVERITIES.has(e.severity) ||
        Number.isNaN(Date.parse(e.processedAt))
      ) {
        return send(res, 400, {
          error: 'expected {"type", "payload": object, "severity": low|medium|high|critical, "processedAt": ISO date}',
        });
      }
      const { rows } = await db.query(
        "INSERT INTO events (type, payload, severity, processed_at) VALUES ($1, $2, $3, $4) RETURNING id",
        [e.type, JSON.stringify(e.payload), e.severity, e.processedAt],
      );
      return send(res, 201, { id: Number(rows[0].id) });
    }
    const byId = /^\/events\/(\d{1,15})$/.exec(pathname);
    if (req.method === "GET" && byId) {
      const id = Number(byId[1]);
      const key = `event:${id}`;
      // The cache is best effort: a slow or absent Redis means a miss.
      const cached = await withTimeout(redis.command("GET", key), 1000, "redis GET").catch((err) => {
        console.error("redis GET:", err.message);
        return null;
      });
      if (cached) return send(res, 200, JSON.parse(cached), { "x-cache": "hit" });
      const { rows } = await db.query(`SELECT ${COLUMNS} FROM events WHERE id = $1`, [id]);
      if (!rows.length) return send(res, 404, { error: `event ${id} not found` }, { "x-cache": "miss" });
      const event = toJson(rows[0]);
      await withTimeout(
        redis.command("SET", key, JSON.stringify(event), "EX", CACHE_TTL_SECONDS),
        1000,
        "redis SET",
      ).catch((err) => console.error("redis SET:", err.message));
      return send(res, 200, event, { "x-cache": "miss" });
    }
    if (req.method === "GET" && pathname === "/events") {
      const type = url.searchParams.get("type");
      const { rows } =
        type === null
          ? await db.query(`SELECT ${COLUMNS} FROM events ORDER BY id LIMIT 100`)
          : await db.query(`SELECT ${COLUMNS} FROM events WHERE type = $1 ORDER BY id LIMIT 100`, [type]);
      return send(res, 200, { events: rows.map(toJson) });
    }
    return send(res, 404, { error: "not found" });
  } catch (err) {
    if (err.status) return send(res, err.status, { error: err.message });
    console.error(`${req.method} ${pathname}:`, err);
    return send(res, 500, { error: "internal error", detail: err.message });
  }
});

function toJson(row) {
  return {
    id: Number(row.id),
    type: row.type,
    payload: row.payload,
    severity: row.severity,
    processedAt: new Date(row.processedAt).toISOString(),
    createdAt: new Date(row.createdAt).toISOString(),
  };
}

server.listen(PORT, "0.0.0.0", () => console.log(`datastorage listening on :${PORT}`));

// Clean shutdown (exit 0) so NODE_V8_COVERAGE is written.
let stopping = false;
function shutdown(signal) {
  if (stopping) return;
  stopping = true;
  console.log(`datastorage: ${signal}, shutting down`);
  setTimeout(() => process.exit(0), 5000).unref();
  server.close(async () => {
    redis.close();
    await db.end().catch(() => {});
    process.exit(0);
  });
  server.closeAllConnections();
}
process.on("SIGTERM", () => shutdown("SIGTERM"));
process.on("SIGINT", () => shutdown("SIGINT"));

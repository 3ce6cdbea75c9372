import { createHash } from "node:crypto";
import http from "node:http";
import type net from "node:net";

/**
 * A tiny registry on 127.0.0.1 that demands authentication, for the credential tests: Basic on
 * every /v2/ request, or the Bearer flow (401 naming a token realm on this server, which wants
 * Basic credentials and issues a token for the scope asked). It serves one image, app/web:v1.
 */
export interface AuthServer {
  port: number;
  authority: string;
  /** Query strings the token endpoint received. */
  tokenRequests: URLSearchParams[];
  close(): Promise<void>;
}

export const USER = "alice";
export const PASSWORD = "pa55-w0rd-not-for-logs";

const sha = (text: string): string => `sha256:${createHash("sha256").update(text).digest("hex")}`;
const CONFIG = '{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]}}';
const LAYER = "layer bytes";
export const MANIFEST = JSON.stringify({
  schemaVersion: 2,
  mediaType: "application/vnd.oci.image.manifest.v1+json",
  config: { mediaType: "application/vnd.oci.image.config.v1+json", digest: sha(CONFIG), size: CONFIG.length },
  layers: [{ mediaType: "application/vnd.oci.image.layer.v1.tar", digest: sha(LAYER), size: LAYER.length }],
});

const basicOk = (header: string | undefined): boolean =>
  header === `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString("base64")}`;

export async function startAuthServer(mode: "basic" | "bearer"): Promise<AuthServer> {
  const tokenRequests: URLSearchParams[] = [];
  const tokens = new Map<string, string>(); // token -> scope it grants
  let port = 0;
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    if (mode === "bearer" && url.pathname === "/token") {
      tokenRequests.push(url.searchParams);
      if (!basicOk(req.headers.authorization))
        return res
          .writeHead(401, { "Content-Type": "application/json" })
          .end('{"details":"incorrect username or password"}');
      const token = `tok-${tokens.size + 1}`;
      tokens.set(token, url.searchParams.get("scope") ?? "");
      return res.writeHead(200, { "Content-Type": "application/json" }).end(JSON.stringify({ token }));
    }
    if (!url.pathname.startsWith("/v2/")) return res.writeHead(404).end();
    const repo = /^\/v2\/(.+?)\/(manifests|blobs)\//.exec(url.pathname)?.[1];
    const scope = repo ? `repository:${repo}:pull` : "";
    const authorized =
      mode === "basic"
        ? basicOk(req.headers.authorization)
        : (() => {
            const granted = tokens.get((req.headers.authorization ?? "").replace(/^Bearer /, ""));
            return granted !== undefined && (scope === "" || granted === scope);
          })();
    if (!authorized) {
      const challenge =
        mode === "basic"
          ? 'Basic realm="test registry"'
          : `Bearer realm="http://127.0.0.1:${port}/token",service="paddock-test"${scope ? `,scope="${scope}"` : ""}`;
      return res
        .writeHead(401, { "WWW-Authenticate": challenge, "Docker-Distribution-Api-Version": "registry/2.0" })
        .end('{"errors":[{"code":"UNAUTHORIZED"}]}');
    }
    const headers = { "Docker-Distribution-Api-Version": "registry/2.0" };
    if (url.pathname === "/v2/") return res.writeHead(200, headers).end("{}");
    if (url.pathname === "/v2/app/web/manifests/v1") {
      return res
        .writeHead(200, {
          ...headers,
          "Content-Type": "application/vnd.oci.image.manifest.v1+json",
          "Docker-Content-Digest": sha(MANIFEST),
        })
        .end(MANIFEST);
    }
    const blob = /^\/v2\/app\/web\/blobs\/(.+)$/.exec(url.pathname)?.[1];
    if (blob === sha(CONFIG) || blob === sha(LAYER)) return res.writeHead(200, headers).end();
    return res.writeHead(404, headers).end('{"errors":[{"code":"MANIFEST_UNKNOWN"}]}');
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as net.AddressInfo).port;
  return {
    port,
    authority: `127.0.0.1:${port}`,
    tokenRequests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

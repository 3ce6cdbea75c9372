import { abortReason } from "../util/abort.js";
import type { Credentials } from "./credentials.js";
import { RegistryUnreachableError } from "./errors.js";
import { findCredentials } from "./find-credentials.js";
import { isLoopbackHost, type RegistryRef } from "./ref.js";
import { parseWwwAuthenticate, type AuthChallenge } from "./www-authenticate.js";

export interface RegistryClientOptions {
  /** Per request (default 5 s). */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Where DOCKER_CONFIG, HOME and PATH come from for the engine's login configuration. */
  env?: NodeJS.ProcessEnv;
  /** Use these instead of the engine's login configuration; `null` for anonymous only. */
  credentials?: Credentials | null;
}

export interface RegistryResponse {
  status: number;
  headers: Headers;
  /** The body of a non-HEAD request. */
  body: string;
  /** Why a 401 stayed a 401 (no credentials, refused, token service failed); never a credential. */
  unauthorized?: string;
  /** How the request got in: without credentials, or with them. */
  auth: "anonymous" | "basic" | "bearer";
}

export interface RequestOptions {
  accept?: string[];
  /** The token scope the request needs, e.g. `repository:paddock/cache:pull`. */
  scope?: string;
  body?: string;
  contentType?: string;
}

/**
 * HTTP for one registry (distribution API v2): timeouts, redirects left to the caller (a blob
 * redirected to storage exists, and credentials never follow a redirect), and the two
 * authentication flows registries use: Basic, and Bearer tokens from the realm the registry
 * names in `WWW-Authenticate`. Credentials are looked up only once a registry asks for them.
 */
export class RegistryClient {
  readonly timeoutMs: number;
  readonly #options: RegistryClientOptions;
  readonly #tokens = new Map<string, string>();
  #basic: string | undefined;
  #credentials: Promise<Credentials | undefined> | undefined;

  constructor(
    readonly registry: RegistryRef,
    options: RegistryClientOptions = {},
  ) {
    this.#options = options;
    this.timeoutMs = options.timeoutMs ?? 5000;
  }

  async request(
    method: "GET" | "HEAD" | "PUT" | "DELETE",
    path: string,
    options: RequestOptions = {},
  ): Promise<RegistryResponse> {
    const url = `${this.registry.baseUrl}${path}`;
    const scope = options.scope ?? "";
    const first = await this.#send(method, url, options, this.#tokens.get(scope) ?? this.#basic);
    if (first.status !== 401)
      return { ...first, auth: this.#tokens.has(scope) ? "bearer" : this.#basic ? "basic" : "anonymous" };
    const challenges = parseWwwAuthenticate(first.headers.get("www-authenticate") ?? "");
    const bearer = challenges.find((c) => c.scheme === "bearer" && c.params["realm"]);
    if (bearer) {
      const token = await this.#bearerToken(bearer, options.scope);
      if (typeof token !== "string") return { ...first, auth: "anonymous", unauthorized: token.problem };
      this.#tokens.set(scope, token);
      const second = await this.#send(method, url, options, token);
      return {
        ...second,
        auth: "bearer",
        unauthorized:
          second.status === 401
            ? `the registry refused the token from ${bearer.params["realm"]} for ${scope || "this request"}`
            : undefined,
      };
    }
    if (challenges.some((c) => c.scheme === "basic")) {
      const credentials = await this.#lookupCredentials();
      if (!credentials) return { ...first, auth: "anonymous", unauthorized: this.#noCredentials() };
      this.#basic = credentials.basicAuthorization();
      const second = await this.#send(method, url, options, this.#basic);
      return {
        ...second,
        auth: "basic",
        unauthorized:
          second.status === 401 ? `the registry refused the credentials from ${credentials.source}` : undefined,
      };
    }
    return {
      ...first,
      auth: "anonymous",
      unauthorized: `the registry asks for authentication it does not describe (WWW-Authenticate: ${challenges.map((c) => c.scheme).join(", ") || "missing"})`,
    };
  }

  #noCredentials(): string {
    return `no credentials for ${this.registry.authority} in the engine's login configuration (docker login ${this.registry.authority})`;
  }

  #lookupCredentials(): Promise<Credentials | undefined> {
    if (this.#options.credentials !== undefined) return Promise.resolve(this.#options.credentials ?? undefined);
    this.#credentials ??= findCredentials(this.registry.authority, {
      env: this.#options.env,
      signal: this.#options.signal,
    });
    return this.#credentials;
  }

  /** The token flow: GET realm?service=&scope= (Basic with the user's credentials), or a refresh-token POST. */
  async #bearerToken(challenge: AuthChallenge, scope: string | undefined): Promise<string | { problem: string }> {
    const realm = challenge.params["realm"]!;
    let realmUrl: URL;
    try {
      realmUrl = new URL(realm);
    } catch {
      return { problem: `the registry names a token service that is not a URL (${realm})` };
    }
    const service = challenge.params["service"] ?? "";
    const wanted = scope ?? challenge.params["scope"];
    const credentials = await this.#lookupCredentials();
    const plainAndRemote =
      realmUrl.protocol === "http:" &&
      !isLoopbackHost(realmUrl.hostname.replace(/^\[|\]$/g, "")) &&
      !this.registry.insecure;
    if (credentials && plainAndRemote)
      return {
        problem: `the token service ${realmUrl.origin} is plain HTTP and not loopback: credentials are not sent there (mark the registry insecure to allow it)`,
      };
    let response: Omit<RegistryResponse, "auth">;
    if (credentials?.isIdentityToken) {
      const form = credentials.refreshTokenForm(service, wanted);
      response = await this.#send(
        "POST",
        realmUrl.toString(),
        { body: form.toString(), contentType: "application/x-www-form-urlencoded" },
        undefined,
      );
    } else {
      if (service) realmUrl.searchParams.set("service", service);
      if (wanted) realmUrl.searchParams.set("scope", wanted);
      response = await this.#send("GET", realmUrl.toString(), {}, credentials?.basicAuthorization());
    }
    const where = `${realmUrl.origin}${realmUrl.pathname}`;
    if (response.status === 401 || response.status === 403) {
      return {
        problem: credentials
          ? `the token service ${where} refused the credentials from ${credentials.source}`
          : `the token service ${where} wants credentials: ${this.#noCredentials()}`,
      };
    }
    if (response.status < 200 || response.status > 299)
      return { problem: `the token service ${where} answered HTTP ${response.status}` };
    try {
      const json = JSON.parse(response.body) as { token?: unknown; access_token?: unknown };
      const token = typeof json.token === "string" && json.token ? json.token : json.access_token;
      if (typeof token === "string" && token) return `Bearer ${token}`;
    } catch {
      // reported below
    }
    return { problem: `the token service ${where} answered without a token` };
  }

  async #send(
    method: string,
    url: string,
    options: RequestOptions,
    authorization: string | undefined,
  ): Promise<Omit<RegistryResponse, "auth">> {
    const headers: Record<string, string> = { "User-Agent": "paddock" };
    if (options.accept) headers["Accept"] = options.accept.join(", ");
    if (options.contentType) headers["Content-Type"] = options.contentType;
    if (authorization) headers["Authorization"] = authorization;
    const timeout = AbortSignal.timeout(this.timeoutMs);
    const signal = this.#options.signal ? AbortSignal.any([this.#options.signal, timeout]) : timeout;
    try {
      const response = await fetch(url, { method, headers, body: options.body, redirect: "manual", signal });
      const body = method === "HEAD" ? "" : await response.text();
      return { status: response.status, headers: response.headers, body };
    } catch (error) {
      if (this.#options.signal?.aborted) throw abortReason(this.#options.signal);
      const { reason, hint } = this.#describeNetworkError(error, timeout.aborted);
      throw new RegistryUnreachableError(new URL(url).origin, reason, hint);
    }
  }

  #describeNetworkError(error: unknown, timedOut: boolean): { reason: string; hint: string } {
    const start = this.registry.loopback
      ? "start it (sudo bash scripts/engine-bootstrap.sh registry), or check the address"
      : "check the address, and that this machine can reach it";
    if (timedOut) return { reason: `no answer within ${this.timeoutMs / 1000}s`, hint: start };
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    const code = cause?.code ?? "";
    if (code === "ECONNREFUSED") return { reason: "connection refused (nothing listens there)", hint: start };
    if (code === "ENOTFOUND" || code === "EAI_AGAIN")
      return { reason: `host ${this.registry.host} not found`, hint: "check the host name (DNS)" };
    if (/SSL|CERT|TLS/i.test(code)) {
      const plain = /WRONG_VERSION_NUMBER|PACKET_LENGTH/i.test(code);
      return {
        reason: `TLS failed (${code})`,
        hint: plain
          ? "it seems to speak plain HTTP: mark the registry insecure if you trust the network"
          : "the registry's certificate is not trusted here: add its CA (NODE_EXTRA_CA_CERTS), or fix the certificate",
      };
    }
    const message = cause?.message ?? (error instanceof Error ? error.message : String(error));
    if (message === "bad port") {
      return {
        reason: `port ${this.registry.port} is one that fetch refuses to connect to (the WHATWG "bad ports" list)`,
        hint: "run the registry on another port, e.g. 5000",
      };
    }
    return { reason: code ? `${code}: ${message}` : message, hint: start };
  }
}

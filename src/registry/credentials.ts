import { inspect } from "node:util";

/**
 * A user name and secret for one registry. The secret never leaves through `toString`,
 * `JSON.stringify` or `console.log`: only the request code asks for the header values.
 */
export class Credentials {
  readonly #username: string;
  readonly #secret: string;
  readonly #identityToken: boolean;

  constructor(
    username: string,
    secret: string,
    /** Where they came from, for messages: "~/.docker/config.json" or "docker-credential-pass". */
    readonly source: string,
    options: { identityToken?: boolean } = {},
  ) {
    this.#username = username;
    this.#secret = secret;
    this.#identityToken = options.identityToken ?? false;
  }

  /** An OAuth refresh token (`identitytoken`, or a helper's `<token>` user) rather than a password. */
  get isIdentityToken(): boolean {
    return this.#identityToken;
  }

  basicAuthorization(): string {
    return `Basic ${Buffer.from(`${this.#username}:${this.#secret}`, "utf8").toString("base64")}`;
  }

  /** The form body of an OAuth2 refresh-token request (distribution's token spec). */
  refreshTokenForm(service: string, scope: string | undefined): URLSearchParams {
    const form = new URLSearchParams({
      grant_type: "refresh_token",
      refresh_token: this.#secret,
      service,
      client_id: "paddock",
    });
    if (scope) form.set("scope", scope);
    return form;
  }

  toString(): string {
    return `[credentials from ${this.source}]`;
  }

  toJSON(): string {
    return this.toString();
  }

  [inspect.custom](): string {
    return this.toString();
  }
}

import { PaddockError } from "../errors.js";

/** A registry could not be used: a bad reference, no answer, refused credentials. Never carries a credential. */
export class RegistryError extends PaddockError {}

/** The registry did not answer (refused, timed out, unknown host, TLS); retrying later may work. */
export class RegistryUnreachableError extends RegistryError {
  constructor(
    readonly url: string,
    readonly reason: string,
    hint: string,
  ) {
    super(`registry ${url} did not answer: ${reason}`, { hint, transient: true });
  }
}

/** A small client for registries (distribution API v2 / OCI distribution): lookups, push and pull. */
export { registryCheck } from "./check.js";
export { Credentials } from "./credentials.js";
export { RegistryError, RegistryUnreachableError } from "./errors.js";
export { findCredentials, type CredentialLookupOptions } from "./find-credentials.js";
export { hasImage, hasImages, type HasImageOptions, type ImageLookup } from "./has-image.js";
export { mapLimit } from "./map-limit.js";
export { ping, type PingResult } from "./ping.js";
export {
  isLoopbackHost,
  parseRegistryRef,
  remoteImageRef,
  repositoryName,
  type RegistryRef,
  type RegistryRefOptions,
} from "./ref.js";
export { RegistryClient, type RegistryClientOptions } from "./registry-client.js";
export { pullImage, pushImage, type TransferCli, type TransferOptions } from "./transfer.js";

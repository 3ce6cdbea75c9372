import type { WorkloadOut } from "./stack-out.js";

/** Well-known datastore ports, and the URL form their clients take. */
const URL_FORMS: Record<number, string> = {
  5432: "postgresql://USER:PASSWORD@{host}:{port}/DATABASE",
  3306: "mysql://USER:PASSWORD@{host}:{port}/DATABASE",
  6379: "redis://{host}:{port}",
  27017: "mongodb://USER:PASSWORD@{host}:{port}",
  5672: "amqp://USER:PASSWORD@{host}:{port}",
};

/**
 * Compose has no notion of an endpoint URL, so tests get PADDOCK_<SERVICE>_URL as
 * http://{host}:{port}; for a datastore's port, a comment shows the `url:` to write instead.
 */
export function urlHint(workload: WorkloadOut): string | undefined {
  const first = workload.ports?.[0];
  const port =
    typeof first === "number"
      ? first
      : Number(
          String(first ?? "")
            .split(":")
            .pop(),
        );
  const form = URL_FORMS[port];
  return form === undefined
    ? undefined
    : `hint: url: "${form}" gives tests that URL as PADDOCK_<SERVICE>_URL (default http://{host}:{port})`;
}

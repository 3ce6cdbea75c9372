/** Fills a service's url template: "postgresql://u:p@{host}:{port}/db" → "postgresql://u:p@127.0.0.1:49153/db". */
export function endpointUrl(template: string, endpoint: { host: string; port: number }): string {
  return template.replaceAll("{host}", endpoint.host).replaceAll("{port}", String(endpoint.port));
}

// What every suite's tests share: endpoints from PADDOCK_<SERVICE>_URL, and JSON over HTTP.

export function endpoint(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run these tests through \`paddock test\``);
  return value.replace(/\/+$/, "");
}

/** An event type no other run uses, so suites never read each other's rows. */
export function uniqueType(suite) {
  return `e2e.${suite}.${Date.now()}.${Math.floor(Math.random() * 1e6)}`;
}

export async function http(method, url, body) {
  const res = await fetch(url, {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
  const text = await res.text();
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    json = text;
  }
  return { status: res.status, headers: res.headers, body: json };
}

// Server-side configuration, read from the environment at request time (12-factor).

/** The gateway as the Next.js server reaches it (server-rendered pages). */
export function serverGatewayUrl(): string {
  return (process.env.GATEWAY_URL ?? "http://127.0.0.1:8080").replace(/\/$/, "");
}

/** The gateway as the browser reaches it: a full URL, or only a port on the page's own host. */
export function publicGateway(): { url: string | null; port: string | null } {
  const url = process.env.PUBLIC_GATEWAY_URL || null;
  const port = process.env.PUBLIC_GATEWAY_PORT || (url ? null : new URL(serverGatewayUrl()).port || "80");
  return { url, port };
}

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

/** The map's tile source: MAP_TILE_URL ({z}/{x}/{y} template; "none" for no tiles) and its attribution. */
export function mapTiles(): { url: string | null; attribution: string } {
  const raw = process.env.MAP_TILE_URL;
  const url = raw === undefined ? "https://tile.openstreetmap.org/{z}/{x}/{y}.png" : raw.trim() === "" || raw.trim() === "none" ? null : raw.trim();
  const attribution = process.env.MAP_TILE_ATTRIBUTION ?? (raw === undefined ? "© OpenStreetMap contributors" : "");
  return { url, attribution };
}

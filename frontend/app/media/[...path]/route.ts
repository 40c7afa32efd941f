// Listing photos, served from the page's own origin: /media/vehicles/{id}/images/{image}
// is GET /api/v1/vehicles/{id}/images/{image} at the gateway (public). Only that shape passes.
import { serverGatewayUrl } from "../../../lib/config";

const SHAPE = /^vehicles\/[0-9a-f-]{36}\/images\/[0-9a-f-]{36}$/;

export async function GET(_req: Request, ctx: { params: Promise<{ path: string[] }> }) {
  const path = (await ctx.params).path.join("/");
  if (!SHAPE.test(path)) return new Response("not found", { status: 404 });
  const r = await fetch(`${serverGatewayUrl()}/api/v1/${path}`, { cache: "no-store" });
  if (!r.ok || !r.body) return new Response("not found", { status: r.status === 404 ? 404 : 502 });
  return new Response(r.body, {
    headers: {
      "Content-Type": r.headers.get("Content-Type") ?? "application/octet-stream",
      "Cache-Control": "public, max-age=86400",
    },
  });
}

// Liveness/readiness for scripts/frontend.sh and probes.
export const dynamic = "force-dynamic";
export function GET() {
  return Response.json({ status: "ok", service: "frontend" });
}

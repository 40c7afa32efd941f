// A vehicle: server-rendered details and photos, and the plan calculator (browser, live quotes).
import { VehicleView } from "../../../components/VehicleView";
import { serverGatewayUrl } from "../../../lib/config";
import type { PlanTemplate } from "../../../lib/quote";
import type { Vehicle } from "../../../lib/types";

export const dynamic = "force-dynamic";

export default async function VehiclePage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const gw = serverGatewayUrl();
  let vehicle: Vehicle | null = null;
  let templates: PlanTemplate[] = [];
  try {
    const [v, tp] = await Promise.all([
      fetch(`${gw}/api/v1/vehicles/${encodeURIComponent(id)}`, { cache: "no-store" }),
      fetch(`${gw}/api/v1/plan-templates`, { cache: "no-store" }),
    ]);
    if (v.ok) vehicle = (await v.json()) as Vehicle;
    if (tp.ok) templates = ((await tp.json()) as { items: PlanTemplate[] }).items;
  } catch {
    vehicle = null;
  }
  return <VehicleView vehicle={vehicle} templates={templates} />;
}

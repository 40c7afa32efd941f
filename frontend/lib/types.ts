import type { Money } from "./money";

export interface VehicleItem {
  id: string;
  status: string;
  category: string;
  make: string;
  model: string;
  year: number;
  condition: string;
  fuel: string;
  engine_cc?: number | null;
  battery_kwh?: number | null;
  mileage_km?: number;
  colour?: string | null;
  price: Money;
  location: { city: string; branch?: string | null; latitude?: number | null; longitude?: number | null };
  tracker_ready?: boolean;
  dealer_id: string;
  cover_image_url: string | null;
  created_at: string;
  distance_km?: number;
  rejection_reason?: string | null;
}
export interface Vehicle extends VehicleItem {
  description: string;
  images: { id: string; url: string; position: number; is_cover: boolean }[];
}
export interface SearchPage {
  items: VehicleItem[];
  next_cursor: string | null;
  sort: string;
  limit: number;
  facets: Record<"category" | "make" | "city" | "fuel", Record<string, number>>;
}

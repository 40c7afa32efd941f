// Dealer listings: the create/patch body, images and the review calls of the vehicle service
// (docs/api/vehicle-service.yaml).
import { api } from "./api";
import { parseMoneyInput, toInputText, type Money } from "./money";
import type { VehicleItem } from "./types";

export const CATEGORIES = ["motorcycle", "e-motorcycle", "tuk-tuk", "car", "e-bike", "van-pickup"] as const;
export const FUELS = ["petrol", "diesel", "electric", "hybrid"] as const;
export const CONDITIONS = ["new", "used"] as const;
export const LISTING_CURRENCIES = ["UGX", "KES", "TZS", "RWF", "NGN", "GHS", "XOF"] as const;
export const IMAGE_TYPES = ["image/jpeg", "image/png", "image/webp"];
/** IMAGE_MAX_BYTES of the vehicle service (413 beyond). */
export const IMAGE_MAX_BYTES = 5 * 1024 * 1024;
/** Statuses in which the dealer may still upload, reorder and delete images. */
export const IMAGE_STATUSES = ["draft", "pending_review", "available", "maintenance"];
/** Statuses in which the listing's details may be edited. */
export const EDIT_STATUSES = ["draft", "pending_review", "available", "maintenance"];

export interface ListingImage {
  id: string;
  url: string;
  content_type: string;
  size_bytes: number;
  position: number;
  is_cover: boolean;
  created_at: string;
}

export interface Listing extends VehicleItem {
  vin: string;
  registration: string | null;
  description: string;
  updated_at: string;
  images: ListingImage[];
  rejection_reason?: string | null;
}

/** What the form holds: every value as typed. */
export interface ListingForm {
  category: string;
  make: string;
  model: string;
  year: string;
  condition: string;
  fuel: string;
  engine_cc: string;
  battery_kwh: string;
  mileage_km: string;
  colour: string;
  vin: string;
  registration: string;
  currency: string;
  price: string;
  city: string;
  branch: string;
  description: string;
  tracker_ready: boolean;
}

export function emptyForm(): ListingForm {
  return {
    category: "motorcycle", make: "", model: "", year: String(new Date().getFullYear()), condition: "new", fuel: "petrol",
    engine_cc: "", battery_kwh: "", mileage_km: "0", colour: "", vin: "", registration: "", currency: "UGX", price: "",
    city: "", branch: "", description: "", tracker_ready: false,
  };
}

export function formOf(v: Listing): ListingForm {
  return {
    category: v.category, make: v.make, model: v.model, year: String(v.year), condition: v.condition, fuel: v.fuel,
    engine_cc: v.engine_cc != null ? String(v.engine_cc) : "", battery_kwh: v.battery_kwh != null ? String(v.battery_kwh) : "",
    mileage_km: String(v.mileage_km ?? 0), colour: v.colour ?? "", vin: v.vin, registration: v.registration ?? "",
    currency: v.price.currency, price: toInputText(v.price.amount, v.price.currency), city: v.location.city,
    branch: v.location.branch ?? "", description: v.description ?? "", tracker_ready: !!v.tracker_ready,
  };
}

const int = (s: string): number | null => (/^\s*\d+\s*$/.test(s) ? Number(s.trim()) : null);
const num = (s: string): number | null => (/^\s*\d+(\.\d+)?\s*$/.test(s) ? Number(s.trim()) : null);

/**
 * The ListingInput body of a form, or the fields the browser can already tell are wrong
 * (as message keys). Electric vehicles send battery_kwh and no engine_cc; the others engine_cc.
 */
export function listingBody(
  f: ListingForm,
): { body: Record<string, unknown>; errors: null } | { body: null; errors: Record<string, "listing.required" | "listing.badNumber" | "listing.badPrice"> } {
  const errors: Record<string, "listing.required" | "listing.badNumber" | "listing.badPrice"> = {};
  for (const k of ["make", "model", "vin", "city"] as const) if (!f[k].trim()) errors[k] = "listing.required";
  const year = int(f.year);
  if (year === null) errors.year = "listing.badNumber";
  const mileage = f.mileage_km.trim() ? int(f.mileage_km) : 0;
  if (mileage === null) errors.mileage_km = "listing.badNumber";
  const electric = f.fuel === "electric";
  const engine = !electric && f.engine_cc.trim() ? int(f.engine_cc) : null;
  if (!electric && f.engine_cc.trim() && engine === null) errors.engine_cc = "listing.badNumber";
  const battery = electric && f.battery_kwh.trim() ? num(f.battery_kwh) : null;
  if (electric && f.battery_kwh.trim() && battery === null) errors.battery_kwh = "listing.badNumber";
  const amount = parseMoneyInput(f.price, f.currency);
  if (!f.price.trim()) errors.price = "listing.required";
  else if (amount === null) errors.price = "listing.badPrice";
  if (Object.keys(errors).length) return { body: null, errors };
  const price: Money = { amount: amount!, currency: f.currency };
  return {
    errors: null,
    body: {
      category: f.category,
      make: f.make.trim(),
      model: f.model.trim(),
      year,
      condition: f.condition,
      fuel: f.fuel,
      engine_cc: engine,
      battery_kwh: battery,
      mileage_km: mileage,
      colour: f.colour.trim() || null,
      vin: f.vin.trim(),
      registration: f.registration.trim() || null,
      price,
      location: { city: f.city.trim(), branch: f.branch.trim() || null },
      description: f.description.trim(),
      tracker_ready: f.tracker_ready,
    },
  };
}

/** The form field an API error names ("price.amount" → price, "location.city" → city). */
export function formFieldOf(apiField: string): string {
  if (apiField.startsWith("price")) return "price";
  if (apiField === "location.branch") return "branch";
  if (apiField.startsWith("location")) return "city";
  return apiField;
}

export const vehiclePath = (id: string, rest = "") => `/api/v1/vehicles/${encodeURIComponent(id)}${rest}`;

/** Sends a picture's bytes as they are, with its own Content-Type. */
export function uploadImage(id: string, file: File): Promise<ListingImage> {
  return api<ListingImage>(vehiclePath(id, "/images"), { method: "POST", raw: { data: file, type: file.type } });
}

export function reorderImages(id: string, imageIds: string[]): Promise<{ items: ListingImage[] }> {
  return api<{ items: ListingImage[] }>(vehiclePath(id, "/images/order"), { method: "PUT", body: { image_ids: imageIds } });
}

/** `ids` with the one at `index` moved by `by` (−1 up, +1 down); unchanged at the ends. */
export function moved<T>(ids: T[], index: number, by: -1 | 1): T[] {
  const to = index + by;
  if (index < 0 || index >= ids.length || to < 0 || to >= ids.length) return ids;
  const next = ids.slice();
  [next[index], next[to]] = [next[to], next[index]];
  return next;
}

/**
 * The PATCH body: only the fields whose value differs from `before`. The service refuses any
 * identity field (category, make, model, year, condition, fuel, VIN) once a listing is public,
 * even unchanged, so nothing is sent that the dealer did not change.
 */
export function changedFields(before: Record<string, unknown>, after: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(after)) if (JSON.stringify(v) !== JSON.stringify(before[k])) out[k] = v;
  return out;
}

/** The form's field names, to tell an error the form can show beside a field from one it cannot. */
export const FORM_FIELDS = new Set(Object.keys(emptyForm()));

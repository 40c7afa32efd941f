// Marketplace search: the URL's query string is the search (shareable), mapped 1:1 onto
// GET /api/v1/vehicles parameters (only the ones the API knows; empty ones dropped).
export const SEARCH_KEYS = [
  "q", "category", "make", "fuel", "condition", "currency", "price_min", "price_max",
  "year_min", "year_max", "city", "near", "radius_km", "sort",
] as const;
export type SearchKey = (typeof SEARCH_KEYS)[number];
export type SearchParams = Partial<Record<SearchKey, string>>;

export const CATEGORIES = ["motorcycle", "e-motorcycle", "tuk-tuk", "car", "e-bike", "van-pickup"];
export const FUELS = ["petrol", "diesel", "electric", "hybrid"];
export const CONDITIONS = ["new", "used"];
export const SORTS = ["relevance", "newest", "price_asc", "price_desc"];

export function pickSearch(input: Record<string, string | string[] | undefined> | URLSearchParams): SearchParams {
  const out: SearchParams = {};
  for (const k of SEARCH_KEYS) {
    const v = input instanceof URLSearchParams ? input.get(k) : input[k];
    const s = Array.isArray(v) ? v[0] : v;
    if (s != null && s.trim() !== "") out[k] = s.trim();
  }
  // The API refuses `relevance` without q: drop it rather than show an error.
  if (out.sort === "relevance" && !out.q) delete out.sort;
  return out;
}

/** The query string for the API (with an optional cursor and limit). */
export function toQuery(p: SearchParams, extra: Record<string, string> = {}): string {
  const u = new URLSearchParams();
  for (const k of SEARCH_KEYS) if (p[k]) u.set(k, p[k]!);
  for (const [k, v] of Object.entries(extra)) if (v) u.set(k, v);
  const s = u.toString();
  return s ? `?${s}` : "";
}

/** Sets or clears one filter (a chip toggles: choosing the active value clears it). */
export function toggle(p: SearchParams, key: SearchKey, value: string): SearchParams {
  const next = { ...p };
  if (!value || next[key] === value) delete next[key];
  else next[key] = value;
  if ((key === "price_min" || key === "price_max") && next[key] && !next.currency) next.currency = "UGX";
  return next;
}

// Dates: due dates are local calendar dates ("2026-12-07"); times are UTC instants from the API.
export const OPERATOR_TZ = "Africa/Kampala";

function intlLocale(locale: string): string {
  return locale === "sw" ? "sw-KE" : "en-GB";
}

/** A calendar date ("2026-12-07") as "7 Dec 2026" / "7 Des 2026"; never shifted by time zone. */
export function formatDate(date: string | null | undefined, locale = "en"): string {
  if (!date) return "—";
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(date);
  if (!m) return date;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return new Intl.DateTimeFormat(intlLocale(locale), { day: "numeric", month: "short", year: "numeric", timeZone: "UTC" }).format(d);
}

/** A calendar date as a short day and month ("7 Dec" / "7 Des"), for chart labels. */
export function formatDayMonth(date: string | null | undefined, locale = "en"): string {
  if (!date) return "—";
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(date);
  if (!m) return date;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return new Intl.DateTimeFormat(intlLocale(locale), { day: "numeric", month: "short", timeZone: "UTC" }).format(d);
}

/** A UTC instant shown in the operator's time zone. */
export function formatDateTime(iso: string | null | undefined, locale = "en", timeZone = OPERATOR_TZ): string {
  if (!iso) return "—";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return new Intl.DateTimeFormat(intlLocale(locale), {
    day: "numeric", month: "short", year: "numeric", hour: "2-digit", minute: "2-digit", timeZone,
  }).format(d);
}

/** Today's calendar date in a time zone, as YYYY-MM-DD. */
export function localToday(now = new Date(), timeZone = OPERATOR_TZ): string {
  const parts = new Intl.DateTimeFormat("en-CA", { year: "numeric", month: "2-digit", day: "2-digit", timeZone }).formatToParts(now);
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? "";
  return `${get("year")}-${get("month")}-${get("day")}`;
}

/** Whole days from `from` to `to` (both YYYY-MM-DD); negative when `to` is earlier. */
export function daysBetween(from: string, to: string): number {
  const a = Date.parse(`${from}T00:00:00Z`);
  const b = Date.parse(`${to}T00:00:00Z`);
  return Math.round((b - a) / 86_400_000);
}

// The portfolio's last weeks of expected against collected money, as bar heights for a chart.
import type { Money } from "./money";

/** One ISO week of a portfolio (GET /api/v1/plans/portfolio, `weeks[]`, oldest first). */
export interface PortfolioWeek {
  /** The week's Monday, YYYY-MM-DD. */
  week_starting: string;
  expected: Money;
  collected: Money;
}

/** A week's two bars as fractions (0–1) of the tallest bar of both series. */
export interface WeekBars {
  week_starting: string;
  expected: number;
  collected: number;
}

const amountOf = (m: Money | null | undefined): number => {
  const n = m?.amount;
  return typeof n === "number" && Number.isFinite(n) && n > 0 ? n : 0;
};

/**
 * Bar heights for `weeks`, scaled to the largest amount of both series so the two can be compared.
 * Negative or missing amounts (a week of reversals) draw no bar; when every amount is zero every
 * bar is zero. An absent or empty `weeks` gives no bars.
 */
export function weekBars(weeks: PortfolioWeek[] | null | undefined): WeekBars[] {
  if (!Array.isArray(weeks) || weeks.length === 0) return [];
  const max = weeks.reduce((m, w) => Math.max(m, amountOf(w.expected), amountOf(w.collected)), 0);
  const scale = (m: Money | null | undefined) => (max > 0 ? amountOf(m) / max : 0);
  return weeks.map((w) => ({ week_starting: w.week_starting, expected: scale(w.expected), collected: scale(w.collected) }));
}

/** The Monday of the ISO week holding `date` (YYYY-MM-DD), as YYYY-MM-DD; null when not a date. */
export function mondayOf(date: string | null | undefined): string | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(date ?? "");
  if (!m) return null;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  if (Number.isNaN(d.getTime())) return null;
  d.setUTCDate(d.getUTCDate() - ((d.getUTCDay() + 6) % 7));
  return d.toISOString().slice(0, 10);
}

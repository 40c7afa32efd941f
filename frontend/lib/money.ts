// Money is integer minor units plus an ISO 4217 currency, as in the API. Never floating point.
export interface Money {
  amount: number;
  currency: string;
}

// Minor-unit digits of the platform's currencies (libs/platform/src/money.cpp).
const EXPONENT: Record<string, number> = { UGX: 0, KES: 2, TZS: 2, RWF: 0, NGN: 2, GHS: 2, XOF: 0 };
// Shown without minor units when the amount is whole (riders never see "KES 1,500.00").
const WHOLE_UNITS_SHOWN = new Set(["UGX", "KES", "TZS", "RWF", "XOF"]);

export function exponentOf(currency: string): number {
  return EXPONENT[currency] ?? 2;
}

function intlLocale(locale: string): string {
  return locale === "sw" ? "sw-KE" : "en-GB";
}

/** "UGX 5,400,000", "KES 1,500" (whole), "KES 1,500.50" (with cents). */
export function formatMoney(m: Money | null | undefined, locale = "en"): string {
  if (!m || typeof m.amount !== "number" || !Number.isFinite(m.amount)) return "—";
  const exp = exponentOf(m.currency);
  const negative = m.amount < 0;
  const abs = BigInt(Math.abs(Math.trunc(m.amount)));
  const scale = 10n ** BigInt(exp);
  const whole = abs / scale;
  const frac = abs % scale;
  const grouped = new Intl.NumberFormat(intlLocale(locale), { maximumFractionDigits: 0 }).format(whole);
  let text = grouped;
  if (exp > 0 && !(frac === 0n && WHOLE_UNITS_SHOWN.has(m.currency))) {
    const sep = new Intl.NumberFormat(intlLocale(locale)).format(1.5).charAt(1);
    text += sep + frac.toString().padStart(exp, "0");
  }
  return `${negative ? "−" : ""}${m.currency} ${text}`;
}

/**
 * Reads what a person typed ("1,500,000", "1500.5", "1 500") as minor units of `currency`.
 * Returns null when it is not a non-negative amount with at most the currency's decimals.
 */
export function parseMoneyInput(text: string, currency: string): number | null {
  const exp = exponentOf(currency);
  const cleaned = text.trim().replace(/[\s,_]/g, "");
  if (!/^\d+(\.\d*)?$/.test(cleaned)) return null;
  const [whole, frac = ""] = cleaned.split(".");
  if (frac.length > exp) return null;
  const minor = BigInt(whole) * 10n ** BigInt(exp) + BigInt(frac.padEnd(exp, "0") || "0");
  if (minor > BigInt(Number.MAX_SAFE_INTEGER)) return null;
  return Number(minor);
}

/** Minor units as the plain major-unit text an input field shows ("1500000", "1500.50"). */
export function toInputText(minor: number, currency: string): string {
  const exp = exponentOf(currency);
  if (exp === 0) return String(minor);
  const scale = 10 ** exp;
  const whole = Math.trunc(minor / scale);
  const frac = minor % scale;
  return frac === 0 ? String(whole) : `${whole}.${String(frac).padStart(exp, "0")}`;
}

export function addMoney(a: Money, b: Money): Money {
  if (a.currency !== b.currency) throw new Error(`currency mismatch: ${a.currency} and ${b.currency}`);
  return { amount: a.amount + b.amount, currency: a.currency };
}

// Plan quote helpers: the arithmetic the API promises, checked and explained in the browser.
import type { Money } from "./money";

export type Frequency = "daily" | "weekly" | "monthly";

export interface Quote {
  template_id: string;
  frequency: Frequency;
  price?: Money;
  deposit: Money;
  financed: Money;
  instalment: Money;
  instalment_count: number;
  last_instalment: Money;
  first_due_date: string;
  last_due_date: string;
  total_payable: Money;
  cost_of_credit: Money;
  effective_annual_rate: string;
}

export interface PlanTemplate {
  id: string;
  slug: string;
  name: string;
  category: string;
  currency: string;
  frequency: Frequency;
  instalment_count: number;
  min_deposit_bps: number;
  rounding_unit?: number;
  active?: boolean;
}

/** deposit + instalment × (count − 1) + last instalment = total payable (the API's promise). */
export function quoteAddsUp(q: Quote): boolean {
  return q.deposit.amount + q.instalment.amount * (q.instalment_count - 1) + q.last_instalment.amount === q.total_payable.amount;
}

const DAYS: Record<Frequency, number> = { daily: 1, weekly: 7, monthly: 30 };

/** What an instalment costs per day, rounded up to a whole minor unit ("from X per day"). */
export function perDay(instalment: Money, frequency: Frequency): Money {
  const d = DAYS[frequency];
  return { amount: Math.ceil(instalment.amount / d), currency: instalment.currency };
}

/** The smallest deposit a template allows for a price: min_deposit_bps of it, rounded up. */
export function minimumDeposit(price: Money, t: PlanTemplate): Money {
  const raw = Math.ceil((price.amount * t.min_deposit_bps) / 10_000);
  const unit = t.rounding_unit && t.rounding_unit > 1 ? t.rounding_unit : 1;
  return { amount: Math.ceil(raw / unit) * unit, currency: price.currency };
}

/** Templates offered for a vehicle: same category and currency, active ones. */
export function templatesFor(templates: PlanTemplate[], category: string, currency: string): PlanTemplate[] {
  return templates.filter((t) => t.category === category && t.currency === currency && t.active !== false);
}

/** Deposit slider steps between the minimum and 90 % of the price. */
export function depositRange(price: Money, t: PlanTemplate): { min: number; max: number; step: number } {
  const min = minimumDeposit(price, t).amount;
  const max = Math.max(min, Math.floor(price.amount * 0.9));
  const unit = t.rounding_unit && t.rounding_unit > 1 ? t.rounding_unit : 1;
  const step = Math.max(unit, Math.round((max - min) / 50 / unit) * unit || unit);
  return { min, max, step };
}

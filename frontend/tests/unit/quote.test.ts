import { describe, expect, it } from "vitest";
import { depositRange, minimumDeposit, perDay, quoteAddsUp, templatesFor, type PlanTemplate, type Quote } from "../../lib/quote";

const UGX = (amount: number) => ({ amount, currency: "UGX" });
const quote: Quote = {
  template_id: "t1", frequency: "weekly", deposit: UGX(1_000_000), financed: UGX(4_200_000),
  instalment: UGX(70_000), instalment_count: 78, last_instalment: UGX(60_000),
  first_due_date: "2026-12-14", last_due_date: "2028-06-05",
  total_payable: UGX(1_000_000 + 70_000 * 77 + 60_000), cost_of_credit: UGX(250_000), effective_annual_rate: "0.31",
};
const template: PlanTemplate = {
  id: "t1", slug: "motorcycle-weekly-78w", name: "Weekly", category: "motorcycle", currency: "UGX",
  frequency: "weekly", instalment_count: 78, min_deposit_bps: 1500, rounding_unit: 500,
};

describe("quote arithmetic", () => {
  it("accepts a quote whose parts add up to the total", () => {
    expect(quoteAddsUp(quote)).toBe(true);
  });
  it("catches a quote that does not add up", () => {
    expect(quoteAddsUp({ ...quote, total_payable: UGX(quote.total_payable.amount + 1) })).toBe(false);
  });
  it("turns an instalment into a per-day figure, rounding up", () => {
    expect(perDay(UGX(70_000), "weekly")).toEqual(UGX(10_000));
    expect(perDay(UGX(70_001), "weekly")).toEqual(UGX(10_001));
    expect(perDay(UGX(9_000), "daily")).toEqual(UGX(9_000));
    expect(perDay(UGX(300_000), "monthly")).toEqual(UGX(10_000));
  });
  it("computes the minimum deposit from basis points, rounded up to the rounding unit", () => {
    expect(minimumDeposit(UGX(5_200_000), template)).toEqual(UGX(780_000));
    expect(minimumDeposit(UGX(5_200_100), template)).toEqual(UGX(780_500));
  });
  it("offers only templates of the vehicle's category and currency", () => {
    const ts = [template, { ...template, id: "t2", currency: "KES" }, { ...template, id: "t3", category: "car" }, { ...template, id: "t4", active: false }];
    expect(templatesFor(ts, "motorcycle", "UGX").map((t) => t.id)).toEqual(["t1"]);
  });
  it("gives a deposit range from the minimum to 90 % of the price in rounding steps", () => {
    const r = depositRange(UGX(5_200_000), template);
    expect(r.min).toBe(780_000);
    expect(r.max).toBe(4_680_000);
    expect(r.step % 500).toBe(0);
    expect(r.step).toBeGreaterThan(0);
  });
});

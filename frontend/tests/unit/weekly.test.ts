import { describe, expect, it } from "vitest";
import { formatDayMonth } from "../../lib/dates";
import { mondayOf, weekBars, type PortfolioWeek } from "../../lib/weekly";

const UGX = (amount: number) => ({ amount, currency: "UGX" });
const week = (week_starting: string, expected: number, collected: number): PortfolioWeek => ({ week_starting, expected: UGX(expected), collected: UGX(collected) });

describe("weekBars", () => {
  it("scales both series to the largest amount of either", () => {
    expect(weekBars([week("2026-11-23", 400_000, 100_000), week("2026-11-30", 500_000, 800_000)])).toEqual([
      { week_starting: "2026-11-23", expected: 0.5, collected: 0.125 },
      { week_starting: "2026-11-30", expected: 0.625, collected: 1 },
    ]);
  });
  it("keeps the weeks in the order given (oldest first)", () => {
    const bars = weekBars([week("2026-10-19", 1, 1), week("2026-10-26", 2, 0), week("2026-11-02", 0, 4)]);
    expect(bars.map((b) => b.week_starting)).toEqual(["2026-10-19", "2026-10-26", "2026-11-02"]);
    expect(bars.map((b) => [b.expected, b.collected])).toEqual([[0.25, 0.25], [0.5, 0], [0, 1]]);
  });
  it("draws no bar, never NaN, when every amount is zero", () => {
    expect(weekBars([week("2026-11-23", 0, 0), week("2026-11-30", 0, 0)])).toEqual([
      { week_starting: "2026-11-23", expected: 0, collected: 0 },
      { week_starting: "2026-11-30", expected: 0, collected: 0 },
    ]);
  });
  it("treats a negative (a week of reversals) or missing amount as no bar", () => {
    const odd = [week("2026-11-23", 200, -50), { week_starting: "2026-11-30", expected: UGX(100) } as unknown as PortfolioWeek];
    expect(weekBars(odd)).toEqual([
      { week_starting: "2026-11-23", expected: 1, collected: 0 },
      { week_starting: "2026-11-30", expected: 0.5, collected: 0 },
    ]);
  });
  it("gives no bars for an absent or empty list (an older payment service)", () => {
    expect(weekBars(undefined)).toEqual([]);
    expect(weekBars(null)).toEqual([]);
    expect(weekBars([])).toEqual([]);
  });
});

describe("mondayOf", () => {
  it("finds the Monday of the ISO week", () => {
    expect(mondayOf("2026-12-08")).toBe("2026-12-07"); // a Tuesday
    expect(mondayOf("2026-12-07")).toBe("2026-12-07"); // a Monday
    expect(mondayOf("2026-12-13")).toBe("2026-12-07"); // a Sunday belongs to the week before it
    expect(mondayOf("2027-01-01")).toBe("2026-12-28"); // across a year
  });
  it("says null for what is not a date", () => {
    expect(mondayOf(undefined)).toBeNull();
    expect(mondayOf("soon")).toBeNull();
  });
});

describe("formatDayMonth", () => {
  it("shows a short day and month per language", () => {
    expect(formatDayMonth("2026-12-07")).toBe("7 Dec");
    expect(formatDayMonth("2026-12-07", "sw")).toMatch(/^7 Des$/);
    expect(formatDayMonth(null)).toBe("—");
  });
});

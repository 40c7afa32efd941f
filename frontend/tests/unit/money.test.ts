import { describe, expect, it } from "vitest";
import { addMoney, exponentOf, formatMoney, parseMoneyInput, toInputText } from "../../lib/money";

describe("formatMoney", () => {
  it("shows UGX without minor units and groups thousands", () => {
    expect(formatMoney({ amount: 5_400_000, currency: "UGX" })).toBe("UGX 5,400,000");
  });
  it("shows whole KES without cents but keeps cents when there are some", () => {
    expect(formatMoney({ amount: 150_000, currency: "KES" })).toBe("KES 1,500");
    expect(formatMoney({ amount: 150_050, currency: "KES" })).toBe("KES 1,500.50");
    expect(formatMoney({ amount: 5, currency: "KES" })).toBe("KES 0.05");
  });
  it("keeps two decimals for currencies with minor units shown (NGN)", () => {
    expect(formatMoney({ amount: 123_400, currency: "NGN" })).toBe("NGN 1,234.00");
  });
  it("formats negative amounts and handles missing values", () => {
    expect(formatMoney({ amount: -2_500, currency: "UGX" })).toBe("−UGX 2,500");
    expect(formatMoney(null)).toBe("—");
  });
  it("stays exact beyond float precision for large amounts", () => {
    expect(formatMoney({ amount: 9_007_199_254_740_991, currency: "UGX" })).toBe("UGX 9,007,199,254,740,991");
  });
  it("formats for Swahili readers too", () => {
    expect(formatMoney({ amount: 1_200_000, currency: "UGX" }, "sw")).toMatch(/^UGX 1.200.000$/);
  });
});

describe("parseMoneyInput", () => {
  it("reads typed amounts into minor units", () => {
    expect(parseMoneyInput("1,500,000", "UGX")).toBe(1_500_000);
    expect(parseMoneyInput("1 500", "KES")).toBe(150_000);
    expect(parseMoneyInput("1500.5", "KES")).toBe(150_050);
    expect(parseMoneyInput("0.05", "KES")).toBe(5);
  });
  it("refuses more decimals than the currency has, negatives and words", () => {
    expect(parseMoneyInput("1500.5", "UGX")).toBeNull();
    expect(parseMoneyInput("1.234", "KES")).toBeNull();
    expect(parseMoneyInput("-5", "UGX")).toBeNull();
    expect(parseMoneyInput("abc", "UGX")).toBeNull();
    expect(parseMoneyInput("", "UGX")).toBeNull();
  });
  it("round-trips with toInputText", () => {
    for (const [minor, cur] of [[150_050, "KES"], [150_000, "KES"], [7_300, "UGX"]] as const) {
      expect(parseMoneyInput(toInputText(minor, cur), cur)).toBe(minor);
    }
    expect(toInputText(150_000, "KES")).toBe("1500");
  });
});

describe("money helpers", () => {
  it("knows the exponents of the platform's currencies", () => {
    expect(exponentOf("UGX")).toBe(0);
    expect(exponentOf("KES")).toBe(2);
    expect(exponentOf("RWF")).toBe(0);
  });
  it("adds only the same currency", () => {
    expect(addMoney({ amount: 1, currency: "UGX" }, { amount: 2, currency: "UGX" })).toEqual({ amount: 3, currency: "UGX" });
    expect(() => addMoney({ amount: 1, currency: "UGX" }, { amount: 2, currency: "KES" })).toThrow(/currency/);
  });
});

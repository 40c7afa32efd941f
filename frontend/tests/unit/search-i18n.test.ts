import { describe, expect, it } from "vitest";
import en from "../../messages/en";
import sw from "../../messages/sw";
import { stepOfField, reasonText } from "../../lib/credit";
import { translate } from "../../lib/i18n";
import { mediaUrl } from "../../lib/media";
import { suggestedPayment, type Statement } from "../../lib/plans";
import { pickSearch, toggle, toQuery } from "../../lib/search";

describe("search parameters", () => {
  it("keeps only the API's parameters and drops empty ones", () => {
    expect(pickSearch({ q: "toyta", city: "", evil: "1", fuel: ["petrol", "diesel"] })).toEqual({ q: "toyta", fuel: "petrol" });
  });
  it("drops a relevance sort without a query (the API would refuse it)", () => {
    expect(pickSearch({ sort: "relevance" })).toEqual({});
    expect(pickSearch({ sort: "relevance", q: "bajaj" })).toEqual({ sort: "relevance", q: "bajaj" });
  });
  it("builds a stable query string with a cursor", () => {
    expect(toQuery({ q: "bajaj boxr", category: "motorcycle" }, { cursor: "abc", limit: "12" })).toBe("?q=bajaj+boxr&category=motorcycle&cursor=abc&limit=12");
    expect(toQuery({})).toBe("");
  });
  it("toggles chips and adds a currency to price bounds", () => {
    expect(toggle({ category: "car" }, "category", "car")).toEqual({});
    expect(toggle({}, "category", "car")).toEqual({ category: "car" });
    expect(toggle({}, "price_min", "100")).toEqual({ price_min: "100", currency: "UGX" });
  });
});

describe("message catalogues", () => {
  it("has every English key in Swahili, none empty", () => {
    expect(Object.keys(sw).sort()).toEqual(Object.keys(en).sort());
    for (const [k, v] of Object.entries(sw)) expect(v.trim(), k).not.toBe("");
  });
  it("keeps the same placeholders in both languages", () => {
    const holes = (s: string) => (s.match(/\{\w+\}/g) ?? []).sort().join();
    for (const k of Object.keys(en) as (keyof typeof en)[]) expect(holes(sw[k]), k).toBe(holes(en[k]));
  });
  it("fills placeholders", () => {
    expect(translate("en", "apply.step", { n: 2, total: 5 })).toBe("Step 2 of 5");
    expect(translate("sw", "apply.step", { n: 2, total: 5 })).toBe("Hatua 2 kati ya 5");
  });
});

describe("credit and plan helpers", () => {
  it("maps API field names to the stepper step holding them", () => {
    expect(stepOfField("monthly_income.amount")).toBe(0);
    expect(stepOfField("mobile_money.avg_monthly_inflow")).toBe(1);
    expect(stepOfField("guarantor.phone")).toBe(3);
    expect(stepOfField("references[1].phone")).toBe(4);
  });
  it("explains reasons in Swahili, falling back to the API's English", () => {
    expect(reasonText({ code: "instalment_share_high", message: "x" }, "sw")).toMatch(/Awamu/);
    expect(reasonText({ code: "unknown_code", message: "English words" }, "sw")).toBe("English words");
    expect(reasonText({ code: "instalment_share_high", message: "English words" }, "en")).toBe("English words");
  });
  it("maps listing photos to same-origin /media URLs and nothing else", () => {
    const id = "0f8fad5b-d9cb-469f-a165-70867728950e";
    const im = "7c9e6679-7425-40de-944b-e07fc1f90ae7";
    expect(mediaUrl(`/api/v1/vehicles/${id}/images/${im}`)).toBe(`/media/vehicles/${id}/images/${im}`);
    expect(mediaUrl("/api/v1/users/me")).toBeNull();
    expect(mediaUrl(null)).toBeNull();
  });
  it("proposes the unpaid deposit first, then arrears, then the next instalment", () => {
    const U = (amount: number) => ({ amount, currency: "UGX" });
    const base = {
      status: "pending_deposit", instalment: U(9_000), next_due: { seq: 1, due_date: "2026-12-08", amount: U(9_000) },
      balance: { outstanding: U(1), overdue: U(0), paid_total: U(0) },
      schedule: [{ seq: 0, kind: "deposit", due_date: "2026-12-07", amount: U(780_000), paid: U(0), remaining: U(780_000), status: "due" }],
    } as unknown as Statement;
    expect(suggestedPayment(base)).toEqual(U(780_000));
    expect(suggestedPayment({ ...base, status: "active", balance: { ...base.balance, overdue: U(18_000) } })).toEqual(U(18_000));
    expect(suggestedPayment({ ...base, status: "active" })).toEqual(U(9_000));
  });
});

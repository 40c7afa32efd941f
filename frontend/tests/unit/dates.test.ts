import { describe, expect, it } from "vitest";
import { daysBetween, formatDate, formatDateTime, localToday } from "../../lib/dates";

describe("dates", () => {
  it("shows a due date as the same calendar day whatever the time zone", () => {
    expect(formatDate("2026-12-07")).toBe("7 Dec 2026");
    expect(formatDate("2026-01-31")).toBe("31 Jan 2026");
  });
  it("shows Swahili month names", () => {
    expect(formatDate("2026-12-07", "sw")).toMatch(/7 Des 2026/);
  });
  it("shows UTC instants in Kampala time (UTC+3)", () => {
    expect(formatDateTime("2026-12-07T22:30:00Z")).toBe("8 Dec 2026, 01:30");
  });
  it("handles missing and malformed values", () => {
    expect(formatDate(null)).toBe("—");
    expect(formatDate("soon")).toBe("soon");
    expect(formatDateTime("not a date")).toBe("not a date");
  });
  it("finds the local date across midnight", () => {
    expect(localToday(new Date("2026-12-07T21:30:00Z"))).toBe("2026-12-08");
    expect(localToday(new Date("2026-12-07T20:59:00Z"))).toBe("2026-12-07");
  });
  it("counts days between calendar dates", () => {
    expect(daysBetween("2026-12-07", "2026-12-10")).toBe(3);
    expect(daysBetween("2026-12-10", "2026-12-07")).toBe(-3);
    expect(daysBetween("2026-02-28", "2026-03-01")).toBe(1);
  });
});

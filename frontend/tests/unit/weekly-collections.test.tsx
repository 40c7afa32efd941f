import { act, cleanup, render, screen, within } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import StaffPlansPage from "../../app/staff/plans/page";
import { Providers } from "../../components/Providers";
import { WeeklyCollections } from "../../components/WeeklyCollections";
import { saveSession } from "../../lib/api";
import type { Portfolio } from "../../lib/plans";
import type { PortfolioWeek } from "../../lib/weekly";
import { stubFetch } from "./fetch-stub";

vi.mock("next/navigation", () => ({ useRouter: () => ({ push: vi.fn(), refresh: vi.fn() }), usePathname: () => "/staff/plans" }));
vi.mock("../../lib/realtime", () => ({ realtime: () => ({ on: () => () => undefined }) }));

const UGX = (amount: number) => ({ amount, currency: "UGX" });
const MONDAYS = ["2026-10-19", "2026-10-26", "2026-11-02", "2026-11-09", "2026-11-16", "2026-11-23", "2026-11-30", "2026-12-07"];
const WEEKS: PortfolioWeek[] = MONDAYS.map((d, i) => ({ week_starting: d, expected: UGX(1_000_000 + i * 100_000), collected: UGX(i === 7 ? 0 : 900_000 + i * 50_000) }));

const renderChart = (weeks: PortfolioWeek[] | undefined, lang: "en" | "sw" = "en") =>
  render(
    <Providers lang={lang} gatewayUrl="http://gw.test" gatewayPort={null}>
      <WeeklyCollections weeks={weeks} currency="UGX" currentWeek="2026-12-07" />
    </Providers>,
  );

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  window.localStorage.clear();
});

describe("weekly chart of expected against collected", () => {
  it("draws 8 weeks of two bars, oldest first, with date labels, a legend and the current week marked", () => {
    renderChart(WEEKS);
    const figure = screen.getByRole("figure", { name: "Expected and collected, last 8 weeks" });
    const cols = figure.querySelectorAll(".weekly-week");
    expect(cols).toHaveLength(8);
    expect([...cols].map((c) => c.getAttribute("data-week"))).toEqual(MONDAYS);
    expect(figure.querySelectorAll("[data-bar=expected]")).toHaveLength(8);
    expect(figure.querySelectorAll("[data-bar=collected]")).toHaveLength(8);
    expect(cols[0]!.textContent).toBe("19 Oct");
    // The tallest bar is the largest amount of both series (this week's 1,700,000 expected).
    expect((cols[7]!.querySelector("[data-bar=expected]") as HTMLElement).style.height).toBe("100%");
    expect((cols[7]!.querySelector("[data-bar=collected]") as HTMLElement).style.height).toBe("0%");
    expect((cols[0]!.querySelector("[data-bar=collected]") as HTMLElement).style.height).toBe("52.9%");
    expect(figure.querySelectorAll(".weekly-week.current")).toHaveLength(1);
    expect(cols[7]!.classList.contains("current")).toBe(true);
    const legend = figure.querySelector(".weekly-legend") as HTMLElement;
    expect(legend.textContent).toBe("ExpectedCollectedthis week");
  });

  it("gives the figures as a table for screen readers, the bars hidden from them", () => {
    renderChart(WEEKS);
    const table = screen.getByRole("table", { name: "Expected and collected, last 8 weeks (UGX)" });
    const rows = within(table).getAllByRole("row");
    expect(rows).toHaveLength(9);
    expect(within(rows[0]!).getAllByRole("columnheader").map((h) => h.textContent)).toEqual(["Week starting", "Expected", "Collected"]);
    expect(within(rows[1]!).getByRole("rowheader").textContent).toBe("19 Oct 2026");
    expect(within(rows[1]!).getAllByRole("cell").map((c) => c.textContent)).toEqual(["UGX 1,000,000", "UGX 900,000"]);
    expect(within(rows[8]!).getByRole("rowheader").textContent).toBe("7 Dec 2026 (this week)");
    expect(within(rows[8]!).getAllByRole("cell").map((c) => c.textContent)).toEqual(["UGX 1,700,000", "UGX 0"]);
    expect(document.querySelector(".weekly-chart")!.getAttribute("aria-hidden")).toBe("true");
  });

  it("draws nothing when the API sends no weeks or an empty list", () => {
    const { container } = renderChart(undefined);
    expect(container.querySelector("figure")).toBeNull();
    expect(screen.queryByRole("table")).toBeNull();
    cleanup();
    const again = renderChart([]);
    expect(again.container.querySelector("figure")).toBeNull();
  });

  it("speaks Swahili", () => {
    renderChart(WEEKS, "sw");
    expect(screen.getByRole("figure", { name: "Inayotarajiwa na iliyokusanywa, wiki 8 zilizopita" })).toBeTruthy();
    expect(screen.getAllByRole("columnheader").map((h) => h.textContent)).toEqual(["Wiki inayoanza", "Inayotarajiwa", "Iliyokusanywa"]);
  });

  it("shows a chart per currency on the portfolio screen, and none for a portfolio without weeks", async () => {
    const portfolio = (currency: string, weeks?: PortfolioWeek[]): Portfolio["portfolios"][number] => {
      const m = (amount: number) => ({ amount, currency });
      return {
        currency, active_plans: 3, defaulted_plans: 0, locked_plans: 0, outstanding: m(9_000_000),
        collected_this_week: m(0), expected_this_week: m(1_700_000),
        par: { par1: { outstanding: m(0), ratio: "0.00" }, par7: { outstanding: m(0), ratio: "0.00" }, par30: { outstanding: m(0), ratio: "0.00" } },
        weeks,
      };
    };
    const body: Portfolio = { as_of: "2026-12-08", week_starting: "2026-12-07", portfolios: [portfolio("UGX", WEEKS), portfolio("KES")] };
    stubFetch((url) => new Response(JSON.stringify(String(url).includes("/portfolio") ? body : { items: [] }), { status: 200 }));
    saveSession({ access_token: "a", refresh_token: "r", user_id: "u1", roles: ["credit_officer"] });
    await act(async () => {
      render(
        <Providers lang="en" gatewayUrl="http://gw.test" gatewayPort={null}>
          <StaffPlansPage />
        </Providers>,
      );
    });
    await screen.findByRole("heading", { name: "Plans portfolio" });
    expect(screen.getByTestId("weekly-UGX")).toBeTruthy();
    expect(screen.queryByTestId("weekly-KES")).toBeNull();
    expect(screen.getByTestId("weekly-UGX").querySelector(".weekly-week.current")!.getAttribute("data-week")).toBe("2026-12-07");
  });
});

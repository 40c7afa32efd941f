import { act, cleanup, fireEvent, render, screen, within } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import CashDeskPage from "../../app/staff/cash/page";
import StaffPage from "../../app/staff/page";
import { Nav } from "../../components/Nav";
import { Providers } from "../../components/Providers";
import { saveSession } from "../../lib/api";
import type { CashDesk, Recorded } from "../../lib/plans";
import { posts, stubFetch } from "./fetch-stub";

vi.mock("next/navigation", () => ({ useRouter: () => ({ push: vi.fn(), refresh: vi.fn() }) }));
vi.mock("../../lib/realtime", () => ({ realtime: () => ({ on: () => () => undefined, onState: () => () => undefined, reauth: () => undefined }) }));

const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { "Content-Type": status >= 400 ? "application/problem+json" : "application/json" } });

const UGX = (amount: number) => ({ amount, currency: "UGX" });
const KES = (amount: number) => ({ amount, currency: "KES" });

const desk = (over: Partial<CashDesk> = {}): CashDesk => ({
  id: "p1", reference: "RTO-7KQ2XM", status: "active", currency: "UGX",
  vehicle: { make: "Bajaj", model: "Boxer 150", year: 2024, registration: "UMA 123B" },
  deposit: UGX(540_000), next_due: { seq: 4, due_date: "2026-12-10", amount: UGX(60_000) },
  outstanding: UGX(4_860_000), overdue: UGX(120_000), fees_outstanding: UGX(0),
  days_past_due: 9, locked: false, as_of: "2026-12-08", ...over,
});

const recorded = (outstanding = UGX(4_800_000)): Recorded => ({
  payment: { id: "pay2", amount: UGX(60_000), provider: "cash", provider_txn_id: "KLA-0042", receipt_number: "KLA-0042", paid_at: "2026-12-08T07:00:00Z", status: "posted" },
  plan: { id: "p1", reference: "RTO-7KQ2XM", status: "active", outstanding, credit_balance: UGX(0) },
  duplicate: false,
});

async function renderUi(ui: React.ReactNode, roles = ["agent"], lang: "en" | "sw" = "en") {
  saveSession({ access_token: "a", refresh_token: "r", user_id: "agent-1", roles });
  await act(async () => {
    render(
      <Providers lang={lang} gatewayUrl="http://gw.test" gatewayPort={null}>
        {ui}
      </Providers>,
    );
  });
}

const lookUp = (reference: string) => {
  fireEvent.change(screen.getByLabelText("Plan reference"), { target: { value: reference } });
  fireEvent.click(screen.getByRole("button", { name: "Find plan" }));
};

const gets = (f: ReturnType<typeof stubFetch>) =>
  f.mock.calls.filter(([, init]) => (init as RequestInit | undefined)?.method !== "POST").map(([url]) => String(url));

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  window.localStorage.clear();
});

describe("the cash desk", () => {
  it("looks the reference up on the cash-desk path and shows what is due, overdue and outstanding", async () => {
    const f = stubFetch(() => json(desk()));
    await renderUi(<CashDeskPage />);
    expect(screen.getByText("No plan looked up yet.")).toBeTruthy();
    lookUp(" rto-7kq2xm ");
    const view = await screen.findByTestId("cash-desk");
    expect(gets(f)).toEqual(["http://gw.test/api/v1/plans/RTO-7KQ2XM/cash-desk"]);
    expect(within(view).getByRole("heading", { name: "Plan RTO-7KQ2XM" })).toBeTruthy();
    expect(within(view).getByTestId("desk-status").textContent).toBe("Active");
    expect(within(view).getByTestId("desk-vehicle").textContent).toBe("Bajaj Boxer 150 2024 · UMA 123B");
    expect(within(view).getByTestId("desk-next-due").textContent).toMatch(/^UGX 60,000 on /);
    expect(within(view).getByTestId("desk-overdue").textContent).toBe("UGX 120,000");
    expect(within(view).getByTestId("desk-outstanding").textContent).toBe("UGX 4,860,000");
    expect(within(view).getByTestId("desk-days-past-due").textContent).toBe("9");
    expect(within(view).queryByTestId("desk-locked")).toBeNull();
    expect((screen.getByLabelText("Plan reference") as HTMLInputElement).value).toBe("RTO-7KQ2XM");
  });

  it("shows KES with its cents, a locked vehicle, fees owed and nothing due", async () => {
    stubFetch(() =>
      json(desk({ currency: "KES", vehicle: null, deposit: KES(1_000_000), next_due: null, outstanding: KES(8_849_950), overdue: KES(150_050), fees_outstanding: KES(50_000), locked: true })),
    );
    await renderUi(<CashDeskPage />);
    lookUp("RTO7KQ2XM");
    const view = await screen.findByTestId("cash-desk");
    expect(within(view).getByTestId("desk-overdue").textContent).toBe("KES 1,500.50");
    expect(within(view).getByTestId("desk-outstanding").textContent).toBe("KES 88,499.50");
    expect(within(view).getByTestId("desk-fees").textContent).toBe("KES 500");
    expect(within(view).getByTestId("desk-next-due").textContent).toBe("Nothing due");
    expect(within(view).getByTestId("desk-vehicle").textContent).toBe("—");
    expect(within(view).getByTestId("desk-locked").textContent).toMatch(/locked for non-payment/);
    expect(screen.getByLabelText("Amount (KES)")).toBeTruthy();
  });

  it("says beside the field when no plan has the reference (404), and asks for one when it is empty", async () => {
    const f = stubFetch(() => json({ title: "Not Found", status: 404, detail: "no plan with this reference" }, 404));
    await renderUi(<CashDeskPage />);
    fireEvent.click(screen.getByRole("button", { name: "Find plan" }));
    expect(screen.getByRole("alert").textContent).toBe("Enter the plan reference.");
    expect(f).not.toHaveBeenCalled();
    lookUp("RTO-AAAAAA");
    const alert = await screen.findByText("No plan with this reference");
    expect(alert.getAttribute("role")).toBe("alert");
    const field = screen.getByLabelText("Plan reference");
    expect(field.getAttribute("aria-invalid")).toBe("true");
    expect(field.getAttribute("aria-describedby")).toContain(alert.id);
    expect(screen.queryByTestId("cash-desk")).toBeNull();
    expect(screen.queryByTestId("record-cash")).toBeNull();
  });

  it("shows another failure with a retry", async () => {
    let n = 0;
    stubFetch(() => (++n === 1 ? json({ title: "Unavailable", status: 503, detail: "payment service unavailable" }, 503) : json(desk())));
    await renderUi(<CashDeskPage />);
    lookUp("RTO-7KQ2XM");
    expect(await screen.findByText("payment service unavailable")).toBeTruthy();
    fireEvent.click(screen.getByRole("button", { name: "Try again" }));
    expect(await screen.findByTestId("cash-desk")).toBeTruthy();
  });

  it("records the cash on the plan's reference and reads the view again", async () => {
    let credited = false;
    const f = stubFetch((_url, init) => {
      if (init.method === "POST") {
        credited = true;
        return json(recorded(), 201);
      }
      return json(credited ? desk({ outstanding: UGX(4_800_000), overdue: UGX(60_000) }) : desk());
    });
    await renderUi(<CashDeskPage />);
    lookUp("rto-7kq2xm");
    const section = await screen.findByTestId("record-cash");
    fireEvent.change(within(section).getByLabelText("Amount (UGX)"), { target: { value: "60,000" } });
    fireEvent.change(within(section).getByLabelText("Receipt number"), { target: { value: "KLA-0042" } });
    fireEvent.click(within(section).getByRole("button", { name: "Record cash received" }));
    const status = await within(section).findByRole("status");
    expect(status.textContent).toContain("Recorded UGX 60,000 in cash, receipt KLA-0042.");
    expect(posts(f)).toEqual([
      { url: "http://gw.test/api/v1/plans/RTO-7KQ2XM/cash-payments", body: { amount: { amount: 60_000, currency: "UGX" }, receipt_number: "KLA-0042" } },
    ]);
    expect(await screen.findByText("UGX 4,800,000", { selector: "[data-testid=desk-outstanding]" })).toBeTruthy();
    expect(screen.getByTestId("desk-overdue").textContent).toBe("UGX 60,000");
    expect(gets(f)).toEqual(["http://gw.test/api/v1/plans/RTO-7KQ2XM/cash-desk", "http://gw.test/api/v1/plans/RTO-7KQ2XM/cash-desk"]);
  });

  it("takes no cash for a closed plan", async () => {
    stubFetch(() => json(desk({ status: "completed", outstanding: UGX(0), overdue: UGX(0), next_due: null, days_past_due: 0 })));
    await renderUi(<CashDeskPage />);
    lookUp("RTO-7KQ2XM");
    expect(await screen.findByTestId("desk-closed")).toBeTruthy();
    expect(screen.queryByTestId("record-cash")).toBeNull();
  });

  it("is refused to a customer and a credit officer", async () => {
    for (const roles of [["customer"], ["credit_officer"]]) {
      const f = stubFetch(() => json(desk()));
      await renderUi(<CashDeskPage />, roles);
      expect(screen.getByRole("alert").textContent).toBe("Your account cannot open this page.");
      expect(screen.queryByLabelText("Plan reference")).toBeNull();
      expect(f).not.toHaveBeenCalled();
      cleanup();
    }
  });

  it("speaks Swahili", async () => {
    stubFetch(() => json({ title: "Not Found", status: 404 }, 404));
    await renderUi(<CashDeskPage />, ["agent"], "sw");
    expect(screen.getByRole("heading", { level: 1, name: "Dawati la fedha taslimu" })).toBeTruthy();
    fireEvent.change(screen.getByLabelText("Kumbukumbu ya mpango"), { target: { value: "RTO-AAAAAA" } });
    fireEvent.click(screen.getByRole("button", { name: "Tafuta mpango" }));
    expect(await screen.findByText("Hakuna mpango wenye kumbukumbu hii")).toBeTruthy();
  });
});

describe("the cash desk in the staff console", () => {
  it("is linked for an agent and an admin; an agent sees no staff screen it cannot use", async () => {
    stubFetch(() => json({}));
    await renderUi(<StaffPage />, ["agent"]);
    expect(screen.getByRole("link", { name: "Cash desk" }).getAttribute("href")).toBe("/staff/cash");
    expect(screen.getAllByRole("link")).toHaveLength(1);
    cleanup();
    await renderUi(<StaffPage />, ["admin"]);
    expect(screen.getByRole("link", { name: "Cash desk" })).toBeTruthy();
    expect(screen.getByRole("link", { name: "Payment review queue" })).toBeTruthy();
  });

  it("is not linked for a customer or a credit officer", async () => {
    stubFetch(() => json({}));
    await renderUi(<StaffPage />, ["customer"]);
    expect(screen.queryByRole("link", { name: "Cash desk" })).toBeNull();
    cleanup();
    await renderUi(<StaffPage />, ["credit_officer"]);
    expect(screen.getByRole("link", { name: "Payment review queue" })).toBeTruthy();
    expect(screen.queryByRole("link", { name: "Cash desk" })).toBeNull();
  });

  it("shows the staff console in the menu of an agent, not of a customer", async () => {
    stubFetch(() => json({ items: [], unread: 0 }));
    await renderUi(<Nav />, ["agent"]);
    expect(screen.getByRole("link", { name: "Staff" }).getAttribute("href")).toBe("/staff");
    cleanup();
    await renderUi(<Nav />, ["customer"]);
    expect(screen.queryByRole("link", { name: "Staff" })).toBeNull();
  });
});

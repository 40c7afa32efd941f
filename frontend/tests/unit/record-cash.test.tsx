import { act, cleanup, fireEvent, render, screen, within } from "@testing-library/react";
import { Suspense } from "react";
import { afterEach, describe, expect, it, vi } from "vitest";
import PlanPage from "../../app/plans/[id]/page";
import { Providers } from "../../components/Providers";
import { saveSession } from "../../lib/api";
import type { Recorded, Statement } from "../../lib/plans";
import { posts, stubFetch } from "./fetch-stub";

vi.mock("next/navigation", () => ({ useRouter: () => ({ push: vi.fn(), refresh: vi.fn() }) }));
vi.mock("../../lib/realtime", () => ({ realtime: () => ({ on: () => () => undefined }) }));

const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { "Content-Type": status >= 400 ? "application/problem+json" : "application/json" } });

const ME = "22222222-2222-4222-8222-222222222222";
const UGX = (amount: number) => ({ amount, currency: "UGX" });
const KES = (amount: number) => ({ amount, currency: "KES" });

const statement = (outstanding = 4_860_000, over: Partial<Statement> = {}): Statement => ({
  id: "p1", reference: "RTO-7KQ2XM", status: "active", customer_id: "c1", vehicle_id: "v1", frequency: "weekly",
  price: UGX(5_400_000), deposit: UGX(540_000), instalment: UGX(60_000), instalment_count: 81,
  total_payable: UGX(5_400_000), outstanding: UGX(outstanding), days_past_due: 0, bucket: "current", locked: false,
  schedule: [],
  payments: [{ id: "pay1", amount: UGX(540_000), provider: "mtn_momo", provider_txn_id: "MTN-1", receipt_number: "R-1", paid_at: "2026-01-05T08:00:00Z", status: "posted" }],
  balance: { outstanding: UGX(outstanding), overdue: UGX(0), paid_total: UGX(5_400_000 - outstanding), credit_balance: UGX(0), refund_due: false },
  next_due: null,
  equity: { amount: UGX(5_400_000 - outstanding), percent: "10" },
  ...over,
});

const recorded = (over: Partial<Recorded> = {}): Recorded => ({
  payment: { id: "pay2", amount: UGX(60_000), provider: "cash", provider_txn_id: "KLA-0042", receipt_number: "KLA-0042", paid_at: "2026-12-08T07:00:00Z", status: "posted" },
  plan: { id: "p1", reference: "RTO-7KQ2XM", status: "active", outstanding: UGX(4_800_000), credit_balance: UGX(0) },
  duplicate: false,
  ...over,
});

async function renderPlan(roles: string[], lang: "en" | "sw" = "en") {
  saveSession({ access_token: "a", refresh_token: "r", user_id: ME, roles });
  const params = Promise.resolve({ id: "p1" });
  await act(async () => {
    render(
      <Providers lang={lang} gatewayUrl="http://gw.test" gatewayPort={null}>
        <Suspense fallback={null}>
          <PlanPage params={params} />
        </Suspense>
      </Providers>,
    );
  });
  await screen.findByTestId("payments");
}

const fill = (section: HTMLElement, amount: string, receipt: string, currency = "UGX") => {
  fireEvent.change(within(section).getByLabelText(`Amount (${currency})`), { target: { value: amount } });
  fireEvent.change(within(section).getByLabelText("Receipt number"), { target: { value: receipt } });
  fireEvent.click(within(section).getByRole("button", { name: "Record cash received" }));
};

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  window.localStorage.clear();
});

describe("recording cash received on the plan screen", () => {
  it("sends the amount in minor units and the receipt number, shows the payment and re-reads the statement", async () => {
    let credited = false;
    const f = stubFetch((_url, init) => {
      if (init.method === "POST") {
        credited = true;
        return json(recorded(), 201);
      }
      return json(statement(credited ? 4_800_000 : 4_860_000));
    });
    await renderPlan(["admin"]);
    expect(screen.getByTestId("outstanding").textContent).toBe("UGX 4,860,000");
    const section = screen.getByTestId("record-cash");
    expect(within(section).getByText(/never credited twice/)).toBeTruthy();
    fill(section, "60,000", " KLA-0042 ");
    const status = await within(section).findByRole("status");
    expect(status.textContent).toContain("Recorded UGX 60,000 in cash, receipt KLA-0042.");
    expect(status.getAttribute("data-duplicate")).toBe("false");
    expect(posts(f)).toEqual([
      { url: "http://gw.test/api/v1/plans/p1/cash-payments", body: { amount: { amount: 60_000, currency: "UGX" }, receipt_number: "KLA-0042" } },
    ]);
    expect(await screen.findByText("UGX 4,800,000", { selector: "[data-testid=outstanding]" })).toBeTruthy();
    const gets = f.mock.calls.filter(([url, init]) => String(url).endsWith("/api/v1/plans/p1") && (init as RequestInit).method !== "POST");
    expect(gets.length).toBe(2);
    expect((within(section).getByLabelText("Receipt number") as HTMLInputElement).value).toBe("");
  });

  it("sends KES in cents and says when the receipt was recorded before (200, duplicate)", async () => {
    const kes = statement(0, { outstanding: KES(9_000_000), balance: { outstanding: KES(9_000_000), overdue: KES(0), paid_total: KES(0) } });
    const f = stubFetch((_url, init) =>
      init.method === "POST"
        ? json(recorded({ payment: { ...recorded().payment, amount: KES(150_050) }, plan: { ...recorded().plan, outstanding: KES(8_849_950) }, duplicate: true }))
        : json(kes),
    );
    await renderPlan(["agent"]);
    const section = screen.getByTestId("record-cash");
    fill(section, "1500.50", "NRB-7", "KES");
    const status = await within(section).findByRole("status");
    expect(status.getAttribute("data-duplicate")).toBe("true");
    expect(status.textContent).toContain("Receipt KLA-0042 was already recorded (KES 1,500.50); nothing more was credited.");
    expect(posts(f)[0]!.body).toEqual({ amount: { amount: 150_050, currency: "KES" }, receipt_number: "NRB-7" });
  });

  it("shows a 422 naming the amount beside the amount", async () => {
    stubFetch((_url, init) =>
      init.method === "POST"
        ? json({ title: "Unprocessable", status: 422, detail: "Invalid payment", errors: [{ field: "amount.amount", message: "must be at most 10^12 minor units" }] }, 422)
        : json(statement()),
    );
    await renderPlan(["admin"]);
    const section = screen.getByTestId("record-cash");
    fill(section, "60000", "KLA-0042");
    const alert = await within(section).findByRole("alert");
    expect(alert.textContent).toBe("must be at most 10^12 minor units");
    expect(within(section).getByLabelText("Amount (UGX)").getAttribute("aria-describedby")).toBe(alert.id);
    expect(within(section).getByLabelText("Receipt number").getAttribute("aria-invalid")).toBeNull();
  });

  it("shows a 400 naming the receipt number beside the receipt number, and a currency mismatch beside the amount", async () => {
    let n = 0;
    stubFetch((_url, init) => {
      if (init.method !== "POST") return json(statement());
      n += 1;
      return n === 1
        ? json({ title: "Bad Request", status: 400, detail: "Invalid input", errors: [{ field: "receipt_number", message: "may contain only letters, digits and - _ . : /" }] }, 400)
        : json({ title: "Unprocessable", status: 422, detail: "currency mismatch", errors: [{ field: "currency", message: "the plan is in KES" }] }, 422);
    });
    await renderPlan(["admin"]);
    const section = screen.getByTestId("record-cash");
    fill(section, "60000", "KLA-0042");
    const alert = await within(section).findByRole("alert");
    expect(alert.textContent).toBe("may contain only letters, digits and - _ . : /");
    expect(within(section).getByLabelText("Receipt number").getAttribute("aria-describedby")).toContain(alert.id);
    fireEvent.click(within(section).getByRole("button", { name: "Record cash received" }));
    const second = await within(section).findByText("the plan is in KES");
    expect(within(section).getByLabelText("Amount (UGX)").getAttribute("aria-describedby")).toBe(second.id);
  });

  it("checks the amount and the receipt number before sending anything", async () => {
    const f = stubFetch(() => json(statement()));
    await renderPlan(["admin"]);
    const section = screen.getByTestId("record-cash");
    fill(section, "0", "KLA 42");
    expect(within(section).getByText("Enter an amount above zero.")).toBeTruthy();
    expect(within(section).getByText(/^Enter the receipt number/)).toBeTruthy();
    fill(section, "600.5", "KLA-42");
    expect(within(section).getByText("Enter an amount above zero.")).toBeTruthy();
    expect(posts(f)).toEqual([]);
  });

  it("is hidden for roles that may not record cash, and on a closed plan", async () => {
    for (const roles of [["support_agent"], ["credit_officer"], ["customer"]]) {
      stubFetch(() => json(statement()));
      await renderPlan(roles);
      expect(screen.queryByTestId("record-cash")).toBeNull();
      expect(screen.queryByRole("button", { name: "Record cash received" })).toBeNull();
      cleanup();
    }
    stubFetch(() => json(statement(0, { status: "completed" })));
    await renderPlan(["admin"]);
    expect(screen.queryByTestId("record-cash")).toBeNull();
  });

  it("speaks Swahili", async () => {
    stubFetch(() => json(statement()));
    await renderPlan(["agent"], "sw");
    const section = screen.getByTestId("record-cash");
    expect(within(section).getByLabelText("Namba ya risiti")).toBeTruthy();
    expect(within(section).getByRole("button", { name: "Rekodi fedha taslimu zilizopokelewa" })).toBeTruthy();
  });
});

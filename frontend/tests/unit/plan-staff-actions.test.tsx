import { act, cleanup, fireEvent, render, screen, within } from "@testing-library/react";
import { Suspense } from "react";
import { afterEach, describe, expect, it, vi } from "vitest";
import PlanPage from "../../app/plans/[id]/page";
import { Providers } from "../../components/Providers";
import { saveSession } from "../../lib/api";
import type { Approval } from "../../lib/approvals";
import type { Statement } from "../../lib/plans";
import { posts, stubFetch } from "./fetch-stub";

vi.mock("next/navigation", () => ({ useRouter: () => ({ push: vi.fn(), refresh: vi.fn() }) }));
vi.mock("../../lib/realtime", () => ({ realtime: () => ({ on: () => () => undefined }) }));

const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { "Content-Type": status >= 400 ? "application/problem+json" : "application/json" } });

const ME = "11111111-1111-4111-8111-111111111111";
const UGX = (amount: number) => ({ amount, currency: "UGX" });

const statement = (over: Partial<Statement> = {}): Statement => ({
  id: "p1", reference: "RTO-7KQ2XM", status: "completed", customer_id: "c1", vehicle_id: "v1", frequency: "weekly",
  price: UGX(5_400_000), deposit: UGX(540_000), instalment: UGX(60_000), instalment_count: 81,
  total_payable: UGX(5_400_000), outstanding: UGX(0), days_past_due: 0, bucket: "current", locked: false,
  schedule: [],
  payments: [
    { id: "pay1", amount: UGX(540_000), provider: "mtn_momo", provider_txn_id: "MTN-1", receipt_number: "R-1", paid_at: "2026-01-05T08:00:00Z", status: "posted" },
    { id: "pay2", amount: UGX(60_000), provider: "mtn_momo", provider_txn_id: "MTN-2", receipt_number: "R-2", paid_at: "2026-01-12T08:00:00Z", status: "reversed" },
  ],
  balance: { outstanding: UGX(0), overdue: UGX(0), paid_total: UGX(5_425_000), credit_balance: UGX(25_000), refund_due: true },
  next_due: null,
  equity: { amount: UGX(5_400_000), percent: "100" },
  ...over,
});

const approval = (over: Partial<Approval> = {}): Approval => ({
  id: "a1", kind: "refund", subject_id: "p1", plan_id: "p1", plan_reference: "RTO-7KQ2XM", amount: UGX(25_000),
  evidence: "RF-778", note: "Overpaid the last instalment", input: {}, status: "pending", proposed_by: ME,
  proposed_at: "2026-12-07T08:00:00Z", decided_by: null, decided_at: null, decision_note: null, result_id: null, ...over,
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

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  window.localStorage.clear();
});

describe("staff proposals on the plan screen", () => {
  it("proposes a refund of the credit balance and says it was sent for approval (202)", async () => {
    const f = stubFetch((_url, init) => (init.method === "POST" ? json({ approval: approval() }, 202) : json(statement())));
    await renderPlan(["support_agent"]);
    expect(screen.getByTestId("credit-balance").textContent).toBe("UGX 25,000");
    const section = screen.getByTestId("propose-refund");
    fireEvent.click(within(section).getByRole("button", { name: "Propose refund" }));
    expect((within(section).getByLabelText("Amount (UGX)") as HTMLInputElement).value).toBe("25000");
    fireEvent.change(within(section).getByLabelText("Refund by"), { target: { value: "mpesa" } });
    fireEvent.change(within(section).getByLabelText("Reference (transaction or voucher number)"), { target: { value: "RF-778" } });
    fireEvent.change(within(section).getByLabelText("Reason"), { target: { value: "Overpaid the last instalment" } });
    fireEvent.click(within(section).getByRole("button", { name: "Send for approval" }));
    const status = await within(section).findByRole("status");
    expect(status.textContent).toMatch(/^Sent for approval\./);
    expect(within(status).getByRole("link", { name: "Open the approvals" }).getAttribute("href")).toBe("/staff/approvals");
    expect(posts(f)).toEqual([
      {
        url: "http://gw.test/api/v1/plans/p1/refunds",
        body: { amount: { amount: 25_000, currency: "UGX" }, method: "mpesa", reference: "RF-778", reason: "Overpaid the last instalment" },
      },
    ]);
  });

  it("shows the refund's field errors beside the fields", async () => {
    stubFetch((_url, init) =>
      init.method === "POST"
        ? json({ title: "Unprocessable", status: 422, detail: "Invalid refund", errors: [{ field: "amount.amount", message: "More than the credit balance" }] }, 422)
        : json(statement()),
    );
    await renderPlan(["admin"]);
    const section = screen.getByTestId("propose-refund");
    fireEvent.click(within(section).getByRole("button", { name: "Propose refund" }));
    fireEvent.change(within(section).getByLabelText("Reason"), { target: { value: "Overpaid" } });
    fireEvent.click(within(section).getByRole("button", { name: "Send for approval" }));
    const alert = await within(section).findByRole("alert");
    expect(alert.textContent).toBe("More than the credit balance");
    expect(within(section).getByLabelText("Amount (UGX)").getAttribute("aria-describedby")).toBe(alert.id);
  });

  it("offers a reversal only beside payments not reversed, and shows the API's detail on a 403", async () => {
    const f = stubFetch((_url, init) =>
      init.method === "POST"
        ? json({ type: "https://errors.rto.example/forbidden", title: "Forbidden", status: 403, detail: "Payments older than 90 days cannot be reversed." }, 403)
        : json(statement()),
    );
    await renderPlan(["admin"]);
    const rows = screen.getByTestId("payments").querySelectorAll("li");
    expect(within(rows[1] as HTMLElement).queryByRole("button", { name: "Propose reversal" })).toBeNull();
    expect(within(rows[1] as HTMLElement).getByText("Reversed")).toBeTruthy();
    const row = rows[0] as HTMLElement;
    fireEvent.click(within(row).getByRole("button", { name: "Propose reversal" }));
    fireEvent.change(within(row).getByLabelText("Why reverse this payment? (3–500 characters)"), { target: { value: "Duplicate MTN credit" } });
    fireEvent.click(within(row).getByRole("button", { name: "Send for approval" }));
    const alert = await within(row).findByRole("alert");
    expect(alert.textContent).toBe("Payments older than 90 days cannot be reversed.");
    expect(posts(f)).toEqual([{ url: "http://gw.test/api/v1/payments/pay1/reverse", body: { reason: "Duplicate MTN credit" } }]);
  });

  it("says a reversal was sent for approval (202) and asks for a reason of 3 characters first", async () => {
    const f = stubFetch((_url, init) => (init.method === "POST" ? json({ approval: approval({ kind: "reversal", subject_id: "pay1" }) }, 202) : json(statement())));
    await renderPlan(["support_agent"]);
    const row = screen.getByTestId("payments").querySelector("li") as HTMLElement;
    fireEvent.click(within(row).getByRole("button", { name: "Propose reversal" }));
    fireEvent.change(within(row).getByLabelText("Why reverse this payment? (3–500 characters)"), { target: { value: "no" } });
    fireEvent.click(within(row).getByRole("button", { name: "Send for approval" }));
    expect((await within(row).findByRole("alert")).textContent).toBe("Write a reason of 3 to 500 characters.");
    expect(posts(f)).toEqual([]);
    fireEvent.change(within(row).getByLabelText("Why reverse this payment? (3–500 characters)"), { target: { value: "Duplicate MTN credit" } });
    fireEvent.click(within(row).getByRole("button", { name: "Send for approval" }));
    expect((await within(row).findByRole("status")).textContent).toMatch(/^Sent for approval\..*reversal/);
    expect(posts(f)).toHaveLength(1);
  });

  it("shows a customer no refund or reversal buttons", async () => {
    stubFetch(() => json(statement()));
    await renderPlan(["customer"]);
    expect(screen.getByTestId("credit-balance").textContent).toBe("UGX 25,000");
    expect(screen.queryByTestId("propose-refund")).toBeNull();
    expect(screen.queryByRole("button", { name: "Propose refund" })).toBeNull();
    expect(screen.queryByRole("button", { name: "Propose reversal" })).toBeNull();
  });

  it("shows a credit officer no such buttons either, and no refund when nothing was paid in excess", async () => {
    stubFetch(() => json(statement()));
    await renderPlan(["credit_officer"]);
    expect(screen.queryByRole("button", { name: "Propose reversal" })).toBeNull();
    cleanup();
    stubFetch(() => json(statement({ balance: { outstanding: UGX(0), overdue: UGX(0), paid_total: UGX(5_400_000), credit_balance: UGX(0), refund_due: false } })));
    await renderPlan(["admin"]);
    expect(screen.queryByTestId("propose-refund")).toBeNull();
    expect(screen.getAllByRole("button", { name: "Propose reversal" })).toHaveLength(1);
  });

  it("speaks Swahili", async () => {
    stubFetch(() => json(statement()));
    await renderPlan(["admin"], "sw");
    expect(screen.getByRole("button", { name: "Pendekeza marejesho" })).toBeTruthy();
    expect(screen.getByRole("button", { name: "Pendekeza kubatilisha" })).toBeTruthy();
  });
});

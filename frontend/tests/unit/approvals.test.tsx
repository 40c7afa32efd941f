import { cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import ApprovalsPage from "../../app/staff/approvals/page";
import PaymentQueuePage from "../../app/staff/payments/page";
import { Providers } from "../../components/Providers";
import { saveSession } from "../../lib/api";
import type { Approval } from "../../lib/approvals";
import { posts, stubFetch } from "./fetch-stub";

vi.mock("next/navigation", () => ({ useRouter: () => ({ push: vi.fn(), refresh: vi.fn() }) }));

const wrap = (ui: React.ReactNode, lang: "en" | "sw" = "en") => (
  <Providers lang={lang} gatewayUrl="http://gw.test" gatewayPort={null}>
    {ui}
  </Providers>
);
const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { "Content-Type": status >= 400 ? "application/problem+json" : "application/json" } });

const ME = "11111111-1111-4111-8111-111111111111";
const OTHER = "22222222-2222-4222-8222-222222222222";

const approval = (over: Partial<Approval> = {}): Approval => ({
  id: "a0000000-0000-4000-8000-000000000001", kind: "credit_request", subject_id: "r1",
  plan_id: "p1", plan_reference: "RTO-7KQ2XM", amount: { amount: 150_000, currency: "KES" },
  evidence: "QK81HX2ZPL", note: "M-Pesa receipt checked in the portal", input: {}, status: "pending",
  proposed_by: OTHER, proposed_at: "2026-12-07T08:00:00Z",
  decided_by: null, decided_at: null, decision_note: null, result_id: null, ...over,
});


afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  window.localStorage.clear();
});

describe("approvals screen", () => {
  beforeEach(() => {
    saveSession({ access_token: "a", refresh_token: "r", user_id: ME, roles: ["support_agent"] });
  });

  it("lists the pending approvals, oldest first, with kind, plan, amount, evidence, note and the proposer", async () => {
    const f = stubFetch(() => json({ items: [approval(), approval({ id: "a2", kind: "refund", plan_reference: "RTO-ABC123", amount: { amount: 5_000, currency: "UGX" }, evidence: "RF-1", note: "Double charge", proposed_at: "2026-12-07T09:00:00Z" })], next_cursor: null }));
    render(wrap(<ApprovalsPage />));
    const item = await screen.findByText("QK81HX2ZPL");
    const li = item.closest("li")!;
    expect(within(li).getByRole("heading").textContent).toContain("Credit a held payment · RTO-7KQ2XM");
    expect(within(li).getByTestId("approval-amount").textContent).toBe("KES 1,500");
    expect(within(li).getByText("M-Pesa receipt checked in the portal")).toBeTruthy();
    expect(within(li).getByText(`${OTHER.slice(0, 8)}, 7 Dec 2026, 11:00`)).toBeTruthy();
    const items = screen.getByTestId("approvals").querySelectorAll("li[data-approval-id]");
    expect([...items].map((x) => x.getAttribute("data-approval-id"))).toEqual([approval().id, "a2"]);
    expect(within(items[1] as HTMLElement).getByTestId("approval-amount").textContent).toBe("UGX 5,000");
    expect(f.mock.calls[0][0]).toBe("http://gw.test/api/v1/payments/approvals?status=pending&limit=50");
    expect(within(li).getByRole("button", { name: "Approve" })).toBeTruthy();
    expect(within(li).getByRole("button", { name: "Reject" })).toBeTruthy();
  });

  it("approves with a POST to the approval's path, then says so and loads the list again", async () => {
    let decided = false;
    const f = stubFetch((url, init) => {
      if (init.method === "POST") {
        decided = true;
        return json({ approval: approval({ status: "approved", decided_by: ME }), result: { id: "pay1" } });
      }
      return json({ items: decided ? [] : [approval()], next_cursor: null });
    });
    render(wrap(<ApprovalsPage />));
    const li = (await screen.findByText("QK81HX2ZPL")).closest("li")!;
    fireEvent.change(within(li).getByLabelText("Note (required to reject)"), { target: { value: "Receipt matches" } });
    fireEvent.click(within(li).getByRole("button", { name: "Approve" }));
    await screen.findByText("Approved. The change is on the customer's statement.");
    expect(posts(f)).toEqual([{ url: `http://gw.test/api/v1/payments/approvals/${approval().id}/approve`, body: { note: "Receipt matches" } }]);
    await screen.findByTestId("approvals-empty");
  });

  it("shows the four-eyes 403's detail beside the buttons", async () => {
    stubFetch((_url, init) =>
      init.method === "POST"
        ? json({ type: "https://errors.rto.example/four-eyes", title: "Forbidden", status: 403, detail: "The proposer cannot approve their own proposal." }, 403)
        : json({ items: [approval()], next_cursor: null }),
    );
    render(wrap(<ApprovalsPage />));
    const li = (await screen.findByText("QK81HX2ZPL")).closest("li")!;
    fireEvent.click(within(li).getByRole("button", { name: "Approve" }));
    const alert = await within(li).findByRole("alert");
    expect(alert.textContent).toBe("The proposer cannot approve their own proposal.");
    expect(within(li).getByLabelText("Note (required to reject)").getAttribute("aria-describedby")).toBe(alert.id);
  });

  it("asks for a note before rejecting", async () => {
    const f = stubFetch(() => json({ items: [approval()], next_cursor: null }));
    render(wrap(<ApprovalsPage />));
    const li = (await screen.findByText("QK81HX2ZPL")).closest("li")!;
    fireEvent.click(within(li).getByRole("button", { name: "Reject" }));
    expect((await within(li).findByRole("alert")).textContent).toBe("Write a note to say why.");
    expect(posts(f)).toEqual([]);
  });

  it("offers only Withdraw on the user's own proposal, and withdrawing rejects it with the note", async () => {
    const f = stubFetch((_url, init) =>
      init.method === "POST" ? json({ approval: approval({ proposed_by: ME, status: "rejected" }) }) : json({ items: [approval({ proposed_by: ME })], next_cursor: null }),
    );
    render(wrap(<ApprovalsPage />));
    const li = (await screen.findByText("QK81HX2ZPL")).closest("li")!;
    expect(within(li).getByText("Your proposal: waiting for another staff member.")).toBeTruthy();
    expect(within(li).getByText(/^you, /)).toBeTruthy();
    expect(within(li).getAllByRole("button").map((b) => b.textContent)).toEqual(["Withdraw"]);
    fireEvent.change(within(li).getByLabelText("Why withdraw it? (required)"), { target: { value: "Wrong plan" } });
    fireEvent.click(within(li).getByRole("button", { name: "Withdraw" }));
    await screen.findByText("Withdrawn. Nothing changed on the statement.");
    expect(posts(f)).toEqual([{ url: `http://gw.test/api/v1/payments/approvals/${approval().id}/reject`, body: { note: "Wrong plan" } }]);
  });

  it("filters by status and loads more with next_cursor", async () => {
    const f = stubFetch((url) => {
      if (url.includes("cursor=c2")) return json({ items: [approval({ id: "a3", status: "approved", evidence: "E3", decided_by: OTHER, decided_at: "2026-12-08T08:00:00Z", decision_note: "ok" })], next_cursor: null });
      if (url.includes("status=approved")) return json({ items: [approval({ id: "a2", status: "approved", evidence: "E2", decided_by: OTHER, decided_at: "2026-12-08T07:00:00Z" })], next_cursor: "c2" });
      return json({ items: [approval()], next_cursor: null });
    });
    render(wrap(<ApprovalsPage />));
    await screen.findByText("QK81HX2ZPL");
    expect(screen.queryByRole("button", { name: "Load more" })).toBeNull();
    fireEvent.change(screen.getByLabelText("Status"), { target: { value: "approved" } });
    await screen.findByText("E2");
    expect(screen.queryByRole("button", { name: "Approve" })).toBeNull();
    fireEvent.click(await screen.findByRole("button", { name: "Load more" }));
    await screen.findByText("E3");
    expect(screen.getByText("E2")).toBeTruthy();
    const urls = f.mock.calls.map(([u]) => u);
    expect(urls).toContain("http://gw.test/api/v1/payments/approvals?status=approved&limit=50");
    expect(urls).toContain("http://gw.test/api/v1/payments/approvals?status=approved&limit=50&cursor=c2");
    await waitFor(() => expect(screen.queryByRole("button", { name: "Load more" })).toBeNull());
  });

  it("shows no decision buttons to a credit officer", async () => {
    saveSession({ access_token: "a", refresh_token: "r", user_id: ME, roles: ["credit_officer"] });
    stubFetch(() => json({ items: [approval()], next_cursor: null }));
    render(wrap(<ApprovalsPage />));
    const li = (await screen.findByText("QK81HX2ZPL")).closest("li")!;
    expect(within(li).queryAllByRole("button")).toEqual([]);
  });

  it("speaks Swahili", async () => {
    stubFetch(() => json({ items: [approval({ proposed_by: ME })], next_cursor: null }));
    render(wrap(<ApprovalsPage />, "sw"));
    await screen.findByText("Pendekezo lako: linasubiri mfanyakazi mwingine.");
    expect(screen.getByRole("button", { name: "Ondoa" })).toBeTruthy();
    expect(screen.getByRole("heading", { level: 1 }).textContent).toBe("Idhini (macho manne)");
  });
});

describe("payment review screen", () => {
  const review = {
    held: [{ id: "r1", plan_id: "p1", plan_reference: "RTO-7KQ2XM", provider: "mpesa", phone: "2547", amount: { amount: 150_000, currency: "KES" }, status: "held", reason: null, reason_code: "amount_mismatch", created_at: "2026-12-07T08:00:00Z" }],
    stuck: [],
    callbacks: [],
    approvals: [] as Approval[],
  };
  beforeEach(() => {
    saveSession({ access_token: "a", refresh_token: "r", user_id: ME, roles: ["support_agent"] });
  });

  it("says a credit was sent for approval (202), not credited", async () => {
    let proposed = false;
    const f = stubFetch((url, init) => {
      if (init.method === "POST") {
        proposed = true;
        return json({ approval: approval({ proposed_by: ME }) }, 202);
      }
      return json(proposed ? { ...review, approvals: [approval({ proposed_by: ME })] } : review);
    });
    render(wrap(<PaymentQueuePage />));
    await screen.findByText("RTO-7KQ2XM");
    fireEvent.change(screen.getByLabelText("Note (required)"), { target: { value: "Receipt QK81HX2ZPL seen" } });
    fireEvent.click(screen.getByRole("button", { name: "Credit" }));
    const status = await screen.findByText(/^Sent for approval\./);
    expect(status.getAttribute("role")).toBe("status");
    expect(screen.queryByText("Resolved.")).toBeNull();
    expect(posts(f)).toEqual([{ url: "http://gw.test/api/v1/payments/r1/resolve", body: { action: "credit", note: "Receipt QK81HX2ZPL seen" } }]);
    await screen.findByText("Awaiting approval");
    expect(screen.getByRole("heading", { name: "Waiting for a second staff member (1)" })).toBeTruthy();
    expect(screen.getByRole("link", { name: "Open the approvals" }).getAttribute("href")).toBe("/staff/approvals");
  });

  it("still says resolved when dismissing", async () => {
    stubFetch((_url, init) => (init.method === "POST" ? json({ status: "dismissed" }) : json(review)));
    render(wrap(<PaymentQueuePage />));
    await screen.findByText("RTO-7KQ2XM");
    fireEvent.change(screen.getByLabelText("Note (required)"), { target: { value: "Duplicate" } });
    fireEvent.click(screen.getByRole("button", { name: "Dismiss" }));
    await screen.findByText("Resolved.");
  });
});

import { act, cleanup, fireEvent, render, screen, within } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import StaffPage from "../../app/staff/page";
import KycReviewPage from "../../app/staff/kyc/page";
import { Providers } from "../../components/Providers";
import { saveSession } from "../../lib/api";
import type { KycProfile, User } from "../../lib/users";
import { posts, stubFetch } from "./fetch-stub";

vi.mock("next/navigation", () => ({ useRouter: () => ({ push: vi.fn(), refresh: vi.fn() }) }));
vi.mock("../../lib/realtime", () => ({ realtime: () => ({ on: () => () => undefined, reauth: () => undefined }) }));

const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { "Content-Type": status >= 400 ? "application/problem+json" : "application/json" } });

const ME = "11111111-1111-4111-8111-111111111111";
const AMINA = "22222222-2222-4222-8222-222222222222";
const JOHN = "33333333-3333-4333-8333-333333333333";
const GW = "http://gw.test";

const user = (over: Partial<User> = {}): User => ({
  id: AMINA, phone: "+256772123456", email: "amina@example.com", full_name: "Amina Nakato", language: "en",
  roles: ["customer"], status: "active", kyc_status: "pending", created_at: "2026-12-01T08:00:00Z", updated_at: "2026-12-01T08:00:00Z", ...over,
});
const JOHN_USER = user({ id: JOHN, full_name: "John Okello", phone: "+256701000111", email: null });

const profile = (over: Partial<KycProfile> = {}): KycProfile => ({
  user_id: AMINA, national_id_masked: "**********34AB", date_of_birth: "1994-03-07", address: "Plot 12, Kireka Road, Kampala",
  next_of_kin: { name: "Sarah Nakato", phone: "+256772000999", relationship: "sister" }, status: "pending",
  rejection_reason: null, reviewed_at: null, submitted_at: "2026-12-06T07:30:00Z", updated_at: "2026-12-06T07:30:00Z",
  national_id_clashes_with: [], ...over,
});

async function renderAs(ui: React.ReactNode, roles: string[]) {
  saveSession({ access_token: "a", refresh_token: "r", user_id: ME, roles });
  await act(async () => {
    render(
      <Providers lang="en" gatewayUrl={GW} gatewayPort={null}>
        {ui}
      </Providers>,
    );
  });
}

const calls = (f: ReturnType<typeof stubFetch>) => f.mock.calls.map(([url, init]) => ({ url, method: (init as RequestInit | undefined)?.method ?? "GET", body: (init as RequestInit | undefined)?.body }));

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  window.localStorage.clear();
});

/** A user service that answers the pending queue, profiles, and decisions (via `decide`). */
function kycService(decide: (url: string, body: unknown) => Response = () => json(profile({ status: "verified" }))) {
  const decided = new Set<string>();
  return stubFetch((url, init) => {
    if (init.method === "POST") {
      const r = decide(url, init.body ? JSON.parse(String(init.body)) : undefined);
      if (r.ok) decided.add(url.split("/")[6]);
      return r;
    }
    if (url.includes("/kyc")) return json(profile({ user_id: url.split("/")[6] }));
    return json({ items: [user(), JOHN_USER].filter((u) => !decided.has(u.id)), next_cursor: null, limit: 20 });
  });
}

describe("KYC review", () => {
  it("lists the pending accounts, opens a profile, and verifying posts to its path and takes it out of the queue", async () => {
    const f = kycService();
    await renderAs(<KycReviewPage />, ["credit_officer"]);
    const li = (await screen.findByText("Amina Nakato")).closest("li")!;
    expect(f.mock.calls[0][0]).toBe(`${GW}/api/v1/users?kyc_status=pending&limit=20`);
    expect(screen.getByText("John Okello")).toBeTruthy();
    fireEvent.click(within(li).getByRole("button", { name: "Open profile" }));
    await within(li).findByTestId("kyc-profile");
    expect(f.mock.calls.at(-1)![0]).toBe(`${GW}/api/v1/users/${AMINA}/kyc`);
    expect(within(li).getByText("**********34AB")).toBeTruthy();
    expect(within(li).getByText("7 Mar 1994")).toBeTruthy();
    expect(within(li).getByText("Plot 12, Kireka Road, Kampala")).toBeTruthy();
    expect(within(li).getByText("Sarah Nakato (sister) · +256772000999")).toBeTruthy();
    fireEvent.click(within(li).getByRole("button", { name: "Verify" }));
    await screen.findByText("Amina Nakato's identity is verified.");
    expect(calls(f).filter((c) => c.method === "POST")).toEqual([{ url: `${GW}/api/v1/users/${AMINA}/kyc/verify`, method: "POST", body: undefined }]);
    expect(screen.queryByText("Amina Nakato")).toBeNull();
    expect(screen.getByText("John Okello")).toBeTruthy();
  });

  it("rejecting without a reason shows the error beside the reason and sends nothing; then sends {reason}", async () => {
    const f = kycService(() => json(profile({ status: "rejected", rejection_reason: "Photo unreadable" })));
    await renderAs(<KycReviewPage />, ["admin"]);
    const li = (await screen.findByText("Amina Nakato")).closest("li")!;
    fireEvent.click(within(li).getByRole("button", { name: "Open profile" }));
    const reason = (await within(li).findByLabelText("Reason (required to reject, 3–500 characters)")) as HTMLTextAreaElement;
    fireEvent.click(within(li).getByRole("button", { name: "Reject" }));
    const err = await within(li).findByRole("alert");
    expect(err.textContent).toBe("Write a reason of 3 to 500 characters.");
    expect(reason.getAttribute("aria-describedby")).toBe(err.id);
    expect(posts(f)).toEqual([]);
    fireEvent.change(reason, { target: { value: "Photo unreadable" } });
    fireEvent.click(within(li).getByRole("button", { name: "Reject" }));
    await screen.findByText("Amina Nakato's profile is rejected; they can send a corrected one.");
    expect(posts(f)).toEqual([{ url: `${GW}/api/v1/users/${AMINA}/kyc/reject`, body: { reason: "Photo unreadable" } }]);
    expect(screen.queryByText("Amina Nakato")).toBeNull();
  });

  it("shows a 400 naming `reason` beside the reason, and a 403 (own profile, say) beside the buttons", async () => {
    let n = 0;
    kycService(() =>
      ++n === 1
        ? json({ type: "/problems/bad-request", title: "Bad Request", status: 400, detail: "invalid field 'reason'", errors: [{ field: "reason", message: "must not be only spaces and digits" }] }, 400)
        : json({ type: "/problems/forbidden", title: "Forbidden", status: 403, detail: "nobody may review their own KYC profile" }, 403),
    );
    await renderAs(<KycReviewPage />, ["credit_officer"]);
    const li = (await screen.findByText("Amina Nakato")).closest("li")!;
    fireEvent.click(within(li).getByRole("button", { name: "Open profile" }));
    const reason = await within(li).findByLabelText("Reason (required to reject, 3–500 characters)");
    fireEvent.change(reason, { target: { value: "1234" } });
    fireEvent.click(within(li).getByRole("button", { name: "Reject" }));
    const err = await within(li).findByText("must not be only spaces and digits");
    expect(reason.getAttribute("aria-describedby")).toBe(err.id);
    expect(reason.getAttribute("aria-invalid")).toBe("true");
    fireEvent.click(within(li).getByRole("button", { name: "Verify" }));
    await within(li).findByText("nobody may review their own KYC profile");
    expect(screen.getByText("Amina Nakato")).toBeTruthy();
  });

  it("says when the queue is empty, shows a failed load with a retry, and loads more with the cursor", async () => {
    stubFetch(() => json({ items: [], next_cursor: null, limit: 20 }));
    await renderAs(<KycReviewPage />, ["credit_officer"]);
    await screen.findByTestId("kyc-empty");
    cleanup();
    vi.unstubAllGlobals();
    stubFetch(() => json({ type: "/problems/internal", title: "Internal", status: 500, detail: "database unavailable" }, 500));
    await renderAs(<KycReviewPage />, ["credit_officer"]);
    expect((await screen.findByRole("alert")).textContent).toContain("database unavailable");
    expect(screen.getByRole("button", { name: "Try again" })).toBeTruthy();
    cleanup();
    vi.unstubAllGlobals();
    const f = stubFetch((url) =>
      url.includes("cursor=") ? json({ items: [JOHN_USER], next_cursor: null, limit: 20 }) : json({ items: [user()], next_cursor: "c/1", limit: 20 }),
    );
    await renderAs(<KycReviewPage />, ["credit_officer"]);
    await screen.findByText("Amina Nakato");
    fireEvent.click(screen.getByRole("button", { name: "Load more" }));
    await screen.findByText("John Okello");
    expect(f.mock.calls.at(-1)![0]).toBe(`${GW}/api/v1/users?kyc_status=pending&limit=20&cursor=c%2F1`);
    expect(screen.queryByRole("button", { name: "Load more" })).toBeNull();
  });

  it("is for credit officers and admins only", async () => {
    stubFetch(() => json({ items: [], next_cursor: null, limit: 20 }));
    await renderAs(<KycReviewPage />, ["support_agent"]);
    expect(screen.getByRole("alert").textContent).toBe("Your account cannot open this page.");
  });
});

describe("staff console link", () => {
  it("links KYC review for credit officers and admins only", async () => {
    stubFetch(() => json({ items: [] }));
    await renderAs(<StaffPage />, ["support_agent"]);
    expect(screen.queryByRole("link", { name: "KYC review" })).toBeNull();
    cleanup();
    await renderAs(<StaffPage />, ["credit_officer"]);
    expect(screen.getByRole("link", { name: "KYC review" }).getAttribute("href")).toBe("/staff/kyc");
    cleanup();
    await renderAs(<StaffPage />, ["admin"]);
    expect(screen.getByRole("link", { name: "KYC review" }).getAttribute("href")).toBe("/staff/kyc");
  });
});

import { act, cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import StaffPage from "../../app/staff/page";
import UsersPage from "../../app/staff/users/page";
import { Providers } from "../../components/Providers";
import { saveSession } from "../../lib/api";
import type { User } from "../../lib/users";
import { posts, stubFetch } from "./fetch-stub";

vi.mock("next/navigation", () => ({ useRouter: () => ({ push: vi.fn(), refresh: vi.fn() }) }));
vi.mock("../../lib/realtime", () => ({ realtime: () => ({ on: () => () => undefined, reauth: () => undefined }) }));

const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { "Content-Type": status >= 400 ? "application/problem+json" : "application/json" } });

const ME = "11111111-1111-4111-8111-111111111111";
const AMINA = "22222222-2222-4222-8222-222222222222";
const GW = "http://gw.test";

const user = (over: Partial<User> = {}): User => ({
  id: AMINA, phone: "+256772123456", email: "amina@example.com", full_name: "Amina Nakato", language: "en",
  roles: ["customer"], status: "active", kyc_status: "pending", created_at: "2026-12-01T08:00:00Z", updated_at: "2026-12-01T08:00:00Z", ...over,
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

describe("users and roles", () => {
  it("sends the search and filters as query parameters", async () => {
    const f = stubFetch(() => json({ items: [user({ kyc_status: "verified" })], next_cursor: null, limit: 20 }));
    await renderAs(<UsersPage />, ["admin"]);
    const li = (await screen.findByText("Amina Nakato")).closest("li")!;
    expect(f.mock.calls[0][0]).toBe(`${GW}/api/v1/users?limit=20`);
    expect(within(li).getByText("+256772123456")).toBeTruthy();
    expect(within(li).getByTestId("user-roles").textContent).toBe("Customer");
    expect(within(li).getByText("Active")).toBeTruthy();
    expect(within(li).getByText("Verified")).toBeTruthy();
    fireEvent.change(screen.getByLabelText("Role"), { target: { value: "dealer" } });
    await waitFor(() => expect(f.mock.calls.at(-1)![0]).toBe(`${GW}/api/v1/users?role=dealer&limit=20`));
    fireEvent.change(screen.getByLabelText("Status"), { target: { value: "disabled" } });
    fireEvent.change(screen.getByLabelText("Search"), { target: { value: " 0772 & co " } });
    fireEvent.click(screen.getByRole("button", { name: "Search" }));
    await waitFor(() => expect(f.mock.calls.at(-1)![0]).toBe(`${GW}/api/v1/users?q=0772+%26+co&role=dealer&status=disabled&limit=20`));
  });

  it("shows a 400 naming q beside the search box", async () => {
    stubFetch((url) =>
      url.includes("q=")
        ? json({ type: "/problems/bad-request", title: "Bad Request", status: 400, detail: "invalid field 'q'", errors: [{ field: "q", message: "at most 100 characters" }] }, 400)
        : json({ items: [user()], next_cursor: null, limit: 20 }),
    );
    await renderAs(<UsersPage />, ["admin"]);
    await screen.findByText("Amina Nakato");
    fireEvent.change(screen.getByLabelText("Search"), { target: { value: "x" } });
    fireEvent.click(screen.getByRole("button", { name: "Search" }));
    const err = await screen.findByText("at most 100 characters");
    expect(screen.getByLabelText("Search").getAttribute("aria-describedby")).toBe(err.id);
  });

  it("saving roles PUTs exactly {roles: [...]} and shows the API's 409 beside the roles", async () => {
    const f = stubFetch((url, init) => {
      if (init.method === "PUT") {
        const body = JSON.parse(String(init.body));
        if (url.includes(ME))
          return json({ type: "/problems/conflict", title: "Conflict", status: 409, detail: "you cannot remove your own admin role", errors: [{ field: "roles", message: "you cannot remove your own admin role" }] }, 409);
        return json(user({ roles: body.roles }));
      }
      return json({ items: [user(), user({ id: ME, full_name: "Grace Admin", roles: ["admin"], kyc_status: "not_submitted" })], next_cursor: null, limit: 20 });
    });
    await renderAs(<UsersPage />, ["admin"]);
    const li = (await screen.findByText("Amina Nakato")).closest("li")!;
    fireEvent.click(within(li).getByRole("button", { name: "Edit roles" }));
    fireEvent.click(within(li).getByLabelText("Dealer"));
    fireEvent.click(within(li).getByLabelText("Field agent"));
    fireEvent.click(within(li).getByLabelText("Customer"));
    fireEvent.click(within(li).getByRole("button", { name: "Save roles" }));
    await screen.findByText("Amina Nakato's roles are saved. They apply from the user's next sign-in token.");
    const puts = calls(f).filter((c) => c.method === "PUT");
    expect(puts.map((c) => c.url)).toEqual([`${GW}/api/v1/users/${AMINA}/roles`]);
    expect(JSON.parse(String(puts[0].body))).toEqual({ roles: ["dealer", "agent"] });
    expect(within(li).getByTestId("user-roles").textContent).toBe("Dealer, Field agent");

    const mine = screen.getByText(/Grace Admin/).closest("li")!;
    fireEvent.click(within(mine).getByRole("button", { name: "Edit roles" }));
    fireEvent.click(within(mine).getByLabelText("Administrator"));
    fireEvent.click(within(mine).getByLabelText("Credit officer"));
    fireEvent.click(within(mine).getByRole("button", { name: "Save roles" }));
    const err = await within(mine).findByRole("alert");
    expect(err.textContent).toBe("you cannot remove your own admin role");
    expect(within(mine).getByRole("group", { name: "Roles" }).getAttribute("aria-describedby")).toBe(err.id);
  });

  it("disables an account only after a confirmation", async () => {
    const f = stubFetch((url, init) =>
      init.method === "POST" ? json(user({ status: url.endsWith("/disable") ? "disabled" : "active" })) : json({ items: [user()], next_cursor: null, limit: 20 }),
    );
    await renderAs(<UsersPage />, ["admin"]);
    const li = (await screen.findByText("Amina Nakato")).closest("li")!;
    fireEvent.click(within(li).getByRole("button", { name: "Disable account" }));
    expect(posts(f)).toEqual([]);
    within(li).getByText(/Disable Amina Nakato's account\?/);
    fireEvent.click(within(li).getByRole("button", { name: "Disable" }));
    await screen.findByText("Amina Nakato's account is disabled.");
    expect(calls(f).filter((c) => c.method === "POST").map((c) => c.url)).toEqual([`${GW}/api/v1/users/${AMINA}/disable`]);
    expect(within(li).getByText("Disabled")).toBeTruthy();
    expect(within(li).getByRole("button", { name: "Enable account" })).toBeTruthy();
  });

  it("is for admins only", async () => {
    stubFetch(() => json({ items: [], next_cursor: null, limit: 20 }));
    await renderAs(<UsersPage />, ["credit_officer"]);
    expect(screen.getByRole("alert").textContent).toBe("Your account cannot open this page.");
  });
});

describe("staff console link", () => {
  it("links users and roles for admins only", async () => {
    stubFetch(() => json({ items: [] }));
    for (const roles of [["support_agent"], ["credit_officer"]]) {
      await renderAs(<StaffPage />, roles);
      expect(screen.queryByRole("link", { name: "Users and roles" })).toBeNull();
      cleanup();
    }
    await renderAs(<StaffPage />, ["admin"]);
    expect(screen.getByRole("link", { name: "Users and roles" }).getAttribute("href")).toBe("/staff/users");
  });
});

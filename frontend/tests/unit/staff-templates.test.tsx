import { act, cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import StaffPage from "../../app/staff/page";
import StaffTemplatesPage from "../../app/staff/templates/page";
import { Providers } from "../../components/Providers";
import { saveSession } from "../../lib/api";
import type { Template } from "../../lib/support";
import { stubFetch } from "./fetch-stub";

vi.mock("next/navigation", () => ({ useRouter: () => ({ push: vi.fn(), refresh: vi.fn() }) }));
vi.mock("../../lib/realtime", () => ({ realtime: () => ({ on: () => () => undefined, reauth: () => undefined }) }));

const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { "Content-Type": status >= 400 ? "application/problem+json" : "application/json" } });

const VARS = ["brand", "name", "pay_instructions"];
const tpl = (over: Partial<Template>): Template => ({
  kind: "welcome", language: "en", title: "Welcome", text: "Welcome to {{brand}}, {{name}}.", class: "transactional",
  variables: VARS, gsm7: true, template_units: 33, edited: false,
  builtin: { title: "Welcome", text: "Welcome to {{brand}}, {{name}}." }, updated_by: null, updated_at: null, ...over,
});

const LIST: Template[] = [
  tpl({}),
  tpl({ language: "sw", title: "Karibu", text: "Karibu {{brand}}, {{name}}.", builtin: { title: "Karibu", text: "Karibu {{brand}}, {{name}}." } }),
  tpl({
    kind: "receipt", title: "Payment received", text: "Got {{amount}}, thanks {{name}}!", variables: ["amount", ...VARS], edited: true,
    builtin: { title: "Payment received", text: "We received {{amount}}. Receipt {{receipt}}." }, updated_by: "agent-1", updated_at: "2026-12-07T08:00:00Z",
  }),
  tpl({ kind: "receipt", language: "sw", title: "Malipo yamepokelewa", text: "Tumepokea {{amount}}.", variables: ["amount", ...VARS] }),
];

async function renderPage(ui: React.ReactNode, roles = ["support_agent"]) {
  saveSession({ access_token: "a", refresh_token: "r", user_id: "agent-1", roles });
  await act(async () => {
    render(
      <Providers lang="en" gatewayUrl="http://gw.test" gatewayPort={null}>
        {ui}
      </Providers>,
    );
  });
}

const calls = (f: ReturnType<typeof stubFetch>, method: string) =>
  f.mock.calls
    .filter(([, init]) => (init as RequestInit | undefined)?.method === method)
    .map(([url, init]) => ({ url, body: (init as RequestInit).body ? JSON.parse(String((init as RequestInit).body)) : undefined }));

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  window.localStorage.clear();
});

describe("notification templates (staff)", () => {
  it("lists every kind in both languages with title, text and whether it is edited", async () => {
    const f = stubFetch(() => json({ items: LIST }));
    await renderPage(<StaffTemplatesPage />);
    const welcome = await screen.findByRole("region", { name: /welcome/ });
    expect(within(welcome).getByRole("heading", { level: 3, name: /^English · Welcome/ })).toBeTruthy();
    expect(within(welcome).getByRole("heading", { level: 3, name: /^Kiswahili · Karibu/ })).toBeTruthy();
    expect(within(welcome).getAllByText("Built-in")).toHaveLength(2);
    expect(within(welcome).getByText("Karibu {{brand}}, {{name}}.")).toBeTruthy();
    const receipt = screen.getByRole("region", { name: /receipt/ });
    const en = within(receipt).getByRole("article", { name: /English/ });
    expect(within(en).getByText("Edited")).toBeTruthy();
    expect(within(en).getByText("Got {{amount}}, thanks {{name}}!")).toBeTruthy();
    expect(within(en).getByRole("button", { name: "Restore built-in" })).toBeTruthy();
    expect(within(receipt).getByRole("article", { name: /Kiswahili/ }).querySelector("button.secondary")).toBeNull();
    expect(f.mock.calls[0][0]).toBe("http://gw.test/api/v1/support/templates");
  });

  it("shows the empty and error states", async () => {
    stubFetch(() => json({ items: [] }));
    await renderPage(<StaffTemplatesPage />);
    expect((await screen.findByTestId("templates-empty")).textContent).toBe("No templates.");
    cleanup();
    stubFetch(() => json({ title: "Forbidden", status: 403, detail: "support_agent or admin only" }, 403));
    await renderPage(<StaffTemplatesPage />);
    expect((await screen.findByRole("alert")).textContent).toMatch(/support_agent or admin only/);
  });

  it("saves only the title and text to the template's path and shows it as edited", async () => {
    const f = stubFetch((url, init) => {
      if (init.method === "PUT") {
        const body = JSON.parse(String(init.body));
        return json({ ...LIST[0], ...body, edited: true, updated_by: "agent-1", updated_at: "2026-12-08T09:00:00Z" });
      }
      return json({ items: LIST });
    });
    await renderPage(<StaffTemplatesPage />);
    fireEvent.click(await screen.findByRole("button", { name: "Edit welcome (English)" }));
    const form = screen.getByRole("form", { name: "Edit welcome (English)" });
    expect(document.activeElement).toBe(within(form).getByLabelText("Title (1–80 characters)"));
    fireEvent.change(within(form).getByLabelText("Title (1–80 characters)"), { target: { value: "  Hello there " } });
    const text = within(form).getByLabelText("Text (1–480 characters)") as HTMLTextAreaElement;
    fireEvent.change(text, { target: { value: "Hi , welcome." } });
    expect(within(form).getByTestId("template-counter").textContent).toMatch(/^13\/480 characters · 1 SMS part\(s\), up to 160 per part \(GSM-7\)/);
    // A variable goes in at the cursor.
    text.setSelectionRange(3, 3);
    fireEvent.click(within(form).getByRole("button", { name: "Insert {{name}}" }));
    expect(text.value).toBe("Hi {{name}}, welcome.");
    fireEvent.click(within(form).getByRole("button", { name: "Save" }));
    const article = await screen.findByRole("article", { name: /^English · Hello there/ });
    expect(within(article).getByRole("status").textContent).toBe("Saved. New messages of this kind use the edited text.");
    expect(within(article).getByText("Edited")).toBeTruthy();
    expect(within(article).getByText("Hi {{name}}, welcome.")).toBeTruthy();
    expect(screen.queryByRole("form")).toBeNull();
    expect(calls(f, "PUT")).toEqual([{ url: "http://gw.test/api/v1/support/templates/welcome/en", body: { title: "Hello there", text: "Hi {{name}}, welcome." } }]);
  });

  it("shows a 422 naming text beside the textarea and keeps the form open", async () => {
    stubFetch((_url, init) =>
      init.method === "PUT"
        ? json(
            {
              title: "Unprocessable Entity", status: 422, detail: "the template cannot be rendered: unknown variable 'amount'",
              errors: [{ field: "text", message: "unknown variable 'amount' (this kind has: brand, name, pay_instructions)" }],
            },
            422,
          )
        : json({ items: LIST }),
    );
    await renderPage(<StaffTemplatesPage />);
    fireEvent.click(await screen.findByRole("button", { name: "Edit welcome (Kiswahili)" }));
    const form = screen.getByRole("form", { name: "Edit welcome (Kiswahili)" });
    const text = within(form).getByLabelText("Text (1–480 characters)");
    fireEvent.change(text, { target: { value: "Tumepokea {{amount}}" } });
    fireEvent.click(within(form).getByRole("button", { name: "Save" }));
    const alert = await within(form).findByRole("alert");
    expect(alert.textContent).toBe("unknown variable 'amount' (this kind has: brand, name, pay_instructions)");
    expect(text.getAttribute("aria-invalid")).toBe("true");
    expect(text.getAttribute("aria-describedby")?.split(" ")).toContain(alert.id);
    expect(within(form).getByLabelText("Title (1–80 characters)").getAttribute("aria-invalid")).toBeNull();
    expect((text as HTMLTextAreaElement).value).toBe("Tumepokea {{amount}}");
  });

  it("checks the lengths before sending, and Escape closes the form", async () => {
    const f = stubFetch(() => json({ items: LIST }));
    await renderPage(<StaffTemplatesPage />);
    fireEvent.click(await screen.findByRole("button", { name: "Edit welcome (English)" }));
    const form = screen.getByRole("form");
    fireEvent.change(within(form).getByLabelText("Title (1–80 characters)"), { target: { value: "   " } });
    fireEvent.change(within(form).getByLabelText("Text (1–480 characters)"), { target: { value: "’".repeat(481) } });
    expect(within(form).getByTestId("template-parts").textContent).toBe("8 SMS part(s), up to 67 per part (UCS-2)");
    fireEvent.click(within(form).getByRole("button", { name: "Save" }));
    expect(within(form).getAllByRole("alert").map((a) => a.textContent)).toEqual([
      "Write a title of 1 to 80 characters.",
      "Write a text of 1 to 480 characters.",
    ]);
    fireEvent.keyDown(within(form).getByLabelText("Title (1–80 characters)"), { key: "Escape" });
    expect(screen.queryByRole("form")).toBeNull();
    expect(calls(f, "PUT")).toEqual([]);
    await waitFor(() => expect(document.activeElement?.id).toBe("welcome-en-edit"));
  });

  it("restores the built-in text with DELETE after confirmation", async () => {
    const f = stubFetch((_url, init) => (init.method === "DELETE" ? new Response(null, { status: 204 }) : json({ items: LIST })));
    await renderPage(<StaffTemplatesPage />, ["admin"]);
    const receipt = await screen.findByRole("region", { name: /receipt/ });
    const article = within(receipt).getByRole("article", { name: /English/ });
    fireEvent.click(within(article).getByRole("button", { name: "Restore built-in" }));
    expect(within(article).getByText("Drop the edit and use the built-in text again?")).toBeTruthy();
    fireEvent.click(within(article).getByRole("button", { name: "Cancel" }));
    expect(calls(f, "DELETE")).toEqual([]);
    fireEvent.click(within(article).getByRole("button", { name: "Restore built-in" }));
    fireEvent.click(within(article).getByRole("button", { name: "Restore" }));
    await waitFor(() => expect(within(article).getByRole("status").textContent).toBe("The built-in text applies again."));
    expect(calls(f, "DELETE")).toEqual([{ url: "http://gw.test/api/v1/support/templates/receipt/en", body: undefined }]);
    expect(within(article).getByText("Built-in")).toBeTruthy();
    expect(within(article).getByText("We received {{amount}}. Receipt {{receipt}}.")).toBeTruthy();
    expect(within(article).queryByRole("button", { name: "Restore built-in" })).toBeNull();
  });

  it("is for support agents and admins; the staff console links it only for them", async () => {
    stubFetch(() => json({ items: LIST }));
    await renderPage(<StaffTemplatesPage />, ["credit_officer"]);
    expect(screen.getByRole("alert").textContent).toBe("Your account cannot open this page.");
    cleanup();
    await renderPage(<StaffPage />, ["credit_officer"]);
    expect(screen.queryByRole("link", { name: "Notification templates" })).toBeNull();
    cleanup();
    await renderPage(<StaffPage />, ["support_agent"]);
    expect(screen.getByRole("link", { name: "Notification templates" }).getAttribute("href")).toBe("/staff/templates");
  });
});

import { act, cleanup, render, screen, waitFor } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { Providers } from "../../components/Providers";
import { AgentAvailability } from "../../components/AgentAvailability";
import { MessageSettings } from "../../components/MessageSettings";
import { SlaBadgeView } from "../../components/TicketBadges";
import { UnreadBadge } from "../../components/UnreadBadge";
import { saveSession } from "../../lib/api";
import { UNREAD_CHANGED, type Ticket } from "../../lib/support";

vi.mock("next/navigation", () => ({ useRouter: () => ({ push: vi.fn(), refresh: vi.fn() }) }));

const wrap = (ui: React.ReactNode, lang: "en" | "sw" = "en") => (
  <Providers lang={lang} gatewayUrl="http://gw.test" gatewayPort={null}>
    {ui}
  </Providers>
);

// The hub is not reached in these tests: a socket that never opens.
class QuietSocket {
  static OPEN = 1;
  readyState = 0;
  onopen: (() => void) | null = null;
  onclose: (() => void) | null = null;
  onmessage: ((m: { data: string }) => void) | null = null;
  send() {}
  close() {}
}

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  window.localStorage.clear();
});

const ticket: Ticket = {
  id: "t", customer_id: "c", category: "breakdown", priority: "urgent", status: "open", subject: "Engine", description: "d",
  plan_id: null, vehicle_id: null, created_at: "2026-12-07T08:00:00Z", updated_at: "2026-12-07T08:00:00Z",
  first_response_due: "2026-12-07T09:00:00Z", resolution_due: "2026-12-07T16:00:00Z",
  first_response_at: null, resolved_at: null, closed_at: null, sla_breached: false, rating: null,
};

describe("SLA badge", () => {
  it("says what is due and when, in the operator's time zone", () => {
    render(wrap(<SlaBadgeView t={ticket} now={Date.parse("2026-12-07T08:50:00Z")} />));
    const b = screen.getByTestId("sla-badge");
    expect(b.getAttribute("data-sla")).toBe("due_soon");
    expect(b.textContent).toBe("Due soon · reply by 7 Dec 2026, 12:00");
  });
  it("speaks Swahili", () => {
    render(wrap(<SlaBadgeView t={ticket} now={Date.parse("2026-12-07T10:00:00Z")} />, "sw"));
    expect(screen.getByTestId("sla-badge").textContent).toMatch(/^SLA imevunjwa · jibu kabla ya/);
  });
});

describe("UnreadBadge", () => {
  let count = 3;
  beforeEach(() => {
    count = 3;
    vi.stubGlobal("WebSocket", QuietSocket);
    vi.stubGlobal("fetch", vi.fn(async () => new Response(JSON.stringify({ unread_count: count }), { status: 200 })));
    saveSession({ access_token: "a", refresh_token: "r", user_id: "u1", roles: ["customer"] });
  });

  it("shows the unread count with an accessible name, and counts again when told", async () => {
    render(wrap(<UnreadBadge userId="u1" />));
    await waitFor(() => expect(screen.getByTestId("unread-badge").getAttribute("data-count")).toBe("3"));
    expect(screen.getByRole("link", { name: /^Notifications\s*\(3 unread\)$/ })).toBeTruthy();
    count = 0;
    act(() => {
      window.dispatchEvent(new Event(UNREAD_CHANGED));
    });
    await waitFor(() => expect(screen.getByRole("link", { name: "Notifications" }).getAttribute("data-count")).toBe("0"));
    expect((fetch as unknown as ReturnType<typeof vi.fn>).mock.calls[0][0]).toBe("http://gw.test/api/v1/support/notifications/unread-count");
  });
});

describe("MessageSettings", () => {
  it("turns off one marketing channel, sending only that choice, and says transactional ones stay", async () => {
    vi.stubGlobal("WebSocket", QuietSocket);
    saveSession({ access_token: "a", refresh_token: "r", user_id: "u1", roles: ["customer"] });
    const sent: unknown[] = [];
    vi.stubGlobal(
      "fetch",
      vi.fn(async (_url: string, init: RequestInit = {}) => {
        if (init.method === "PUT") {
          const body = JSON.parse(String(init.body));
          sent.push(body);
          return new Response(JSON.stringify({ marketing: { in_app: true, sms: body.marketing.sms } }), { status: 200 });
        }
        return new Response(JSON.stringify({ marketing: { in_app: true, sms: true } }), { status: 200 });
      }),
    );
    render(wrap(<MessageSettings />));
    const sms = await screen.findByLabelText("Offers and news by SMS");
    expect((sms as HTMLInputElement).checked).toBe(true);
    expect(screen.getByTestId("message-settings").textContent).toMatch(/Receipts, payment reminders, lock warnings/);
    await act(async () => {
      (sms as HTMLInputElement).click();
    });
    await waitFor(() => expect(screen.getByRole("status").textContent).toBe("Saved."));
    expect(sent).toEqual([{ marketing: { sms: false } }]);
    expect((screen.getByLabelText("Offers and news by SMS") as HTMLInputElement).checked).toBe(false);
    expect((screen.getByLabelText("Offers and news in the app") as HTMLInputElement).checked).toBe(true);
  });
});

describe("AgentAvailability", () => {
  it("shows whether the agent takes tickets and, going away, how many were handed over", async () => {
    vi.stubGlobal("WebSocket", QuietSocket);
    saveSession({ access_token: "a", refresh_token: "r", user_id: "agent-1", roles: ["support_agent"] });
    const puts: unknown[] = [];
    vi.stubGlobal(
      "fetch",
      vi.fn(async (_url: string, init: RequestInit = {}) => {
        if (init.method === "PUT") {
          puts.push(JSON.parse(String(init.body)));
          return new Response(JSON.stringify({ agent_id: "agent-1", available: false, open_tickets: 0, handed_over: 2 }), { status: 200 });
        }
        return new Response(
          JSON.stringify({ items: [{ agent_id: "other", available: false, open_tickets: 1 }, { agent_id: "agent-1", available: true, open_tickets: 2 }] }),
          { status: 200 },
        );
      }),
    );
    render(wrap(<AgentAvailability />));
    const box = (await screen.findByRole("checkbox")) as HTMLInputElement;
    expect(box.checked).toBe(true);
    await act(async () => {
      box.click();
    });
    await waitFor(() => expect(screen.getByRole("status").textContent).toBe("You are away: 2 open ticket(s) handed to colleagues or the queue."));
    expect(puts).toEqual([{ available: false }]);
    expect((screen.getByRole("checkbox") as HTMLInputElement).checked).toBe(false);
  });
});

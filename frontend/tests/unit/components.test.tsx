import { act, cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { Providers } from "../../components/Providers";
import { QuoteCalculator } from "../../components/QuoteCalculator";
import { Field } from "../../components/ui";
import { VehicleCard } from "../../components/VehicleCard";
import { api, ApiError, saveSession } from "../../lib/api";
import type { Vehicle } from "../../lib/types";

vi.mock("next/navigation", () => ({ useRouter: () => ({ push: vi.fn(), refresh: vi.fn() }) }));

const vehicle: Vehicle = {
  id: "0f8fad5b-d9cb-469f-a165-70867728950e", status: "available", category: "motorcycle", make: "Bajaj", model: "Boxer BM150",
  year: 2024, condition: "new", fuel: "petrol", price: { amount: 5_200_000, currency: "UGX" },
  location: { city: "Kampala" }, dealer_id: "d", cover_image_url: "/api/v1/vehicles/0f8fad5b-d9cb-469f-a165-70867728950e/images/7c9e6679-7425-40de-944b-e07fc1f90ae7",
  created_at: "2026-12-01T10:00:00Z", description: "", images: [],
};
const wrap = (ui: React.ReactNode, lang: "en" | "sw" = "en") => (
  <Providers lang={lang} gatewayUrl="http://gw.test" gatewayPort={null}>
    {ui}
  </Providers>
);

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  window.localStorage.clear();
});

describe("VehicleCard", () => {
  it("shows make, model, price without minor units, status and a lazy photo", () => {
    render(wrap(<ul><VehicleCard v={vehicle} /></ul>));
    expect(screen.getByRole("heading", { name: "Bajaj Boxer BM150" })).toBeTruthy();
    expect(screen.getByText("UGX 5,200,000")).toBeTruthy();
    expect(screen.getByText("Available")).toBeTruthy();
    const img = screen.getByRole("img") as HTMLImageElement;
    expect(img.getAttribute("src")).toMatch(/^\/media\/vehicles\//);
    expect(img.getAttribute("loading")).toBe("lazy");
  });
  it("speaks Swahili when asked", () => {
    render(wrap(<ul><VehicleCard v={{ ...vehicle, status: "reserved" }} /></ul>, "sw"));
    expect(screen.getByText("Kimehifadhiwa")).toBeTruthy();
  });
});

describe("Field", () => {
  it("ties the API's error message to the input", () => {
    render(<Field id="phone" label="Phone" value="" onChange={() => undefined} error="must be a valid phone number" />);
    const input = screen.getByLabelText("Phone");
    expect(input.getAttribute("aria-invalid")).toBe("true");
    expect(input.getAttribute("aria-describedby")).toBe("phone-error");
    expect(screen.getByRole("alert").textContent).toBe("must be a valid phone number");
  });
});

describe("QuoteCalculator", () => {
  const templates = [
    { id: "5e3d0001-0000-4000-8000-000000000001", slug: "motorcycle-daily-18m", name: "Daily 18 months", category: "motorcycle", currency: "UGX", frequency: "daily" as const, instalment_count: 540, min_deposit_bps: 1500 },
    { id: "t-car", slug: "car-monthly", name: "Car", category: "car", currency: "UGX", frequency: "monthly" as const, instalment_count: 36, min_deposit_bps: 2000 },
  ];
  beforeEach(() => {
    vi.stubGlobal("fetch", vi.fn(async (_url: string, init: RequestInit) => {
      const body = JSON.parse(String(init.body));
      const dep = body.deposit.amount;
      const q = {
        template_id: body.template_id, frequency: "daily", deposit: { amount: dep, currency: "UGX" },
        financed: { amount: 5_200_000 - dep, currency: "UGX" }, instalment: { amount: 12_000, currency: "UGX" },
        instalment_count: 540, last_instalment: { amount: 8_000, currency: "UGX" },
        first_due_date: "2026-12-08", last_due_date: "2028-05-30",
        total_payable: { amount: dep + 12_000 * 539 + 8_000, currency: "UGX" }, cost_of_credit: { amount: 1_000, currency: "UGX" },
        effective_annual_rate: "0.4",
      };
      return new Response(JSON.stringify(q), { status: 200, headers: { "Content-Type": "application/json" } });
    }));
  });

  it("offers only matching templates and shows the quote from the API", async () => {
    render(wrap(<QuoteCalculator vehicle={vehicle} templates={templates} />));
    const select = screen.getByLabelText("Payment plan") as HTMLSelectElement;
    expect(select.options.length).toBe(1);
    await waitFor(() => expect(screen.getByTestId("instalment").textContent).toContain("UGX 12,000"));
    expect(screen.getByTestId("total").textContent).toBe(`UGX ${(780_000 + 12_000 * 539 + 8_000).toLocaleString("en-GB")}`);
    const call = (fetch as unknown as ReturnType<typeof vi.fn>).mock.calls[0];
    expect(call[0]).toBe("http://gw.test/api/v1/plans/quote");
    expect(JSON.parse(call[1].body)).toEqual({ vehicle_id: vehicle.id, template_id: templates[0].id, deposit: { amount: 780_000, currency: "UGX" } });
  });

  it("asks again when the deposit moves", async () => {
    render(wrap(<QuoteCalculator vehicle={vehicle} templates={templates} />));
    await waitFor(() => expect(screen.getByTestId("quote")).toBeTruthy());
    const slider = screen.getByRole("slider") as HTMLInputElement;
    act(() => {
      fireEvent.change(slider, { target: { value: String(Number(slider.min) + Number(slider.step) * 10) } });
    });
    await waitFor(() => {
      const calls = (fetch as unknown as ReturnType<typeof vi.fn>).mock.calls;
      expect(JSON.parse(calls[calls.length - 1][1].body).deposit.amount).toBeGreaterThan(780_000);
    });
  });

  it("says so when no plan is offered", () => {
    render(wrap(<QuoteCalculator vehicle={{ ...vehicle, category: "e-bike" }} templates={templates} />));
    expect(screen.getByText("No payment plan is offered for this vehicle yet.")).toBeTruthy();
  });
});

describe("api client", () => {
  it("refreshes once on 401 and retries with the new token", async () => {
    const seen: string[] = [];
    vi.stubGlobal("fetch", vi.fn(async (url: string, init: RequestInit) => {
      const auth = (init.headers as Record<string, string>).Authorization ?? "";
      seen.push(`${url} ${auth}`);
      if (url.endsWith("/auth/refresh")) return new Response(JSON.stringify({ access_token: "a.eyJzdWIiOiJ1MiJ9.s", refresh_token: "r2" }), { status: 200 });
      if (auth === "Bearer old") return new Response(JSON.stringify({ title: "Unauthorized" }), { status: 401 });
      return new Response(JSON.stringify({ ok: true }), { status: 200 });
    }));
    render(wrap(<div />));
    saveSession({ access_token: "old", refresh_token: "r1", user_id: "u1", roles: [] });
    await expect(api("/api/v1/users/me")).resolves.toEqual({ ok: true });
    expect(seen).toEqual([
      "http://gw.test/api/v1/users/me Bearer old",
      "http://gw.test/api/v1/auth/refresh ",
      "http://gw.test/api/v1/users/me Bearer a.eyJzdWIiOiJ1MiJ9.s",
    ]);
    expect(JSON.parse(window.localStorage.getItem("rto.session")!).user_id).toBe("u2");
  });

  it("signs out when the refresh fails, and returns field errors from problem+json", async () => {
    vi.stubGlobal("fetch", vi.fn(async (url: string) => {
      if (url.endsWith("/auth/refresh")) return new Response("{}", { status: 401 });
      if (url.endsWith("/register")) return new Response(JSON.stringify({ status: 400, detail: "bad", errors: [{ field: "phone", message: "must be a valid phone number" }] }), { status: 400 });
      return new Response("{}", { status: 401 });
    }));
    render(wrap(<div />));
    saveSession({ access_token: "old", refresh_token: "r1", user_id: "u1", roles: [] });
    await expect(api("/api/v1/users/me")).rejects.toBeInstanceOf(ApiError);
    expect(window.localStorage.getItem("rto.session")).toBeNull();
    const err = await api("/api/v1/auth/register", { body: {}, auth: false }).catch((e) => e as ApiError);
    expect(err.status).toBe(400);
    expect(err.fieldErrors()).toEqual({ phone: "must be a valid phone number" });
  });
});

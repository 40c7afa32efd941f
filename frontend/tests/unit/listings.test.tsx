import { act, cleanup, fireEvent, render, screen, within } from "@testing-library/react";
import { Suspense } from "react";
import { afterEach, describe, expect, it, vi } from "vitest";
import DealerPage from "../../app/dealer/page";
import EditListingPage from "../../app/dealer/listings/[id]/page";
import NewListingPage from "../../app/dealer/listings/new/page";
import StaffListingsPage from "../../app/staff/listings/page";
import StaffPage from "../../app/staff/page";
import { Providers } from "../../components/Providers";
import { saveSession } from "../../lib/api";
import type { Listing, ListingImage } from "../../lib/listings";
import type { VehicleItem } from "../../lib/types";
import { posts, stubFetch } from "./fetch-stub";

const replace = vi.fn();
vi.mock("next/navigation", () => ({ useRouter: () => ({ push: vi.fn(), replace, refresh: vi.fn() }) }));
vi.mock("../../lib/realtime", () => ({ realtime: () => ({ on: () => () => undefined, reauth: () => undefined }) }));

const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { "Content-Type": status >= 400 ? "application/problem+json" : "application/json" } });

const GW = "http://gw.test";
const DEALER = "11111111-1111-4111-8111-111111111111";
const VID = "0f8fad5b-d9cb-469f-a165-70867728950e";
const IMG1 = "7c9e6679-7425-40de-944b-e07fc1f90ae7";
const IMG2 = "8d9e6679-7425-40de-944b-e07fc1f90ae8";
const IMG3 = "9e9e6679-7425-40de-944b-e07fc1f90ae9";

const image = (id: string, position: number): ListingImage => ({
  id, url: `/api/v1/vehicles/${VID}/images/${id}`, content_type: "image/png", size_bytes: 2048, position, is_cover: position === 0,
  created_at: "2026-12-07T08:00:00Z",
});

const listing = (over: Partial<Listing> = {}): Listing => ({
  id: VID, status: "draft", category: "motorcycle", make: "Bajaj", model: "Boxer BM150", year: 2025, condition: "new", fuel: "petrol",
  engine_cc: 150, battery_kwh: null, mileage_km: 0, colour: "Red", price: { amount: 5400000, currency: "UGX" },
  location: { city: "Kampala", branch: null }, tracker_ready: true, dealer_id: DEALER, cover_image_url: null,
  created_at: "2026-12-07T08:00:00Z", vin: "MD2A11CZ5PCA12345", registration: null, description: "Brand new.",
  updated_at: "2026-12-07T08:00:00Z", images: [image(IMG1, 0), image(IMG2, 1)], rejection_reason: null, ...over,
});

async function renderAs(ui: React.ReactNode, roles: string[]) {
  saveSession({ access_token: "a", refresh_token: "r", user_id: DEALER, roles });
  await act(async () => {
    render(
      <Providers lang="en" gatewayUrl={GW} gatewayPort={null}>
        <Suspense fallback={null}>{ui}</Suspense>
      </Providers>,
    );
  });
}

type Init = RequestInit & { headers?: Record<string, string> };
const sent = (f: ReturnType<typeof stubFetch>) =>
  f.mock.calls.map(([url, init]) => ({ url, method: (init as Init | undefined)?.method ?? "GET", init: (init ?? {}) as Init }));

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  window.localStorage.clear();
  replace.mockClear();
});

const type = (label: string | RegExp, value: string) => fireEvent.change(screen.getByLabelText(label), { target: { value } });

describe("new listing", () => {
  it("sends the documented ListingInput body and shows a 400's field error beside its field", async () => {
    let n = 0;
    const f = stubFetch(() =>
      ++n === 1
        ? json({ type: "/problems/bad-request", title: "Bad Request", status: 400, detail: "invalid field 'vin'", errors: [{ field: "vin", message: "must have 5 to 20 letters and digits" }] }, 400)
        : json(listing({ images: [] }), 201),
    );
    await renderAs(<NewListingPage />, ["dealer"]);
    fireEvent.change(screen.getByLabelText("Category"), { target: { value: "tuk-tuk" } });
    type("Make", "Bajaj");
    type("Model", "RE Compact");
    type("Year", "2024");
    fireEvent.change(screen.getByLabelText("Condition"), { target: { value: "used" } });
    type("Engine (cc)", "236");
    type("Mileage (km)", "12000");
    type("VIN or chassis number", "MD2");
    type("Number plate (optional)", "UBK 123A");
    fireEvent.change(screen.getByLabelText("Currency"), { target: { value: "KES" } });
    type("Cash price (KES)", "350,000.50");
    type("City", "Nairobi");
    type("Description", "One owner.");
    fireEvent.click(screen.getByRole("button", { name: "Create draft" }));
    const err = await screen.findByText("must have 5 to 20 letters and digits");
    const vin = screen.getByLabelText("VIN or chassis number");
    expect(vin.getAttribute("aria-invalid")).toBe("true");
    expect(vin.getAttribute("aria-describedby")).toContain(err.id);
    expect(posts(f)).toEqual([
      {
        url: `${GW}/api/v1/vehicles`,
        body: {
          category: "tuk-tuk", make: "Bajaj", model: "RE Compact", year: 2024, condition: "used", fuel: "petrol", engine_cc: 236,
          battery_kwh: null, mileage_km: 12000, colour: null, vin: "MD2", registration: "UBK 123A",
          price: { amount: 35000050, currency: "KES" }, location: { city: "Nairobi", branch: null }, description: "One owner.",
          tracker_ready: false,
        },
      },
    ]);
    type("VIN or chassis number", "MD2A11CZ5PCA12345");
    fireEvent.click(screen.getByRole("button", { name: "Create draft" }));
    await screen.findByText("The draft is created. Add photos, then submit it for review.");
    expect(replace).toHaveBeenCalledWith(`/dealer/listings/${VID}`);
    expect(screen.queryByText("must have 5 to 20 letters and digits")).toBeNull();
  });

  it("checks required fields and the price in the browser before sending anything", async () => {
    const f = stubFetch(() => json(listing(), 201));
    await renderAs(<NewListingPage />, ["dealer"]);
    type("Cash price (UGX)", "1500.5");
    fireEvent.click(screen.getByRole("button", { name: "Create draft" }));
    expect(await screen.findAllByText("Fill this in.")).toHaveLength(4);
    expect(screen.getByText("Enter the price as a number, with no more decimals than the currency has.")).toBeTruthy();
    expect(f).not.toHaveBeenCalled();
  });
});

describe("edit listing", () => {
  const params = () => Promise.resolve({ id: VID });

  it("uploads a picture's bytes with its Content-Type, reorders with PUT, and submits for review", async () => {
    const f = stubFetch((url, init) => {
      if (init.method === "POST" && url.endsWith("/images")) return json(image(IMG3, 2), 201);
      if (init.method === "PUT") return json({ items: [image(IMG2, 0), image(IMG1, 1), image(IMG3, 2)] });
      if (init.method === "POST" && url.endsWith("/submit")) return json(listing({ status: "pending_review" }));
      if (init.method === "PATCH") return json(listing({ make: "TVS" }));
      return json(listing());
    });
    await renderAs(<EditListingPage params={params()} />, ["dealer"]);
    await screen.findByText("Edit listing");
    expect(f.mock.calls[0][0]).toBe(`${GW}/api/v1/vehicles/${VID}`);
    expect((screen.getByLabelText("Make") as HTMLInputElement).value).toBe("Bajaj");
    expect((screen.getByLabelText("Cash price (UGX)") as HTMLInputElement).value).toBe("5400000");

    const file = new File([new Uint8Array([0x89, 0x50, 0x4e, 0x47])], "side.png", { type: "image/png" });
    fireEvent.change(screen.getByLabelText("Add a photo"), { target: { files: [file] } });
    await screen.findByRole("button", { name: "Move photo 3 up" });
    const up = sent(f).filter((c) => c.url.endsWith("/images"));
    expect(up).toHaveLength(1);
    expect(up[0].url).toBe(`${GW}/api/v1/vehicles/${VID}/images`);
    expect(up[0].method).toBe("POST");
    expect(up[0].init.body).toBe(file);
    expect(up[0].init.headers?.["Content-Type"]).toBe("image/png");
    expect(up[0].init.headers?.Authorization).toBe("Bearer a");

    fireEvent.click(screen.getByRole("button", { name: "Move photo 2 up" }));
    await act(async () => undefined);
    const put = sent(f).filter((c) => c.method === "PUT");
    expect(put).toHaveLength(1);
    expect(put[0].url).toBe(`${GW}/api/v1/vehicles/${VID}/images/order`);
    expect(JSON.parse(String(put[0].init.body))).toEqual({ image_ids: [IMG2, IMG1, IMG3] });
    const order = within(screen.getByTestId("listing-photos"))
      .getAllByRole("listitem")
      .map((li) => li.getAttribute("data-image-id"));
    expect(order).toEqual([IMG2, IMG1, IMG3]);

    fireEvent.click(screen.getByRole("button", { name: "Submit for review" }));
    await screen.findByText("Submitted for review. An administrator will approve it or send it back with a reason.");
    const submit = sent(f).filter((c) => c.url.endsWith("/submit"));
    expect(submit).toEqual([expect.objectContaining({ url: `${GW}/api/v1/vehicles/${VID}/submit`, method: "POST" })]);
    expect(screen.queryByRole("button", { name: "Submit for review" })).toBeNull();
  });

  it("refuses a file that is not JPEG, PNG or WebP without sending it, and saves edits with PATCH", async () => {
    const f = stubFetch((_url, init) => (init.method === "PATCH" ? json(listing({ make: "TVS" })) : json(listing())));
    await renderAs(<EditListingPage params={params()} />, ["dealer"]);
    await screen.findByText("Edit listing");
    const gif = new File([new Uint8Array([0x47, 0x49, 0x46])], "a.gif", { type: "image/gif" });
    fireEvent.change(screen.getByLabelText("Add a photo"), { target: { files: [gif] } });
    expect(await screen.findByText("Only JPEG, PNG or WebP pictures can be added.")).toBeTruthy();
    type("Make", "TVS");
    fireEvent.click(screen.getByRole("button", { name: "Save changes" }));
    await screen.findByText("Your changes are saved.");
    const calls = sent(f).filter((c) => c.method !== "GET");
    expect(calls).toHaveLength(1);
    expect(calls[0].method).toBe("PATCH");
    expect(calls[0].url).toBe(`${GW}/api/v1/vehicles/${VID}`);
    expect(JSON.parse(String(calls[0].init.body))).toEqual({ make: "TVS" });
  });

  it("sends only the changed fields, and shows a status conflict's detail when a public listing's identity changes", async () => {
    const f = stubFetch((_url, init) =>
      init.method === "PATCH"
        ? json({ type: "/problems/status-conflict", title: "Conflict", status: 409, detail: "the vehicle is available; category, make, model, year, condition, fuel and VIN change only before approval", errors: [{ field: "status", message: "is available" }] }, 409)
        : json(listing({ status: "available" })),
    );
    await renderAs(<EditListingPage params={params()} />, ["dealer"]);
    await screen.findByText("Edit listing");
    fireEvent.click(screen.getByRole("button", { name: "Save changes" }));
    expect(await screen.findByText("Nothing has changed since the last save.")).toBeTruthy();
    expect(sent(f).filter((c) => c.method !== "GET")).toEqual([]);
    type("Cash price (UGX)", "5,200,000");
    type("Model", "Boxer X150");
    fireEvent.click(screen.getByRole("button", { name: "Save changes" }));
    expect(await screen.findByText(/change only before approval/)).toBeTruthy();
    const patch = sent(f).filter((c) => c.method === "PATCH");
    expect(JSON.parse(String(patch[0].init.body))).toEqual({ model: "Boxer X150", price: { amount: 5200000, currency: "UGX" } });
  });

  it("says a photo is needed when submit answers 409 naming images", async () => {
    stubFetch((url, init) =>
      init.method === "POST"
        ? json({ type: "/problems/image-required", title: "Conflict", status: 409, detail: "a listing needs an image", errors: [{ field: "images", message: "add one" }] }, 409)
        : json(listing({ images: [] })),
    );
    await renderAs(<EditListingPage params={params()} />, ["dealer"]);
    await screen.findByTestId("listing-no-photos");
    fireEvent.click(screen.getByRole("button", { name: "Submit for review" }));
    expect(await screen.findByText("Add at least one photo before submitting.")).toBeTruthy();
  });
});

describe("dealer listings", () => {
  it("links New listing and Edit for each listing", async () => {
    stubFetch(() => json({ items: [listing()], next_cursor: null }));
    await renderAs(<DealerPage />, ["dealer"]);
    const link = await screen.findByRole("link", { name: "New listing" });
    expect(link.getAttribute("href")).toBe("/dealer/listings/new");
    expect(screen.getByRole("link", { name: "Edit Bajaj Boxer BM150 2025" }).getAttribute("href")).toBe(`/dealer/listings/${VID}`);
  });
});

const item = (over: Partial<VehicleItem> = {}): VehicleItem => ({
  id: VID, status: "pending_review", category: "motorcycle", make: "Bajaj", model: "Boxer BM150", year: 2025, condition: "new", fuel: "petrol",
  engine_cc: 150, mileage_km: 0, price: { amount: 5400000, currency: "UGX" }, location: { city: "Kampala", branch: "Kireka" },
  dealer_id: DEALER, cover_image_url: `/api/v1/vehicles/${VID}/images/${IMG1}`, created_at: "2026-12-07T08:00:00Z", ...over,
});
const OTHER = "22222222-2222-4222-8222-222222222222";
const page = (items: VehicleItem[]) => ({ items, next_cursor: null, sort: "newest", limit: 20, facets: { category: {}, make: {}, city: {}, fuel: {} } });

describe("listing review", () => {
  const queue = () =>
    stubFetch((_url, init) =>
      init.method === "POST" ? json(listing({ status: "available" })) : json(page([item(), item({ id: OTHER, make: "TVS", model: "HLX 125" })])),
    );

  it("lists the listings waiting for review and approving posts to its approve path", async () => {
    const f = queue();
    await renderAs(<StaffListingsPage />, ["admin"]);
    const li = (await screen.findByText("Bajaj Boxer BM150 2025")).closest("li")!;
    expect(f.mock.calls[0][0]).toBe(`${GW}/api/v1/vehicles?status=pending_review&sort=newest&limit=20`);
    expect(within(li).getByText("UGX 5,400,000")).toBeTruthy();
    expect(within(li).getByText("Kampala · Kireka")).toBeTruthy();
    fireEvent.click(within(li).getByRole("button", { name: "Approve" }));
    await screen.findByText("Bajaj Boxer BM150 2025 is approved and now public.");
    expect(sent(f).filter((c) => c.method === "POST").map((c) => [c.url, c.init.body])).toEqual([[`${GW}/api/v1/vehicles/${VID}/approve`, undefined]]);
    expect(screen.queryByRole("heading", { name: "Bajaj Boxer BM150 2025" })).toBeNull();
    expect(screen.getByText("TVS HLX 125 2025")).toBeTruthy();
  });

  it("rejecting without a reason shows the error beside the reason and sends nothing; then sends {reason}", async () => {
    const f = queue();
    await renderAs(<StaffListingsPage />, ["admin"]);
    const li = (await screen.findByText("Bajaj Boxer BM150 2025")).closest("li")!;
    const reason = within(li).getByLabelText("Reason (required to reject, 3–500 characters)");
    fireEvent.click(within(li).getByRole("button", { name: "Reject" }));
    const err = await within(li).findByRole("alert");
    expect(err.textContent).toBe("Write a reason of 3 to 500 characters.");
    expect(reason.getAttribute("aria-describedby")).toBe(err.id);
    expect(posts(f)).toEqual([]);
    fireEvent.change(reason, { target: { value: "Photos do not show the chassis number" } });
    fireEvent.click(within(li).getByRole("button", { name: "Reject" }));
    await screen.findByText("Bajaj Boxer BM150 2025 is back with the dealer as a draft.");
    expect(posts(f)).toEqual([{ url: `${GW}/api/v1/vehicles/${VID}/reject`, body: { reason: "Photos do not show the chassis number" } }]);
  });

  it("is for admins only, and the staff console links it for admins only", async () => {
    stubFetch(() => json(page([])));
    await renderAs(<StaffListingsPage />, ["credit_officer"]);
    expect(screen.getByRole("alert").textContent).toBe("Your account cannot open this page.");
    cleanup();
    await renderAs(<StaffPage />, ["credit_officer"]);
    expect(screen.queryByRole("link", { name: "Listing review" })).toBeNull();
    cleanup();
    await renderAs(<StaffPage />, ["admin"]);
    expect(screen.getByRole("link", { name: "Listing review" }).getAttribute("href")).toBe("/staff/listings");
  });
});

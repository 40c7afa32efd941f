// Test data through the gateway's API (each helper its own client address, so the gateway's
// per-address limits are those of many riders, not one).
import { randomBytes, randomUUID } from "node:crypto";

const ip = () => `10.${1 + (randomBytes(1)[0] % 250)}.${1 + (randomBytes(1)[0] % 250)}.${1 + (randomBytes(1)[0] % 250)}`;

export function client(GATEWAY) {
  const addr = ip();
  return async function call(method, path, body, token, headers = {}) {
    const h = { "X-Forwarded-For": addr, ...headers };
    if (token) h.Authorization = `Bearer ${token}`;
    let payload;
    if (body instanceof Uint8Array) payload = body;
    else if (body !== undefined) {
      h["Content-Type"] = "application/json";
      payload = JSON.stringify(body);
    }
    const r = await fetch(`${GATEWAY}${path}`, { method, headers: h, body: payload });
    const text = await r.text();
    let json = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      json = null;
    }
    return { status: r.status, json, text };
  };
}

export function expectStatus(r, want, what) {
  if (r.status !== want) throw new Error(`${what}: HTTP ${r.status} ${r.text.slice(0, 300)}`);
  return r.json;
}

export const uniquePhone = () => `+25677${String(Math.floor(Math.random() * 9_000_000) + 1_000_000)}`;
export const uniqueNationalId = () => `CM${randomUUID().replace(/-/g, "").slice(0, 12).toUpperCase()}`;

export async function adminToken(call, secrets) {
  return expectStatus(await call("POST", "/api/v1/auth/login", { phone: secrets.ADMIN_PHONE, password: secrets.ADMIN_PASSWORD }), 200, "admin login").access_token;
}

export async function account(call, admin, role) {
  const phone = uniquePhone();
  const password = `Rider-${randomBytes(6).toString("hex")}`;
  const reg = expectStatus(await call("POST", "/api/v1/auth/register", { phone, password, full_name: `Test ${role ?? "Rider"}` }), 201, "register");
  if (role) expectStatus(await call("PUT", `/api/v1/users/${reg.user.id}/roles`, { roles: [role] }, admin), 200, "set role");
  const tokens = expectStatus(await call("POST", "/api/v1/auth/login", { phone, password }), 200, "login");
  return { id: reg.user.id, phone, password, token: tokens.access_token };
}

// A 1×1 PNG.
const PNG = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==", "base64");

// Seeded plan templates: motorcycle, daily over 18 months, in Uganda (UGX) and Kenya (KES, whole shillings).
export const MOTORCYCLE_DAILY = { UGX: "5e3d0001-0000-4000-8000-000000000001", KES: "5e3d0005-0000-4000-8000-000000000005" };

/** A listing the marketplace shows; `currency` KES lists it in Nairobi (prices in minor units: KES cents). */
export async function availableVehicle(call, admin, dealer, { make = "Bajaj", model, currency = "UGX", price = currency === "KES" ? 15_000_000 : 5_200_000 } = {}) {
  const tag = randomUUID().replace(/-/g, "").slice(0, 8).toUpperCase();
  const kenya = currency === "KES";
  const v = expectStatus(
    await call("POST", "/api/v1/vehicles", {
      category: "motorcycle", make, model, year: 2024, condition: "new", fuel: "petrol", engine_cc: 150, mileage_km: 0, colour: "red",
      vin: `MD2A${tag}123456`, registration: `${kenya ? "KMF" : "UMA"}${tag.slice(0, 4)}`, price: { amount: price, currency },
      location: kenya
        ? { city: "Nairobi", branch: "Kasarani", latitude: -1.2921, longitude: 36.8219 }
        : { city: "Kampala", branch: "Kawempe", latitude: 0.3476, longitude: 32.5825 },
      description: "Ready for boda work, with tracker.", tracker_ready: true,
    }, dealer),
    201, "create listing",
  );
  expectStatus(await call("POST", `/api/v1/vehicles/${v.id}/images`, new Uint8Array(PNG), dealer, { "Content-Type": "image/png" }), 201, "upload image");
  expectStatus(await call("POST", `/api/v1/vehicles/${v.id}/submit`, {}, dealer), 200, "submit listing");
  expectStatus(await call("POST", `/api/v1/vehicles/${v.id}/approve`, {}, admin), 200, "approve listing");
  return v.id;
}

/** A customer whose KYC an admin has verified. */
export async function verifiedCustomer(call, admin) {
  const c = await account(call, admin);
  expectStatus(await call("PUT", "/api/v1/users/me/kyc", {
    national_id: uniqueNationalId(), date_of_birth: "1991-03-02", address: "Plot 12, Jinja Road, Kampala",
    next_of_kin: { name: "Sarah Namukasa", phone: "0701234567", relationship: "sister" },
  }, c.token), 200, "KYC");
  expectStatus(await call("POST", `/api/v1/users/${c.id}/kyc/verify`, {}, admin), 200, "verify KYC");
  return c;
}

/**
 * A plan waiting for its deposit, made through the API (the browser journey of the main customer
 * covers the same steps in the UI): a listing in `currency`, a verified customer, an application
 * the scorecard approves, and the plan started with the minimum deposit (at least 15%) rounded to
 * whole hundreds of minor units (whole shillings). Returns { planId, vehicleId, customer, deposit }.
 */
export async function pendingPlan(call, admin, dealer, { currency = "UGX", make = "TVS", model = `HLX ${Math.floor(Math.random() * 900) + 100}` } = {}) {
  const template = MOTORCYCLE_DAILY[currency];
  if (!template) throw new Error(`no seeded template for ${currency}`);
  const price = currency === "KES" ? 15_000_000 : 4_800_000; // KES 150,000.00 / UGX 4,800,000
  const vehicleId = await availableVehicle(call, admin, dealer, { make, model, currency, price });
  const customer = await verifiedCustomer(call, admin);
  // KES 60,000.00 a month against UGX 1,800,000: the same rider's income, in minor units.
  const income = currency === "KES" ? 6_000_000 : 1_800_000;
  const app = expectStatus(await call("POST", "/api/v1/credit/applications", {
    vehicle_id: vehicleId, template_id: template, employment_type: "boda_rider", months_in_work: 48,
    monthly_income: { amount: income, currency }, monthly_obligations: { amount: Math.floor(income / 18), currency },
    mobile_money: { months_of_history: 30, avg_monthly_inflow: Math.floor((income * 17) / 18), avg_monthly_transactions: 90 },
    dependants: 1, months_at_residence: 60,
    guarantor: { name: "Moses Okello", phone: "0772123456", relationship: "brother", national_id: uniqueNationalId() },
    references: [{ name: "Ruth Achieng", phone: "0752123456" }, { name: "Peter Mugisha", phone: "0701987654" }],
  }, customer.token), 201, "apply");
  if (app.decision?.decision !== "approved") throw new Error(`application ${app.status}: ${JSON.stringify(app.decision)}`);
  const minPct = Number(app.decision.terms.min_deposit_percent);
  let deposit = Math.max(Math.floor((price * 15) / 100), Math.ceil((price * minPct) / 100));
  deposit = Math.ceil(deposit / 100) * 100;
  const plan = expectStatus(await call("POST", "/api/v1/plans", {
    credit_decision_id: app.decision.id, vehicle_id: vehicleId, template_id: template, deposit: { amount: deposit, currency },
  }, customer.token), 201, "start plan");
  return { planId: plan.id, vehicleId, customer, deposit };
}

// A tracker IMEI: 14 random digits and the Luhn check digit the service insists on.
export function randomImei() {
  const d = Array.from(randomBytes(14), (b) => b % 10);
  d[0] = 3 + (d[0] % 6); // no leading zero
  let sum = 0;
  for (let i = 0; i < 14; i++) {
    let x = d[13 - i];
    if (i % 2 === 0) x *= 2;
    sum += x > 9 ? x - 9 : x;
  }
  return d.join("") + String((10 - (sum % 10)) % 10);
}

/** Registers an OsmAnd tracker and installs it on the vehicle; returns its IMEI. */
export async function trackerOn(call, admin, vehicleId) {
  const imei = randomImei();
  const tr = expectStatus(await call("POST", "/api/v1/telematics/trackers", { imei, protocol: "osmand", phone: uniquePhone(), model: "Traccar Client" }, admin), 201, "register tracker");
  expectStatus(await call("POST", `/api/v1/telematics/trackers/${tr.id}/install`, { vehicle_id: vehicleId }, admin), 200, "install tracker");
  return imei;
}

/** One position from the tracker, as Traccar Client sends it (speed in knots), to the OsmAnd port (5055 moved with the environment). */
export async function osmandReport(OSMAND, imei, { lat, lon, speedKnots = 0, at = new Date() }) {
  const q = new URLSearchParams({ id: imei, lat: String(lat), lon: String(lon), speed: String(speedKnots), timestamp: String(Math.floor(at.getTime() / 1000)), batt: "87" });
  const r = await fetch(`${OSMAND}/?${q}`);
  if (r.status !== 200) throw new Error(`osmand report: HTTP ${r.status} ${await r.text()}`);
}

/** Waits (up to `ms`) until `probe` returns something truthy. */
export async function eventually(what, probe, ms = 20_000, every = 300) {
  const until = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, every));
  }
}

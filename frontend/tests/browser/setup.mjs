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

export async function availableVehicle(call, admin, dealer, { make = "Bajaj", model, price = 5_200_000 } = {}) {
  const tag = randomUUID().replace(/-/g, "").slice(0, 8).toUpperCase();
  const v = expectStatus(
    await call("POST", "/api/v1/vehicles", {
      category: "motorcycle", make, model, year: 2024, condition: "new", fuel: "petrol", engine_cc: 150, mileage_km: 0, colour: "red",
      vin: `MD2A${tag}123456`, registration: `UMA${tag.slice(0, 4)}`, price: { amount: price, currency: "UGX" },
      location: { city: "Kampala", branch: "Kawempe", latitude: 0.3476, longitude: 32.5825 },
      description: "Ready for boda work, with tracker.", tracker_ready: true,
    }, dealer),
    201, "create listing",
  );
  expectStatus(await call("POST", `/api/v1/vehicles/${v.id}/images`, new Uint8Array(PNG), dealer, { "Content-Type": "image/png" }), 201, "upload image");
  expectStatus(await call("POST", `/api/v1/vehicles/${v.id}/submit`, {}, dealer), 200, "submit listing");
  expectStatus(await call("POST", `/api/v1/vehicles/${v.id}/approve`, {}, admin), 200, "approve listing");
  return v.id;
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

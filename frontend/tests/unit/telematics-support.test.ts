import { describe, expect, it } from "vitest";
import type { HubEvent } from "../../lib/realtime";
import { customerMoves, slaBadge, STAFF_MOVES, type Ticket } from "../../lib/support";
import {
  applyTelematicsEvent, dayRange, fromFleetItem, localMidnight, markerStatus, STATUS_COLOUR, trackLatLngs, withoutPosition, type FleetVehicle,
} from "../../lib/telematics";

const V = "0f8fad5b-d9cb-469f-a165-70867728950e";
const ev = (type: string, data: Record<string, unknown>, time = "2026-12-07T10:00:00Z"): HubEvent => ({ id: "e1", type, time, subject: V, data: { vehicle_id: V, ...data } });
const parked: FleetVehicle = { ...withoutPosition(V, "t1"), online: true, position: { lat: 0.3, lon: 32.5 }, speed_kmh: 0, moving: false, last_seen_at: "2026-12-07T09:00:00Z" };

describe("marker status", () => {
  it("puts the immobiliser first, then offline, moving, online", () => {
    expect(markerStatus({ online: true, moving: true, lock_state: "locked" })).toBe("locked");
    expect(markerStatus({ online: false, lock_state: "pending" })).toBe("lock_pending");
    expect(markerStatus({ online: true, lock_state: "locking" })).toBe("lock_pending");
    expect(markerStatus({ online: true, lock_state: "unlocking", engine_cut: true })).toBe("lock_pending");
    expect(markerStatus({ online: false, moving: true, lock_state: "unlocked" })).toBe("offline");
    expect(markerStatus({ online: true, moving: true, lock_state: "unlocked" })).toBe("moving");
    expect(markerStatus({ online: true, lock_state: "unlocked" })).toBe("online");
  });
  it("counts 5 km/h as moving when the service did not say, and an engine the device reports cut as locked", () => {
    expect(markerStatus({ online: true, speed_kmh: 4.9 })).toBe("online");
    expect(markerStatus({ online: true, speed_kmh: 5 })).toBe("moving");
    expect(markerStatus({ online: true, engine_cut: true, lock_state: "unlocked" })).toBe("locked");
  });
  it("shows a failed lock as the vehicle's motion (the lock is not in force)", () => {
    expect(markerStatus({ online: true, moving: true, lock_state: "failed" })).toBe("moving");
  });
  it("has a distinct colour for each status", () => {
    expect(new Set(Object.values(STATUS_COLOUR)).size).toBe(5);
  });
});

describe("the fleet overview", () => {
  it("turns a page item into a map vehicle whose marker follows its lock and motion", () => {
    const v = fromFleetItem({
      vehicle_id: V, tracker_id: "t1", protocol: "gt06", online: true, moving: true, last_seen_at: "2026-12-07T09:59:00Z",
      device_time: "2026-12-07T09:58:59Z", position: { lat: 0.31, lon: 32.58 }, speed_kmh: 42, course: 90, ignition: true,
      battery_percent: null, lock_state: "pending", plan_id: null, plan_status: "active",
    });
    expect(v.position).toEqual({ lat: 0.31, lon: 32.58 });
    expect(v.speed_kmh).toBe(42);
    expect(markerStatus(v)).toBe("lock_pending");
    expect(markerStatus({ ...v, lock_state: "unlocked" })).toBe("moving");
  });
});

describe("live telematics events", () => {
  it("moves the vehicle on a position update", () => {
    const next = applyTelematicsEvent(parked, ev("telematics.position.updated", { lat: 0.31, lon: 32.6, speed_kmh: 30, ignition: true, device_time: "2026-12-07T09:59:58Z" }));
    expect(next).toMatchObject({ online: true, position: { lat: 0.31, lon: 32.6 }, moving: true, ignition: true, device_time: "2026-12-07T09:59:58Z", last_seen_at: "2026-12-07T10:00:00Z" });
    expect(markerStatus(next!)).toBe("moving");
  });
  it("follows the lock through pending, sent, acknowledged and released", () => {
    let v = applyTelematicsEvent(parked, ev("telematics.lock.pending", { reason: "arrears" }))!;
    expect(v.lock_state).toBe("pending");
    v = applyTelematicsEvent(v, ev("telematics.lock.sent", { kind: "lock" }))!;
    expect(v.lock_state).toBe("locking");
    v = applyTelematicsEvent(v, ev("telematics.lock.acknowledged", {}))!;
    expect([v.lock_state, v.engine_cut, markerStatus(v)]).toEqual(["locked", true, "locked"]);
    v = applyTelematicsEvent(v, ev("telematics.lock.sent", { kind: "unlock" }))!;
    expect(v.lock_state).toBe("unlocking");
    v = applyTelematicsEvent(v, ev("telematics.lock.released", {}))!;
    expect([v.lock_state, v.engine_cut, markerStatus(v)]).toEqual(["unlocked", false, "online"]);
  });
  it("marks a vehicle offline and online", () => {
    expect(applyTelematicsEvent(parked, ev("telematics.device.offline", {}))!.online).toBe(false);
    expect(applyTelematicsEvent({ ...parked, online: false }, ev("telematics.device.online", {}))!.online).toBe(true);
  });
  it("adds a vehicle it did not know, ignores other vehicles and other events", () => {
    expect(applyTelematicsEvent(undefined, ev("telematics.position.updated", { tracker_id: "t9", lat: 1, lon: 2, speed_kmh: 0 }))).toMatchObject({ vehicle_id: V, tracker_id: "t9", position: { lat: 1, lon: 2 } });
    expect(applyTelematicsEvent({ ...parked, vehicle_id: "other" }, ev("telematics.device.offline", {}))).toBeNull();
    expect(applyTelematicsEvent(parked, ev("payment.plan.activated", {}))).toBeNull();
    expect(applyTelematicsEvent(parked, ev("telematics.position.updated", { lat: "x" }))).toBeNull();
  });
  it("turns the GeoJSON [lon, lat] track into [lat, lon] points", () => {
    expect(trackLatLngs({ type: "Feature", geometry: { type: "LineString", coordinates: [[32.5, 0.3], [32.6, 0.31]] }, properties: { vehicle_id: V, from: "", to: "", points: 2, truncated: false, times: [] } })).toEqual([[0.3, 32.5], [0.31, 32.6]]);
    expect(trackLatLngs(null)).toEqual([]);
  });
});

describe("a day's track bounds", () => {
  it("runs from local midnight to the next in Kampala (UTC+3)", () => {
    expect(dayRange("2026-12-07", "Africa/Kampala")).toEqual({ from: "2026-12-06T21:00:00Z", to: "2026-12-07T21:00:00Z" });
  });
  it("follows daylight saving time where there is one", () => {
    // Europe/London moves to UTC+1 on 29 March 2026: that day is 23 hours long.
    const { from, to } = dayRange("2026-03-29", "Europe/London");
    expect(from).toBe("2026-03-29T00:00:00Z");
    expect(to).toBe("2026-03-29T23:00:00Z");
    expect(new Date(localMidnight("2026-07-01", "Europe/London")).toISOString()).toBe("2026-06-30T23:00:00.000Z");
  });
});

const ticket = (over: Partial<Ticket> = {}): Ticket => ({
  id: "t", customer_id: "c", category: "breakdown", priority: "normal", status: "open", subject: "Engine", description: "d",
  plan_id: null, vehicle_id: null, created_at: "2026-12-07T08:00:00Z", updated_at: "2026-12-07T08:00:00Z",
  first_response_due: "2026-12-07T16:00:00Z", resolution_due: "2026-12-10T08:00:00Z",
  first_response_at: null, resolved_at: null, closed_at: null, sla_breached: false, rating: null,
  first_response_breached: false, resolution_breached: false, ...over,
});
const at = (iso: string) => Date.parse(iso);

describe("SLA badge", () => {
  it("is on time early, due soon in the last quarter of the first-response window, breached after it", () => {
    expect(slaBadge(ticket(), at("2026-12-07T09:00:00Z"))).toEqual({ state: "on_track", target: "first_response", due: "2026-12-07T16:00:00Z" });
    expect(slaBadge(ticket(), at("2026-12-07T14:30:00Z")).state).toBe("due_soon");
    expect(slaBadge(ticket(), at("2026-12-07T16:00:01Z"))).toEqual({ state: "breached", target: "first_response", due: "2026-12-07T16:00:00Z" });
  });
  it("moves on to the resolution target once answered", () => {
    const answered = ticket({ first_response_at: "2026-12-07T09:00:00Z", status: "in_progress" });
    expect(slaBadge(answered, at("2026-12-07T20:00:00Z"))).toEqual({ state: "on_track", target: "resolution", due: "2026-12-10T08:00:00Z" });
    expect(slaBadge(answered, at("2026-12-10T09:00:00Z"))).toEqual({ state: "breached", target: "resolution", due: "2026-12-10T08:00:00Z" });
  });
  it("believes the server's breach flags", () => {
    expect(slaBadge(ticket({ first_response_breached: true, sla_breached: true, first_response_at: "2026-12-07T17:00:00Z" }), at("2026-12-07T18:00:00Z"))).toEqual({ state: "breached", target: "first_response", due: "2026-12-07T16:00:00Z" });
    expect(slaBadge(ticket({ sla_breached: true }), at("2026-12-07T09:00:00Z")).state).toBe("breached");
  });
  it("says met or breached for a resolved ticket, without a due time", () => {
    expect(slaBadge(ticket({ status: "resolved", resolved_at: "2026-12-08T08:00:00Z" }), at("2026-12-20T00:00:00Z"))).toEqual({ state: "met", target: "resolution", due: null });
    expect(slaBadge(ticket({ status: "closed", resolution_breached: true }), at("2026-12-20T00:00:00Z")).state).toBe("breached");
  });
});

describe("ticket moves", () => {
  it("lets a customer close a resolved ticket, and reopen it within 7 days", () => {
    expect(customerMoves(ticket({ status: "open" }))).toEqual([]);
    expect(customerMoves(ticket({ status: "resolved", resolved_at: "2026-12-07T08:00:00Z" }), at("2026-12-10T08:00:00Z"))).toEqual(["closed", "open"]);
    expect(customerMoves(ticket({ status: "resolved", resolved_at: "2026-12-07T08:00:00Z" }), at("2026-12-15T08:00:00Z"))).toEqual(["closed"]);
  });
  it("offers staff only the status machine's moves", () => {
    expect(STAFF_MOVES.open).toEqual(["in_progress", "waiting_customer", "resolved"]);
    expect(STAFF_MOVES.closed).toEqual([]);
  });
});

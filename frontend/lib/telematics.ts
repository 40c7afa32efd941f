// The telematics service's shapes (docs/api/telematics-service.yaml) and the pure rules the
// maps use: a vehicle's marker status and colour, live updates from hub events, a day's bounds.
import type { HubEvent } from "./realtime";

export type LockState = "unlocked" | "pending" | "locking" | "locked" | "unlocking" | "failed";
export const LOCK_STATES: LockState[] = ["unlocked", "pending", "locking", "locked", "unlocking", "failed"];

/** GET /api/v1/telematics/vehicles/{id}/position */
export interface LatestPosition {
  vehicle_id: string;
  tracker_id: string;
  online: boolean;
  last_seen_at: string;
  device_time: string | null;
  position: { lat: number; lon: number } | null;
  speed_kmh?: number;
  course?: number;
  moving?: boolean;
  ignition: boolean | null;
  battery_percent: number | null;
  engine_cut: boolean | null;
  lock_state: LockState;
}

/** GET /api/v1/telematics/vehicles/{id}/lock (history and commands for staff only). */
export interface LockInfo {
  vehicle_id: string;
  state: LockState;
  plan_id: string | null;
  pending_since: string | null;
  waiting_for: string | null;
  history?: { step: string; reason: string; actor: string; command_id: string | null; at: string }[];
  commands?: { id: string; kind: string; status: string; attempts: number; created_at: string; sent_at: string | null; answered_at: string | null }[];
}

export interface Tracker {
  id: string;
  imei: string;
  protocol: string;
  phone: string;
  model: string;
  firmware: string | null;
  vehicle_id: string | null;
  created_at: string;
}

/** GET /api/v1/telematics/vehicles/{id}/track: a GeoJSON Feature with a LineString of [lon, lat]. */
export interface Track {
  type: "Feature";
  geometry: { type: "LineString"; coordinates: [number, number][] };
  properties: { vehicle_id: string; from: string; to: string; points: number; truncated: boolean; times: string[] };
}

/** [lat, lon] pairs, as the map draws them. */
export function trackLatLngs(t: Track | null | undefined): [number, number][] {
  return (t?.geometry?.coordinates ?? []).map(([lon, lat]) => [lat, lon]);
}

export type MarkerStatus = "locked" | "lock_pending" | "moving" | "online" | "offline";
export const MARKER_STATUSES: MarkerStatus[] = ["online", "moving", "offline", "lock_pending", "locked"];

/** Colours of the markers (each with at least 3:1 contrast on the map's light background). */
export const STATUS_COLOUR: Record<MarkerStatus, string> = {
  online: "#0b7a3e",
  moving: "#1d5fbf",
  offline: "#5f6b66",
  lock_pending: "#b35900",
  locked: "#a11d1d",
};

/**
 * What a vehicle's marker shows. The immobiliser comes first: a locked engine (or one the
 * device reports cut) is "locked"; a lock on its way (pending, locking) or an unlock not yet
 * confirmed (unlocking) is "lock_pending". Then offline, then moving (5 km/h or more, as the
 * service counts it), else online. A failed lock is not in force: the vehicle shows as it moves.
 */
export function markerStatus(v: { online: boolean; moving?: boolean; speed_kmh?: number; lock_state?: LockState | null; engine_cut?: boolean | null }): MarkerStatus {
  if (v.lock_state === "locked" || (v.engine_cut === true && v.lock_state !== "unlocking")) return "locked";
  if (v.lock_state === "pending" || v.lock_state === "locking" || v.lock_state === "unlocking") return "lock_pending";
  if (!v.online) return "offline";
  if (v.moving ?? ((v.speed_kmh ?? 0) >= 5)) return "moving";
  return "online";
}

/** One vehicle on the fleet map. */
export interface FleetVehicle {
  vehicle_id: string;
  tracker_id: string;
  online: boolean;
  last_seen_at: string | null;
  device_time: string | null;
  position: { lat: number; lon: number } | null;
  speed_kmh?: number;
  moving?: boolean;
  ignition: boolean | null;
  battery_percent: number | null;
  engine_cut: boolean | null;
  lock_state: LockState;
}

export function fromPosition(p: LatestPosition): FleetVehicle {
  return {
    vehicle_id: p.vehicle_id, tracker_id: p.tracker_id, online: p.online, last_seen_at: p.last_seen_at, device_time: p.device_time,
    position: p.position, speed_kmh: p.speed_kmh, moving: p.moving, ignition: p.ignition, battery_percent: p.battery_percent,
    engine_cut: p.engine_cut, lock_state: p.lock_state ?? "unlocked",
  };
}

/** One vehicle of GET /api/v1/telematics/fleet (staff). */
export interface FleetItem {
  vehicle_id: string;
  tracker_id: string;
  protocol: string;
  online: boolean;
  moving: boolean;
  last_seen_at: string | null;
  device_time: string | null;
  position: { lat: number; lon: number } | null;
  speed_kmh?: number;
  course?: number;
  ignition: boolean | null;
  battery_percent: number | null;
  lock_state: LockState;
  plan_id: string | null;
  plan_status: string | null;
}

/** GET /api/v1/telematics/fleet: counts over every installed tracker and a keyset page. */
export interface FleetPage {
  counts: { installed: number; online: number; offline: number; moving: number; locked: number; lock_pending: number; lock_failed: number };
  items: FleetItem[];
  next_cursor: string | null;
}

export function fromFleetItem(v: FleetItem): FleetVehicle {
  return {
    vehicle_id: v.vehicle_id, tracker_id: v.tracker_id, online: v.online, last_seen_at: v.last_seen_at, device_time: v.device_time,
    position: v.position, speed_kmh: v.speed_kmh, moving: v.moving, ignition: v.ignition, battery_percent: v.battery_percent,
    engine_cut: null, lock_state: v.lock_state ?? "unlocked",
  };
}

/** A tracked vehicle that has not reported a position yet. */
export function withoutPosition(vehicle_id: string, tracker_id: string): FleetVehicle {
  return { vehicle_id, tracker_id, online: false, last_seen_at: null, device_time: null, position: null, ignition: null, battery_percent: null, engine_cut: null, lock_state: "unlocked" };
}

const LOCK_EVENT_STATE: Record<string, LockState> = {
  "telematics.lock.pending": "pending",
  "telematics.lock.acknowledged": "locked",
  "telematics.lock.released": "unlocked",
  "telematics.lock.cancelled": "unlocked",
  "telematics.lock.failed": "failed",
};

/**
 * A vehicle after one hub event (the `fleet` channel, or `me` for the customer's own vehicle);
 * null when the event is not about it or changes nothing shown. Events: telematics.position.updated
 * {vehicle_id, tracker_id, lat, lon, speed_kmh, course, ignition, device_time},
 * telematics.device.online / .offline, telematics.lock.pending / .sent {kind} / .acknowledged /
 * .released / .cancelled / .failed.
 */
export function applyTelematicsEvent(v: FleetVehicle | undefined, e: HubEvent): FleetVehicle | null {
  if (!e.type.startsWith("telematics.")) return null;
  const d = e.data as Record<string, unknown>;
  const vehicleId = typeof d.vehicle_id === "string" ? d.vehicle_id : e.subject;
  if (!vehicleId || (v && v.vehicle_id !== vehicleId)) return null;
  const base: FleetVehicle = v ?? withoutPosition(vehicleId, typeof d.tracker_id === "string" ? d.tracker_id : "");
  switch (e.type) {
    case "telematics.position.updated": {
      const lat = Number(d.lat);
      const lon = Number(d.lon);
      if (!Number.isFinite(lat) || !Number.isFinite(lon)) return null;
      const speed = Number(d.speed_kmh ?? 0);
      return {
        ...base, online: true, position: { lat, lon }, speed_kmh: speed, moving: speed >= 5,
        ignition: typeof d.ignition === "boolean" ? d.ignition : base.ignition,
        device_time: typeof d.device_time === "string" ? d.device_time : base.device_time,
        last_seen_at: e.time || base.last_seen_at,
      };
    }
    case "telematics.device.online":
      return { ...base, online: true, last_seen_at: e.time || base.last_seen_at };
    case "telematics.device.offline":
      return { ...base, online: false };
    case "telematics.lock.sent":
      return { ...base, lock_state: d.kind === "unlock" ? "unlocking" : "locking" };
    default: {
      const s = LOCK_EVENT_STATE[e.type];
      if (!s) return null;
      // An acknowledged unlock arrives as "released".
      return { ...base, lock_state: s, engine_cut: s === "locked" ? true : s === "unlocked" ? false : base.engine_cut };
    }
  }
}

function tzOffsetMs(instant: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit",
  }).formatToParts(new Date(instant));
  const get = (t: string) => Number(parts.find((p) => p.type === t)?.value ?? 0);
  return Date.UTC(get("year"), get("month") - 1, get("day"), get("hour"), get("minute"), get("second")) - instant;
}

/** Midnight of a calendar date (YYYY-MM-DD) in a time zone, as a UTC instant (ms). */
export function localMidnight(date: string, timeZone: string): number {
  const guess = Date.parse(`${date}T00:00:00Z`);
  const first = guess - tzOffsetMs(guess, timeZone);
  return guess - tzOffsetMs(first, timeZone);
}

/** The track query of one local day: from its midnight to the next (RFC 3339, UTC). */
export function dayRange(date: string, timeZone: string): { from: string; to: string } {
  const from = localMidnight(date, timeZone);
  const next = new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
  const to = localMidnight(next, timeZone);
  return { from: new Date(from).toISOString().replace(".000Z", "Z"), to: new Date(to).toISOString().replace(".000Z", "Z") };
}

/** Message keys for the service's `waiting_for` reasons (lock_policy.cpp); others are shown as sent. */
export const WAIT_REASON_KEYS: Record<string, string> = {
  "grace period": "lock.wait.grace",
  "no position yet": "lock.wait.noPosition",
  "no recent position": "lock.wait.noRecent",
  moving: "lock.wait.moving",
  "not stopped long enough": "lock.wait.notStopped",
  "ignition on": "lock.wait.ignition",
  "inside an exclusion zone": "lock.wait.zone",
  "no tracker installed": "lock.wait.noTracker",
};

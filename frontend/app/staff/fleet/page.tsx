"use client";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { MapLegend, MapView } from "../../../components/MapView";
import { useApp } from "../../../components/Providers";
import { ErrorBox, Loading, RequireSession } from "../../../components/ui";
import { api, ApiError, hasRole } from "../../../lib/api";
import { formatDateTime, localToday, OPERATOR_TZ } from "../../../lib/dates";
import { realtime } from "../../../lib/realtime";
import {
  applyTelematicsEvent, dayRange, fromFleetItem, MARKER_STATUSES, markerStatus, STATUS_COLOUR, trackLatLngs, WAIT_REASON_KEYS,
  type FleetPage, type FleetVehicle, type LockInfo, type Track,
} from "../../../lib/telematics";
import type { Vehicle } from "../../../lib/types";

const FLEET_ROLES = ["admin", "credit_officer", "support_agent"];
const LOCK_ROLES = ["admin", "credit_officer"];
const MAX_TRACKERS = 1000;

/** Runs `fn` over `items`, at most `n` at a time. */
async function eachLimited<T>(items: T[], n: number, fn: (x: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, worker));
}

/** GET /api/v1/telematics/fleet, page by page: every installed tracker's vehicle in one read each. */
async function loadFleet(): Promise<Record<string, FleetVehicle>> {
  const out: Record<string, FleetVehicle> = {};
  let after: string | null = "";
  let count = 0;
  while (after !== null && count < MAX_TRACKERS) {
    const page: FleetPage = await api(`/api/v1/telematics/fleet?limit=200${after ? `&after=${encodeURIComponent(after)}` : ""}`);
    for (const v of page.items) out[v.vehicle_id] = fromFleetItem(v);
    count += page.items.length;
    after = page.next_cursor;
  }
  return out;
}

function LockForm({ vehicleId, state, onDone }: { vehicleId: string; state: string; onDone: (l: LockInfo) => void }) {
  const { t } = useApp();
  const [reason, setReason] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState<string | null>(null);
  const send = async (action: "lock" | "unlock") => {
    setBusy(true);
    setError(null);
    setDone(null);
    try {
      const l = await api<LockInfo>(`/api/v1/telematics/vehicles/${vehicleId}/${action}`, { body: { reason } });
      setReason("");
      setDone(t(action === "lock" ? "fleet.lockRequested" : "fleet.unlockRequested"));
      onDone(l);
    } catch (e) {
      setError(e instanceof ApiError ? (e.fieldErrors().reason ?? e.message) : t("common.error"));
    } finally {
      setBusy(false);
    }
  };
  const id = `reason-${vehicleId}`;
  return (
    <form onSubmit={(e) => e.preventDefault()} noValidate>
      <div className="field">
        <label htmlFor={id}>{t("fleet.reason")}</label>
        <textarea id={id} value={reason} onChange={(e) => setReason(e.target.value)} rows={2} aria-invalid={error ? true : undefined} aria-describedby={error ? `${id}-error` : undefined} />
        {error && (
          <small id={`${id}-error`} className="error" role="alert">
            {error}
          </small>
        )}
      </div>
      <div className="row">
        <button type="button" onClick={() => send("lock")} disabled={busy || state === "locked" || state === "pending" || state === "locking"}>
          {t("fleet.lock")}
        </button>
        <button type="button" className="secondary" onClick={() => send("unlock")} disabled={busy || state === "unlocked"}>
          {t("fleet.unlock")}
        </button>
      </div>
      {done && (
        <p className="ok-box" role="status">
          {done}
        </p>
      )}
    </form>
  );
}

function Detail({ v, label, onTrack, onLock }: { v: FleetVehicle; label: string; onTrack: (t: Track | null) => void; onLock: (l: LockInfo) => void }) {
  const { t, lang, session } = useApp();
  const [day, setDay] = useState(localToday());
  const [track, setTrack] = useState<Track | null>(null);
  const [trackError, setTrackError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [lock, setLock] = useState<LockInfo | null>(null);
  const id = v.vehicle_id;

  // The lock's state changes without an event while the command is queued (pending → locking):
  // what is read here goes back to the list.
  const loadLock = useCallback(async () => {
    try {
      const l = await api<LockInfo>(`/api/v1/telematics/vehicles/${id}/lock`);
      setLock(l);
      onLock(l);
    } catch {
      setLock(null);
    }
  }, [id, onLock]);
  useEffect(() => {
    setTrack(null);
    setTrackError(null);
    onTrack(null);
  }, [id, onTrack]);
  // The lock's live state comes from the fleet events; the details (reason, audit) are read again.
  useEffect(() => {
    void loadLock();
  }, [v.lock_state, loadLock]);

  const showTrack = async (e: React.FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setTrackError(null);
    try {
      const { from, to } = dayRange(day, OPERATOR_TZ);
      const tr = await api<Track>(`/api/v1/telematics/vehicles/${id}/track?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`);
      setTrack(tr);
      onTrack(tr);
    } catch (err) {
      setTrackError(err instanceof ApiError ? (err.fieldErrors().from ?? err.fieldErrors().to ?? err.message) : t("common.error"));
    } finally {
      setBusy(false);
    }
  };
  const status = markerStatus(v);
  const why = lock?.waiting_for ? (WAIT_REASON_KEYS[lock.waiting_for] ? t(WAIT_REASON_KEYS[lock.waiting_for] as never) : lock.waiting_for) : null;
  return (
    <section className="card" aria-labelledby="detail-title" data-testid="fleet-detail" data-vehicle-id={id} data-lock-state={lock?.state ?? v.lock_state}>
      <h2 id="detail-title" tabIndex={-1}>
        {label}
      </h2>
      <dl className="specs">
        <dt>{t("common.status")}</dt>
        <dd>
          <span className="dot" style={{ background: STATUS_COLOUR[status] }} aria-hidden="true" /> {t(`fleet.status.${status}` as never)}
        </dd>
        <dt>{t("fleet.lockState")}</dt>
        <dd data-testid="detail-lock">
          {t(`lock.${lock?.state ?? v.lock_state}` as never)}
          {why ? ` · ${why}` : ""}
        </dd>
        <dt>{t("myv.lastSeen")}</dt>
        <dd>{formatDateTime(v.device_time ?? v.last_seen_at, lang)}</dd>
        {v.position && (
          <>
            <dt>{t("myv.coordinates")}</dt>
            <dd>
              {v.position.lat.toFixed(5)}, {v.position.lon.toFixed(5)}
            </dd>
            <dt>{t("myv.speed")}</dt>
            <dd>{t("myv.kmh", { speed: Math.round(v.speed_kmh ?? 0) })}</dd>
          </>
        )}
      </dl>
      <h3>{t("fleet.trackOfDay")}</h3>
      <form className="row" onSubmit={showTrack} noValidate>
        <div className="field" style={{ flex: 1, minWidth: 160 }}>
          <label htmlFor="track-day">{t("common.date")}</label>
          <input id="track-day" type="date" value={day} max={localToday()} onChange={(e) => setDay(e.target.value)} aria-invalid={trackError ? true : undefined} aria-describedby={trackError ? "track-day-error" : undefined} />
          {trackError && (
            <small id="track-day-error" className="error" role="alert">
              {trackError}
            </small>
          )}
        </div>
        <button type="submit" disabled={busy || !day}>
          {t("fleet.showTrack")}
        </button>
      </form>
      {track && (
        <p className="muted" role="status" data-testid="track-points">
          {track.properties.points === 0 ? t("fleet.noTrack") : t("fleet.trackPoints", { n: track.properties.points })}
          {track.properties.truncated ? ` ${t("fleet.truncated")}` : ""}
        </p>
      )}
      <h3>{t("fleet.immobiliser")}</h3>
      {hasRole(session, ...LOCK_ROLES) ? (
        <LockForm
          vehicleId={id}
          state={lock?.state ?? v.lock_state}
          onDone={(l) => {
            setLock(l);
            onLock(l);
          }}
        />
      ) : (
        <p className="muted">{t("fleet.lockRoles")}</p>
      )}
      {lock?.history && lock.history.length > 0 && (
        <details>
          <summary>{t("fleet.history")}</summary>
          <ul>
            {lock.history.slice(-8).reverse().map((h, i) => (
              <li key={`${h.at}-${i}`}>
                {formatDateTime(h.at, lang)} · {h.step} · {h.reason}
              </li>
            ))}
          </ul>
        </details>
      )}
    </section>
  );
}

function Fleet() {
  const { t, lang } = useApp();
  const [vehicles, setVehicles] = useState<Record<string, FleetVehicle> | null>(null);
  const [labels, setLabels] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const [track, setTrack] = useState<Track | null>(null);
  const [connected, setConnected] = useState(false);
  const asked = useRef(new Set<string>());

  const load = useCallback(async () => {
    try {
      setVehicles(await loadFleet());
      setError(null);
    } catch (e) {
      setError(e instanceof Error ? e.message : t("common.error"));
    }
  }, [t]);
  useEffect(() => {
    void load();
  }, [load]);

  // Live: every telematics event of the fleet; after a reconnect, read everything again.
  useEffect(() => {
    const hub = realtime();
    const off = hub.on("fleet", (e) =>
      setVehicles((prev) => {
        if (!prev) return prev;
        const id = (e.data as { vehicle_id?: string }).vehicle_id ?? e.subject;
        const next = applyTelematicsEvent(prev[id], e);
        return next ? { ...prev, [id]: next } : prev;
      }),
    );
    setConnected(hub.connected);
    let wasConnected = hub.connected;
    const offState = hub.onState((c) => {
      setConnected(c);
      if (c && !wasConnected) void load();
      wasConnected = c;
    });
    return () => {
      off();
      offState();
    };
  }, [load]);

  // Names of the vehicles (make, model, number plate), asked once each.
  useEffect(() => {
    if (!vehicles) return;
    const missing = Object.keys(vehicles).filter((id) => !asked.current.has(id));
    if (missing.length === 0) return;
    missing.forEach((id) => asked.current.add(id));
    void eachLimited(missing, 4, async (id) => {
      try {
        const v = await api<Vehicle & { registration?: string | null }>(`/api/v1/vehicles/${id}`);
        setLabels((l) => ({ ...l, [id]: `${v.make} ${v.model}${v.registration ? ` · ${v.registration}` : ""}` }));
      } catch {
        /* the short id stays */
      }
    });
  }, [vehicles]);

  const labelOf = useCallback((id: string) => labels[id] ?? `${t("fleet.vehicle")} ${id.slice(0, 8)}`, [labels, t]);
  const list = useMemo(() => Object.values(vehicles ?? {}).sort((a, b) => labelOf(a.vehicle_id).localeCompare(labelOf(b.vehicle_id))), [vehicles, labelOf]);
  const markers = useMemo(
    () =>
      list
        .filter((v) => v.position)
        .map((v) => {
          const s = markerStatus(v);
          return { id: v.vehicle_id, lat: v.position!.lat, lon: v.position!.lon, colour: STATUS_COLOUR[s], label: `${labelOf(v.vehicle_id)} · ${t(`fleet.status.${s}` as never)}`, selected: v.vehicle_id === selected };
        }),
    [list, selected, labelOf, t],
  );
  const trackPoints = useMemo(() => trackLatLngs(track), [track]);
  const counts = useMemo(() => {
    const c = Object.fromEntries(MARKER_STATUSES.map((s) => [s, 0])) as Record<string, number>;
    for (const v of list) c[markerStatus(v)]++;
    return c;
  }, [list]);
  const onTrack = useCallback((tr: Track | null) => setTrack(tr), []);
  const onLock = useCallback(
    (l: LockInfo) =>
      setVehicles((prev) => (prev?.[l.vehicle_id] && prev[l.vehicle_id].lock_state !== l.state ? { ...prev, [l.vehicle_id]: { ...prev[l.vehicle_id], lock_state: l.state } } : prev)),
    [],
  );
  const select = useCallback((id: string) => {
    setSelected(id);
    requestAnimationFrame(() => document.getElementById("detail-title")?.focus());
  }, []);

  if (error && !vehicles) return <ErrorBox message={error} onRetry={load} />;
  if (!vehicles) return <Loading />;
  const sel = selected ? vehicles[selected] : undefined;
  return (
    <>
      <h1>{t("fleet.title")}</h1>
      <p className="muted" role="status" data-testid="fleet-live" data-connected={connected ? "true" : "false"}>
        {connected ? t("common.live") : t("common.offline")} · {t("fleet.count", { n: list.length })}
      </p>
      <MapLegend items={MARKER_STATUSES.map((s) => ({ colour: STATUS_COLOUR[s], label: `${t(`fleet.status.${s}` as never)} (${counts[s]})` }))} />
      <MapView label={t("fleet.mapLabel")} markers={markers} track={trackPoints} fitKey={track ? `track-${selected}-${track.properties.from}` : `fleet-${list.length > 0}`} onSelect={select} testId="fleet-map" />
      {sel && <Detail v={sel} label={labelOf(sel.vehicle_id)} onTrack={onTrack} onLock={onLock} />}
      <section className="card">
        <h2>{t("fleet.vehicles")}</h2>
        {list.length === 0 ? (
          <p className="muted">{t("fleet.empty")}</p>
        ) : (
          <div className="table-wrap">
            <table data-testid="fleet-table">
              <thead>
                <tr>
                  <th scope="col">{t("fleet.vehicle")}</th>
                  <th scope="col">{t("common.status")}</th>
                  <th scope="col">{t("fleet.lockState")}</th>
                  <th scope="col">{t("myv.lastSeen")}</th>
                </tr>
              </thead>
              <tbody>
                {list.map((v) => {
                  const s = markerStatus(v);
                  return (
                    <tr key={v.vehicle_id} data-vehicle-id={v.vehicle_id} data-status={s}>
                      <td>
                        <button type="button" className="linklike dark" onClick={() => select(v.vehicle_id)} aria-pressed={v.vehicle_id === selected}>
                          {labelOf(v.vehicle_id)}
                        </button>
                      </td>
                      <td>
                        <span className="dot" style={{ background: STATUS_COLOUR[s] }} aria-hidden="true" /> {t(`fleet.status.${s}` as never)}
                      </td>
                      <td>{t(`lock.${v.lock_state}` as never)}</td>
                      <td>{v.last_seen_at ? formatDateTime(v.device_time ?? v.last_seen_at, lang) : t("fleet.neverSeen")}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </>
  );
}

export default function FleetPage() {
  return (
    <RequireSession roles={FLEET_ROLES}>
      <Fleet />
    </RequireSession>
  );
}

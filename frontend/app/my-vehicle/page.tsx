"use client";
import Link from "next/link";
import { useCallback, useEffect, useMemo, useState } from "react";
import { MapLegend, MapView } from "../../components/MapView";
import { useApp } from "../../components/Providers";
import { ErrorBox, Loading, RequireSession } from "../../components/ui";
import { api, ApiError } from "../../lib/api";
import { formatDateTime } from "../../lib/dates";
import type { PlanSummary } from "../../lib/plans";
import { realtime } from "../../lib/realtime";
import {
  applyTelematicsEvent, fromPosition, markerStatus, STATUS_COLOUR, trackLatLngs,
  WAIT_REASON_KEYS, type FleetVehicle, type LatestPosition, type LockInfo, type Track,
} from "../../lib/telematics";
import { useLoad } from "../../lib/useLoad";

// Plans whose vehicle the rider has (the telematics service shows a customer only these).
const RIDING = ["active", "defaulted"];
const LOW_BATTERY = 20;

async function orNull<T>(p: Promise<T>): Promise<T | null> {
  try {
    return await p;
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) return null;
    throw e;
  }
}

function Vehicle({ plan }: { plan: PlanSummary }) {
  const { t, lang } = useApp();
  const id = plan.vehicle_id;
  const base = `/api/v1/telematics/vehicles/${encodeURIComponent(id)}`;
  const data = useLoad(
    async () => {
      const [position, lock, track] = await Promise.all([
        orNull(api<LatestPosition>(`${base}/position`)),
        orNull(api<LockInfo>(`${base}/lock`)),
        orNull(api<Track>(`${base}/track`)),
      ]);
      return { position, lock, track };
    },
    [base],
  );
  const [live, setLive] = useState<FleetVehicle | null>(null);
  const [track, setTrack] = useState<[number, number][]>([]);
  useEffect(() => {
    if (data.data) {
      setLive(data.data.position ? fromPosition(data.data.position) : null);
      setTrack(trackLatLngs(data.data.track));
    }
  }, [data.data]);

  // This vehicle's telematics events come on the rider's own `me` channel.
  const reload = data.reload;
  useEffect(
    () =>
      realtime().on("me", (e) => {
        if (!e.type.startsWith("telematics.") || (e.data as { vehicle_id?: string }).vehicle_id !== id) return;
        if (e.type.startsWith("telematics.lock.")) {
          void reload();
          return;
        }
        setLive((v) => applyTelematicsEvent(v ?? undefined, e) ?? v);
        const d = e.data as { lat?: number; lon?: number };
        if (e.type === "telematics.position.updated" && typeof d.lat === "number" && typeof d.lon === "number") setTrack((tr) => [...tr, [d.lat!, d.lon!]]);
      }),
    [id, reload],
  );

  const markers = useMemo(
    () =>
      live?.position
        ? [{ id, lat: live.position.lat, lon: live.position.lon, colour: STATUS_COLOUR[markerStatus(live)], label: `${plan.vehicle?.make ?? ""} ${plan.vehicle?.model ?? ""}`.trim() || t("vehicle.mine") }]
        : [],
    [live, id, plan.vehicle, t],
  );

  if (data.loading && !data.data) return <Loading />;
  if (data.error) return <ErrorBox message={data.error.message} onRetry={data.reload} />;
  const waitText = (r: string) => (WAIT_REASON_KEYS[r] ? t(WAIT_REASON_KEYS[r] as never) : r);
  const lock = data.data?.lock;
  const lockState = lock?.state ?? live?.lock_state ?? "unlocked";
  const status = live ? markerStatus({ ...live, lock_state: lockState }) : null;

  const warnings: { key: string; text: string; tone: "bad" | "warn" }[] = [];
  if (lockState === "locked") warnings.push({ key: "locked", text: t("myv.warnLocked"), tone: "bad" });
  else if (lockState === "pending" || lockState === "locking")
    warnings.push({ key: "pending", text: lock?.waiting_for ? t("myv.warnPendingWhy", { why: waitText(lock.waiting_for) }) : t("myv.warnPending"), tone: "bad" });
  else if (lockState === "unlocking") warnings.push({ key: "unlocking", text: t("myv.warnUnlocking"), tone: "warn" });
  if (plan.days_past_due > 0) warnings.push({ key: "overdue", text: t("myv.warnOverdue", { days: plan.days_past_due }), tone: "warn" });
  if (live && !live.online) warnings.push({ key: "offline", text: t("myv.warnOffline", { time: formatDateTime(live.last_seen_at, lang) }), tone: "warn" });
  if (live?.battery_percent != null && live.battery_percent < LOW_BATTERY) warnings.push({ key: "battery", text: t("myv.warnBattery", { percent: Math.round(live.battery_percent) }), tone: "warn" });

  return (
    <section className="card" aria-labelledby={`v-${id}`} data-testid="my-vehicle" data-vehicle-id={id} data-lock-state={lockState}>
      <h2 id={`v-${id}`}>
        {plan.vehicle?.make} {plan.vehicle?.model} {plan.vehicle?.year}
      </h2>
      <p>
        <span className={`badge ${lockState === "locked" || lockState === "pending" || lockState === "locking" ? "bad" : lockState === "unlocked" ? "ok" : "warn"}`} data-testid="lock-state">
          {t(`lock.${lockState}` as never)}
        </span>{" "}
        {status && <span className="badge info">{t(`fleet.status.${status}` as never)}</span>}
      </p>
      {warnings.length > 0 && (
        <ul className="warnings" aria-label={t("myv.warnings")} data-testid="warnings">
          {warnings.map((w) => (
            <li key={w.key} className={w.tone === "bad" ? "alert bad" : "alert"}>
              {w.text}{" "}
              {(w.key === "locked" || w.key === "pending" || w.key === "overdue") && <Link href={`/plans/${plan.id}`}>{t("myv.payNow")}</Link>}
            </li>
          ))}
        </ul>
      )}
      {!live?.position ? (
        <p className="muted" data-testid="no-position">
          {t("myv.noPosition")}
        </p>
      ) : (
        <>
          <MapView label={t("myv.mapLabel")} markers={markers} track={track} fitKey={id} testId="my-vehicle-map" />
          <MapLegend items={[{ colour: "#1d5fbf", label: t("myv.track24h") }, { colour: STATUS_COLOUR[status ?? "online"], label: t("myv.lastPosition") }]} />
          <dl className="specs" data-testid="position">
            <dt>{t("myv.lastSeen")}</dt>
            <dd>{formatDateTime(live.device_time ?? live.last_seen_at, lang)}</dd>
            <dt>{t("myv.coordinates")}</dt>
            <dd>
              {live.position.lat.toFixed(5)}, {live.position.lon.toFixed(5)}
            </dd>
            <dt>{t("myv.speed")}</dt>
            <dd>{t("myv.kmh", { speed: Math.round(live.speed_kmh ?? 0) })}</dd>
            <dt>{t("myv.ignition")}</dt>
            <dd>{live.ignition == null ? "—" : live.ignition ? t("myv.on") : t("myv.off")}</dd>
            {live.battery_percent != null && (
              <>
                <dt>{t("myv.battery")}</dt>
                <dd>{Math.round(live.battery_percent)}%</dd>
              </>
            )}
          </dl>
        </>
      )}
    </section>
  );
}

function MyVehicle() {
  const { t } = useApp();
  const plans = useLoad(() => api<{ items: PlanSummary[] }>("/api/v1/plans/mine"), []);
  const reload = plans.reload;
  const onPlanEvent = useCallback((type: string) => type.startsWith("payment.plan.") && void reload(), [reload]);
  useEffect(() => realtime().on("me", (e) => onPlanEvent(e.type)), [onPlanEvent]);
  if (plans.loading && !plans.data) return <Loading />;
  if (plans.error) return <ErrorBox message={plans.error.message} onRetry={plans.reload} />;
  const riding = (plans.data?.items ?? []).filter((p) => RIDING.includes(p.status));
  return (
    <>
      <h1>{t("myv.title")}</h1>
      {riding.length === 0 ? (
        <p className="card" data-testid="no-vehicle">
          {t("myv.none")} <Link href="/plans">{t("nav.plans")}</Link>
        </p>
      ) : (
        riding.map((p) => <Vehicle key={p.id} plan={p} />)
      )}
    </>
  );
}

export default function MyVehiclePage() {
  return (
    <RequireSession>
      <MyVehicle />
    </RequireSession>
  );
}

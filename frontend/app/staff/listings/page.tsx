"use client";
import { useEffect, useState } from "react";
import { ListingPhoto } from "../../../components/ListingEditor";
import { useApp } from "../../../components/Providers";
import { ErrorBox, Loading, RequireSession, TextArea } from "../../../components/ui";
import { api, ApiError } from "../../../lib/api";
import { formatDate } from "../../../lib/dates";
import { vehiclePath } from "../../../lib/listings";
import { formatMoney } from "../../../lib/money";
import type { SearchPage, VehicleItem } from "../../../lib/types";
import { useLoad } from "../../../lib/useLoad";

/** The review queue: the search route's staff-only status filter. */
const QUEUE = "/api/v1/vehicles?status=pending_review&sort=newest&limit=20";

const nameOf = (v: VehicleItem) => `${v.make} ${v.model} ${v.year}`;

function Decide({ v, onDecided }: { v: VehicleItem; onDecided: (what: "approved" | "rejected") => void }) {
  const { t } = useApp();
  const [reason, setReason] = useState("");
  const [reasonError, setReasonError] = useState<string | undefined>();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const decide = async (what: "approve" | "reject") => {
    setError(null);
    setReasonError(undefined);
    const r = reason.trim();
    if (what === "reject" && (r.length < 3 || r.length > 500)) {
      setReasonError(t("listing.reasonRequired"));
      return;
    }
    setBusy(true);
    try {
      await api(vehiclePath(v.id, `/${what}`), what === "reject" ? { body: { reason: r } } : { method: "POST" });
      onDecided(what === "approve" ? "approved" : "rejected");
    } catch (e) {
      if (e instanceof ApiError) {
        const fe = e.fieldErrors();
        if (fe.reason) setReasonError(fe.reason);
        else setError(e.problem?.detail || e.message);
      } else setError(t("common.error"));
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <TextArea id={`reason-${v.id}`} label={t("listing.reason")} value={reason} onChange={setReason} rows={2} maxLength={500} error={reasonError} />
      <div className="row">
        <button type="button" onClick={() => void decide("approve")} disabled={busy}>
          {t("listing.approve")}
        </button>
        <button type="button" className="secondary" onClick={() => void decide("reject")} disabled={busy}>
          {t("listing.reject")}
        </button>
      </div>
      {error && <ErrorBox message={error} />}
    </>
  );
}

function Queue() {
  const { t, lang } = useApp();
  const first = useLoad(() => api<SearchPage>(QUEUE), []);
  const [items, setItems] = useState<VehicleItem[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [moreError, setMoreError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);

  useEffect(() => {
    if (first.data) {
      setItems(first.data.items);
      setCursor(first.data.next_cursor);
    }
  }, [first.data]);

  const more = async () => {
    if (!cursor) return;
    setMoreError(null);
    try {
      const p = await api<SearchPage>(`${QUEUE}&cursor=${encodeURIComponent(cursor)}`);
      setItems((xs) => [...xs, ...p.items.filter((i) => !xs.some((x) => x.id === i.id))]);
      setCursor(p.next_cursor);
    } catch (e) {
      setMoreError((e as Error).message);
    }
  };

  const decided = (v: VehicleItem, what: "approved" | "rejected") => {
    setDone(t(what === "approved" ? "listing.approvedDone" : "listing.rejectedDone", { name: nameOf(v) }));
    setItems((xs) => xs.filter((x) => x.id !== v.id));
  };

  return (
    <>
      <h1>{t("listing.reviewTitle")}</h1>
      <p className="muted">{t("listing.reviewIntro")}</p>
      <div className="row">
        <button type="button" className="secondary" onClick={() => void first.reload()} disabled={first.loading}>
          {t("listing.refresh")}
        </button>
      </div>
      {done && (
        <p className="ok-box" role="status">
          {done}
        </p>
      )}
      {first.loading && !first.data ? (
        <Loading />
      ) : first.error ? (
        <ErrorBox message={first.error.message} onRetry={first.reload} />
      ) : items.length === 0 ? (
        <p className="card" data-testid="listing-review-empty">
          {t("listing.reviewEmpty")}
        </p>
      ) : (
        <ul style={{ listStyle: "none", padding: 0 }} data-testid="listing-review-queue">
          {items.map((v) => (
            <li key={v.id} className="card" data-vehicle-id={v.id}>
              <h2>{nameOf(v)}</h2>
              {v.cover_image_url ? <ListingPhoto url={v.cover_image_url} alt={t("listing.cover")} /> : <p className="muted">{t("market.noImage")}</p>}
              <dl className="specs">
                <dt>{t("listing.category")}</dt>
                <dd>{t(`listing.category.${v.category}` as never)}</dd>
                <dt>{t("listing.condition")}</dt>
                <dd>{t(`market.condition.${v.condition}` as never)}</dd>
                <dt>{t("listing.fuel")}</dt>
                <dd>
                  {t(`market.fuel.${v.fuel}` as never)}
                  {v.engine_cc ? ` · ${v.engine_cc} cc` : ""}
                  {v.battery_kwh ? ` · ${v.battery_kwh} kWh` : ""}
                </dd>
                <dt>{t("listing.mileage")}</dt>
                <dd>{v.mileage_km ?? 0}</dd>
                <dt>{t("vehicle.price")}</dt>
                <dd>{formatMoney(v.price, lang)}</dd>
                <dt>{t("listing.city")}</dt>
                <dd>
                  {v.location.city}
                  {v.location.branch ? ` · ${v.location.branch}` : ""}
                </dd>
                <dt>{t("listing.dealer")}</dt>
                <dd>
                  <code>{v.dealer_id.slice(0, 8)}</code>
                </dd>
                <dt>{t("listing.created_at")}</dt>
                <dd>{formatDate(v.created_at, lang)}</dd>
              </dl>
              <Decide v={v} onDecided={(what) => decided(v, what)} />
            </li>
          ))}
        </ul>
      )}
      {moreError && <ErrorBox message={moreError} />}
      {cursor && (
        <button type="button" className="secondary" onClick={() => void more()}>
          {t("common.more")}
        </button>
      )}
    </>
  );
}

export default function StaffListingsPage() {
  return (
    <RequireSession roles={["admin"]}>
      <Queue />
    </RequireSession>
  );
}

"use client";
import Link from "next/link";
import { formatMoney } from "../lib/money";
import { mediaUrl } from "../lib/media";
import type { VehicleItem } from "../lib/types";
import { useApp } from "./Providers";

export function VehicleCard({ v, eager }: { v: VehicleItem; eager?: boolean }) {
  const { t, lang } = useApp();
  const img = mediaUrl(v.cover_image_url);
  const tone = v.status === "available" ? "ok" : "warn";
  return (
    <li className="vcard" data-vehicle-id={v.id} data-status={v.status}>
      <Link href={`/vehicles/${v.id}`}>
        <div className="img">
          {img ? (
            // Fixed 4:3 box: no layout shift while the photo loads.
            // eslint-disable-next-line @next/next/no-img-element
            <img src={img} alt={`${v.make} ${v.model}`} loading={eager ? "eager" : "lazy"} width={400} height={300} />
          ) : (
            <span>{t("market.noImage")}</span>
          )}
        </div>
        <div className="body">
          <h2>
            {v.make} {v.model}
          </h2>
          <p className="muted">
            {v.year} · {t(`market.condition.${v.condition}` as never)} · {v.location.city}
            {v.distance_km != null ? ` · ${v.distance_km} km` : ""}
          </p>
          <p className="price">{formatMoney(v.price, lang)}</p>
          <span className={`badge ${tone}`} aria-live="polite">
            {t(`vstatus.${v.status}` as never)}
          </span>
        </div>
      </Link>
    </li>
  );
}

"use client";
import Link from "next/link";
import { useEffect, useState } from "react";
import { formatMoney } from "../lib/money";
import { mediaUrl } from "../lib/media";
import type { PlanTemplate } from "../lib/quote";
import { realtime } from "../lib/realtime";
import type { Vehicle } from "../lib/types";
import { useApp } from "./Providers";
import { QuoteCalculator } from "./QuoteCalculator";

export function VehicleView({ vehicle, templates }: { vehicle: Vehicle | null; templates: PlanTemplate[] }) {
  const { t, lang } = useApp();
  const [status, setStatus] = useState(vehicle?.status ?? "");
  useEffect(() => {
    if (!vehicle) return;
    return realtime().on("vehicles", (e) => {
      const d = e.data as { vehicle_id?: string; new_status?: string };
      if (d.vehicle_id === vehicle.id && d.new_status) setStatus(d.new_status);
    });
  }, [vehicle]);
  if (!vehicle) return <p className="card">{t("vehicle.notFound")}</p>;
  const images = [...vehicle.images].sort((a, b) => a.position - b.position);
  return (
    <>
      <p>
        <Link href="/">← {t("common.back")}</Link>
      </p>
      <h1>
        {vehicle.make} {vehicle.model} {vehicle.year}
      </h1>
      {images.length > 0 && (
        <div className="gallery" aria-label="photos">
          {images.map((im, i) => (
            <figure key={im.id}>
              {/* eslint-disable-next-line @next/next/no-img-element */}
              <img src={mediaUrl(im.url) ?? ""} alt={`${vehicle.make} ${vehicle.model} ${i + 1}`} loading={i === 0 ? "eager" : "lazy"} width={640} height={480} />
            </figure>
          ))}
        </div>
      )}
      <section className="card">
        <p className="price">{formatMoney(vehicle.price, lang)}</p>
        <p>
          <span className={`badge ${status === "available" ? "ok" : "warn"}`} aria-live="polite" data-testid="vehicle-status">
            {t(`vstatus.${status}` as never)}
          </span>
        </p>
        <h2>{t("vehicle.specs")}</h2>
        <dl className="specs">
          <dt>{t("vehicle.year")}</dt>
          <dd>{vehicle.year}</dd>
          <dt>{t("market.condition")}</dt>
          <dd>{t(`market.condition.${vehicle.condition}` as never)}</dd>
          <dt>{t("market.fuel")}</dt>
          <dd>{t(`market.fuel.${vehicle.fuel}` as never)}</dd>
          {vehicle.engine_cc ? (
            <>
              <dt>{t("vehicle.engine")}</dt>
              <dd>{vehicle.engine_cc} cc</dd>
            </>
          ) : null}
          {vehicle.battery_kwh ? (
            <>
              <dt>{t("vehicle.battery")}</dt>
              <dd>{vehicle.battery_kwh} kWh</dd>
            </>
          ) : null}
          <dt>{t("vehicle.mileage")}</dt>
          <dd>{new Intl.NumberFormat(lang === "sw" ? "sw-KE" : "en-GB").format(vehicle.mileage_km ?? 0)} km</dd>
          {vehicle.colour ? (
            <>
              <dt>{t("vehicle.colour")}</dt>
              <dd>{vehicle.colour}</dd>
            </>
          ) : null}
          <dt>{t("vehicle.location")}</dt>
          <dd>
            {vehicle.location.city}
            {vehicle.location.branch ? `, ${vehicle.location.branch}` : ""}
          </dd>
          {vehicle.tracker_ready ? (
            <>
              <dt>GPS</dt>
              <dd>{t("vehicle.tracker")}</dd>
            </>
          ) : null}
        </dl>
        {vehicle.description && <p>{vehicle.description}</p>}
      </section>
      {status === "available" ? (
        <QuoteCalculator vehicle={vehicle} templates={templates} />
      ) : (
        <p className="alert">{t("vehicle.unavailable")}</p>
      )}
    </>
  );
}

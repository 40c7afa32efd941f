"use client";
import { useEffect } from "react";
import { DecisionView } from "../../components/DecisionView";
import { useApp } from "../../components/Providers";
import { ErrorBox, Loading, RequireSession } from "../../components/ui";
import { api } from "../../lib/api";
import type { Application } from "../../lib/credit";
import { formatDateTime } from "../../lib/dates";
import { realtime } from "../../lib/realtime";
import { useLoad } from "../../lib/useLoad";

function Applications() {
  const { t, lang } = useApp();
  const apps = useLoad(() => api<{ items: Application[] }>("/api/v1/credit/applications/mine"), []);
  // A referred application's decision arrives on the `me` channel.
  useEffect(() => realtime().on("me", (e) => e.type.startsWith("credit.") && void apps.reload()), [apps.reload]); // eslint-disable-line react-hooks/exhaustive-deps
  if (apps.loading && !apps.data) return <Loading />;
  if (apps.error) return <ErrorBox message={apps.error.message} onRetry={apps.reload} />;
  const items = apps.data?.items ?? [];
  return (
    <>
      <h1>{t("applications.title")}</h1>
      {items.length === 0 && <p className="card">{t("common.none")}</p>}
      {items.map((a) => (
        <section className="card" key={a.id} data-application-id={a.id}>
          <h2>
            {a.vehicle.make} {a.vehicle.model} {a.vehicle.year}
          </h2>
          <p className="muted">
            {t(`applications.status.${a.status}` as never)} · {formatDateTime(a.created_at, lang)}
          </p>
          <DecisionView app={a} />
        </section>
      ))}
    </>
  );
}

export default function ApplicationsPage() {
  return (
    <RequireSession>
      <Applications />
    </RequireSession>
  );
}

"use client";
import Link from "next/link";
import { useApp } from "../../components/Providers";
import { ErrorBox, Loading, RequireSession } from "../../components/ui";
import { api } from "../../lib/api";
import { formatMoney } from "../../lib/money";
import type { PlanSummary } from "../../lib/plans";
import { useLoad } from "../../lib/useLoad";

function Plans() {
  const { t, lang } = useApp();
  const plans = useLoad(() => api<{ items: PlanSummary[] }>("/api/v1/plans/mine"), []);
  if (plans.loading && !plans.data) return <Loading />;
  if (plans.error) return <ErrorBox message={plans.error.message} onRetry={plans.reload} />;
  const items = plans.data?.items ?? [];
  return (
    <>
      <h1>{t("plan.title")}</h1>
      {items.length === 0 && (
        <p className="card">
          {t("plan.none")} <Link href="/">{t("nav.market")}</Link>
        </p>
      )}
      {items.map((p) => (
        <Link key={p.id} href={`/plans/${p.id}`} className="card" style={{ display: "block", color: "inherit", textDecoration: "none" }}>
          <strong>{t("plan.reference", { ref: p.reference })}</strong> · {p.vehicle?.make} {p.vehicle?.model}
          <br />
          <span className="badge info">{t(`plan.status.${p.status}` as never)}</span> {t("plan.outstanding")}: {formatMoney(p.outstanding, lang)}
        </Link>
      ))}
    </>
  );
}

export default function PlansPage() {
  return (
    <RequireSession>
      <Plans />
    </RequireSession>
  );
}

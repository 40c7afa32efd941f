"use client";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { api, ApiError } from "../lib/api";
import { reasonText, type Application } from "../lib/credit";
import { formatDateTime } from "../lib/dates";
import { formatMoney } from "../lib/money";
import { useApp } from "./Providers";
import { ErrorBox } from "./ui";

/** The decision with its reasons in plain words, and what to do next (start the plan). */
export function DecisionView({ app }: { app: Application }) {
  const { t, lang } = useApp();
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const d = app.decision;
  if (!d) return <p className="muted">{t(`applications.status.${app.status}` as never)}</p>;
  const tone = d.decision === "approved" ? "ok" : d.decision === "declined" ? "bad" : "warn";
  const startPlan = async () => {
    setBusy(true);
    setError(null);
    try {
      // The deposit: the minimum the decision allows, on the vehicle's price as applied for.
      const quote = await api<{ deposit: { amount: number; currency: string } }>("/api/v1/plans/quote", {
        body: { vehicle_id: app.vehicle_id, template_id: app.template_id },
      });
      let deposit = quote.deposit;
      if (d.terms && app.vehicle.price) {
        const min = Math.ceil((app.vehicle.price.amount * d.terms.min_deposit_percent) / 100);
        if (min > deposit.amount) deposit = { amount: min, currency: deposit.currency };
      }
      const plan = await api<{ id: string }>("/api/v1/plans", {
        body: { credit_decision_id: d.id, vehicle_id: app.vehicle_id, template_id: app.template_id, deposit },
      });
      router.push(`/plans/${plan.id}`);
    } catch (e) {
      setError(e instanceof ApiError ? e.message : t("common.error"));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div data-testid="decision" data-decision={d.decision}>
      <p>
        <span className={`badge ${tone}`}>{t(`decision.${d.decision}`)}</span>{" "}
        <span className="muted">{t("decision.score", { score: d.score, grade: d.grade })}</span>
      </p>
      {d.reasons.length > 0 && (
        <>
          <h3>{t("decision.reasons")}</h3>
          <ul>
            {d.reasons.map((r) => (
              <li key={r.code}>{reasonText(r, lang)}</li>
            ))}
          </ul>
        </>
      )}
      {d.terms?.max_financed && (
        <p className="muted">
          max {formatMoney(d.terms.max_financed, lang)} · {d.terms.min_deposit_percent}%{d.expires_at ? ` · ${formatDateTime(d.expires_at, lang)}` : ""}
        </p>
      )}
      <p>{t(`decision.next.${d.decision}`)}</p>
      {error && <ErrorBox message={error} />}
      {d.decision === "approved" && !app.plan_id && app.status === "approved" && (
        <button type="button" onClick={startPlan} disabled={busy}>
          {t("decision.startPlan")}
        </button>
      )}
      {app.plan_id && (
        <a className="button" href={`/plans/${app.plan_id}`}>
          {t("nav.plans")}
        </a>
      )}
    </div>
  );
}

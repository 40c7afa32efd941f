"use client";
import Link from "next/link";
import { useApp } from "../../../components/Providers";
import { WeeklyCollections } from "../../../components/WeeklyCollections";
import { ErrorBox, Loading, RequireSession } from "../../../components/ui";
import { api } from "../../../lib/api";
import { formatDate } from "../../../lib/dates";
import { formatMoney, type Money } from "../../../lib/money";
import type { PlanSummary, Portfolio } from "../../../lib/plans";
import { useLoad } from "../../../lib/useLoad";
import { mondayOf } from "../../../lib/weekly";

function PlansConsole() {
  const { t, lang } = useApp();
  const pf = useLoad(() => api<Portfolio>("/api/v1/plans/portfolio"), []);
  const list = useLoad(() => api<{ items: PlanSummary[] }>("/api/v1/plans?limit=50"), []);
  if ((pf.loading && !pf.data) || (list.loading && !list.data)) return <Loading />;
  if (pf.error || list.error) return <ErrorBox message={(pf.error ?? list.error)!.message} onRetry={() => { void pf.reload(); void list.reload(); }} />;
  const m = (x: Money) => formatMoney(x, lang);
  const currentWeek = pf.data?.week_starting ?? mondayOf(pf.data?.as_of);
  return (
    <>
      <h1>{t("staff.plans")}</h1>
      <p className="muted">{formatDate(pf.data?.as_of, lang)}</p>
      {(pf.data?.portfolios ?? []).map((p) => (
        <section key={p.currency} className="card">
          <h2>{p.currency}</h2>
          <div className="kpis">
            <div className="kpi">
              {t("staff.activePlans")}
              <b>{p.active_plans}</b>
            </div>
            <div className="kpi">
              {t("staff.defaulted")} / {t("staff.locked")}
              <b>
                {p.defaulted_plans} / {p.locked_plans}
              </b>
            </div>
            <div className="kpi">
              {t("plan.outstanding")}
              <b>{m(p.outstanding)}</b>
            </div>
            <div className="kpi">
              PAR1 / 7 / 30
              <b>
                {p.par.par1.ratio}% / {p.par.par7.ratio}% / {p.par.par30.ratio}%
              </b>
            </div>
            <div className="kpi">
              {t("staff.collectedWeek")}
              <b>{m(p.collected_this_week)}</b>
            </div>
            <div className="kpi">
              {t("staff.expectedWeek")}
              <b>{m(p.expected_this_week)}</b>
            </div>
          </div>
          <WeeklyCollections weeks={p.weeks} currency={p.currency} currentWeek={currentWeek} />
        </section>
      ))}
      <section className="card">
        <h2>{t("staff.collections")}</h2>
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Ref</th>
                <th scope="col">{t("common.status")}</th>
                <th scope="col">{t("staff.bucket")}</th>
                <th scope="col">{t("plan.outstanding")}</th>
              </tr>
            </thead>
            <tbody>
              {(list.data?.items ?? []).map((p) => (
                <tr key={p.id}>
                  <td>
                    <Link href={`/plans/${p.id}`}>{p.reference}</Link>
                  </td>
                  <td>{t(`plan.status.${p.status}` as never)}</td>
                  <td>
                    {p.bucket} ({p.days_past_due})
                  </td>
                  <td>{m(p.outstanding)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
    </>
  );
}

export default function StaffPlansPage() {
  return (
    <RequireSession roles={["admin", "credit_officer", "support_agent"]}>
      <PlansConsole />
    </RequireSession>
  );
}

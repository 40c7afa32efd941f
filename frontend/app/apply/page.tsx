"use client";
import { useRouter, useSearchParams } from "next/navigation";
import { Suspense, useState } from "react";
import { useApp } from "../../components/Providers";
import { ErrorBox, Field, Loading, RequireSession, Select } from "../../components/ui";
import { api, ApiError } from "../../lib/api";
import { stepOfField, type Application } from "../../lib/credit";
import { formatMoney, parseMoneyInput } from "../../lib/money";
import type { Vehicle } from "../../lib/types";
import { useLoad } from "../../lib/useLoad";

const EMPLOYMENT = ["boda_rider", "ride_hailing", "delivery", "taxi", "salaried", "business", "other"];
const TOTAL = 5;

interface Prequal {
  score: number;
  grade: string;
  decision: string;
  reasons: { code: string; message: string }[];
  affordable_monthly_instalment: { amount: number; currency: string };
}

function ApplyForm() {
  const { t, lang } = useApp();
  const router = useRouter();
  const sp = useSearchParams();
  const vehicleId = sp.get("vehicle") ?? "";
  const templateId = sp.get("template") ?? "";
  const vehicle = useLoad(() => api<Vehicle>(`/api/v1/vehicles/${encodeURIComponent(vehicleId)}`), [vehicleId]);
  const me = useLoad(() => api<{ kyc_status: string }>("/api/v1/users/me"), []);
  const [step, setStep] = useState(0);
  const [f, setF] = useState({
    employment_type: "boda_rider", months_in_work: "", income: "", obligations: "0",
    mm_months: "", mm_inflow: "", mm_tx: "", dependants: "0", months_at_residence: "",
    g_name: "", g_phone: "", g_rel: "", g_nid: "", r1_name: "", r1_phone: "", r2_name: "", r2_phone: "",
  });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  const [prequal, setPrequal] = useState<Prequal | null>(null);
  const [busy, setBusy] = useState(false);
  const set = (k: keyof typeof f) => (v: string) => setF({ ...f, [k]: v });

  if (vehicle.loading || me.loading) return <Loading />;
  if (!vehicle.data) return <ErrorBox message={t("vehicle.notFound")} />;
  const currency = vehicle.data.price.currency;
  if (me.data?.kyc_status !== "verified")
    return (
      <div className="card">
        <p className="alert">{t("apply.kycFirst")}</p>
        <a className="button" href="/account">
          {t("account.kyc")}
        </a>
      </div>
    );

  const int = (s: string) => (s.trim() === "" || !/^\d+$/.test(s.trim()) ? (s as unknown as number) : Number(s));
  const money = (s: string) => ({ amount: parseMoneyInput(s, currency) ?? (s as unknown as number), currency });
  const body = () => ({
    vehicle_id: vehicleId,
    template_id: templateId,
    employment_type: f.employment_type,
    months_in_work: int(f.months_in_work),
    monthly_income: money(f.income),
    monthly_obligations: money(f.obligations),
    mobile_money: { months_of_history: int(f.mm_months), avg_monthly_inflow: parseMoneyInput(f.mm_inflow, currency) ?? int(f.mm_inflow), avg_monthly_transactions: int(f.mm_tx) },
    dependants: int(f.dependants),
    months_at_residence: int(f.months_at_residence),
    guarantor: { name: f.g_name, phone: f.g_phone, relationship: f.g_rel, national_id: f.g_nid },
    references: [
      { name: f.r1_name, phone: f.r1_phone },
      { name: f.r2_name, phone: f.r2_phone },
    ],
  });
  const fail = (err: unknown) => {
    if (err instanceof ApiError) {
      const fe = err.fieldErrors();
      setErrors(fe);
      const first = Object.keys(fe)[0];
      if (first) setStep(stepOfField(first));
      else setError(err.message);
    } else setError(t("common.error"));
  };
  const check = async () => {
    setBusy(true);
    setError(null);
    setErrors({});
    try {
      setPrequal(await api<Prequal>("/api/v1/credit/prequalify", { body: body() }));
    } catch (e) {
      fail(e);
    } finally {
      setBusy(false);
    }
  };
  const submit = async () => {
    setBusy(true);
    setError(null);
    setErrors({});
    try {
      const app = await api<Application>("/api/v1/credit/applications", { body: body() });
      router.push(`/applications?id=${app.id}`);
    } catch (e) {
      fail(e);
    } finally {
      setBusy(false);
    }
  };
  const e = errors;
  return (
    <>
      <h1>{t("apply.title")}</h1>
      <p className="muted">
        {vehicle.data.make} {vehicle.data.model} · {formatMoney(vehicle.data.price, lang)}
      </p>
      <div className="stepper" aria-hidden="true">
        {Array.from({ length: TOTAL }, (_, i) => (
          <span key={i} className={i <= step ? "on" : ""} />
        ))}
      </div>
      <p className="muted">{t("apply.step", { n: step + 1, total: TOTAL })}</p>
      {error && <ErrorBox message={error} />}
      <form
        className="card"
        noValidate
        onSubmit={(ev) => {
          ev.preventDefault();
          if (step < TOTAL - 1) setStep(step + 1);
          else void submit();
        }}
      >
        {step === 0 && (
          <fieldset>
            <legend>{t("apply.work")}</legend>
            <Select id="employment_type" label={t("apply.employment")} value={f.employment_type} onChange={set("employment_type")} error={e.employment_type}
              options={EMPLOYMENT.map((x) => ({ value: x, label: t(`apply.emp.${x}` as never) }))} />
            <Field id="months_in_work" label={t("apply.monthsInWork")} inputMode="numeric" value={f.months_in_work} onChange={set("months_in_work")} error={e.months_in_work} />
            <Field id="income" label={`${t("apply.income")} (${currency})`} inputMode="decimal" value={f.income} onChange={set("income")} error={e.monthly_income ?? e["monthly_income.amount"] ?? e["monthly_income.currency"]} />
            <Field id="obligations" label={`${t("apply.obligations")} (${currency})`} inputMode="decimal" value={f.obligations} onChange={set("obligations")} error={e.monthly_obligations ?? e["monthly_obligations.amount"]} />
          </fieldset>
        )}
        {step === 1 && (
          <fieldset>
            <legend>{t("apply.mm")}</legend>
            <Field id="mm_months" label={t("apply.mmMonths")} inputMode="numeric" value={f.mm_months} onChange={set("mm_months")} error={e["mobile_money.months_of_history"]} />
            <Field id="mm_inflow" label={`${t("apply.mmInflow")} (${currency})`} inputMode="decimal" value={f.mm_inflow} onChange={set("mm_inflow")} error={e["mobile_money.avg_monthly_inflow"]} />
            <Field id="mm_tx" label={t("apply.mmTx")} inputMode="numeric" value={f.mm_tx} onChange={set("mm_tx")} error={e["mobile_money.avg_monthly_transactions"] ?? e.mobile_money} />
          </fieldset>
        )}
        {step === 2 && (
          <fieldset>
            <legend>{t("apply.home")}</legend>
            <Field id="dependants" label={t("apply.dependants")} inputMode="numeric" value={f.dependants} onChange={set("dependants")} error={e.dependants} />
            <Field id="months_at_residence" label={t("apply.monthsAtResidence")} inputMode="numeric" value={f.months_at_residence} onChange={set("months_at_residence")} error={e.months_at_residence} />
          </fieldset>
        )}
        {step === 3 && (
          <fieldset>
            <legend>{t("apply.guarantor")}</legend>
            <Field id="g_name" label={t("apply.gName")} value={f.g_name} onChange={set("g_name")} error={e["guarantor.name"] ?? e.guarantor} />
            <Field id="g_phone" label={t("apply.gPhone")} type="tel" inputMode="tel" value={f.g_phone} onChange={set("g_phone")} error={e["guarantor.phone"]} />
            <Field id="g_rel" label={t("apply.gRelationship")} value={f.g_rel} onChange={set("g_rel")} error={e["guarantor.relationship"]} />
            <Field id="g_nid" label={t("apply.gNationalId")} value={f.g_nid} onChange={set("g_nid")} error={e["guarantor.national_id"]} />
          </fieldset>
        )}
        {step === 4 && (
          <fieldset>
            <legend>{t("apply.references")}</legend>
            <Field id="r1_name" label={t("apply.refName", { n: 1 })} value={f.r1_name} onChange={set("r1_name")} error={e["references[0].name"] ?? e.references} />
            <Field id="r1_phone" label={t("apply.refPhone", { n: 1 })} type="tel" inputMode="tel" value={f.r1_phone} onChange={set("r1_phone")} error={e["references[0].phone"]} />
            <Field id="r2_name" label={t("apply.refName", { n: 2 })} value={f.r2_name} onChange={set("r2_name")} error={e["references[1].name"]} />
            <Field id="r2_phone" label={t("apply.refPhone", { n: 2 })} type="tel" inputMode="tel" value={f.r2_phone} onChange={set("r2_phone")} error={e["references[1].phone"]} />
            {prequal && (
              <p className="ok-box" role="status" data-testid="prequal">
                {t("apply.prequalResult", { decision: t(`decision.${prequal.decision}` as never), score: prequal.score })}
              </p>
            )}
          </fieldset>
        )}
        <div className="row">
          {step > 0 && (
            <button type="button" className="secondary" onClick={() => setStep(step - 1)}>
              {t("common.back")}
            </button>
          )}
          {step === TOTAL - 1 && (
            <button type="button" className="secondary" onClick={check} disabled={busy}>
              {t("apply.prequalify")}
            </button>
          )}
          <button type="submit" disabled={busy}>
            {step < TOTAL - 1 ? t("common.next") : t("apply.submit")}
          </button>
        </div>
      </form>
    </>
  );
}

export default function ApplyPage() {
  return (
    <RequireSession>
      <Suspense fallback={<Loading />}>
        <ApplyForm />
      </Suspense>
    </RequireSession>
  );
}
